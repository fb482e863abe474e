package org.bikefence.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.assertj.core.api.SoftAssertions;
import org.bikefence.config.JobConfig;
import org.bikefence.config.JobOptions;
import org.bikefence.geofence.FenceSet;
import org.bikefence.geofence.GeoJsonFenceLoader;
import org.bikefence.local.LocalInfluxd;
import org.bikefence.local.LocalKafka;
import org.bikefence.rules.MonthlyAssessment;
import org.bikefence.rules.MonthlyScore;
import org.bikefence.rules.OperatorMonthMetrics;
import org.bikefence.rules.RuleSet;
import org.bikefence.rules.RuleSetLoader;
import org.bikefence.rules.Scorer;
import org.bikefence.simulator.FleetSimulator;
import org.bikefence.simulator.GroundTruth;
import org.bikefence.simulator.OperatorProfile;
import org.bikefence.simulator.Switches;
import org.bikefence.testing.FlinkTestCluster;
import org.bikefence.testing.InfluxdExtension;
import org.bikefence.testing.KafkaExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A simulated day of three operators with every simulator switch on, through a real broker (each record
 * carrying the Kafka timestamp the simulator gave it), the job and influxd: every month metric the stream
 * publishes must be within 1 % of the simulator's ground truth, counts of a few exactly.
 *
 * <p>The rule set is {@code rules/sim-huli.yaml}: huli.yaml with Meituan's quota cut to 180 bikes, so the
 * over-quota metrics are exercised, and zero-priced lines that publish raw figures (violations, mean
 * daily bikes, zombie bikes, mean clearing and handling times, feed-gap minutes).
 */
