package org.bikefence.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.bikefence.config.JobOptions;
import org.bikefence.geofence.GeoJsonFenceLoader;
import org.bikefence.local.LocalKafka;
import org.bikefence.simulator.FleetSimulator;
import org.bikefence.simulator.OperatorProfile;
import org.bikefence.simulator.Switches;
import org.bikefence.testing.BoundedJobRun;
import org.bikefence.testing.FlinkTestCluster;
import org.bikefence.testing.InfluxdExtension;
import org.bikefence.testing.JobOutput;
import org.bikefence.testing.KafkaExtension;
import org.bikefence.testing.NoKryo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The same input gives the same output at any parallelism: one simulated day of three operators (15 bikes and the scripted ones) (violations,
 * piles, zombie and faulty bikes, late and bad records, so month metrics and deductions with evidence) in a
 * 4-partition topic keyed by bike, through the real job at parallelism 1, 2 and 4, each into its own database and
 * violations topic. Every InfluxDB measurement must match row by row, tags and fields included, and the
 * violations topics as multisets ({@link JobOutput}).
 */
@ExtendWith(KafkaExtension.class)
class ParallelismITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestCluster.withSlots(4);

    @RegisterExtension
    static final InfluxdExtension INFLUX = new InfluxdExtension();

    static final String RULES = "src/test/resources/rules/sim-huli.yaml";
    static final String FENCES = "../geo-fences/fences/huli-demo.geojson";
    /** Midnight in Xiamen, 10 November 2026. */
    static final long START = Instant.parse("2026-11-09T16:00:00Z").toEpochMilli();
    static final long END = START + 24 * 3_600_000L;
    static final int PARTITIONS = 4;

    @Test
    void outputIsTheSameAtParallelismOneTwoAndFour() throws Exception {
        LocalKafka kafka = KafkaExtension.kafka();
        String run = Long.toString(System.nanoTime());
        String positions = "par-positions-" + run;
        kafka.createTopics(PARTITIONS, positions);
        JobOutput.keepForever(kafka, positions);
        long sent = produce(kafka, positions);

        Map<Integer, JobOutput> outputs = new TreeMap<>();
        for (int p : List.of(1, 2, 4)) {
            String db = "par_p" + p + "_" + run;
            String violations = "par-violations-p" + p + "-" + run;
            INFLUX.influxd().createDatabase(db);
            kafka.createTopics(PARTITIONS, violations);
            long t0 = System.nanoTime();
            BoundedJobRun.over(kafka, positions, INFLUX.influxd(), db)
                    .with(JobOptions.FENCES, FENCES)
                    .with(JobOptions.RULES, RULES)
                    .with(JobOptions.KAFKA_VIOLATIONS_TOPIC, violations)
                    .with(JobOptions.PARALLELISM, Integer.toString(p))
                    // Partitions are read side by side; none may be declared idle while another races ahead.
                    .with(JobOptions.IDLENESS_MS, "600000")
                    .run();
            outputs.put(p, JobOutput.read(INFLUX.influxd(), db, kafka, violations, PARTITIONS));
            System.out.printf("parallelism %d: %.1f s, %d points, %d violation records%n", p,
                    (System.nanoTime() - t0) / 1e9, outputs.get(p).points(), outputs.get(p).violations().size());
        }
        System.out.printf("%d records in %d partitions%n", sent, PARTITIONS);

        JobOutput one = outputs.get(1);
        assertThat(one.measurements().keySet()).as("measurements at parallelism 1")
                .contains("violation", "operator_minute", "operator_score", "operator_month", "deduction",
                        "operator_metrics", "fence_occupancy", "accumulation", "fence_operator_occupancy",
                        "cell_operator_occupancy", "operator_standing_day", "operator_now", "violation_now",
                        "accumulation_now", "fence_operator_now", "cell_operator_now");
        for (String now : List.of("violation_now", "accumulation_now", "fence_operator_now", "cell_operator_now")) {
            System.out.printf("%s: %d rows%n", now, one.measurements().get(now).size());
        }
        assertThat(one.measurements().get("deduction").stream().filter(row -> row.matches(".* evidence=[^ ]+;.*")))
                .as("deductions with more than one evidence id").isNotEmpty();
        assertThat(one.violations()).as("violations published at parallelism 1").isNotEmpty();
        StringBuilder diff = new StringBuilder();
        for (int p : List.of(2, 4)) {
            diff.append(JobOutput.difference(one, "at p=1", outputs.get(p), "at p=" + p));
        }
        assertThat(diff.toString()).as("differences from parallelism 1").isEmpty();
    }

    /** The environment BoundedJobRun and the other whole-job tests use refuses Kryo on the test's MiniCluster. */
    @Test
    void wholeJobTestsRunWithGenericTypesDisabled() {
        org.apache.flink.streaming.api.environment.StreamExecutionEnvironment env = NoKryo.environment();
        assertThat(env.getConfig().getSerializerConfig().hasGenericTypesDisabled()).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> env.fromData(new StringBuilder("no POJO")))
                .hasMessageContaining("Generic types have been disabled");
    }

    /** A day with every simulator switch on (scripted incidents need 20 hours). */
    private static long produce(LocalKafka kafka, String topic) throws Exception {
        Switches every = Switches.builder().zombies(1).longFaulty(1).noParkStays(3).outOfArea(2).piles(1).silent(1)
                .latePerMille(20).badPerMille(10).build();
        List<OperatorProfile> operators = OperatorProfile.demo().stream().map(o -> o.withSwitches(every)).toList();
        FleetSimulator sim = new FleetSimulator(GeoJsonFenceLoader.load(Path.of(FENCES)), operators, 15, START, 7, 3);
        Properties props = kafka.producerProps();
        props.put("linger.ms", "20");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            // Keyed by bike, as the contract says: the default partitioner keeps each bike in one partition.
            return sim.finishInto(producer, topic, END);
        }
    }
}
