package org.bikefence.influx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class V1HttpWriteClientTest {

    private static final String PASSWORD = "s3cret-pw";
    private static final List<InfluxPoint> BATCH = List.of(
            InfluxPoint.measurement("violation").tag("operator", "hello").field("bike_id", "b1").field("duration_s", 120L).time(1000L).build(),
            InfluxPoint.measurement("violation").tag("operator", "meituan").field("bike_id", "b2").field("duration_s", 30L).time(2000L).build());

    private FakeInfluxServer server;
    private final List<Duration> waits = new ArrayList<>();

    @BeforeEach
    void startServer() throws IOException {
        server = new FakeInfluxServer();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private V1HttpWriteClient client(String rp, String user, String password, int maxRetries) {
        WriteRetrier retrier = new WriteRetrier(maxRetries, Duration.ofMillis(10), WriteRetrier.RetryListener.NONE, waits::add);
        return new V1HttpWriteClient(server.url() + "/", "bikes", rp, user, password, retrier);
    }

    @Test
    void postsLineProtocolToWriteWithDatabasePrecisionAndBasicAuth() throws IOException {
        client("autogen", "writer", PASSWORD, 3).write(BATCH);

        assertThat(server.requests).hasSize(1);
        FakeInfluxServer.Request r = server.requests.get(0);
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo("/write");
        assertThat(r.query()).containsExactly(Map.entry("db", "bikes"), Map.entry("rp", "autogen"), Map.entry("precision", "ms"));
        assertThat(r.header("Authorization"))
                .isEqualTo("Basic " + Base64.getEncoder().encodeToString(("writer:" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
        assertThat(r.body()).isEqualTo(
                "violation,operator=hello bike_id=\"b1\",duration_s=120i 1000\n"
                        + "violation,operator=meituan bike_id=\"b2\",duration_s=30i 2000");
    }

    @Test
    void sendsNoAuthorizationOrRetentionPolicyWhenNotConfigured() throws IOException {
        client(null, null, null, 3).write(BATCH);

        FakeInfluxServer.Request r = server.requests.get(0);
        assertThat(r.query()).containsExactly(Map.entry("db", "bikes"), Map.entry("precision", "ms"));
        assertThat(r.header("Authorization")).isNull();
    }

    @Test
    void retriesTooManyRequestsHonouringRetryAfter() throws IOException {
        server.respond(429, "{\"error\":\"slow down\"}", Map.of("Retry-After", "2"));

        client(null, null, null, 3).write(BATCH);

        assertThat(server.requests).hasSize(2);
        assertThat(server.requests.get(1).body()).isEqualTo(server.requests.get(0).body());
        assertThat(waits).containsExactly(Duration.ofSeconds(2));
    }

    @Test
    void retriesServiceUnavailableWithExponentialBackoff() throws IOException {
        server.respond(503, "{\"error\":\"busy\"}").respond(503, "{\"error\":\"busy\"}");

        client(null, null, null, 3).write(BATCH);

        assertThat(server.requests).hasSize(3);
        assertThat(waits).containsExactly(Duration.ofMillis(10), Duration.ofMillis(20));
    }

    @Test
    void givesUpAfterMaxRetries() {
        for (int i = 0; i < 5; i++) {
            server.respond(503, "{\"error\":\"busy\"}");
        }

        assertThatThrownBy(() -> client(null, null, null, 2).write(BATCH))
                .isInstanceOf(InfluxWriteException.class)
                .hasMessageContaining("503")
                .hasMessageContaining("busy")
                .hasMessageContaining("after 3 attempts");
        assertThat(server.requests).hasSize(3);
    }

    @Test
    void doesNotRetryDatabaseNotFound() {
        server.respond(404, "{\"error\":\"database not found: \\\"bikes\\\"\"}");

        assertThatThrownBy(() -> client(null, "writer", PASSWORD, 3).write(BATCH))
                .isInstanceOf(InfluxWriteException.class)
                .hasMessageContaining(server.url() + "/write?db=bikes&precision=ms")
                .hasMessageContaining("HTTP 404")
                .hasMessageContaining("database not found")
                .hasMessageNotContaining(PASSWORD);
        assertThat(server.requests).hasSize(1);
    }

    @Test
    void doesNotRetryPartialWriteOrUnauthorized() {
        server.respond(400, "{\"error\":\"partial write: field type conflict\"}").respond(401, "{\"error\":\"authorization failed\"}");
        V1HttpWriteClient client = client(null, "writer", PASSWORD, 3);

        assertThatThrownBy(() -> client.write(BATCH))
                .satisfies(e -> assertThat(((InfluxWriteException) e).status()).isEqualTo(400))
                .hasMessageContaining("partial write");
        assertThatThrownBy(() -> client.write(BATCH))
                .hasMessageContaining("HTTP 401")
                .hasMessageContaining("authorization failed")
                .hasMessageNotContaining(PASSWORD);
        assertThat(server.requests).hasSize(2);
    }

    @Test
    void retriesConnectionRefusedABoundedNumberOfTimes() {
        String url = server.url();
        server.close();
        WriteRetrier retrier = new WriteRetrier(2, Duration.ofMillis(10), WriteRetrier.RetryListener.NONE, waits::add);

        assertThatThrownBy(() -> new V1HttpWriteClient(url, "bikes", null, null, null, retrier).write(BATCH))
                .isInstanceOf(InfluxWriteException.class)
                .hasMessageContaining("without a response")
                .hasMessageContaining("after 3 attempts");
        assertThat(waits).hasSize(2);
    }
}
