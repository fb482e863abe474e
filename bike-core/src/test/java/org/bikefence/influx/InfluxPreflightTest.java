package org.bikefence.influx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The preflight's v2 path and its network failures. No InfluxDB 2 runs here, so its answers are scripted by
 * {@link FakeInfluxServer} as the v2 write client's tests do; the v1 checks run against a real influxd in
 * dev-support's {@code InfluxPreflightITCase}.
 */
class InfluxPreflightTest {

    private static final String TOKEN = "s3cret-t0ken";

    private FakeInfluxServer server;

    @BeforeEach
    void start() throws IOException {
        server = new FakeInfluxServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void v2FindsTheBucketWithTheTokenAndPingsFirst() throws Exception {
        server.respond(204, "").respond(200, "{\"buckets\":[{\"id\":\"1\",\"name\":\"violations\"}]}");

        InfluxPreflight.Result r = InfluxPreflight.v2(server.url(), "bureau", "violations").token(Secret.of(TOKEN)).check();

        assertThat(r.outcome()).isEqualTo(InfluxPreflight.Outcome.READY);
        assertThat(server.requests).hasSize(2);
        assertThat(server.requests.get(0).path()).isEqualTo("/ping");
        FakeInfluxServer.Request buckets = server.requests.get(1);
        assertThat(buckets.path()).isEqualTo("/api/v2/buckets");
        assertThat(buckets.query()).containsEntry("name", "violations").containsEntry("org", "bureau");
        assertThat(buckets.header("Authorization")).isEqualTo("Token " + TOKEN);
    }

    @Test
    void v2MissingBucketIsOneLineSayingHowToCreateIt() {
        server.respond(204, "").respond(200, "{\"buckets\":[]}");

        assertThatThrownBy(() -> InfluxPreflight.v2(server.url(), "bureau", "violations").token(Secret.of(TOKEN)).check())
                .isInstanceOf(InfluxPreflightException.class)
                .hasMessage("InfluxDB bucket 'violations' does not exist in organisation 'bureau' at " + server.url()
                        + "; create it with: influx bucket create --host " + server.url()
                        + " --org bureau --name violations");
    }

    @Test
    void v2RefusedTokenNamesTheCauseButNeverTheToken() {
        server.respond(204, "").respond(401, "{\"code\":\"unauthorized\",\"message\":\"unauthorized access\"}");

        assertThatThrownBy(() -> InfluxPreflight.v2(server.url(), "bureau", "violations").token(Secret.of(TOKEN)).check())
                .hasMessageStartingWith("InfluxDB at " + server.url() + " refused the token (HTTP 401")
                .hasMessageNotContaining(TOKEN)
                .hasMessageNotContaining("\n");
    }

    @Test
    void v2UnknownOrganisationIsNamed() {
        server.respond(204, "").respond(404, "{\"code\":\"not found\",\"message\":\"organization name \\\"bureau\\\" not found\"}");

        assertThatThrownBy(() -> InfluxPreflight.v2(server.url(), "bureau", "violations").token(Secret.of(TOKEN)).check())
                .hasMessageStartingWith("InfluxDB organisation 'bureau' was not found at " + server.url());
    }

    @Test
    void v2TokenFromAnUnsetVariableFailsNamingTheVariableOrIsLeftToTheTaskManagers() throws Exception {
        String unset = "BIKEFENCE_TEST_UNSET_" + System.nanoTime();
        InfluxPreflight strict = InfluxPreflight.v2(server.url(), "bureau", "violations").token(Secret.fromEnv(unset));
        assertThatThrownBy(strict::check).hasMessageContaining("environment variable " + unset);

        InfluxPreflight.Result lenient = InfluxPreflight.v2(server.url(), "bureau", "violations")
                .token(Secret.fromEnv(unset)).secretMayBeElsewhere(true).check();
        assertThat(lenient.outcome()).isEqualTo(InfluxPreflight.Outcome.NOT_CHECKED);
        assertThat(lenient.message()).contains("bucket 'violations' not checked here", unset);
        // Both pinged; neither asked for buckets without the token.
        assertThat(server.requests).extracting(FakeInfluxServer.Request::path).containsExactly("/ping", "/ping");
    }

    @Test
    void somethingElseOnThePortIsNotTakenForInfluxDb() {
        server.respond(404, "<html>not here</html>");

        assertThatThrownBy(() -> InfluxPreflight.v1(server.url(), "bikefence").check())
                .hasMessage("InfluxDB at " + server.url() + " answered HTTP 404 to GET /ping (<html>not here</html>): "
                        + "is this the InfluxDB URL?");
    }

    @Test
    void aPortWithNothingListeningIsConnectionRefusedAtOnce() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        long t0 = System.nanoTime();

        assertThatThrownBy(() -> InfluxPreflight.v1("http://127.0.0.1:" + port, "bikefence").check())
                .hasMessage("InfluxDB is not reachable at http://127.0.0.1:" + port
                        + " (GET /ping: connection refused); start it or check the InfluxDB URL");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void aServerThatNeverAnswersFailsWithinTheTimeout() throws IOException {
        // Accepts the connection (the backlog does) and never reads or answers.
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String url = "http://127.0.0.1:" + silent.getLocalPort();
            long t0 = System.nanoTime();

            assertThatThrownBy(() -> InfluxPreflight.v1(url, "bikefence").timeout(Duration.ofMillis(500)).check())
                    .hasMessage("InfluxDB is not reachable at " + url
                            + " (GET /ping: no answer within the timeout); start it or check the InfluxDB URL");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
        }
    }
}
