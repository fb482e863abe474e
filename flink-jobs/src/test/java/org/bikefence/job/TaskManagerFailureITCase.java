package org.bikefence.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.common.JobID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.bikefence.cluster.LocalFlinkCluster;
import org.bikefence.config.JobOptions;
import org.bikefence.geofence.GeoJsonFenceLoader;
import org.bikefence.local.LocalKafka;
import org.bikefence.simulator.FleetSimulator;
import org.bikefence.simulator.OperatorProfile;
import org.bikefence.testing.InfluxdExtension;
import org.bikefence.testing.JobOutput;
import org.bikefence.testing.KafkaExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fault a of issue 11: {@code kill -9} of a TaskManager mid-stream. The job jar runs on a real cluster (a JobManager
 * JVM and two TaskManager JVMs of one slot each, from {@code docker/flink/config.yaml}, on RocksDB with file
 * checkpoints every second) over a simulated fleet in a 4-partition topic, bounded: once without a failure, into
 * database A and violations topic A, and once into B where one TaskManager is killed with SIGKILL after the first
 * completed checkpoint and a replacement is started. The job recovers from its last checkpoint and finishes; every
 * InfluxDB measurement must equal A's row by row, and the violations topic, read committed, must equal A's as a
 * multiset: each opening and closing exactly once.
 */
@ExtendWith(KafkaExtension.class)
class TaskManagerFailureITCase {

    @org.junit.jupiter.api.AfterEach
    void noBrokerStaysThrottled() throws Exception {
        FaultInput.removeThrottles();
    }
    @RegisterExtension
    static final InfluxdExtension INFLUX = new InfluxdExtension();

