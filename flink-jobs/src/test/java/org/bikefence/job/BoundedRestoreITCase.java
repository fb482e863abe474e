package org.bikefence.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.bikefence.config.JobOptions;
import org.bikefence.geofence.GeoJsonFenceLoader;
import org.bikefence.local.LocalKafka;
import org.bikefence.simulator.FleetSimulator;
import org.bikefence.simulator.OperatorProfile;
import org.bikefence.testing.BoundedJobRun;
import org.bikefence.testing.FlinkTestCluster;
import org.bikefence.testing.InfluxdExtension;
import org.bikefence.testing.JobOutput;
import org.bikefence.testing.KafkaExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A bounded run (kafka.bounded=true) whose Kafka source enumerator is restored from a snapshot must still end: the
 * run is stopped with a savepoint mid-stream and resumed from it, and must finish with the output of an
 * uninterrupted run (every measurement row by row, the violations topic read committed as a multiset).
 *
 * <p>Flink's Kafka connector (5.0.0-2.2) never finished such a run.
 */
@ExtendWith(KafkaExtension.class)
class BoundedRestoreITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestCluster.twoSlots();

    @RegisterExtension
    static final InfluxdExtension INFLUX = new InfluxdExtension();

    static final String RULES = "src/test/resources/rules/sim-huli.yaml";
    static final String FENCES = "../geo-fences/fences/huli-demo.geojson";
    static final long START = Instant.parse("2026-11-10T00:00:00Z").toEpochMilli();
    static final long END = START + 2 * 3_600_000L;
    static final int PARTITIONS = 2;
    static final Duration TIMEOUT = Duration.ofMinutes(4);

    @Test
    void aBoundedRunResumedFromASavepointFinishesWithTheOutputOfAnUninterruptedRun() throws Exception {
        LocalKafka kafka = KafkaExtension.kafka();
        String run = Long.toString(System.nanoTime());
        String positions = "restore-positions-" + run;
        kafka.createTopics(PARTITIONS, positions, "restore-violations-a-" + run, "restore-violations-b-" + run);
        JobOutput.keepForever(kafka, positions);
        long sent = produce(kafka, positions);

        INFLUX.influxd().createDatabase("restore_a_" + run);
        run(kafka, positions, "a", run).run();
        JobOutput a = JobOutput.read(INFLUX.influxd(), "restore_a_" + run, kafka, "restore-violations-a-" + run,
                PARTITIONS);

        INFLUX.influxd().createDatabase("restore_b_" + run);
        JobClient first = run(kafka, positions, "b", run).start();
        String savepoint = stopWithSavepointMidStream(first);
        long t0 = System.nanoTime();
        JobClient resumed = run(kafka, positions, "b", run).fromSavepoint(savepoint).start();
        awaitFinished(resumed);
        System.out.printf("%d records; resumed from %s, finished after %.1f s%n", sent, savepoint,
                (System.nanoTime() - t0) / 1e9);
        JobOutput b = JobOutput.read(INFLUX.influxd(), "restore_b_" + run, kafka, "restore-violations-b-" + run,
                PARTITIONS);

        assertThat(a.violations()).as("violations of the uninterrupted run").isNotEmpty().doesNotHaveDuplicates();
        assertThat(JobOutput.difference(a, "uninterrupted", b, "stopped and resumed")).as("differences").isEmpty();
    }

    /** Same options for both halves of run b: database, topics, consumer group, transactional ids. */
    private static BoundedJobRun run(LocalKafka kafka, String positions, String name, String run) {
        return BoundedJobRun.over(kafka, positions, INFLUX.influxd(), "restore_" + name + "_" + run)
                .with(JobOptions.FENCES, FENCES)
                .with(JobOptions.RULES, RULES)
                .with(JobOptions.KAFKA_VIOLATIONS_TOPIC, "restore-violations-" + name + "-" + run)
                .with(JobOptions.KAFKA_TRANSACTIONAL_ID_PREFIX, "restore-" + name + "-" + run)
                .with(JobOptions.KAFKA_GROUP_ID, "restore-" + name + "-" + run)
                .with(JobOptions.KAFKA_DLQ_TOPIC, "restore-dlq-" + name + "-" + run)
                .with(JobOptions.IDLENESS_MS, "600000");
    }

    /** Stop-with-savepoint as soon as the job takes one (its tasks must be running), before it has read everything. */
    private static String stopWithSavepointMidStream(JobClient job) throws Exception {
        String dir = Path.of("target", "savepoints").toAbsolutePath().toUri().toString();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            assertThat(job.getJobStatus().get(10, TimeUnit.SECONDS)).as("first half of run b, before its savepoint")
                    .isIn(JobStatus.INITIALIZING, JobStatus.CREATED, JobStatus.RUNNING);
            try {
                return job.stopWithSavepoint(false, dir, SavepointFormatType.CANONICAL).get(2, TimeUnit.MINUTES);
            } catch (ExecutionException notYet) {
                // Tasks still deploying: "not all required tasks are currently running".
                assertThat(System.nanoTime()).as("a savepoint within " + TIMEOUT).isLessThan(deadline);
                Thread.sleep(200);
            }
        }
    }

    private static void awaitFinished(JobClient job) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        JobStatus status;
        while ((status = job.getJobStatus().get(10, TimeUnit.SECONDS)) != JobStatus.FINISHED) {
            assertThat(status).as("resumed run").isIn(JobStatus.INITIALIZING, JobStatus.CREATED, JobStatus.RUNNING,
                    JobStatus.RESTARTING);
            if (System.nanoTime() - deadline > 0) {
                job.cancel().get(1, TimeUnit.MINUTES);
                throw new AssertionError("the bounded run resumed from a savepoint did not finish within " + TIMEOUT);
            }
            Thread.sleep(200);
        }
    }

    private static long produce(LocalKafka kafka, String topic) throws Exception {
        FleetSimulator sim = new FleetSimulator(GeoJsonFenceLoader.load(Path.of(FENCES)), OperatorProfile.demo(),
                1_000, START, 13, 2);
        Properties props = kafka.producerProps();
        props.put("linger.ms", "20");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            return sim.finishInto(producer, topic, END);
        }
    }
}
