package org.bikefence.influx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import org.bikefence.local.LocalInfluxd;
import org.bikefence.testing.InfluxdExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * bike-core's {@link InfluxPreflight} against a real influxd (1.x). It lives here because bike-core cannot
 * depend on dev-support, which starts influxd.
 */
class InfluxPreflightITCase {

    @RegisterExtension
    static final InfluxdExtension INFLUX = new InfluxdExtension();

    @Test
    void anExistingDatabaseIsReady() throws Exception {
        InfluxPreflight.Result r = InfluxPreflight.v1(INFLUX.influxd().url(), INFLUX.database()).check();

        assertThat(r.outcome()).isEqualTo(InfluxPreflight.Outcome.READY);
        assertThat(r.message()).isEqualTo("InfluxDB at " + INFLUX.influxd().url() + ": database '"
                + INFLUX.database() + "' exists");
    }

    @Test
    void aMissingDatabaseIsOneLineWithTheCommandThatCreatesItAndNothingIsCreated() throws Exception {
        LocalInfluxd influxd = INFLUX.influxd();
        String db = INFLUX.database() + "_missing";
        long t0 = System.nanoTime();

        assertThatThrownBy(() -> InfluxPreflight.v1(influxd.url(), db).createHint("or run with --influx.create-db true")
                .check())
                .isInstanceOf(InfluxPreflightException.class)
                .hasMessage("InfluxDB database '" + db + "' does not exist at " + influxd.url() + "; create it with: "
                        + "curl -XPOST '" + influxd.url() + "/query' --data-urlencode 'q=CREATE DATABASE \"" + db
                        + "\"', or run with --influx.create-db true");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
        assertThat(databases(influxd)).doesNotContain(db);
    }

    @Test
    void theCommandInTheMessageCreatesTheDatabase() throws Exception {
        LocalInfluxd influxd = INFLUX.influxd();
        String db = INFLUX.database() + "_by_hand";
        String message = null;
        try {
            InfluxPreflight.v1(influxd.url(), db).check();
        } catch (InfluxPreflightException e) {
            message = e.getMessage();
        }
        assertThat(message).isNotNull();
        String statement = message.substring(message.indexOf("'q=") + 3, message.lastIndexOf('\''));

        influxd.query(db, statement);

        assertThat(InfluxPreflight.v1(influxd.url(), db).check().outcome()).isEqualTo(InfluxPreflight.Outcome.READY);
    }

    @Test
    void createsAMissingDatabaseWhenAllowedAndOnlyOnce() throws Exception {
        LocalInfluxd influxd = INFLUX.influxd();
        String db = INFLUX.database() + "_created";

        InfluxPreflight.Result first = InfluxPreflight.v1(influxd.url(), db).createDatabase(true).check();
        InfluxPreflight.Result second = InfluxPreflight.v1(influxd.url(), db).createDatabase(true).check();

        assertThat(first.outcome()).isEqualTo(InfluxPreflight.Outcome.CREATED);
        assertThat(second.outcome()).isEqualTo(InfluxPreflight.Outcome.READY);
        assertThat(databases(influxd)).containsOnlyOnce(db);
    }

    @Test
    void aNamedRetentionPolicyMustExist() throws Exception {
        String url = INFLUX.influxd().url();
        String db = INFLUX.database();

        assertThat(InfluxPreflight.v1(url, db).retentionPolicy("autogen").check().outcome())
                .isEqualTo(InfluxPreflight.Outcome.READY);
        assertThatThrownBy(() -> InfluxPreflight.v1(url, db).retentionPolicy("one_week").check())
                .hasMessageStartingWith("InfluxDB retention policy 'one_week' does not exist on database '" + db
                        + "' at " + url + " (it has [autogen])");
    }

    @Test
    void aStoppedInfluxdIsNotReachable() throws Exception {
        // A second influxd of our own, stopped: its port then has nothing listening.
        String url;
        try (LocalInfluxd stopped = LocalInfluxd.start(
                java.nio.file.Paths.get("target", "influxd-preflight-stopped-" + System.nanoTime()))) {
            url = stopped.url();
            assertThat(InfluxPreflight.v1(url, "bikefence").createDatabase(true).check().outcome())
                    .isEqualTo(InfluxPreflight.Outcome.CREATED);
        }
        long t0 = System.nanoTime();

        assertThatThrownBy(() -> InfluxPreflight.v1(url, "bikefence").check())
                .hasMessage("InfluxDB is not reachable at " + url
                        + " (GET /ping: connection refused); start it or check the InfluxDB URL");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
    }

    private static List<String> databases(LocalInfluxd influxd) throws Exception {
        return influxd.rows("_internal", "SHOW DATABASES").stream().map(r -> (String) r.get(0)).toList();
    }
}
