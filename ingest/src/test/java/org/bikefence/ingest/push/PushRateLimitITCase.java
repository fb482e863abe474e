package org.bikefence.ingest.push;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bikefence.ingest.FeedHealthWriter;
import org.bikefence.ingest.IngestConfig;
import org.bikefence.ingest.IngestMain;
import org.bikefence.ingest.PositionPublisher;
import org.bikefence.ingest.TopicReader;
import org.bikefence.local.LocalKafka;
import org.bikefence.testing.KafkaExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The push endpoint's per-token request limit on a real broker: 429 with Retry-After, nothing of it stored. */
@ExtendWith(KafkaExtension.class)
class PushRateLimitITCase {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void overTheRateATokenGets429WithRetryAfterAndOtherTokensAreNotHeldBack(@TempDir Path dir) throws Exception {
        LocalKafka kafka = KafkaExtension.kafka();
        String positions = "rate-positions-" + System.nanoTime();
        String dlq = "rate-dlq-" + System.nanoTime();
        kafka.createTopics(1, positions, dlq);
        Files.writeString(dir.resolve("qingju.token"), "qj-rate-token");
        Files.writeString(dir.resolve("hello.token"), "hl-rate-token");
        // 0.5 requests/s: the bucket of 3 cannot refill during the burst below.
        IngestConfig config = IngestConfig.parse(String.join("\n",
                "push: {port: 0, rate-limit: 0.5, burst: 3}",
                "operators:",
                "  - {id: qingju, kind: push, token-file: " + dir.resolve("qingju.token") + "}",
                "  - {id: hello, kind: push, token-file: " + dir.resolve("hello.token") + "}"));
        assertThat(config.pushRateLimit()).isEqualTo(0.5);
        assertThat(config.pushBurst()).isEqualTo(3);
        HttpClient http = HttpClient.newHttpClient();
        try (PositionPublisher publisher = new PositionPublisher(kafka.bootstrapServers(), positions, dlq,
                        Duration.ofSeconds(5), "rate-it");
                FeedHealthWriter health = FeedHealthWriter.v1(null, null, null, null);
                PushEndpoint endpoint = IngestMain.pushEndpoint(config, publisher, health, System::currentTimeMillis,
                        System::getenv).start()) {
            List<Integer> statuses = new ArrayList<>();
            HttpResponse<String> refused = null;
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> r = post(http, endpoint, "qj-rate-token", "qingju", "qj-" + i);
                statuses.add(r.statusCode());
                if (r.statusCode() == 429 && refused == null) {
                    refused = r;
                }
            }
            assertThat(statuses).containsExactly(200, 200, 200, 429, 429);
            assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(v ->
                    assertThat(Long.parseLong(v)).isBetween(1L, 2L));
            assertThat(JSON.readTree(refused.body()).path("error").asText()).isEqualTo("rate_limited");
            assertThat(post(http, endpoint, "hl-rate-token", "hello", "hl-1").statusCode())
                    .as("another token has its own bucket").isEqualTo(200);
            assertThat(post(http, endpoint, "wrong", "qingju", "x").statusCode()).isEqualTo(401);
            assertThat(endpoint.counters().snapshot()).containsEntry("rate_limited", 2L);
        }
        try (TopicReader p = new TopicReader(kafka, positions)) {
            assertThat(p.endOffset()).as("3 qingju and 1 hello record; the refused ones were not stored").isEqualTo(4);
        }
    }

    private static HttpResponse<String> post(HttpClient http, PushEndpoint endpoint, String token, String operator,
            String bikeId) throws Exception {
        String body = "[{\"operator\":\"" + operator + "\",\"bikeId\":\"" + bikeId + "\",\"ts\":"
                + (System.currentTimeMillis() - 1000) + ",\"lat\":24.48,\"lng\":118.09,\"state\":\"parked\"}]";
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + "/v1/positions"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
