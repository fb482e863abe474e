package org.bikefence.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bikefence.job.ScenarioFixtures.BAD;
import static org.bikefence.job.ScenarioFixtures.BAD_REASONS;
import static org.bikefence.job.ScenarioFixtures.MIN;
import static org.bikefence.job.ScenarioFixtures.SCRIPT;
import static org.bikefence.job.ScenarioFixtures.T;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.bikefence.config.JobOptions;
import org.bikefence.job.ScenarioFixtures.Msg;
import org.bikefence.local.LocalInfluxd;
import org.bikefence.local.LocalKafka;
import org.bikefence.model.Topics;
import org.bikefence.testing.BoundedJobRun;
import org.bikefence.testing.FlinkTestCluster;
import org.bikefence.testing.InfluxdExtension;
import org.bikefence.testing.KafkaExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole job on real components: a KRaft broker, Flink's MiniCluster and influxd. A scripted morning
 * goes through Kafka; the test reads back exactly what InfluxDB and the dead-letter topic hold.
 */
@ExtendWith(KafkaExtension.class)
class BikefenceJobITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestCluster.twoSlots();

    @RegisterExtension
    static final InfluxdExtension INFLUX = new InfluxdExtension();

    private static final AtomicInteger RUNS = new AtomicInteger();
    private static String violationsTopic;
    /** Left empty here: this test runs on the fences given at submission. */
    private static final String FENCES_TOPIC = "it-geofences-empty";
    /**
     * Oversized input, dead-lettered only here (the shared {@code BAD} records feed other tests' counts): a
     * 100 KB record (over the 64 KiB limit, never parsed) and a bike id of 65 characters (over 64).
     */
    private static final List<Msg> TOO_LARGE = List.of(
            new Msg("X-6", "{\"operator\":\"meituan\",\"bikeId\":\"X-6\",\"ts\":" + T
                    + ",\"lat\":24.5,\"lng\":118.1,\"state\":\"parked\",\"note\":\"" + "n".repeat(100 * 1024)
                    + "\"}"),
            new Msg("X-7", "{\"operator\":\"hello\",\"bikeId\":\"" + "X".repeat(65) + "\",\"ts\":" + T
                    + ",\"lat\":24.5,\"lng\":118.1,\"state\":\"parked\"}"));

    @Test
    void scriptedMorningGivesExactViolationsCountsScoresAndDeadLetters(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        LocalKafka kafka = KafkaExtension.kafka();
        String positions = "it-positions-" + System.nanoTime();
        String dlq = "it-dlq-" + System.nanoTime();
        violationsTopic = "it-violations-" + System.nanoTime();
        kafka.createTopics(2, positions, dlq, FENCES_TOPIC, violationsTopic);
        produce(kafka, positions);

        JobExecutionResult first = runJob(kafka, positions, dlq);

        // On RocksDB, checkpointed as files under the test cluster's own directory, as a cluster with config.yaml
        // runs it, with the max parallelism of the job option.
        FlinkTestCluster.Checkpoints checkpoints = FlinkTestCluster.of(cluster, first.getJobID());
        assertThat(checkpoints.stateBackend()).isEqualTo("EmbeddedRocksDBStateBackend");
        assertThat(checkpoints.storage()).isEqualTo("FileSystemCheckpointStorage");
        assertThat(checkpoints.completed()).isPositive();
        assertThat(checkpoints.latestPath()).startsWithRaw(
                FlinkTestCluster.checkpointsDirectory(cluster).resolve(first.getJobID().toHexString()));
        assertThat(checkpoints.maxParallelism()).isEqualTo(JobOptions.MAX_PARALLELISM.defaultValue());

        LocalInfluxd influx = INFLUX.influxd();
        String db = INFLUX.database();
        assertThat(strings(influx.rows(db, "SELECT bike_id, fence_id, operator, status, duration_s, parked_since "
                + "FROM violation"))).containsExactly(
                        List.of(T + 10 * MIN, "MT-1", "NP-A", "meituan", "closed", 900, T).toString(),
                        List.of(T + 14 * MIN, "MT-3", "NP-A", "meituan", "closed", 960, T + 4 * MIN).toString(),
                        row(T + 50 * MIN, "HL-2", "NP-A", "hello", "open", null, T + 40 * MIN));

        assertThat(strings(influx.rows(db, "SELECT bikes_seen, bikes_in_no_park, violations_opened, "
                + "violations_closed FROM operator_minute WHERE operator = 'meituan'"))).containsExactly(
                        minute(0, 1, 1, 0, 0), minute(1, 1, 1, 0, 0), minute(2, 1, 0, 0, 0), minute(3, 1, 0, 0, 0),
                        minute(4, 1, 1, 0, 0), minute(5, 1, 1, 0, 0), minute(8, 1, 0, 0, 0), minute(10, 0, 0, 1, 0),
                        minute(14, 0, 0, 1, 0), minute(25, 1, 0, 0, 1), minute(30, 1, 0, 0, 1));
        assertThat(strings(influx.rows(db, "SELECT bikes_seen, bikes_in_no_park, violations_opened, "
                + "violations_closed FROM operator_minute WHERE operator = 'hello'"))).containsExactly(
                        minute(0, 1, 0, 0, 0), minute(1, 1, 0, 0, 0), minute(2, 1, 0, 0, 0), minute(5, 1, 0, 0, 0),
                        minute(10, 1, 0, 0, 0), minute(15, 1, 0, 0, 0), minute(20, 1, 0, 0, 0),
                        minute(25, 1, 0, 0, 0), minute(30, 1, 0, 0, 0), minute(35, 1, 0, 0, 0),
                        minute(40, 2, 1, 0, 0), minute(45, 1, 0, 0, 0), minute(50, 1, 0, 1, 0),
                        minute(55, 2, 1, 0, 0), minute(57, 1, 1, 0, 0), minute(60, 1, 0, 0, 0));

        assertThat(strings(influx.rows(db, "SELECT score, no_park_violations, deduction, rule_set, day "
                + "FROM operator_score WHERE operator = 'meituan'"))).containsExactly(
                        score(0, "100", 0, "0"), score(1, "100", 0, "0"), score(2, "100", 0, "0"),
                        score(3, "100", 0, "0"), score(4, "100", 0, "0"), score(5, "100", 0, "0"),
                        score(8, "100", 0, "0"), score(10, "99.5", 1, "0.5"), score(14, "99", 2, "1"),
                        score(25, "99", 2, "1"), score(30, "99", 2, "1"));
        assertThat(strings(influx.rows(db, "SELECT last(score), last(no_park_violations) FROM operator_score "
                + "WHERE operator = 'hello'"))).singleElement().asString().endsWith(", 99.5, 1]");

        assertDeadLetters(kafka, dlq);
        assertPublishedViolations(kafka);
        assertMonthlyAssessment(influx, db);

        // Replaying the same input writes the same points: nothing is duplicated.
        String before = countsOf(influx, db);
        runJob(kafka, positions, dlq);
        assertThat(countsOf(influx, db)).isEqualTo(before);
        assertThat(before).isEqualTo("[3, 27, 27]");
    }

    private static void produce(LocalKafka kafka, String topic) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProps())) {
            List<Msg> all = new ArrayList<>(SCRIPT);
            // Bad records interleaved with good ones, as a real feed would send them.
            for (int i = 0; i < BAD.size(); i++) {
                all.add(3 + i * 5, BAD.get(i));
            }
            all.add(7, TOO_LARGE.get(0));
            all.add(all.size() - 2, TOO_LARGE.get(1));
            for (Msg m : all) {
                producer.send(new ProducerRecord<>(topic, bytes(m.key()), bytes(m.value()))).get();
            }
        }
    }

    private static JobExecutionResult runJob(LocalKafka kafka, String positions, String dlq) throws Exception {
        return BoundedJobRun.over(kafka, positions, INFLUX.influxd(), INFLUX.database())
                .with(JobOptions.KAFKA_DLQ_TOPIC, dlq)
                .with(JobOptions.KAFKA_FENCES_TOPIC, FENCES_TOPIC)
                .with(JobOptions.KAFKA_VIOLATIONS_TOPIC, violationsTopic)
                .with(JobOptions.KAFKA_GROUP_ID, "it-" + RUNS.incrementAndGet())
                .with(JobOptions.FENCES, ScenarioFixtures.FENCES)
                .with(JobOptions.RULES, ScenarioFixtures.RULES)
                .run();
    }

    private static void assertDeadLetters(LocalKafka kafka, String dlq) {
        Map<String, String> reasonByKey = new TreeMap<>();
        Map<String, String> valueByKey = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumerProps("dlq-check"))) {
            consumer.subscribe(List.of(dlq));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (reasonByKey.size() < BAD.size() + TOO_LARGE.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    String key = new String(r.key(), StandardCharsets.UTF_8);
                    reasonByKey.put(key, new String(r.headers().lastHeader(Topics.HEADER_REASON).value(),
                            StandardCharsets.UTF_8));
                    valueByKey.put(key, new String(r.value(), StandardCharsets.UTF_8));
                    assertThat(r.headers().lastHeader(Topics.HEADER_DETAIL)).isNotNull();
                    assertThat(Long.parseLong(new String(r.headers().lastHeader(Topics.HEADER_REJECTED_AT).value(),
                            StandardCharsets.UTF_8))).isGreaterThan(T);
                }
            }
        }
        Map<String, String> expectedReasons = new TreeMap<>();
        Map<String, String> expectedValues = new TreeMap<>();
        for (int i = 0; i < BAD.size(); i++) {
            expectedReasons.put(BAD.get(i).key(), BAD_REASONS.get(i));
            expectedValues.put(BAD.get(i).key(), BAD.get(i).value());
        }
        for (Msg m : TOO_LARGE) {
            expectedReasons.put(m.key(), "too_large");
            expectedValues.put(m.key(), m.value());
        }
        assertThat(reasonByKey).isEqualTo(expectedReasons);
        assertThat(valueByKey).isEqualTo(expectedValues);
    }

    /** Violations go to Kafka as they open and close, keyed by fence. */
    private static void assertPublishedViolations(LocalKafka kafka) {
        List<String> events = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumerProps("violations-check"))) {
            consumer.subscribe(List.of(violationsTopic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (events.size() < 5 && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    String v = new String(r.value(), StandardCharsets.UTF_8);
                    events.add(new String(r.key(), StandardCharsets.UTF_8) + " "
                            + v.replaceAll(".*\"event\":\"(\\w+)\".*\"bikeId\":\"([\\w-]+)\".*", "$1 $2"));
                }
            }
        }
        assertThat(events).containsExactlyInAnyOrder("NP-A opened MT-1", "NP-A closed MT-1", "NP-A opened MT-3",
                "NP-A closed MT-3", "NP-A opened HL-2");
    }

    /**
     * The month's metrics the stream gathered, scored by the rule set, must give what scoring hand-counted
     * metrics of the script gives (see ScenarioFixtures: every figure below is counted from the script).
     */
    private static void assertMonthlyAssessment(LocalInfluxd influx, String db) throws Exception {
        java.time.YearMonth october = java.time.YearMonth.of(2026, 10);
        java.time.Instant t = java.time.Instant.ofEpochMilli(T);
        org.bikefence.rules.OperatorMonthMetrics meituan = org.bikefence.rules.OperatorMonthMetrics
                .builder("meituan", october)
                .fleet(new org.bikefence.rules.OperatorMonthMetrics.Fleet(
                        new java.util.TreeMap<>(Map.of(java.time.LocalDate.of(2026, 10, 12), 3L)), 3, 3))
                .noPark(new org.bikefence.rules.OperatorMonthMetrics.NoPark(2, 2, 2, 31))
                .parking(new org.bikefence.rules.OperatorMonthMetrics.Parking(1, 0))
                // Every record is "late": the script's October events reach Kafka when the test runs. Invalid
                // records have no event time; they count in the month they arrive, not in October.
                .dataFeed(new org.bikefence.rules.OperatorMonthMetrics.DataFeed(3, 11, 11, 0, 0, 0, 0))
                .build();
        org.bikefence.rules.OperatorMonthMetrics hello = org.bikefence.rules.OperatorMonthMetrics
                .builder("hello", october)
                .fleet(new org.bikefence.rules.OperatorMonthMetrics.Fleet(
                        new java.util.TreeMap<>(Map.of(java.time.LocalDate.of(2026, 10, 12), 3L)), 3, 3))
                .noPark(new org.bikefence.rules.OperatorMonthMetrics.NoPark(1, 0, 0, 0))
                .parking(new org.bikefence.rules.OperatorMonthMetrics.Parking(1, 0))
                .condition(new org.bikefence.rules.OperatorMonthMetrics.Condition(1, 0, 0, 0))
                .dataFeed(new org.bikefence.rules.OperatorMonthMetrics.DataFeed(2, 18, 18, 0, 0, 0, 0))
                .build();
        org.bikefence.rules.MonthlyAssessment expected = new org.bikefence.rules.Scorer().assess(
                org.bikefence.rules.RuleSetLoader.load(java.nio.file.Path.of(ScenarioFixtures.RULES)), october,
                List.of(meituan, hello));
        List<String> want = new ArrayList<>();
        for (String op : List.of("hello", "meituan")) {
            org.bikefence.rules.RankedOperator r = expected.ranked(op);
            want.add(op + " " + r.score() + " " + r.rank() + " " + r.grade() + " " + r.quotaSharePct());
        }
        List<String> got = new ArrayList<>();
        for (String op : List.of("hello", "meituan")) {
            List<Object> row = influx.rows(db, "SELECT score, rank, grade, quota_share_pct FROM operator_month "
                    + "WHERE operator = '" + op + "' AND time = '2026-09-30T16:00:00Z'").get(0);
            got.add(op + " " + ((Number) row.get(1)).doubleValue() + " " + row.get(2) + " " + row.get(3) + " "
                    + ((Number) row.get(4)).doubleValue());
        }
        assertThat(got).isEqualTo(want);
        assertThat(influx.rows(db, "SELECT count(points) FROM deduction")).isNotEmpty();
    }

    private static String countsOf(LocalInfluxd influx, String db) throws Exception {
        List<Object> counts = new ArrayList<>();
        counts.add(influx.rows(db, "SELECT count(status) FROM violation").get(0).get(1));
        counts.add(influx.rows(db, "SELECT count(bikes_seen) FROM operator_minute").get(0).get(1));
        counts.add(influx.rows(db, "SELECT count(score) FROM operator_score").get(0).get(1));
        return counts.toString();
    }

    private static String minute(int m, long seen, long inNoPark, long opened, long closed) {
        return List.of(T + m * MIN, seen, inNoPark, opened, closed).toString();
    }

    /** InfluxDB's JSON writes whole floats without a fraction, so scores are compared as it prints them. */
    private static String score(int m, String score, long violations, String deduction) {
        return "[" + (T + m * MIN) + ", " + score + ", " + violations + ", " + deduction + ", huli-2026.1, 2026-10-12]";
    }

    private static String row(Object... values) {
        List<Object> l = new ArrayList<>();
        for (Object v : values) {
            l.add(v);
        }
        return l.toString();
    }

    private static List<String> strings(List<List<Object>> rows) {
        List<String> out = new ArrayList<>();
        for (List<Object> r : rows) {
            out.add(r.toString());
        }
        return out;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
