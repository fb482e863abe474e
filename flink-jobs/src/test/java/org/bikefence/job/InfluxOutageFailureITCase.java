package org.bikefence.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.checkpoint.AbstractCheckpointStats;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.checkpoint.CheckpointStatsStatus;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.bikefence.config.JobOptions;
import org.bikefence.config.LocalRuntime;
import org.bikefence.local.LocalInfluxd;
import org.bikefence.local.LocalKafka;
import org.bikefence.testing.BoundedJobRun;
import org.bikefence.testing.FlinkTestCluster;
import org.bikefence.testing.JobOutput;
import org.bikefence.testing.KafkaExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fault b of issue 11: influxd killed with SIGKILL mid-stream, kept down for 60 s, then started again on its data
 * directory and port. The job (bounded, over a simulated fleet in Kafka) runs once without a failure into database A
 * and violations topic A, and once into B with the outage after its first completed checkpoint. Its sink's retries
 * run out, its tasks fail, and it restarts from its last checkpoint with the live job's restart strategy
 * ({@link LocalRuntime#restartStrategy()}: exponential delay, no attempt limit) for as long as influxd is down. It must
 * never reach FAILED, must finish once influxd is back, and must have written exactly A's output: every InfluxDB
 * measurement row by row, and the violations topic read committed, as a multiset.
 *
 * <p>The test has an influxd of its own (not {@code InfluxdExtension}'s, which other test classes of the JVM share).
 */
@ExtendWith(KafkaExtension.class)
class InfluxOutageFailureITCase {

    @org.junit.jupiter.api.AfterEach
    void noBrokerStaysThrottled() throws Exception {
        FaultInput.removeThrottles();
    }
    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestCluster.twoSlots();

    static final String RULES = FaultInput.RULES;
    static final String FENCES = FaultInput.FENCES;
    static final long START = FaultInput.START;
    static final long END = FaultInput.END;
    static final int BIKES = FaultInput.BIKES;
    static final int PARTITIONS = 2;
    static final Duration OUTAGE = Duration.ofSeconds(60);
    static final Duration TIMEOUT = Duration.ofMinutes(5);
    /** A job that restarts is RUNNING or RESTARTING; it must never fail or be cancelled. */
    static final Set<JobStatus> ALIVE = EnumSet.of(JobStatus.INITIALIZING, JobStatus.CREATED, JobStatus.RUNNING,
            JobStatus.RESTARTING);

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aJobWhoseInfluxdIsKilledForAMinuteNeverGivesUpAndWritesWhatARunWithoutFailureWrites(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        // The premise: the cluster restarts jobs as a real one does, for ever (BoundedJobRun sets no strategy).
        assertThat(cluster.getConfiguration().toMap()).containsAllEntriesOf(LocalRuntime.restartStrategy().toMap());
        LocalKafka kafka = KafkaExtension.kafka();
        String run = Long.toString(System.nanoTime());
        String positions = "outage-positions-" + run;
        kafka.createTopics(PARTITIONS, positions, "outage-violations-a-" + run, "outage-violations-b-" + run);
        JobOutput.keepForever(kafka, positions);
        long sent = produce(kafka, positions);

        Path dir = Path.of("target", "influxd-outage-" + ProcessHandle.current().pid() + "-" + run);
        try (LocalInfluxd influxd = LocalInfluxd.start(dir)) {
            long t0 = System.nanoTime();
            influxd.createDatabase("outage_a_" + run);
            run(kafka, positions, influxd, "a", run).run();
            double runA = (System.nanoTime() - t0) / 1e9;
            JobOutput a = JobOutput.read(influxd, "outage_a_" + run, kafka, "outage-violations-a-" + run, PARTITIONS);

            t0 = System.nanoTime();
            influxd.createDatabase("outage_b_" + run);
            AutoCloseable slow = FaultInput.throttledFetches(kafka.bootstrapServers(), 200_000);
            JobClient client = run(kafka, positions, influxd, "b", run).start();
            Watch b = new Watch(cluster, client.getJobID());
            b.pollUntil("the first completed checkpoint of run B", () -> b.completed >= 1);
            assertThat(b.status).as("run B when influxd is killed: mid-stream").isEqualTo(JobStatus.RUNNING);
            long checkpointsBeforeKill = b.completed;

            long killedAt = System.currentTimeMillis();
            influxd.kill();
            long downUntil = System.nanoTime() + OUTAGE.toNanos();
            b.pollUntil("the end of the outage", () -> System.nanoTime() - downUntil >= 0);
            assertThat(b.status).as("run B after %s without influxd", OUTAGE).isIn(JobStatus.RUNNING,
                    JobStatus.RESTARTING);
            long restartsDuringOutage = b.restarts;

            long restartedAt = System.currentTimeMillis();
            influxd.restart();
            b.resumedSince(restartedAt, influxd);
            b.pollUntil("run B to finish", () -> b.status == JobStatus.FINISHED);
            client.getJobExecutionResult().get(1, TimeUnit.MINUTES);
            slow.close();
            double runB = (System.nanoTime() - t0) / 1e9;
            b.finish();

            JobOutput out = JobOutput.read(influxd, "outage_b_" + run, kafka, "outage-violations-b-" + run,
                    PARTITIONS);
            long[] lostAndExtra = JobOutput.lostAndExtra(a, out);
            System.out.printf("RECOVERY influxd outage: %d records of %d bikes, %d points, %d violation records; "
                    + "influxd (SIGKILL) down %d s after %d completed checkpoints; restarts %d (%d begun while influxd "
                    + "was down; new attempts at %s s after the kill), restores %d (last: checkpoint %d); job states seen %s; "
                    + "influxd restart -> first point written %.1f s, -> first checkpoint completed %.1f s; "
                    + "lost %d, extra or duplicated %d; run A %.1f s, run B %.1f s%n",
                    sent, BIKES, a.points(), a.violations().size(), OUTAGE.toSeconds(), checkpointsBeforeKill,
                    b.restarts, restartsDuringOutage, b.attemptsSeconds(killedAt), b.restores, b.restoredCheckpoint,
                    b.seen, seconds(restartedAt, b.firstWriteAt), seconds(restartedAt, b.firstCheckpointAt),
                    lostAndExtra[0], lostAndExtra[1], runA, runB);

            assertThat(a.measurements().keySet()).as("measurements of the run without failure")
                    .contains("violation", "operator_minute", "operator_month");
            assertThat(a.violations()).as("violations published").isNotEmpty().doesNotHaveDuplicates();
            assertThat(b.seen).as("job states of run B: it never failed").isSubsetOf(EnumSet.of(JobStatus.FINISHED,
                    ALIVE.toArray(new JobStatus[0])));
            assertThat(restartsDuringOutage).as("restarts of run B while influxd was down").isGreaterThanOrEqualTo(1);
            assertThat(b.restores).as("restores of run B from a checkpoint").isGreaterThanOrEqualTo(1);
            assertThat(b.firstWriteAt).as("a point written after influxd's restart").isGreaterThan(restartedAt);
            assertThat(JobOutput.difference(a, "without failure", out, "with influxd down " + OUTAGE.toSeconds() + " s"))
                    .as("differences").isEmpty();
        }
    }

    private static double seconds(long from, long to) {
        return to <= 0 ? Double.NaN : (to - from) / 1e3;
    }

    /**
     * Watches a running job on the MiniCluster: its state (each one seen), restarts (the highest attempt number of
     * its subtasks, and when each began), its checkpoints, and, once influxd is back, the first point influxd takes.
     */
    private static final class Watch {
        final MiniCluster cluster;
        final JobID job;
        final Set<JobStatus> seen = EnumSet.noneOf(JobStatus.class);
        final List<Long> attemptsAt = new ArrayList<>();
        JobStatus status;
        long completed;
        long restarts;
        long restores;
        long restoredCheckpoint = -1;
        long resumedSince;
        LocalInfluxd influxd;
        long firstWriteAt;
        long firstCheckpointAt;
        final long deadline = System.nanoTime() + TIMEOUT.toNanos();

        Watch(MiniCluster cluster, JobID job) {
            this.cluster = cluster;
            this.job = job;
        }

        /** From now on, also look for the first point written and checkpoint completed since {@code at}. */
        void resumedSince(long at, LocalInfluxd server) {
            this.resumedSince = at;
            this.influxd = server;
        }

        interface Condition {
            boolean holds() throws Exception;
        }

        void pollUntil(String what, Condition condition) throws Exception {
            while (true) {
                poll();
                if (condition.holds()) {
                    return;
                }
                if (!ALIVE.contains(status)) {
                    throw new AssertionError("run B is " + status + " while waiting for " + what);
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError("run B: no " + what + " within " + TIMEOUT + "; state " + status
                            + ", restarts " + restarts);
                }
                Thread.sleep(100);
            }
        }

        /** The last look, at the finished job (its archive), for what the polls may have missed. */
        void finish() throws Exception {
            poll();
        }

        private void poll() throws Exception {
            status = cluster.getJobStatus(job).get(10, TimeUnit.SECONDS);
            seen.add(status);
            AccessExecutionGraph graph = cluster.getExecutionGraph(job).get(10, TimeUnit.SECONDS);
            long attempt = 0;
            for (AccessExecutionVertex v : graph.getAllExecutionVertices()) {
                attempt = Math.max(attempt, v.getCurrentExecutionAttempt().getAttemptNumber());
            }
            while (restarts < attempt) {
                restarts++;
                attemptsAt.add(System.currentTimeMillis());
            }
            CheckpointStatsSnapshot stats = graph.getCheckpointStatsSnapshot();
            completed = stats.getCounts().getNumberOfCompletedCheckpoints();
            restores = stats.getCounts().getNumberOfRestoredCheckpoints();
            if (stats.getLatestRestoredCheckpoint() != null) {
                restoredCheckpoint = stats.getLatestRestoredCheckpoint().getCheckpointId();
            }
            if (resumedSince > 0) {
                for (AbstractCheckpointStats c : stats.getHistory().getCheckpoints()) {
                    if (c.getStatus() == CheckpointStatsStatus.COMPLETED && c.getTriggerTimestamp() > resumedSince
                            && (firstCheckpointAt == 0 || c.getLatestAckTimestamp() < firstCheckpointAt)) {
                        firstCheckpointAt = c.getLatestAckTimestamp();
                    }
                }
                if (firstWriteAt == 0 && pointsWrittenSinceStart(influxd) > 0) {
                    firstWriteAt = System.currentTimeMillis();
                }
            }
        }

        /** When each new attempt was first seen, in seconds after {@code from}. */
        String attemptsSeconds(long from) {
            List<String> s = new ArrayList<>();
            for (long at : attemptsAt) {
                s.add(String.format("%.1f", (at - from) / 1e3));
            }
            return "[" + String.join(", ", s) + "]";
        }
    }

    /** influxd's own count of points written since it started ({@code /debug/vars}, httpd pointsWrittenOK). */
    private static long pointsWrittenSinceStart(LocalInfluxd influxd) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(influxd.url() + "/debug/vars"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("influxd /debug/vars").isEqualTo(200);
        long written = 0;
        for (JsonNode stat : JSON.readTree(r.body())) {
            if ("httpd".equals(stat.path("name").asText())) {
                written += stat.path("values").path("pointsWrittenOK").asLong();
            }
        }
        return written;
    }

    /** Same options for both runs, each with its own database, topics, consumer group and transactional ids. */
    private static BoundedJobRun run(LocalKafka kafka, String positions, LocalInfluxd influxd, String name,
            String run) {
        return BoundedJobRun.over(kafka, positions, influxd, "outage_" + name + "_" + run)
                .with(JobOptions.FENCES, FENCES)
                .with(JobOptions.RULES, RULES)
                .with(JobOptions.KAFKA_VIOLATIONS_TOPIC, "outage-violations-" + name + "-" + run)
                .with(JobOptions.KAFKA_TRANSACTIONAL_ID_PREFIX, "outage-" + name + "-" + run)
                .with(JobOptions.KAFKA_GROUP_ID, "outage-" + name + "-" + run)
                .with(JobOptions.KAFKA_DLQ_TOPIC, "outage-dlq-" + name + "-" + run)
                // Partitions are read side by side; none may be declared idle while another races ahead.
                .with(JobOptions.IDLENESS_MS, "600000");
    }

    /** The demo's three operators for two simulated hours; no scripted incidents (they need 20 h). */
    private static long produce(LocalKafka kafka, String topic) throws Exception {
        return FaultInput.produce(kafka.producerProps(), topic, 17);
    }
}