@ExtendWith(KafkaExtension.class)
class SimulatedDayITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestCluster.twoSlots();

    @RegisterExtension
    static final InfluxdExtension INFLUX = new InfluxdExtension();

    static final String RULES = "src/test/resources/rules/sim-huli.yaml";
    static final String FENCES = "../geo-fences/fences/huli-demo.geojson";
    /** Midnight in Xiamen, 10 November 2026; zombies have stood since 2 November. */
    static final long START = Instant.parse("2026-11-09T16:00:00Z").toEpochMilli();
    static final long END = START + 24 * 3_600_000L;
    static final YearMonth NOVEMBER = YearMonth.of(2026, 11);
    static final List<String> OPERATORS = List.of("hello", "meituan", "qingju");
    /** Metrics of few events or bikes: compared exactly. */
    static final Set<String> EXACT = Set.of("out_of_area_bikes", "zombie_bikes", "fleet_days_over_quota",
            "data_feed_gaps", "accumulation_events");
    /** Counted by the rule set but not by the stream: none any more (accumulation is counted since). */
    static final Set<String> NOT_COUNTED_BY_THE_STREAM = Set.of();

    /** The rule set puts bikes out of area after 30 min; the simulator's 45-min stays must count. */
    static final Map<String, String> OUT_OF_AREA_NOTE = Map.of("out_of_area",
            " (rule set: out of area after 30 min; the simulator's 45-min stays count)");

    @Test
    void streamMetricsMatchTheSimulatorsGroundTruth() throws Exception {
        RuleSet rules = RuleSetLoader.load(Path.of(RULES));
        FenceSet fences = GeoJsonFenceLoader.load(Path.of(FENCES));
        Switches every = Switches.builder().zombies(4).longFaulty(5).noParkStays(9).outOfArea(6).piles(1).silent(3)
                .latePerMille(20).build();
        List<OperatorProfile> demo = OperatorProfile.demo();
        // Clearing times away from the 10-minute grace and the 30-minute deadline (10 + 30 = 40 minutes).
        List<OperatorProfile> operators = List.of(
                demo.get(0).withSwitches(every),
                demo.get(1).withClearing(45, 120).withSwitches(Switches.builder().zombies(4).longFaulty(5)
                        .noParkStays(9).outOfArea(6).piles(1).silent(3).latePerMille(20).fleetSize(200).build()),
                demo.get(2).withClearing(11, 38).withSwitches(Switches.builder().zombies(4).longFaulty(5)
                        .noParkStays(9).outOfArea(6).piles(1).silent(3).latePerMille(60).badPerMille(10).build()));
        FleetSimulator sim = new FleetSimulator(fences, operators, 200, START, 2026, 3).recordGroundTruth(rules);

        LocalKafka kafka = KafkaExtension.kafka();
        String positions = "sim-positions-" + System.nanoTime();
        String dlq = "sim-dlq-" + System.nanoTime();
        kafka.createTopics(2, positions, dlq);
        keepForever(kafka, positions);
        long t0 = System.nanoTime();
        long sent = produce(kafka, positions, sim);
        long t1 = System.nanoTime();
        String fencesTopic = "sim-geofences-empty";
        kafka.createTopics(1, fencesTopic);
        runJob(kafka, positions, dlq, fencesTopic, new Configuration(), INFLUX.database());
        long t2 = System.nanoTime();
        System.out.printf("simulated %d records (%d invalid) in %.1f s, job %.1f s%n", sent, sim.producedBad(),
                (t1 - t0) / 1e9, (t2 - t1) / 1e9);

        GroundTruth truth = sim.groundTruth();
        LocalInfluxd influx = INFLUX.influxd();
        String db = INFLUX.database();
        SoftAssertions soft = new SoftAssertions();

        List<OperatorMonthMetrics> truthMetrics = new ArrayList<>();
        for (String op : OPERATORS) {
            truthMetrics.add(truth.metrics(op, NOVEMBER));
        }
        MonthlyAssessment expected = new Scorer().assess(rules, NOVEMBER, truthMetrics);
        StringBuilder table = new StringBuilder(String.format("%-48s %12s %12s%n", "metric", "truth", "stream"));
        for (String op : OPERATORS) {
            Map<String, Double> stream = monthFields(influx, db, op);
            MonthlyScore want = expected.scores().stream().filter(s -> s.operator().equals(op)).findFirst()
                    .orElseThrow();
            for (Map.Entry<String, Double> e : want.metricValues().entrySet()) {
                String field = "m_" + e.getKey();
                Double got = stream.get(field);
                double w = e.getValue();
                table.append(String.format("%-48s %12.2f %12s%n", op + " " + e.getKey(), w,
                        got == null ? "-" : String.format("%.2f", got)));
                if (NOT_COUNTED_BY_THE_STREAM.contains(e.getKey())) {
                    // Nothing counted: no events, and a share of nothing judged is 100 % (Metric).
                    soft.assertThat(got).as(op + " " + field + " (not counted by the stream yet)")
                            .isEqualTo(e.getKey().endsWith("_pct") ? 100.0 : 0.0);
                    continue;
                }
                soft.assertThat(got).as(op + " " + field + " published").isNotNull();
                if (got != null) {
                    double tolerance = EXACT.contains(e.getKey()) ? 0 : Math.max(0.01 * Math.abs(w), 0.011);
                    soft.assertThat(got).as(op + " " + field + " vs ground truth " + w
                            + (e.getKey().startsWith("out_of_area") ? OUT_OF_AREA_NOTE.get("out_of_area") : ""))
                            .isCloseTo(w,
                            org.assertj.core.data.Offset.offset(tolerance));
                }
            }
            soft.assertThat(truth.month(op, NOVEMBER).fenceOverCapacityEvents).as(op + " piles made").isPositive();
        }

        // Violation points by type, and the per-minute no-park counts, against what the simulator did.
        for (String op : OPERATORS) {
            for (String type : List.of("no_park", "out_of_area", "zombie", "faulty_overdue")) {
                GroundTruth.Violations v = truth.violations(op, type);
                long opened = count(influx, db, "SELECT count(status) FROM violation WHERE operator = '" + op
                        + "' AND \"type\" = '" + type + "'");
                long closed = count(influx, db, "SELECT count(status) FROM violation WHERE operator = '" + op
                        + "' AND \"type\" = '" + type + "' AND status = 'closed'");
                table.append(String.format("%-48s %12s %12s%n", op + " violation " + type + " opened/closed",
                        v.opened + "/" + v.closed, opened + "/" + closed));
                soft.assertThat(opened).as(op + " " + type + " violations" + OUT_OF_AREA_NOTE.getOrDefault(type, ""))
                        .isCloseTo(v.opened,
                        org.assertj.core.data.Offset.offset(v.opened / 100));
                soft.assertThat(closed).as(op + " " + type + " violations closed"
                        + OUT_OF_AREA_NOTE.getOrDefault(type, "")).isCloseTo(v.closed,
                        org.assertj.core.data.Offset.offset(v.closed / 100));
            }
            long minuteOpened = count(influx, db, "SELECT sum(violations_opened) FROM operator_minute WHERE operator = '"
                    + op + "'");
            soft.assertThat(minuteOpened).as(op + " operator_minute violations_opened").isCloseTo(
                    truth.violations(op, "no_park").opened,
                    org.assertj.core.data.Offset.offset(truth.violations(op, "no_park").opened / 100));
        }
        System.out.print(table);
        soft.assertAll();
    }

    /** Records keep their simulated (past) timestamps; time-based retention must not delete them. */
    private static void keepForever(LocalKafka kafka, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic), List.of(
                    new AlterConfigOp(new ConfigEntry("retention.ms", "-1"), AlterConfigOp.OpType.SET)))).all().get();
        }
    }

    /** Sends the whole simulation in event-time order, each record with the Kafka timestamp the simulator gave it. */
    private static long produce(LocalKafka kafka, String topic, FleetSimulator sim) throws Exception {
        Properties props = kafka.producerProps();
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            return sim.finishInto(producer, topic, END);
        }
    }

    /**
     * README documents an empty {@code kafka.fences-topic} as "no fence updates": the job must run (it once
     * failed with "Reached the end of the collection" and restarted for ever). Run without restarts, so a
     * regression fails at once instead of hanging.
     */
    @Test
    void jobRunsWithoutAFencesTopic() throws Exception {
        FleetSimulator sim = new FleetSimulator(GeoJsonFenceLoader.load(Path.of(FENCES)), OperatorProfile.demo(), 30,
                START, 1, 0);
        LocalKafka kafka = KafkaExtension.kafka();
        String positions = "nofences-positions-" + System.nanoTime();
        String dlq = "nofences-dlq-" + System.nanoTime();
        kafka.createTopics(1, positions, dlq);
        keepForever(kafka, positions);
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProps())) {
            sim.finishInto(producer, positions, START + 3_600_000L);
        }
        Configuration noRestarts = new Configuration();
        noRestarts.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        // Its own database: its points must not mix with the simulated day's.
        String db = "nofences_" + System.nanoTime();
        INFLUX.influxd().createDatabase(db);
        assertThatCode(() -> runJob(kafka, positions, dlq, "", noRestarts, db))
                .as("the job with kafka.fences-topic empty (README: 'empty: none')").doesNotThrowAnyException();
        System.out.printf("job without fences topic: %.1f s%n", (System.nanoTime() - start) / 1e9);
    }

    private static void runJob(LocalKafka kafka, String positions, String dlq, String fencesTopic,
            Configuration flink, String db) throws Exception {
        JobConfig config = JobConfig.fromArgs(new String[] {
            "--" + JobOptions.KAFKA_BOOTSTRAP.key(), kafka.bootstrapServers(),
            "--" + JobOptions.KAFKA_POSITIONS_TOPIC.key(), positions,
            "--" + JobOptions.KAFKA_DLQ_TOPIC.key(), dlq,
            // The main test names an existing, empty topic; jobRunsWithoutAFencesTopic leaves it empty.
            "--" + JobOptions.KAFKA_FENCES_TOPIC.key(), fencesTopic,
            "--" + JobOptions.KAFKA_VIOLATIONS_TOPIC.key(), "",
            "--" + JobOptions.KAFKA_GROUP_ID.key(), "sim-" + System.nanoTime(),
            "--" + JobOptions.KAFKA_STARTING_OFFSETS.key(), "earliest",
            "--" + JobOptions.KAFKA_BOUNDED.key(), "true",
            "--" + JobOptions.FENCES.key(), FENCES,
            "--" + JobOptions.RULES.key(), RULES,
            "--" + JobOptions.MAX_OUT_OF_ORDER_MS.key(), "120000",
            // Partitions are read side by side; none may be declared idle while the other races ahead.
            "--" + JobOptions.IDLENESS_MS.key(), "600000",
            "--" + JobOptions.CHECKPOINT_INTERVAL_MS.key(), "5000",
            "--" + JobOptions.PARALLELISM.key(), "2",
            "--influx.url", INFLUX.influxd().url(),
            "--influx.db", db,
        }, Map.of());
        StreamExecutionEnvironment env = org.bikefence.testing.NoKryo.environment(flink);
        JobMain.create(config).execute(JobMain.configure(env, config));
    }

    /** The operator's November point: every numeric field by name. */
    private static Map<String, Double> monthFields(LocalInfluxd influx, String db, String operator) throws Exception {
        JsonNode series = influx.query(db, "SELECT * FROM operator_month WHERE operator = '" + operator
                + "' AND time = '2026-10-31T16:00:00Z'").path("results").path(0).path("series").path(0);
        Map<String, Double> fields = new TreeMap<>();
        Iterator<JsonNode> columns = series.path("columns").elements();
        JsonNode row = series.path("values").path(0);
        for (int i = 0; columns.hasNext(); i++) {
            String name = columns.next().asText();
            if (row.path(i).isNumber()) {
                fields.put(name, row.path(i).asDouble());
            }
        }
        assertThat(fields).as("operator_month point of " + operator).isNotEmpty();
        return fields;
    }

    private static long count(LocalInfluxd influx, String db, String q) throws Exception {
        List<List<Object>> rows = influx.rows(db, q);
        return rows.isEmpty() ? 0 : ((Number) rows.get(0).get(1)).longValue();
    }
}
