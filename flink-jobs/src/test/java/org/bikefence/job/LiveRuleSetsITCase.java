package org.bikefence.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bikefence.job.ScenarioFixtures.IN_NO_PARK;
import static org.bikefence.job.ScenarioFixtures.IN_PARKING;
import static org.bikefence.job.ScenarioFixtures.MIN;
import static org.bikefence.job.ScenarioFixtures.T;
import static org.bikefence.job.ScenarioFixtures.report;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.bikefence.config.JobOptions;
import org.bikefence.job.ScenarioFixtures.Msg;
import org.bikefence.local.LocalInfluxd;
import org.bikefence.local.LocalKafka;
import org.bikefence.testing.FlinkTestCluster;
import org.bikefence.testing.InfluxdExtension;
import org.bikefence.testing.KafkaExtension;
import org.bikefence.testing.LiveRulesFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A running job takes a new rule-set version from the rule-set topic without a restart: a bad version is rejected
 * and reported, the good one is reported accepted, and its shorter no-park grace opens a violation from its
 * {@code effectiveFrom} day that the version in force before would not have opened; the day's score uses it.
 */
@ExtendWith(KafkaExtension.class)
class LiveRuleSetsITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestCluster.twoSlots();

    @RegisterExtension
    static final InfluxdExtension INFLUX = new InfluxdExtension();

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final ZoneId XIAMEN = ZoneId.of("Asia/Shanghai");
    /** T is 08:00 on 12 October in Xiamen; version huli-it.2 is in force from the next day. */
    private static final LocalDate OCT_13 = LocalDate.of(2026, 10, 13);
    private static final long DAY2 = OCT_13.atStartOfDay(XIAMEN).toInstant().toEpochMilli();
    /** A 5-minute no-park grace instead of 10. */
    private static final String V2 = LiveRulesFixtures.version("huli-it.2", OCT_13, 5, 30);

    @Test
    void aNewVersionAppliesFromItsDayAndABadOneIsRejected() throws Exception {
        LocalKafka kafka = KafkaExtension.kafka();
        String suffix = Long.toString(System.nanoTime());
        String positions = "lr-positions-" + suffix;
        String dlq = "lr-dlq-" + suffix;
        String ruleSets = "lr-rulesets-" + suffix;
        kafka.createTopics(1, positions, dlq, ruleSets);
        LocalInfluxd influx = INFLUX.influxd();
        String db = INFLUX.database();

        JobClient job = startJob(kafka, positions, dlq, ruleSets);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProps())) {
            // 12 October, huli-2026.1 (10 minutes): MT-1 stands 8 minutes in NP-A and rides away: no violation.
            List<Msg> day1 = new ArrayList<>();
            standsEightMinutes(day1, "MT-1", T);
            clock(day1, T, 12);
            send(producer, positions, day1);
            awaitRows(influx, db, "SELECT score FROM operator_score WHERE operator = 'hello'", 1);

            // A bad version (a negative grace) is rejected with the loader's line; then the good one.
            send(producer, ruleSets, "huli-it.bad", LiveRulesFixtures.replaceOnce(V2, "graceMinutes: 5 ",
                    "graceMinutes: -5 "));
            send(producer, ruleSets, "huli-it.2", V2);
            awaitRows(influx, db, "SELECT effective_from FROM rule_set WHERE status = 'accepted'", 1);

            // 13 October, huli-it.2 (5 minutes): MT-2 stands the same 8 minutes: a violation from minute 5 to 8.
            List<Msg> day2 = new ArrayList<>();
            standsEightMinutes(day2, "MT-2", DAY2 + 10 * MIN);
            clock(day2, DAY2, 30);
            send(producer, positions, day2);
            awaitRows(influx, db, "SELECT status FROM violation WHERE bike_id = 'MT-2' AND status = 'closed'", 1);
            awaitRows(influx, db, "SELECT rule_set FROM operator_score WHERE operator = 'meituan' AND time >= "
                    + DAY2 + "ms", 1);
        } finally {
            job.cancel().get();
        }

        assertThat(strings(influx.rows(db, "SELECT bike_id, fence_id, status, duration_s FROM violation")))
                .containsExactly(List.of(DAY2 + 15 * MIN, "MT-2", "NP-A", "closed", 180).toString());
        List<List<Object>> points = influx.rows(db, "SELECT status, version, effective_from, reason FROM rule_set");
        assertThat(points).hasSize(2);
        assertThat(strings(points)).anySatisfy(r -> assertThat(r).contains("accepted, huli-it.2, 2026-10-13, ]"));
        String reason = points.stream().filter(r -> "rejected".equals(r.get(1))).findFirst().orElseThrow().get(4)
                .toString();
        assertThat(reason).contains(ruleSets + "-0@").contains("rules.noPark.graceMinutes").contains("-5")
                .containsPattern("line \\d+");
        assertThat(distinct(influx.rows(db, "SELECT rule_set FROM operator_score WHERE time >= " + DAY2 + "ms")))
                .containsExactly("huli-it.2");
        assertThat(distinct(influx.rows(db, "SELECT rule_set FROM operator_score WHERE time < " + DAY2 + "ms")))
                .containsExactly("huli-2026.1");
    }

    private static JobClient startJob(LocalKafka kafka, String positions, String dlq, String ruleSets)
            throws Exception {
        return ScenarioFixtures.startUnbounded(kafka.bootstrapServers(), positions, dlq, "lr-" + positions,
                INFLUX.influxd().url(), INFLUX.database(), "live-rule-sets-itcase",
                JobOptions.KAFKA_FENCES_TOPIC.key(), "", JobOptions.KAFKA_RULESETS_TOPIC.key(), ruleSets);
    }

    /** Parked in NP-A from {@code from}, reporting at minutes 0, 3 and 7, riding away at minute 8. */
    private static void standsEightMinutes(List<Msg> into, String bike, long from) {
        into.add(report("meituan", bike, from, IN_NO_PARK, "parked"));
        into.add(report("meituan", bike, from + 3 * MIN, IN_NO_PARK, "parked"));
        into.add(report("meituan", bike, from + 7 * MIN, IN_NO_PARK, "parked"));
        into.add(report("meituan", bike, from + 8 * MIN, IN_PARKING, "riding"));
    }

    /** A bike parked in P-1 reporting every minute from {@code from}, so event time advances. */
    private static void clock(List<Msg> into, long from, int minutes) {
        for (int m = 0; m <= minutes; m++) {
            into.add(report("hello", "HL-CLOCK", from + m * MIN, IN_PARKING, "parked"));
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, List<Msg> msgs) throws Exception {
        msgs.sort(java.util.Comparator.comparing(m -> m.value().replaceAll(".*\"ts\":(\\d+).*", "$1")));
        for (Msg m : msgs) {
            send(producer, topic, m.key(), m.value());
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, String key, String value)
            throws Exception {
        producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8))).get();
    }

    /** Polls InfluxDB until the query returns at least {@code n} rows, failing after the deadline. */
    private static void awaitRows(LocalInfluxd influx, String db, String query, int n) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (influx.rows(db, query).size() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + n + " row(s) within " + DEADLINE + " for: " + query);
            }
            Thread.sleep(100); // polling interval of a deadline-bounded wait, not synchronisation
        }
    }

    private static List<String> strings(List<List<Object>> rows) {
        List<String> out = new ArrayList<>();
        for (List<Object> r : rows) {
            out.add(r.toString());
        }
        return out;
    }

    private static Set<String> distinct(List<List<Object>> rows) {
        Set<String> out = new TreeSet<>();
        for (List<Object> r : rows) {
            out.add(String.valueOf(r.get(1)));
        }
        return out;
    }
}
