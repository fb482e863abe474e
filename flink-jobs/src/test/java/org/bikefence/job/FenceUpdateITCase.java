package org.bikefence.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bikefence.job.ScenarioFixtures.IN_NO_PARK;
import static org.bikefence.job.ScenarioFixtures.IN_NO_PARK_B;
import static org.bikefence.job.ScenarioFixtures.IN_PARKING;
import static org.bikefence.job.ScenarioFixtures.MIN;
import static org.bikefence.job.ScenarioFixtures.T;
import static org.bikefence.job.ScenarioFixtures.report;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A running job takes a new fence set from the {@code geofences} topic without a restart: positions
 * classified before the switch keep the old version, positions after it use the new one, violations open
 * and close correctly across the switch, and a broken fence file is rejected without replacing anything.
 */
@ExtendWith(KafkaExtension.class)
class FenceUpdateITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestCluster.twoSlots();

    @RegisterExtension
    static final InfluxdExtension INFLUX = new InfluxdExtension();

    private static final Duration DEADLINE = Duration.ofSeconds(90);

    @Test
    void classificationSwitchesAtTheNewVersionAndViolationsFollow() throws Exception {
        LocalKafka kafka = KafkaExtension.kafka();
        String suffix = Long.toString(System.nanoTime());
        String positions = "fu-positions-" + suffix;
        String fences = "fu-geofences-" + suffix;
        kafka.createTopics(1, positions, "fu-dlq-" + suffix, fences);
        LocalInfluxd influx = INFLUX.influxd();
        String db = INFLUX.database();

        JobClient job = startJob(kafka, positions, "fu-dlq-" + suffix, fences);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProps())) {
            // Part 1, fence set it-1: MT-1 stands in NP-A; the clock bike moves event time past its grace.
            List<Msg> part1 = new ArrayList<>();
            part1.add(report("meituan", "MT-1", T, IN_NO_PARK, "parked"));
            clock(part1, 0, 12);
            send(producer, positions, part1);
            awaitRows(influx, db, "SELECT status FROM violation WHERE bike_id = 'MT-1'", 1);

            // The new version lifts NP-A and adds NP-B.
            send(producer, fences, "huli", Files.readAllBytes(Path.of(ScenarioFixtures.FENCES_V2)));
            awaitRows(influx, db, "SELECT fences FROM fence_set WHERE status = 'accepted' AND version = 'it-2'", 1);

            // A broken update (duplicate ids) is rejected; it-2 stays active.
            send(producer, fences, "huli", brokenFenceFile());
            awaitRows(influx, db, "SELECT reason FROM fence_set WHERE status = 'rejected'", 1);

            // Part 2, fence set it-2: MT-1 stands where NP-A was (the violation closes), MT-3 parks there
            // (no violation), MT-2 stands in NP-B (a violation opens at T+31).
            List<Msg> part2 = new ArrayList<>();
            part2.add(report("meituan", "MT-1", T + 20 * MIN, IN_NO_PARK, "parked"));
            part2.add(report("meituan", "MT-2", T + 21 * MIN, IN_NO_PARK_B, "parked"));
            part2.add(report("meituan", "MT-3", T + 22 * MIN, IN_NO_PARK, "parked"));
            clock(part2, 13, 35);
            send(producer, positions, part2);
            awaitRows(influx, db, "SELECT status FROM violation WHERE bike_id = 'MT-2'", 1);
            awaitRows(influx, db, "SELECT status FROM violation WHERE bike_id = 'MT-1' AND status = 'closed'", 1);
        } finally {
            job.cancel().get();
        }

        assertThat(strings(influx.rows(db, "SELECT bike_id, fence_id, status, duration_s, fence_set FROM violation")))
                .containsExactly(
                        List.of(T + 10 * MIN, "MT-1", "NP-A", "closed", 600, "it-1").toString(),
                        "[" + (T + 31 * MIN) + ", MT-2, NP-B, open, null, it-2]");
        assertThat(strings(influx.rows(db, "SELECT status, version, fences FROM fence_set")))
                .hasSize(2)
                .anySatisfy(r -> assertThat(r).contains("accepted, it-2, 3"))
                .anySatisfy(r -> assertThat(r).contains("rejected, unknown, 0"));
        assertThat(influx.rows(db, "SELECT reason FROM fence_set WHERE status = 'rejected'").get(0).get(1).toString())
                .contains("duplicate").contains("NP-X");
    }

    private static JobClient startJob(LocalKafka kafka, String positions, String dlq, String fences) throws Exception {
        return ScenarioFixtures.startUnbounded(kafka.bootstrapServers(), positions, dlq, "fu-" + positions,
                INFLUX.influxd().url(), INFLUX.database(), "fence-update-itcase",
                JobOptions.KAFKA_FENCES_TOPIC.key(), fences);
    }

    /** A bike parked in P-1 reporting every minute, so event time advances. */
    private static void clock(List<Msg> into, int fromMinute, int toMinute) {
        for (int m = fromMinute; m <= toMinute; m++) {
            into.add(report("hello", "HL-CLOCK", T + m * MIN, IN_PARKING, "parked"));
        }
    }

    private static byte[] brokenFenceFile() {
        String square = "{\"type\":\"Polygon\",\"coordinates\":[[[118.10,24.50],[118.101,24.50],[118.101,24.501],"
                + "[118.10,24.501],[118.10,24.50]]]}";
        return ("{\"type\":\"FeatureCollection\",\"version\":\"it-3\",\"features\":["
                + "{\"type\":\"Feature\",\"properties\":{\"id\":\"NP-X\",\"kind\":\"no_park\"},\"geometry\":" + square + "},"
                + "{\"type\":\"Feature\",\"properties\":{\"id\":\"NP-X\",\"kind\":\"no_park\"},\"geometry\":" + square + "}"
                + "]}").getBytes(StandardCharsets.UTF_8);
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, List<Msg> msgs) throws Exception {
        for (Msg m : msgs) {
            send(producer, topic, m.key(), m.value().getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, String key, byte[] value)
            throws Exception {
        producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value)).get();
    }

    /** Polls InfluxDB until the query returns at least {@code n} rows, failing after the deadline. */
    private static void awaitRows(LocalInfluxd influx, String db, String query, int n) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            if (influx.rows(db, query).size() >= n) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + n + " row(s) within " + DEADLINE + " for: " + query);
            }
            Thread.onSpinWait();
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
}