    static final Path JOB_JAR = Path.of("target", "flink-jobs-0.1.0-SNAPSHOT-job.jar");
    static final Path CONFIG = Path.of("..", "docker", "flink", "config.yaml");
    static final Path RULES = Path.of("src/test/resources/rules/sim-huli.yaml");
    static final Path FENCES = Path.of("../geo-fences/fences/huli-demo.geojson");
    /** 08:00 in Xiamen, 10 November 2026. */
    static final long START = Instant.parse("2026-11-10T00:00:00Z").toEpochMilli();
    static final long END = START + 2 * 3_600_000L;
    static final int BIKES = 1_000;
    static final int PARTITIONS = 4;
    static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);

    @Test
    void outputAfterAKilledTaskManagerIsThatOfARunWithoutFailure() throws Exception {
        LocalKafka kafka = KafkaExtension.kafka();
        String run = Long.toString(System.nanoTime());
        String positions = "tmf-positions-" + run;
        kafka.createTopics(PARTITIONS, positions, "tmf-violations-a-" + run, "tmf-violations-b-" + run);
        JobOutput.keepForever(kafka, positions);
        long sent = produce(kafka, positions);
        System.out.printf("%d records of %d bikes in %d partitions%n", sent, BIKES, PARTITIONS);

        Path runDir = Path.of("target", "cluster-" + ProcessHandle.current().pid() + "-" + run).toAbsolutePath();
        try (LocalFlinkCluster cluster = LocalFlinkCluster.builder(runDir)
                .configFile(CONFIG)
                .taskManagers(2)
                .set("state.backend.type", "rocksdb")
                // One slot each: the job (parallelism 2) has a subtask of every operator on both TaskManagers.
                .set("taskmanager.numberOfTaskSlots", "1")
                .set("taskmanager.memory.process.size", "1280m")
                .set("taskmanager.memory.managed.size", "96m")
                // The killed TaskManager's slot is given up after 10 s without heartbeat, not Flink's 50 s.
                .set("heartbeat.interval", "2000")
                .set("heartbeat.timeout", "10000")
                .start()) {
            long t0 = System.nanoTime();
            JobID a = cluster.submit(JOB_JAR.toAbsolutePath(), args(kafka, positions, "a", run), null);
            awaitFinished(cluster, a);
            System.out.printf("run A: %.1f s, %d checkpoints%n", (System.nanoTime() - t0) / 1e9,
                    cluster.completedCheckpoints(a));
            JobOutput outA = JobOutput.read(INFLUX.influxd(), "tmf_a_" + run, kafka, "tmf-violations-a-" + run,
                    PARTITIONS);

            t0 = System.nanoTime();
            JobID b;
            Recovery recovery;
            try (AutoCloseable slow = FaultInput.throttledFetches(kafka.bootstrapServers(), 200_000)) {
                b = cluster.submit(JOB_JAR.toAbsolutePath(), args(kafka, positions, "b", run), null);
                recovery = killOneTaskManagerAfterTheFirstCheckpoint(cluster, b);
                awaitFinished(cluster, b);
            }
            System.out.printf("run B: %.1f s, %d checkpoints%n", (System.nanoTime() - t0) / 1e9,
                    cluster.completedCheckpoints(b));
            JobOutput outB = JobOutput.read(INFLUX.influxd(), "tmf_b_" + run, kafka, "tmf-violations-b-" + run,
                    PARTITIONS);
            JsonNode restored = cluster.rest("/jobs/" + b + "/checkpoints").path("latest").path("restored");
            long[] lostAndExtra = JobOutput.lostAndExtra(outA, outB);
            System.out.printf("RECOVERY %d records, %d points, %d violation records; killed %s after %d completed checkpoints; "
                    + "restored checkpoint %s (restarts %d); kill -> job running again %.1f s, kill -> first checkpoint after "
                    + "the restore (output committed again) %.1f s; lost %d, extra or duplicated %d%n", sent,
                    outA.points(), outA.violations().size(), recovery.killed, recovery.checkpointsBeforeKill,
                    restored.path("id").asText("none"), restarts(cluster, b), recovery.runningAgainSeconds(cluster, b),
                    recovery.firstCheckpointAfterRestoreSeconds(cluster, b), lostAndExtra[0], lostAndExtra[1]);

            assertThat(outA.measurements().keySet()).as("measurements of the run without failure")
                    .contains("violation", "operator_minute", "operator_month");
            assertThat(outA.violations()).as("violations published").isNotEmpty().doesNotHaveDuplicates();
            assertThat(cluster.rest("/jobs/" + b + "/checkpoints").path("counts").path("restored").asLong())
                    .as("restores of run B").isGreaterThanOrEqualTo(1);
            assertThat(JobOutput.difference(outA, "without failure", outB, "with a killed TaskManager"))
                    .as("differences").isEmpty();
        }
    }

    /** When the TaskManager died, and what the JobManager reported afterwards. */
    private record Recovery(String killed, long killedAtMs, long checkpointsBeforeKill) {
        double runningAgainSeconds(LocalFlinkCluster cluster, JobID job) {
            // The last transition to RUNNING is the one after the restart.
            long running = cluster.rest("/jobs/" + job).path("timestamps").path("RUNNING").asLong();
            return (running - killedAtMs) / 1e3;
        }

        double firstCheckpointAfterRestoreSeconds(LocalFlinkCluster cluster, JobID job) {
            JsonNode history = cluster.rest("/jobs/" + job + "/checkpoints").path("history");
            long first = Long.MAX_VALUE;
            for (JsonNode c : history) {
                if ("COMPLETED".equals(c.path("status").asText()) && c.path("trigger_timestamp").asLong() > killedAtMs) {
                    first = Math.min(first, c.path("latest_ack_timestamp").asLong());
                }
            }
            return first == Long.MAX_VALUE ? Double.NaN : (first - killedAtMs) / 1e3;
        }
    }

    private static Recovery killOneTaskManagerAfterTheFirstCheckpoint(LocalFlinkCluster cluster, JobID job) {
        long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
        long checkpoints;
        while ((checkpoints = cluster.completedCheckpoints(job)) < 1) {
            assertThat(cluster.jobState(job)).as("job B before its first checkpoint").isIn("INITIALIZING", "CREATED",
                    "RUNNING");
            assertThat(System.nanoTime()).as("first checkpoint of job B within " + RUN_TIMEOUT).isLessThan(deadline);
            pause();
        }
        assertThat(cluster.jobState(job)).as("job B when the TaskManager is killed: mid-stream").isEqualTo("RUNNING");
        LocalFlinkCluster.Member victim = cluster.taskManagers().get(0);
        long killedAt = System.currentTimeMillis();
        cluster.killTaskManager(victim);
        checkpoints = cluster.completedCheckpoints(job);
        // As a supervisor would: a new TaskManager in place of the dead one.
        cluster.startTaskManager();
        return new Recovery(victim.name() + " (pid " + victim.pid() + ")", killedAt, checkpoints);
    }

    private static void awaitFinished(LocalFlinkCluster cluster, JobID job) {
        long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
        while (true) {
            String state = cluster.jobState(job);
            if (state.equals("FINISHED")) {
                return;
            }
            assertThat(state).as("state of job " + job).isIn("INITIALIZING", "CREATED", "RUNNING", "RESTARTING");
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("job " + job + " did not finish within " + RUN_TIMEOUT + "; tasks: "
                        + tasks(cluster, job));
            }
            pause();
        }
    }

    /** How often the job was restarted, from the JobManager's numRestarts metric. */
    private static long restarts(LocalFlinkCluster cluster, JobID job) {
        JsonNode metric = cluster.rest("/jobs/" + job + "/metrics?get=numRestarts");
        return metric.path(0).path("value").asLong(-1);
    }

    /** Each task's state and records in/out, for a job that hangs. */
    private static String tasks(LocalFlinkCluster cluster, JobID job) {
        List<String> out = new ArrayList<>();
        for (JsonNode v : cluster.rest("/jobs/" + job).path("vertices")) {
            out.add(v.path("name").asText() + " " + v.path("status").asText() + " in="
                    + v.path("metrics").path("read-records").asLong() + " out="
                    + v.path("metrics").path("write-records").asLong());
        }
        return String.join("; ", out);
    }

    private static List<String> args(LocalKafka kafka, String positions, String name, String run) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        o.put(JobOptions.KAFKA_BOOTSTRAP.key(), kafka.bootstrapServers());
        o.put(JobOptions.KAFKA_POSITIONS_TOPIC.key(), positions);
        o.put(JobOptions.KAFKA_DLQ_TOPIC.key(), "tmf-dlq-" + name + "-" + run);
        o.put(JobOptions.KAFKA_FENCES_TOPIC.key(), "");
        o.put(JobOptions.KAFKA_VIOLATIONS_TOPIC.key(), "tmf-violations-" + name + "-" + run);
        o.put(JobOptions.KAFKA_TRANSACTIONAL_ID_PREFIX.key(), "tmf-" + name + "-" + run);
        o.put(JobOptions.KAFKA_GROUP_ID.key(), "tmf-" + name + "-" + run);
        o.put(JobOptions.KAFKA_STARTING_OFFSETS.key(), "earliest");
        o.put(JobOptions.KAFKA_BOUNDED.key(), "true");
        o.put(JobOptions.FENCES.key(), FENCES.toAbsolutePath().toString());
        o.put(JobOptions.RULES.key(), RULES.toAbsolutePath().toString());
        o.put(JobOptions.MAX_OUT_OF_ORDER_MS.key(), "120000");
        // Partitions are read side by side; none may be declared idle while another races ahead.
        o.put(JobOptions.IDLENESS_MS.key(), "600000");
        o.put(JobOptions.CHECKPOINT_INTERVAL_MS.key(), "1000");
        o.put(JobOptions.PARALLELISM.key(), "2");
        o.put(JobOptions.INFLUX_URL.key(), INFLUX.influxd().url());
        o.put(JobOptions.INFLUX_DB.key(), "tmf_" + name + "_" + run);
        INFLUX.influxd().createDatabase("tmf_" + name + "_" + run);
        List<String> args = new ArrayList<>();
        o.forEach((k, v) -> {
            args.add("--" + k);
            args.add(v);
        });
        return args;
    }

    /** The demo's three operators, a few hours, no scripted incidents (they need 20 h); a few bad records. */
    private static long produce(LocalKafka kafka, String topic) throws Exception {
        FleetSimulator sim = new FleetSimulator(GeoJsonFenceLoader.load(FENCES), OperatorProfile.demo(), BIKES, START,
                11, 2);
        Properties props = kafka.producerProps();
        props.put("linger.ms", "20");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            return sim.finishInto(producer, topic, END);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
