package org.bikefence.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.bikefence.config.JobOptions;
import org.bikefence.geofence.GeoJsonFenceLoader;
import org.bikefence.local.LocalInfluxd;
import org.bikefence.local.LocalKafka;
import org.bikefence.simulator.FleetSimulator;
import org.bikefence.simulator.OperatorProfile;
import org.bikefence.simulator.Switches;
import org.bikefence.testing.BoundedJobRun;
import org.bikefence.testing.FlinkTestCluster;
import org.bikefence.testing.InfluxdExtension;
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
 * violations topics as sets.
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
    /** Rows of a measurement's difference printed on failure. */
    static final int DIFF_ROWS = 15;

    @Test
    void outputIsTheSameAtParallelismOneTwoAndFour() throws Exception {
        LocalKafka kafka = KafkaExtension.kafka();
        String run = Long.toString(System.nanoTime());
        String positions = "par-positions-" + run;
        kafka.createTopics(PARTITIONS, positions);
        keepForever(kafka, positions);
        long sent = produce(kafka, positions);

        Map<Integer, Output> outputs = new TreeMap<>();
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
            outputs.put(p, new Output(measurements(INFLUX.influxd(), db), violations(kafka, violations)));
            System.out.printf("parallelism %d: %.1f s, %d points, %d violation records%n", p,
                    (System.nanoTime() - t0) / 1e9, outputs.get(p).points(), outputs.get(p).violations().size());
        }
        System.out.printf("%d records in %d partitions%n", sent, PARTITIONS);

        Output one = outputs.get(1);
        assertThat(one.measurements().keySet()).as("measurements at parallelism 1")
                .contains("violation", "operator_minute", "operator_score", "operator_month", "deduction",
                        "operator_metrics", "fence_occupancy", "accumulation");
        assertThat(one.measurements().get("deduction").stream().filter(row -> row.matches(".* evidence=[^ ]+;.*")))
                .as("deductions with more than one evidence id").isNotEmpty();
        assertThat(one.violations()).as("violations published at parallelism 1").isNotEmpty();
        StringBuilder diff = new StringBuilder();
        for (int p : List.of(2, 4)) {
            diff.append(difference(one, 1, outputs.get(p), p));
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

    /** What a run wrote: each measurement's rows (sorted), and the violation records (key and value). */
    record Output(Map<String, List<String>> measurements, TreeSet<String> violations) {
        long points() {
            return measurements.values().stream().mapToLong(List::size).sum();
        }
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

    /** Records keep their simulated (past) timestamps; time-based retention must not delete them. */
    private static void keepForever(LocalKafka kafka, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic), List.of(
                    new AlterConfigOp(new ConfigEntry("retention.ms", "-1"), AlterConfigOp.OpType.SET)))).all().get();
        }
    }

    /** Every measurement of the database: each row as its non-null columns, name=value, rows sorted. */
    private static Map<String, List<String>> measurements(LocalInfluxd influx, String db) throws Exception {
        Map<String, List<String>> out = new TreeMap<>();
        for (List<Object> m : influx.rows(db, "SHOW MEASUREMENTS")) {
            String name = String.valueOf(m.get(0));
            JsonNode series = influx.query(db, "SELECT * FROM \"" + name + "\" ORDER BY time")
                    .path("results").path(0).path("series").path(0);
            List<String> columns = new ArrayList<>();
            series.path("columns").forEach(c -> columns.add(c.asText()));
            List<String> rows = new ArrayList<>();
            for (JsonNode values : series.path("values")) {
                StringBuilder row = new StringBuilder();
                Iterator<JsonNode> it = values.elements();
                for (int i = 0; it.hasNext(); i++) {
                    JsonNode v = it.next();
                    if (!v.isNull()) {
                        row.append(row.isEmpty() ? "" : " ").append(columns.get(i)).append('=').append(v.asText());
                    }
                }
                rows.add(row.toString());
            }
            // Rows start with their time; sorting the whole row orders by time, then tags and fields.
            rows.sort(null);
            out.put(name, rows);
        }
        return out;
    }

    /** Every record of the topic, read committed, as key and value. */
    private static TreeSet<String> violations(LocalKafka kafka, String topic) {
        Properties props = kafka.consumerProps("par-read-" + System.nanoTime());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        TreeSet<String> out = new TreeSet<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int i = 0; i < PARTITIONS; i++) {
                partitions.add(new TopicPartition(topic, i));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                assertThat(System.nanoTime()).as("read " + topic + " to its end within 30 s").isLessThan(deadline);
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(new String(r.key(), StandardCharsets.UTF_8) + " " + new String(r.value(),
                            StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    /** What differs between two runs, readable: per measurement the rows only one of them has. */
    private static String difference(Output a, int pa, Output b, int pb) {
        StringBuilder diff = new StringBuilder();
        TreeSet<String> names = new TreeSet<>(a.measurements().keySet());
        names.addAll(b.measurements().keySet());
        for (String name : names) {
            List<String> ra = a.measurements().getOrDefault(name, List.of());
            List<String> rb = b.measurements().getOrDefault(name, List.of());
            if (!ra.equals(rb)) {
                diff.append(String.format("%s: %d rows at p=%d, %d at p=%d%n", name, ra.size(), pa, rb.size(), pb));
                diff.append(onlyIn(ra, rb, "p=" + pa)).append(onlyIn(rb, ra, "p=" + pb));
            }
        }
        if (!a.violations().equals(b.violations())) {
            List<String> va = new ArrayList<>(a.violations());
            List<String> vb = new ArrayList<>(b.violations());
            diff.append(String.format("violations topic: %d records at p=%d, %d at p=%d%n", va.size(), pa, vb.size(),
                    pb));
            diff.append(onlyIn(va, vb, "p=" + pa)).append(onlyIn(vb, va, "p=" + pb));
        }
        return diff.toString();
    }

    private static String onlyIn(List<String> rows, List<String> other, String label) {
        TreeSet<String> rest = new TreeSet<>(other);
        List<String> only = rows.stream().filter(r -> !rest.contains(r)).toList();
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(DIFF_ROWS, only.size()); i++) {
            s.append("  only at ").append(label).append(": ").append(only.get(i)).append('\n');
        }
        if (only.size() > DIFF_ROWS) {
            s.append("  ... and ").append(only.size() - DIFF_ROWS).append(" more only at ").append(label).append('\n');
        }
        return s.toString();
    }
}
