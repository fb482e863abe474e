package org.bikefence.influx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class V2WriteClientTest {

    private static final String TOKEN = "my-t0ken-value";
    private static final List<InfluxPoint> BATCH = List.of(
            InfluxPoint.measurement("violation").tag("operator", "hello").field("bike_id", "b1").field("duration_s", 120L).time(1000L).build(),
            InfluxPoint.measurement("fence occupancy").tag("fence", "f 1").field("bikes", 7L).field("ratio", 0.7).time(2000L).build());

    private FakeInfluxServer server;
    private final List<Duration> waits = new ArrayList<>();
    private final List<Integer> retriedStatuses = new ArrayList<>();
    private V2WriteClient client;

    @BeforeEach
    void start() throws IOException {
        server = new FakeInfluxServer();
        WriteRetrier retrier = new WriteRetrier(
                3, Duration.ofMillis(10), (attempt, cause, delay) -> retriedStatuses.add(cause.status()), waits::add);
        client = new V2WriteClient(server.url(), "bikefence", "violations", TOKEN, retrier);
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @Test
    void postsLineProtocolToApiV2WriteWithOrgBucketPrecisionAndToken() throws IOException {
        client.write(BATCH);

        assertThat(server.requests).hasSize(1);
        FakeInfluxServer.Request r = server.requests.get(0);
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo("/api/v2/write");
        assertThat(r.query()).containsEntry("org", "bikefence").containsEntry("bucket", "violations").containsEntry("precision", "ms");
        assertThat(r.header("Authorization")).isEqualTo("Token " + TOKEN);
        assertThat(r.body().split("\n")).containsExactly(
                "violation,operator=hello bike_id=\"b1\",duration_s=120i 1000",
                "fence\\ occupancy,fence=f\\ 1 bikes=7i,ratio=0.7 2000");
    }

    @Test
    void retriesTooManyRequestsThenSucceeds() throws IOException {
        server.respond(429, "{\"code\":\"too many requests\",\"message\":\"slow down\"}", Map.of("Retry-After", "1"));

        client.write(BATCH);

        assertThat(server.requests).hasSize(2);
        assertThat(retriedStatuses).containsExactly(429);
        assertThat(waits).containsExactly(Duration.ofSeconds(1));
    }

    @Test
    void retriesServiceUnavailableThenSucceeds() throws IOException {
        server.respond(503, "{\"code\":\"unavailable\",\"message\":\"busy\"}");

        client.write(BATCH);

        assertThat(server.requests).hasSize(2);
        assertThat(retriedStatuses).containsExactly(503);
        assertThat(waits).containsExactly(Duration.ofMillis(10));
    }

    @Test
    void doesNotRetryBadRequestAndNamesStatusAndServerError() {
        server.respond(400, "{\"code\":\"invalid\",\"message\":\"partial write: field type conflict\"}");

        assertThatThrownBy(() -> client.write(BATCH))
                .isInstanceOf(InfluxWriteException.class)
                .hasMessageContaining(server.url() + "/api/v2/write?org=bikefence&bucket=violations&precision=ms")
                .hasMessageContaining("HTTP 400")
                .hasMessageContaining("field type conflict")
                .hasMessageNotContaining(TOKEN);
        assertThat(server.requests).hasSize(1);
        assertThat(retriedStatuses).isEmpty();
    }

    @Test
    void doesNotRetryUnauthorizedAndNeverShowsTheToken() {
        server.respond(401, "{\"code\":\"unauthorized\",\"message\":\"unauthorized access\"}");

        assertThatThrownBy(() -> client.write(BATCH))
                .isInstanceOf(InfluxWriteException.class)
                .satisfies(e -> assertThat(((InfluxWriteException) e).status()).isEqualTo(401))
                .hasMessageContaining("HTTP 401")
                .hasMessageContaining("unauthorized access")
                .hasMessageNotContaining(TOKEN);
        assertThat(server.requests).hasSize(1);
        assertThat(client.toString()).doesNotContain(TOKEN);
    }
}
