package org.bikefence.job;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.checkpoint.AbstractCheckpointStats;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.checkpoint.CheckpointStatsStatus;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.bikefence.config.JobOptions;
import org.bikefence.local.LocalKafkaCluster;
import org.bikefence.model.Topics;
import org.bikefence.testing.BoundedJobRun;
import org.bikefence.testing.FlinkTestCluster;
import org.bikefence.testing.InfluxdExtension;
import org.bikefence.testing.JobOutput;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fault c of issue 11: a broker of a three-node KRaft cluster (dev-support's {@link LocalKafkaCluster}: replication 3,
 * {@code min.insync.replicas} 2; the job's producers use {@code acks=all}) killed with SIGKILL mid-stream and started
 * again on its data. The job runs bounded over a simulated fleet in a 4-partition topic, on the test MiniCluster:
 * once without a failure, into database A and violations topic A, and once into B, where the broker that is the
 * transaction coordinator of the violations sink (and leads some position partitions) is killed after the first
 * completed checkpoint, and restarted once the cluster has moved its leaderships to the other two. Every InfluxDB
 * measurement must equal A's row by row, the violations topic read committed must equal A's as a multiset, and every
 * dead letter of A must be in B (dead letters are at-least-once).
 */
class BrokerFailureITCase {

    @org.junit.jupiter.api.AfterEach
    void noBrokerStaysThrottled() throws Exception {
        FaultInput.removeThrottles();
    }
    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestCluster.twoSlots();

    @RegisterExtension
    static final InfluxdExtension INFLUX = new InfluxdExtension();

    static final String RULES = FaultInput.RULES;
    static final String FENCES = FaultInput.FENCES;
    static final long START = FaultInput.START;
    static final long END = FaultInput.END;
    static final int BIKES = FaultInput.BIKES;
    static final int PARTITIONS = 4;
    static final Duration TIMEOUT = Duration.ofMinutes(4);
    static final Duration BROKER_TIMEOUT = Duration.ofSeconds(90);
    /** The transaction coordinator: {@code __transaction_state} has one partition on these brokers. */
    static final String TRANSACTION_STATE = "__transaction_state";
    static final String CONSUMER_OFFSETS = "__consumer_offsets";

    static LocalKafkaCluster kafka;

    @BeforeAll
    static void startKafkaCluster() {
        Path dir = LocalKafkaCluster.workDirOfThisJvm(Path.of("target"));
        kafka = LocalKafkaCluster.start(dir, System.getProperty("java.class.path"));
    }

    @AfterAll
    static void stopKafkaCluster() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void outputAfterAKilledAndRestartedBrokerIsThatOfARunWithoutFailure(@InjectMiniCluster MiniCluster flink)
            throws Exception {
        String run = Long.toString(System.nanoTime());
        String positions = "bf-positions-" + run;
        kafka.createTopics(PARTITIONS, positions, "bf-violations-a-" + run, "bf-violations-b-" + run,
                "bf-dlq-a-" + run, "bf-dlq-b-" + run);
        long sent = produce(positions);
        System.out.printf("%d records of %d bikes in %d partitions, replication %d, on brokers %s%n", sent, BIKES,
                PARTITIONS, LocalKafkaCluster.REPLICATION, kafka.bootstrapServers());

        long t0 = System.nanoTime();
        INFLUX.influxd().createDatabase("bf_a_" + run);
        run(positions, "a", run).run();
        System.out.printf("run A: %.1f s%n", (System.nanoTime() - t0) / 1e9);
        JobOutput outA = JobOutput.read(INFLUX.influxd(), "bf_a_" + run, kafka.anyRunningNode(),
                "bf-violations-a-" + run, PARTITIONS);
        List<String> deadLettersA = deadLetterSources("bf-dlq-a-" + run);

        t0 = System.nanoTime();
        INFLUX.influxd().createDatabase("bf_b_" + run);
        AutoCloseable slow = FaultInput.throttledFetches(kafka.bootstrapServers(), 100_000);
        JobClient b = run(positions, "b", run).start();
        JobID job = b.getJobID();
        long checkpointsBeforeKill = awaitFirstCheckpoint(flink, job);
        int victim = transactionCoordinatorOr(positions);
        String roles = roles(victim, positions, "bf-violations-b-" + run);
        // Four partitions on three brokers: the placement gives each broker the lead of one at least.
        assertThat(ledBy(victim, positions)).as("positions partitions led by broker %d, which is killed", victim)
                .isNotEmpty();
        assertThat(b.getJobStatus().get(10, TimeUnit.SECONDS)).as("run B when the broker is killed: mid-stream")
                .isEqualTo(JobStatus.RUNNING);
        OutputWatch watch = OutputWatch.start(flink, job, "bf-violations-b-" + run);
        long killedAt = watch.killedAt();
        kafka.kill(victim);
        kafka.awaitOutOfSync(victim, BROKER_TIMEOUT);
        double movedAfter = (System.currentTimeMillis() - killedAt) / 1e3;
        JobStatus atRestart = b.getJobStatus().get(10, TimeUnit.SECONDS);
        long restartedAt = System.currentTimeMillis();
        kafka.restart(victim);
        kafka.awaitInSync(victim, BROKER_TIMEOUT);
        double inSyncAfter = (System.currentTimeMillis() - restartedAt) / 1e3;
        awaitFinished(b);
        slow.close();
        double runB = (System.nanoTime() - t0) / 1e9;
        watch.stop();

        AccessExecutionGraph graph = flink.getArchivedExecutionGraph(job).get(30, TimeUnit.SECONDS);
        CheckpointStatsSnapshot checkpoints = graph.getCheckpointStatsSnapshot();
        JobOutput outB = JobOutput.read(INFLUX.influxd(), "bf_b_" + run, kafka.anyRunningNode(),
                "bf-violations-b-" + run, PARTITIONS);
        List<String> deadLettersB = deadLetterSources("bf-dlq-b-" + run);
        long[] lostAndExtra = JobOutput.lostAndExtra(outA, outB);
        long restarts = checkpoints.getCounts().getNumberOfRestoredCheckpoints();
        System.out.printf("RECOVERY %d records, %d points, %d violation records, %d dead letters; broker %d (%s) "
                        + "killed after %d completed checkpoints; leaderships moved off it after %.1f s; restarted "
                        + "(job %s then), back in every ISR %.1f s later; restarts %d (checkpoint restores; job RESTARTING: %s); "
                        + "kill -> first violations committed after the kill (read_committed end offsets grow: "
                        + "output resumes) %.1f s, first checkpoint completed after the kill %.1f s (triggered at "
                        + "%+.1f s), first checkpoint triggered after the kill completed at %.1f s; "
                        + "checkpoints completed %d, failed %d; lost %d, extra or duplicated %d, dead letters of A "
                        + "missing in B %d, dead letters written again %d; run B %.1f s%n",
                sent, outA.points(), outA.violations().size(), deadLettersA.size(), victim, roles,
                checkpointsBeforeKill, movedAfter, atRestart, inSyncAfter, restarts,
                graph.getStatusTimestamp(JobStatus.RESTARTING) > 0 ? "yes" : "no",
                watch.firstCommitted(), watch.firstCompleted(), watch.firstCompletedTriggered(),
                watch.firstTriggeredCompleted(), checkpoints.getCounts().getNumberOfCompletedCheckpoints(),
                checkpoints.getCounts().getNumberOfFailedCheckpoints(), lostAndExtra[0], lostAndExtra[1],
                missing(deadLettersA, deadLettersB), deadLettersB.size() - deadLettersA.size(), runB);

        assertThat(outA.measurements().keySet()).as("measurements of the run without failure")
                .contains("violation", "operator_minute", "operator_month");
        assertThat(outA.violations()).as("violations published").isNotEmpty().doesNotHaveDuplicates();
        assertThat(deadLettersA).as("dead letters of the run without failure").isNotEmpty().doesNotHaveDuplicates();
        assertThat(graph.getState()).as("run B").isEqualTo(JobStatus.FINISHED);
        assertThat(JobOutput.difference(outA, "without failure", outB, "with a killed broker"))
                .as("differences").isEmpty();
        assertThat(deadLettersB.stream().distinct().sorted().toList()).as("sources of the dead letters of run B")
                .isEqualTo(deadLettersA);
    }

    /** The same options for both runs but database, topics, consumer group and transactional ids. */
    private static BoundedJobRun run(String positions, String name, String run) {
        return BoundedJobRun.over(kafka.anyRunningNode(), positions, INFLUX.influxd(), "bf_" + name + "_" + run)
                .with(JobOptions.KAFKA_BOOTSTRAP, kafka.bootstrapServers())
                .with(JobOptions.FENCES, FENCES)
                .with(JobOptions.RULES, RULES)
                .with(JobOptions.KAFKA_VIOLATIONS_TOPIC, "bf-violations-" + name + "-" + run)
                .with(JobOptions.KAFKA_TRANSACTIONAL_ID_PREFIX, "bf-" + name + "-" + run)
                .with(JobOptions.KAFKA_GROUP_ID, "bf-" + name + "-" + run)
                .with(JobOptions.KAFKA_DLQ_TOPIC, "bf-dlq-" + name + "-" + run)
                // Partitions are read side by side; none may be declared idle while another races ahead.
                .with(JobOptions.IDLENESS_MS, "600000");
    }

    /**
     * The broker to kill: the transaction coordinator of the violations sink (whose writers begin their transactions
     * when they start), else the leader of the first positions partition.
     */
    private static int transactionCoordinatorOr(String positions) {
        try {
            int coordinator = kafka.leader(TRANSACTION_STATE, 0);
            if (coordinator > 0) {
                return coordinator;
            }
        } catch (IllegalStateException noTransactionsYet) {
            System.out.println("no " + TRANSACTION_STATE + " yet: " + noTransactionsYet.getMessage());
        }
        return kafka.leader(positions, 0);
    }

    /** What the victim was to the cluster and the job when it was killed. */
    private static String roles(int broker, String positions, String violations) {
        List<String> roles = new ArrayList<>();
        try {
            if (kafka.leader(TRANSACTION_STATE, 0) == broker) {
                roles.add("transaction coordinator");
            }
        } catch (IllegalStateException noTransactionsYet) {
            roles.add("no transaction coordinator yet");
        }
        if (kafka.leader(CONSUMER_OFFSETS, 0) == broker) {
            roles.add("group coordinator");
        }
        if (kafka.activeController() == broker) {
            roles.add("active controller");
        }
        roles.add("leader of positions partitions " + ledBy(broker, positions));
        roles.add("of violations partitions " + ledBy(broker, violations));
        return String.join(", ", roles);
    }

    private static List<Integer> ledBy(int broker, String topic) {
        return kafka.leaders(topic).entrySet().stream().filter(e -> e.getValue() == broker).map(Map.Entry::getKey)
                .toList();
    }

    /** Waits for the first completed checkpoint of the running job and returns how many have completed. */
    private static long awaitFirstCheckpoint(MiniCluster flink, JobID job) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            AccessExecutionGraph graph = flink.getExecutionGraph(job).get(10, TimeUnit.SECONDS);
            assertThat(graph.getState()).as("run B before its first checkpoint")
                    .isIn(JobStatus.INITIALIZING, JobStatus.CREATED, JobStatus.RUNNING);
            long completed = graph.getCheckpointStatsSnapshot().getCounts().getNumberOfCompletedCheckpoints();
            if (completed >= 1) {
                return completed;
            }
            assertThat(System.nanoTime() - deadline).as("a checkpoint of run B within " + TIMEOUT).isNegative();
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    /**
     * Watches run B from the kill on for when its output resumes: the violations' Kafka transactions and the InfluxDB
     * sink's buffer are committed at checkpoints. It records the first checkpoint to complete after the kill (one
     * triggered before it may have waited through the outage for the sinks' flush), the first triggered after it,
     * and when the violations topic's read-committed end offsets (the last stable offsets) first grow past those at
     * the kill: a transaction committed, through the new transaction coordinator. The job keeps only its last 10
     * checkpoints in its history, hence a watch while it runs rather than a look at the end.
     */
    private static final class OutputWatch implements Runnable {
        private final MiniCluster flink;
        private final JobID job;
        private final long since;
        private final KafkaConsumer<byte[], byte[]> committed;
        private final List<TopicPartition> violations = new ArrayList<>();
        private final long committedAtKill;
        private final Thread thread;
        private volatile boolean running = true;
        private volatile long firstAck = Long.MAX_VALUE;
        private volatile long firstAckTrigger;
        private volatile long firstTriggeredAck = Long.MAX_VALUE;
        private volatile long firstCommit = Long.MAX_VALUE;

        private OutputWatch(MiniCluster flink, JobID job, String violationsTopic) {
            this.flink = flink;
            this.job = job;
            Properties props = kafka.consumerProps("bf-watch-" + System.nanoTime());
            props.put("isolation.level", "read_committed");
            committed = new KafkaConsumer<>(props);
            for (int p = 0; p < PARTITIONS; p++) {
                violations.add(new TopicPartition(violationsTopic, p));
            }
            committedAtKill = committedEnd(Duration.ofSeconds(30));
            since = System.currentTimeMillis();
            thread = new Thread(this, "output-watch");
            thread.setDaemon(true);
        }

        /** Takes the committed end offsets and the time of the kill; call right before it. */
        static OutputWatch start(MiniCluster flink, JobID job, String violationsTopic) {
            OutputWatch watch = new OutputWatch(flink, job, violationsTopic);
            watch.thread.start();
            return watch;
        }

        long killedAt() {
            return since;
        }

        private long committedEnd(Duration timeout) {
            return committed.endOffsets(violations, timeout).values().stream().mapToLong(Long::longValue).sum();
        }

        @Override
        public void run() {
            try {
                while (running && (firstTriggeredAck == Long.MAX_VALUE || firstCommit == Long.MAX_VALUE)) {
                    boolean ended = false;
                    try {
                        AccessExecutionGraph graph = flink.getExecutionGraph(job).get(10, TimeUnit.SECONDS);
                        for (AbstractCheckpointStats c : graph.getCheckpointStatsSnapshot().getHistory()
                                .getCheckpoints()) {
                            if (c.getStatus() != CheckpointStatsStatus.COMPLETED || c.getLatestAckTimestamp() <= since) {
                                continue;
                            }
                            if (c.getLatestAckTimestamp() < firstAck) {
                                firstAck = c.getLatestAckTimestamp();
                                firstAckTrigger = c.getTriggerTimestamp();
                            }
                            if (c.getTriggerTimestamp() > since) {
                                firstTriggeredAck = Math.min(firstTriggeredAck, c.getLatestAckTimestamp());
                            }
                        }
                        ended = graph.getState().isGloballyTerminalState();
                    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                        // Between attempts or archived: look again.
                    }
                    if (firstCommit == Long.MAX_VALUE) {
                        try {
                            if (committedEnd(Duration.ofSeconds(2)) > committedAtKill) {
                                firstCommit = System.currentTimeMillis();
                            }
                        } catch (org.apache.kafka.common.errors.TimeoutException leaderGone) {
                            // A partition's leader is the killed broker and has not moved yet.
                        }
                    }
                    if (ended && firstCommit != Long.MAX_VALUE) {
                        return;
                    }
                    TimeUnit.MILLISECONDS.sleep(100);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                committed.close(Duration.ofSeconds(5));
            }
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }

        private double seconds(long at) {
            return at == Long.MAX_VALUE ? Double.NaN : (at - since) / 1e3;
        }

        /** Seconds from the kill to the first checkpoint completed after it; NaN if none. */
        double firstCompleted() {
            return seconds(firstAck);
        }

        /** Seconds from the kill to the trigger of that checkpoint (negative: triggered before the kill). */
        double firstCompletedTriggered() {
            return firstAck == Long.MAX_VALUE ? Double.NaN : (firstAckTrigger - since) / 1e3;
        }

        /** Seconds from the kill to the completion of the first checkpoint triggered after it. */
        double firstTriggeredCompleted() {
            return seconds(firstTriggeredAck);
        }

        /** Seconds from the kill to the first violations committed after it. */
        double firstCommitted() {
            return seconds(firstCommit);
        }
    }

    private static void awaitFinished(JobClient job) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        JobStatus status;
        while ((status = job.getJobStatus().get(10, TimeUnit.SECONDS)) != JobStatus.FINISHED) {
            assertThat(status).as("run B").isIn(JobStatus.INITIALIZING, JobStatus.CREATED, JobStatus.RUNNING,
                    JobStatus.RESTARTING);
            if (System.nanoTime() - deadline > 0) {
                job.cancel().get(1, TimeUnit.MINUTES);
                throw new AssertionError("the bounded run with a killed broker did not finish within " + TIMEOUT);
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    /** The source (topic-partition@offset) of every dead letter in the topic, sorted, duplicates kept. */
    private static List<String> deadLetterSources(String topic) {
        List<String> sources = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumerProps("dlq-read-" + topic))) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                tps.add(new TopicPartition(topic, p));
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                assertThat(System.nanoTime() - deadline).as("read " + topic + " to its end within 30 s").isNegative();
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    Header source = r.headers().lastHeader(Topics.HEADER_SOURCE);
                    sources.add(source == null ? "(no source header)" : new String(source.value(), UTF_8));
                }
            }
        }
        sources.sort(null);
        return sources;
    }

    /** How many rows of {@code expected} {@code actual} lacks, as multisets. */
    private static long missing(List<String> expected, List<String> actual) {
        Map<String, Integer> left = new TreeMap<>();
        actual.forEach(r -> left.merge(r, 1, Integer::sum));
        return expected.stream().filter(r -> left.merge(r, -1, Integer::sum) < 0).count();
    }

    /** The demo's three operators, two hours, no scripted incidents; 2 bad records in a thousand. */
    private static long produce(String topic) throws Exception {
        return FaultInput.produce(kafka.producerProps(), topic, 17);
    }
}
