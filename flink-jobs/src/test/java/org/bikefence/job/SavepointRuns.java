package org.bikefence.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.AbstractCheckpointStats;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.checkpoint.CheckpointStatsStatus;
import org.apache.flink.runtime.checkpoint.RestoredCheckpointStats;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.bikefence.config.JobOptions;
import org.bikefence.local.LocalInfluxd;
import org.bikefence.local.LocalKafka;
import org.bikefence.model.ViolationEvent;
import org.bikefence.testing.BoundedJobRun;
import org.bikefence.testing.JobOutput;

/**
 * What the savepoint tests share ({@code BoundedRestoreITCase}, {@code SavepointUpgradeFailureITCase},
 * {@code RescaleFailureITCase}): the input (1,000 simulated bikes of the demo's three operators for two hours), the
 * options of a bounded run whose halves share their outputs, stop-with-savepoint mid-stream, waiting for the
 * resumed half, the "next version" of the job, and the recovery figures.
 */
final class SavepointRuns {
    static final String RULES = FaultInput.RULES;
    static final String FENCES = FaultInput.FENCES;
    static final long START = FaultInput.START;
    static final long END = FaultInput.END;
    static final int BIKES = FaultInput.BIKES;
    static final Duration TIMEOUT = Duration.ofMinutes(4);

    /** The uid of the operator the next version of the job adds. */
    static final String NEW_OPERATOR_UID = "violations-per-bike";
    /** The accumulator in which the added operator counts the violation events it saw. */
    static final String NEW_OPERATOR_COUNTED = "violations-per-bike-counted";

    private SavepointRuns() {}

    /** The positions topic of one test and how many records it holds. */
    record Input(String positions, long sent) {}

    /**
     * Creates the positions topic and both violations topics of run {@code run} of a test ({@code prefix}), with
     * {@code partitions} partitions, and writes the input into the positions topic.
     */
    static Input input(LocalKafka kafka, String prefix, String run, int partitions) throws Exception {
        String positions = prefix + "-positions-" + run;
        kafka.createTopics(partitions, positions, violationsTopic(prefix, "a", run), violationsTopic(prefix, "b", run));
        JobOutput.keepForever(kafka, positions);
        return new Input(positions, produce(kafka, positions));
    }

    /** Writes the input into {@code topic} (keyed by bike) and returns how many records it holds. */
    static long produce(LocalKafka kafka, String topic) throws Exception {
        return FaultInput.produce(kafka.producerProps(), topic, 13);
    }

    /**
     * A bounded run of output {@code name}: every run (or half of one) of that name shares its database
     * {@code <prefix>_<name>_<run>}, violations topic {@code <prefix>-violations-<name>-<run>}, consumer group and
     * transactional ids, as a restarted deployment would.
     */
    static BoundedJobRun run(LocalKafka kafka, String positions, LocalInfluxd influx, String prefix, String name,
            String run) {
        return BoundedJobRun.over(kafka, positions, influx, database(prefix, name, run))
                .with(JobOptions.FENCES, FENCES)
                .with(JobOptions.RULES, RULES)
                .with(JobOptions.KAFKA_VIOLATIONS_TOPIC, violationsTopic(prefix, name, run))
                .with(JobOptions.KAFKA_TRANSACTIONAL_ID_PREFIX, prefix + "-" + name + "-" + run)
                .with(JobOptions.KAFKA_GROUP_ID, groupId(prefix, name, run))
                .with(JobOptions.KAFKA_DLQ_TOPIC, prefix + "-dlq-" + name + "-" + run)
                // Partitions are read side by side; none may be declared idle while another races ahead.
                .with(JobOptions.IDLENESS_MS, "600000");
    }

    static String database(String prefix, String name, String run) {
        return prefix + "_" + name + "_" + run;
    }

    static String groupId(String prefix, String name, String run) {
        return prefix + "-" + name + "-" + run;
    }

    static String violationsTopic(String prefix, String name, String run) {
        return prefix + "-violations-" + name + "-" + run;
    }

    /**
     * A savepoint, when the stop that took it was asked for and when the stopped job had ended (epoch ms), and how
     * many stops were declined before it.
     */
    record Stop(String savepoint, long requestedAtMs, long stoppedAtMs, int declined) {
        double seconds() {
            return (stoppedAtMs - requestedAtMs) / 1e3;
        }
    }

    /**
     * How often the first half checkpoints (ms). A bounded source reads ahead of the rest of the job by whatever the
     * buffers between the tasks hold; a source that has read its last record is closing and declines the savepoint.
     * With a checkpoint a second (the resumed half's interval) the job had sometimes written nothing by the time
     * its source had read everything; checkpoints this often flush output early, while the source still reads.
     */
    static final String FIRST_HALF_CHECKPOINT_INTERVAL_MS = "200";

