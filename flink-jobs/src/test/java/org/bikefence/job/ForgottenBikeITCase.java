package org.bikefence.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bikefence.job.ScenarioFixtures.IN_PARKING;
import static org.bikefence.job.ScenarioFixtures.IN_STREET;
import static org.bikefence.job.ScenarioFixtures.MIN;
import static org.bikefence.job.ScenarioFixtures.T;
import static org.bikefence.job.ScenarioFixtures.report;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
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
 * A bike that parks and falls silent becomes a zombie after 7 days and is forgotten by the tracker 8 days after its
 * last report (the expiry horizon), while another bike keeps riding, so event time passes both. The whole job on real
 * components: the zombie stays open in {@code violation} (nobody saw it end) and leaves the "now" view at the expiry,
 * in {@code violation_now} (last status {@code untracked}) and in {@code operator_now}'s open count.
 */
@ExtendWith(KafkaExtension.class)
class ForgottenBikeITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestCluster.twoSlots();

    @RegisterExtension
    static final InfluxdExtension INFLUX = new InfluxdExtension();

    private static final long HOUR = 60 * MIN;
    private static final long DAY = 24 * HOUR;
    private static final double[] NEAR_STREET = {IN_STREET[0] + 0.001, IN_STREET[1]};

    @Test
    void aForgottenZombieStaysOpenButLeavesTheNowView() throws Exception {
        LocalKafka kafka = KafkaExtension.kafka();
        String positions = "it-forgotten-" + System.nanoTime();
        // One partition: the riding bike's reports move the watermark for the silent one too.
        kafka.createTopics(1, positions);
        List<Msg> script = new ArrayList<>();
        script.add(report("meituan", "MT-Z", T, IN_PARKING, "parked"));
        for (long t = T; t <= T + 9 * DAY; t += 30 * MIN) {
            script.add(report("meituan", "MT-K", t, (t / (30 * MIN)) % 2 == 0 ? IN_STREET : NEAR_STREET, "riding"));
        }
        ScenarioFixtures.produce(kafka, positions, script);

        // Unbounded, at parallelism 1: the watermark then passes the expiry while the job runs, as in a city's
        // job. (A bounded run reads this little input within one watermark interval and ends on +infinity, and an
        // expiry reached only by that jump is proven by no report: the tracker forgets nobody then.)
        JobClient job = BoundedJobRun.over(kafka, positions, INFLUX.influxd(), INFLUX.database())
                .with(JobOptions.FENCES, ScenarioFixtures.FENCES)
                .with(JobOptions.RULES, ScenarioFixtures.RULES)
                .with(JobOptions.KAFKA_BOUNDED, "false")
                .with(JobOptions.PARALLELISM, "1")
                .start();
        LocalInfluxd influx = INFLUX.influxd();
        String db = INFLUX.database();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            // Both steps' points are written (they reach the sink from different tasks): operator_now's of the last
            // hour, and violation_now's of the zombie's day (more of them when it never leaves the view).
            while (influx.rows(db, "SELECT open_zombie FROM operator_now WHERE time >= " + (T + 9 * DAY - HOUR)
                    + "ms").isEmpty() || influx.rows(db, "SELECT status FROM violation_now").size() <= DAY / (5 * MIN)) {
                assertThat(System.nanoTime()).as("the snapshots of the last hour written within 120 s")
                        .isLessThan(deadline);
                JobStatus status = job.getJobStatus().get();
                assertThat(status.isGloballyTerminalState()).as("job status %s", status).isFalse();
                Thread.sleep(200); // polling with a deadline
            }
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
        long zombieOpened = T + 7 * DAY;
        long expiry = T + 8 * DAY;
        assertThat(influx.rows(db, "SELECT bike_id, type, status FROM violation"))
                .as("the zombie opened and, as nobody saw it end, stays open")
                .containsExactly(List.of(zombieOpened, "MT-Z", "zombie", "open"));

        List<List<Object>> now = influx.rows(db, "SELECT status FROM violation_now WHERE bike_id = 'MT-Z'");
        // A change at a snapshot time is in that snapshot (as a closing is).
        assertThat(now).as("a point every 5 minutes from its opening to the expiry, both included")
                .hasSize((int) (DAY / (5 * MIN)) + 1);
        assertThat(now.get(0)).containsExactly(zombieOpened, "open");
        assertThat(now.subList(0, now.size() - 1)).allSatisfy(r -> assertThat(r.get(1)).isEqualTo("open"));
        assertThat(now.get(now.size() - 1)).as("its last point, at the expiry").containsExactly(expiry, "untracked");

        assertThat(openZombies(influx, db, expiry - 5 * MIN)).isEqualTo(1L);
        assertThat(openZombies(influx, db, expiry)).as("the snapshot at the expiry counts the figures before it")
                .isEqualTo(1L);
        assertThat(openZombies(influx, db, expiry + 5 * MIN)).as("open zombies after the expiry").isZero();
        assertThat(openZombies(influx, db, T + 9 * DAY - HOUR)).as("open zombies a day later").isZero();
    }

    private static long openZombies(LocalInfluxd influx, String db, long at) throws Exception {
        List<List<Object>> rows = influx.rows(db, "SELECT open_zombie FROM operator_now WHERE operator = 'meituan'"
                + " AND time = " + at + "ms");
        assertThat(rows).as("operator_now at %d", at).hasSize(1);
        return ((Number) rows.get(0).get(1)).longValue();
    }

}
