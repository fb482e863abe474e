package org.bikefence.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bikefence.job.ScenarioFixtures.IN_PARKING;
import static org.bikefence.job.ScenarioFixtures.MIN;
import static org.bikefence.job.ScenarioFixtures.T;
import static org.bikefence.job.ScenarioFixtures.report;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.bikefence.config.JobOptions;
import org.bikefence.job.ScenarioFixtures.Msg;
import org.bikefence.local.LocalInfluxd;
import org.bikefence.local.LocalKafka;
import org.bikefence.testing.BoundedJobRun;
import org.bikefence.testing.FlinkTestCluster;
import org.bikefence.testing.InfluxdExtension;
import org.bikefence.testing.KafkaExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole job on real components (a KRaft broker, Flink's MiniCluster, influxd) with a scheduled no-park zone:
 * a bike parked before the zone comes into force, and silent from then on, is in violation from the zone's start
 * plus the grace period until its end; a bike that left before the start has none.
 */
@ExtendWith(KafkaExtension.class)
class ScheduledFencesJobITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestCluster.twoSlots();

    @RegisterExtension
    static final InfluxdExtension INFLUX = new InfluxdExtension();

    /** NP-S, a school gate: no parking 08:00-10:00 every day (Asia/Shanghai). */
    private static final String FENCES = "../flink-jobs/src/test/resources/fences/it-fences-scheduled.geojson";
    private static final double[] IN_SCHEDULED = {24.5005, 118.1035};
    /** 07:00 in Xiamen, an hour before NP-S comes into force ({@link ScenarioFixtures#T} is 08:00). */
    private static final long SEVEN = T - 60 * MIN;
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    @Test
    void aBikeParkedAtSevenIsInViolationFromTenPastEightUntilTenWithoutAnotherReport() throws Exception {
        LocalKafka kafka = KafkaExtension.kafka();
        String positions = "sf-positions-" + System.nanoTime();
        kafka.createTopics(1, positions);
        List<Msg> script = new ArrayList<>();
        script.add(report("meituan", "MT-S", SEVEN, IN_SCHEDULED, "parked"));
        script.add(report("meituan", "MT-L", SEVEN, IN_SCHEDULED, "parked"));
        script.add(report("meituan", "MT-L", SEVEN + 30 * MIN, IN_SCHEDULED, "riding"));
        // A bike standing in P-1 and reporting every five minutes: event time goes on to 10:30 while MT-S is silent.
        for (long ts = SEVEN; ts <= T + 150 * MIN; ts += 5 * MIN) {
            script.add(report("hello", "HL-CLOCK", ts, IN_PARKING, "parked"));
        }
        ScenarioFixtures.produce(kafka, positions, script);

        // Unbounded: at the end of a bounded input the watermark jumps to the end, and a deadline reached only by
        // that jump opens nothing the bike's own reports do not prove (see BikeTracker). Here the watermark moves
        // on with HL-CLOCK's reports, as in a live stream.
        JobClient job = BoundedJobRun.over(kafka, positions, INFLUX.influxd(), INFLUX.database())
                .with(JobOptions.KAFKA_BOUNDED, "false")
                .with(JobOptions.PARALLELISM, "1")
                .with(JobOptions.FENCES, FENCES)
                .with(JobOptions.RULES, ScenarioFixtures.RULES)
                .start();
        LocalInfluxd influx = INFLUX.influxd();
        String db = INFLUX.database();
        try {
            awaitRows(influx, db, "SELECT status FROM violation WHERE status = 'closed'", 1);
            awaitRows(influx, db, "SELECT violations_closed FROM operator_minute WHERE violations_closed > 0", 1);
        } finally {
            job.cancel().get();
        }
        // One point per violation at its opening time, updated when it closes: 08:10 to 10:00 is 6600 s, counted
        // from the zone's start (parked_since 08:00).
        assertThat(strings(influx.rows(db, "SELECT bike_id, fence_id, operator, status, duration_s, parked_since, "
                + "fence_set FROM violation"))).containsExactly(
                        List.of(T + 10 * MIN, "MT-S", "NP-S", "meituan", "closed", 6600, T, "it-scheduled-1")
                                .toString());
        assertThat(strings(influx.rows(db, "SELECT violations_opened, violations_closed FROM operator_minute "
                + "WHERE operator = 'meituan' AND (violations_opened > 0 OR violations_closed > 0)")))
                .containsExactly(List.of(T + 10 * MIN, 1, 0).toString(), List.of(T + 120 * MIN, 0, 1).toString());
    }

    /** Polls InfluxDB until the query returns at least {@code n} rows, failing after the deadline. */
    private static void awaitRows(LocalInfluxd influx, String db, String query, int n) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (influx.rows(db, query).size() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + n + " row(s) within " + DEADLINE + " for: " + query);
            }
            Thread.sleep(200); // the interval of a deadline-bounded poll, not synchronisation
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