    /**
     * Starts {@code firstHalf} and stops it with a savepoint mid-stream: as soon as it has written points into its
     * database {@code db} (flushed at a checkpoint), by when it has processed part of its input (the RECOVERY line
     * says how much of the output was written). A stop that is declined (a task closing, or the job restarting) is
     * asked for again while the job has not ended.
     */
    static Stop startAndStopMidStream(BoundedJobRun firstHalf, LocalInfluxd influx, String db, String bootstrapServers)
            throws Exception {
        // Throttled until the stop: the job reads this input in a second or two on a quiet machine (FaultInput).
        try (AutoCloseable slow = FaultInput.throttledFetches(bootstrapServers, 200_000)) {
            return stopMidStream(firstHalf, influx, db);
        }
    }

    private static Stop stopMidStream(BoundedJobRun firstHalf, LocalInfluxd influx, String db) throws Exception {
        String dir = Path.of("target", "savepoints").toAbsolutePath().toUri().toString();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        JobClient job = firstHalf.with(JobOptions.CHECKPOINT_INTERVAL_MS, FIRST_HALF_CHECKPOINT_INTERVAL_MS).start();
        while (influx.rows(db, "SHOW MEASUREMENTS").isEmpty()) {
            assertThat(job.getJobStatus().get(10, TimeUnit.SECONDS)).as("the run before its savepoint")
                    .isIn(JobStatus.INITIALIZING, JobStatus.CREATED, JobStatus.RUNNING);
            assertThat(System.nanoTime()).as("points written within " + TIMEOUT).isLessThan(deadline);
            Thread.sleep(20);
        }
        for (int declined = 0; ; declined++) {
            long requestedAt = System.currentTimeMillis();
            try {
                String savepoint = job.stopWithSavepoint(false, dir, SavepointFormatType.CANONICAL)
                        .get(2, TimeUnit.MINUTES);
                return new Stop(savepoint, requestedAt, System.currentTimeMillis(), declined);
            } catch (ExecutionException refused) {
                JobStatus status = job.getJobStatus().get(10, TimeUnit.SECONDS);
                assertThat(status).as("the run whose stop-with-savepoint failed (" + refused.getCause()
                        + "): it must not have ended").isIn(JobStatus.RUNNING, JobStatus.RESTARTING,
                        JobStatus.CREATED, JobStatus.INITIALIZING);
                assertThat(System.nanoTime()).as("a savepoint within " + TIMEOUT).isLessThan(deadline);
                Thread.sleep(200);
            }
        }
    }

    /** What the stopped run had written must be part of the uninterrupted run's output, not none or all of it. */
    static void assertMidStream(JobOutput atStop, JobOutput uninterrupted) {
        assertThat(atStop.points()).as("points written before the stop: mid-stream").isPositive()
                .isLessThan(uninterrupted.points());
        assertThat(atStop.violations()).as("violations committed before the stop: mid-stream")
                .hasSizeLessThan(uninterrupted.violations().size());
    }

    /**
     * Waits for a resumed bounded run to finish, noting its recovery on the way (the cluster keeps only the last few
     * checkpoints' figures), timed from {@code fromMs} (epoch ms: the stop, or the submission of a second job resumed
     * from the same savepoint); cancels it and fails when it has not finished within {@link #TIMEOUT}.
     */
    static Recovery awaitFinished(MiniCluster cluster, JobClient job, long fromMs) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        double firstCheckpoint = Double.NaN;
        JobStatus status;
        while ((status = job.getJobStatus().get(10, TimeUnit.SECONDS)) != JobStatus.FINISHED) {
            assertThat(status).as("resumed run").isIn(JobStatus.INITIALIZING, JobStatus.CREATED, JobStatus.RUNNING,
                    JobStatus.RESTARTING);
            if (Double.isNaN(firstCheckpoint)) {
                firstCheckpoint = firstCheckpointSeconds(cluster.getExecutionGraph(job.getJobID())
                        .get(30, TimeUnit.SECONDS).getCheckpointStatsSnapshot(), fromMs);
            }
            if (System.nanoTime() - deadline > 0) {
                job.cancel().get(1, TimeUnit.MINUTES);
                throw new AssertionError("the bounded run resumed from a savepoint did not finish within " + TIMEOUT);
            }
            Thread.sleep(200);
        }
        AccessExecutionGraph graph = cluster.getArchivedExecutionGraph(job.getJobID()).get(30, TimeUnit.SECONDS);
        CheckpointStatsSnapshot stats = graph.getCheckpointStatsSnapshot();
        if (Double.isNaN(firstCheckpoint)) {
            firstCheckpoint = firstCheckpointSeconds(stats, fromMs);
        }
        RestoredCheckpointStats restored = stats.getLatestRestoredCheckpoint();
        return new Recovery(restored == null ? null : restored.getExternalPath(),
                (graph.getStatusTimestamp(JobStatus.RUNNING) - fromMs) / 1e3, firstCheckpoint,
                stats.getCounts().getNumberOfCompletedCheckpoints());
    }

    /** From {@code fromMs} to the first completed checkpoint; NaN when there is none yet, or no longer on record. */
    private static double firstCheckpointSeconds(CheckpointStatsSnapshot stats, long fromMs) {
        long first = Long.MAX_VALUE;
        // Only the latest checkpoints are kept here (web.checkpoints.history, 10): read while the first is.
        if (stats.getCounts().getNumberOfCompletedCheckpoints() <= 10) {
            for (AbstractCheckpointStats c : stats.getHistory().getCheckpoints()) {
                if (c.getStatus() == CheckpointStatsStatus.COMPLETED) {
                    first = Math.min(first, c.getLatestAckTimestamp());
                }
            }
        }
        return first == Long.MAX_VALUE ? Double.NaN : (first - fromMs) / 1e3;
    }

    /**
     * The next version of the job: the same pipeline plus one stateful operator with a uid of its own, a count of
     * violation events per bike (keyed state) on the tracker's output, into a sink that discards it: it writes
     * nothing the compared outputs hold. It counts what it saw in accumulator {@link #NEW_OPERATOR_COUNTED}.
     */
    @SuppressWarnings("unchecked")
    static void addViolationsPerBike(StreamExecutionEnvironment env) {
        Transformation<ViolationEvent> tracker = (Transformation<ViolationEvent>) env.getTransformations().stream()
                .filter(t -> "bike-tracker".equals(t.getUid())).findFirst()
                .orElseThrow(() -> new AssertionError("the job has no operator with uid bike-tracker"));
        new DataStream<>(env, tracker)
                .keyBy(v -> v.bikeId, Types.STRING)
                .process(new ViolationsPerBike()).returns(Types.LONG)
                .name(NEW_OPERATOR_UID).uid(NEW_OPERATOR_UID)
                .sinkTo(new DiscardingSink<>()).name("violations-per-bike-discarded").uid("violations-per-bike-sink");
    }

    /** Per bike, how many violation events it had; what a next version might add for a dashboard. */
    static final class ViolationsPerBike extends KeyedProcessFunction<String, ViolationEvent, Long> {
        private transient ValueState<Long> count;
        private transient LongCounter counted;

        @Override
        public void open(OpenContext context) {
            count = getRuntimeContext().getState(new ValueStateDescriptor<>("violations", Types.LONG));
            counted = getRuntimeContext().getLongCounter(NEW_OPERATOR_COUNTED);
        }

        @Override
        public void processElement(ViolationEvent v, Context ctx, org.apache.flink.util.Collector<Long> out)
                throws IOException {
            Long n = count.value();
            long next = n == null ? 1 : n + 1;
            count.update(next);
            counted.add(1);
            out.collect(next);
        }
    }

    /**
     * Copies every measurement of database {@code from} into {@code to}, tags kept as tags: a second output that
     * starts where a stopped run's output was when it stopped.
     */
    static void copyDatabase(LocalInfluxd influx, String from, String to) throws IOException, InterruptedException {
        influx.createDatabase(to);
        String q = "SELECT * INTO \"" + to + "\".\"autogen\".:MEASUREMENT FROM \"" + from + "\".\"autogen\"./.*/"
                + " GROUP BY *";
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(influx.url()
                        + "/query?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(q + ": " + r.body()).isEqualTo(200);
        assertThat(r.body()).as(q).doesNotContain("\"error\"");
    }

    /**
     * How a resumed job restored (the savepoint's path), when it was running (its tasks deployed) and when its output
     * resumed (its first completed checkpoint: Kafka transactions and InfluxDB flushes are committed there), in
     * seconds from the stop, and how many checkpoints it completed.
     */
    record Recovery(String restoredFrom, double runningSeconds, double firstCheckpointSeconds, long checkpoints) {}

    /** The figures of one fault, as every failure test prints them. */
    static void printRecovery(String fault, long records, JobOutput uninterrupted, JobOutput atStop,
            JobOutput resumed, Stop stop, Recovery recovery, double resumedRunSeconds) {
        long[] lostAndExtra = JobOutput.lostAndExtra(uninterrupted, resumed);
        System.out.printf("RECOVERY %s: %d records, %d points, %d violation records; stopped with savepoint %s "
                        + "in %.1f s (%d stops declined before; %d points, %d violation records written by then); "
                        + "restored %s; stop -> resumed job running %.1f s, stop -> first checkpoint completed after "
                        + "the restore (output committed again) %.1f s; resumed run %.1f s, %d checkpoints; lost %d, "
                        + "extra or duplicated %d%n", fault, records, uninterrupted.points(),
                uninterrupted.violations().size(), stop.savepoint(), stop.seconds(), stop.declined(), atStop.points(),
                atStop.violations().size(), recovery.restoredFrom(), recovery.runningSeconds(),
                recovery.firstCheckpointSeconds(), resumedRunSeconds, recovery.checkpoints(), lostAndExtra[0],
                lostAndExtra[1]);
    }
}
