package org.bikefence.ingest.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bikefence.ingest.TopicReader.header;
import static org.bikefence.ingest.TopicReader.keysAndReasons;
import static org.bikefence.ingest.IngestFixtures.bytes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.bikefence.decode.PositionDecoder;
import org.bikefence.geofence.crs.Crs;
import org.bikefence.ingest.FeedHealthWriter;
import org.bikefence.ingest.IngestConfig;
import org.bikefence.ingest.IngestMain;
import org.bikefence.ingest.PositionPublisher;
import org.bikefence.ingest.TopicReader;
import org.bikefence.model.Topics;
import org.bikefence.local.LocalKafka;
import org.bikefence.model.BikePosition;
import org.bikefence.model.BikeState;
import org.bikefence.testing.InfluxdExtension;
import org.bikefence.testing.KafkaExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The push endpoint on a real Kafka broker: authentication, size limit, bad JSON, an accepted batch readable
 * from Kafka when its 2xx arrives, and no acknowledged record lost across a broker restart.
 */
@ExtendWith(KafkaExtension.class)
class PushEndpointITCase {

    @RegisterExtension
    static final InfluxdExtension INFLUX = new InfluxdExtension();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final int MAX_BODY = 4096;
    private static final String QINGJU_TOKEN = "qj-7f3a9c1e-token";
    private static final String HELLO_TOKEN = "hl-0b5d2e8f-token";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private PositionPublisher publisher;
    private FeedHealthWriter health;
    private PushEndpoint endpoint;
    private String positions;
    private String dlq;

    @BeforeEach
    void setUp() throws Exception {
        LocalKafka kafka = KafkaExtension.kafka();
        positions = "push-it-positions-" + System.nanoTime();
        dlq = "push-it-dlq-" + System.nanoTime();
        kafka.createTopics(1, positions, dlq);
        Files.writeString(dir.resolve("qingju.token"), QINGJU_TOKEN + "\n");
        Files.writeString(dir.resolve("hello.token"), HELLO_TOKEN);
        IngestConfig config = IngestConfig.parse(String.join("\n",
                "push: {port: 0, max-body-bytes: " + MAX_BODY + "}",
                "operators:",
                "  - {id: qingju, kind: push, crs: BD09, token-file: " + dir.resolve("qingju.token")
                        + ", freshness: 60s}",
                "  - {id: hello, kind: push, crs: WGS84, token-file: " + dir.resolve("hello.token") + "}"));
        publisher = new PositionPublisher(kafka.bootstrapServers(), positions, dlq, Duration.ofSeconds(3), "push-it");
        health = FeedHealthWriter.v1(INFLUX.influxd().url(), INFLUX.database(), null, null);
        endpoint = IngestMain.pushEndpoint(config, publisher, health, System::currentTimeMillis, System::getenv)
                .start();
    }

    @AfterEach
    void tearDown() throws Exception {
        endpoint.close();
        publisher.close();
        health.close();
    }

    private HttpResponse<String> post(String authorization, byte[] body) throws Exception {
        return post(authorization, HttpRequest.BodyPublishers.ofByteArray(body));
    }

    private HttpResponse<String> post(String authorization, HttpRequest.BodyPublisher body) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + endpoint.port() + "/v1/positions");
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json").POST(body);
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    @Test
    void refusesRequestsWithoutAKnownTokenWith401() throws Exception {
        byte[] batch = bytes("push/batch-qingju.json");
        for (String auth : new String[] {null, "Bearer wrong-token", "Basic " + QINGJU_TOKEN, "Bearer "}) {
            HttpResponse<String> r = post(auth, batch);
            assertThat(r.statusCode()).as("Authorization: %s", auth).isEqualTo(401);
            assertThat(json(r).path("error").asText()).isEqualTo("unauthenticated");
            assertThat(r.headers().firstValue("WWW-Authenticate"))
                    .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        }
        assertThat(endOffsets()).containsExactly(0L, 0L);
    }

    @Test
    void refusesABatchNamingAnotherOperatorWith403() throws Exception {
        HttpResponse<String> r = post("Bearer " + QINGJU_TOKEN, bytes("push/batch-foreign-operator.json"));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(json(r).path("error").asText()).isEqualTo("operator_mismatch");
        assertThat(json(r).path("detail").asText()).contains("record 1").contains("meituan");

        assertThat(post("Bearer " + HELLO_TOKEN, bytes("push/batch-qingju.json")).statusCode()).isEqualTo(403);
        assertThat(endOffsets()).containsExactly(0L, 0L);
    }

    @Test
    void refusesBodiesOverTheLimitWith413() throws Exception {
        byte[] big = ("[" + " ".repeat(MAX_BODY) + "]").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> declared = post("Bearer " + QINGJU_TOKEN, big);
        assertThat(declared.statusCode()).isEqualTo(413);
        assertThat(json(declared).path("error").asText()).isEqualTo("too_large");

        // Chunked: no Content-Length, the limit is enforced while reading.
        HttpResponse<String> chunked = post("Bearer " + QINGJU_TOKEN,
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)));
        assertThat(chunked.statusCode()).isEqualTo(413);

        // Exactly at the limit is fine.
        byte[] atLimit = ("[" + " ".repeat(MAX_BODY - 2) + "]").getBytes(StandardCharsets.UTF_8);
        assertThat(post("Bearer " + QINGJU_TOKEN, atLimit).statusCode()).isEqualTo(200);
        assertThat(endOffsets()).containsExactly(0L, 0L);
    }

    @Test
    void refusesBodiesThatAreNotAJsonArrayWith400AndAReason() throws Exception {
        HttpResponse<String> truncated = post("Bearer " + QINGJU_TOKEN, bytes("push/batch-truncated.json"));
        assertThat(truncated.statusCode()).isEqualTo(400);
        assertThat(json(truncated).path("error").asText()).isEqualTo("not_json");

        HttpResponse<String> object = post("Bearer " + QINGJU_TOKEN, bytes("push/batch-not-an-array.json"));
        assertThat(object.statusCode()).isEqualTo(400);
        assertThat(json(object).path("error").asText()).isEqualTo("not_array");

        try (TopicReader dead = new TopicReader(KafkaExtension.kafka(), dlq)) {
            List<ConsumerRecord<byte[], byte[]>> d = dead.read(0, 2, DEADLINE);
            assertThat(keysAndReasons(d)).containsExactly("null not_json", "null not_json");
            assertThat(d.get(0).value()).isEqualTo(bytes("push/batch-truncated.json"));
            assertThat(header(d.get(1), Topics.HEADER_SOURCE)).isEqualTo("push:qingju@/v1/positions");
        }
        assertThat(endOffsets().get(0)).isZero();
    }

    @Test
    void anAcceptedBatchIsInKafkaWhenThe2xxArrives() throws Exception {
        HttpResponse<String> r = post("Bearer " + QINGJU_TOKEN, bytes("push/batch-qingju.json"));

        // Read the end offsets before anything else: the 2xx must mean "already in Kafka".
        List<Long> ends = endOffsets();
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(ends).containsExactly(3L, 5L);
        JsonNode answer = json(r);
        assertThat(answer.path("accepted").asInt()).isEqualTo(3);
        assertThat(answer.path("rejected").asInt()).isEqualTo(5);
        List<String> reasons = new ArrayList<>();
        answer.path("rejections").forEach(x -> reasons.add(x.path("index").asInt() + " " + x.path("reason").asText()));
        assertThat(reasons).containsExactly("3 outside_city", "4 swapped_coordinates", "5 missing_field",
                "6 bad_type", "7 unknown_state");

        PositionDecoder decoder = new PositionDecoder(System::currentTimeMillis, 600_000);
        try (TopicReader events = new TopicReader(KafkaExtension.kafka(), positions);
                TopicReader dead = new TopicReader(KafkaExtension.kafka(), dlq)) {
            List<BikePosition> got = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> c : events.read(0, 3, DEADLINE)) {
                assertThat(new String(c.value(), StandardCharsets.UTF_8)).doesNotContain("crs");
                got.add(decoder.decode(c.value()));
            }
            double[] q1 = Crs.BD09.toWgs84(24.5110, 118.1520);
            double[] q2 = Crs.BD09.toWgs84(24.5200, 118.1650);
            assertThat(got).containsExactly(
                    new BikePosition("qingju", "qj-001", 1_780_000_000_000L, q1[0], q1[1], BikeState.PARKED),
                    new BikePosition("qingju", "qj-002", 1_780_000_001_000L, q2[0], q2[1], BikeState.RIDING),
                    // Names its own crs: WGS84, not converted from the operator's BD09.
                    new BikePosition("qingju", "qj-003", 1_780_000_002_000L, 24.5000, 118.1300, BikeState.FAULTY));
            assertThat(keysAndReasons(dead.read(0, 5, DEADLINE))).containsExactly("qj-004 outside_city",
                    "qj-005 swapped_coordinates", "qj-006 missing_field", "qj-007 bad_type", "qj-008 unknown_state");
        }

        // All rejected: 422, and the dead letters are stored all the same.
        String berlin = "[{\"operator\":\"qingju\",\"bikeId\":\"qj-9\","
                + "\"ts\":1780000000000,\"lat\":52.52,\"lng\":13.40,\"state\":\"parked\"}]";
        HttpResponse<String> allBad = post("Bearer " + QINGJU_TOKEN, berlin.getBytes(StandardCharsets.UTF_8));
        assertThat(allBad.statusCode()).isEqualTo(422);
        assertThat(endOffsets()).containsExactly(3L, 6L);

        List<List<Object>> h = INFLUX.influxd().rows(INFLUX.database(),
                "SELECT records, invalid_share, feed FROM feed_health WHERE operator = 'qingju'");
        assertThat(h).hasSizeGreaterThanOrEqualTo(2);
        assertThat(h.get(h.size() - 2).subList(1, 4)).containsExactly(8L, 0.625, "push");

        // /metrics on the same port, without a token: the same counts.
        HttpResponse<String> m = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + endpoint.port() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(m.statusCode()).isEqualTo(200);
        assertThat(m.body().lines()).contains(
                "bikefence_ingest_records_total{kind=\"push\"} 3",
                "bikefence_ingest_dead_letters_total{kind=\"push\",reason=\"outside_city\"} 2",
                "bikefence_ingest_dead_letters_total{kind=\"push\",reason=\"bad_type\"} 1",
                "bikefence_ingest_publish_latency_seconds_count{kind=\"push\"} 2");
        assertThat(m.body()).contains("bikefence_feed_freshest_age_seconds{kind=\"push\"} ");
    }

    @Test
    void aBikeIdOverTheLimitIsADeadLetterTooLargeLikeInTheJob() throws Exception {
        String longId = "q".repeat(PositionDecoder.DEFAULT_MAX_BIKE_ID_LENGTH + 1);
        String batch = "[{\"operator\":\"qingju\",\"bikeId\":\"qj-1\",\"ts\":1780000000000,"
                + "\"lat\":24.5,\"lng\":118.13,\"state\":\"parked\",\"crs\":\"WGS84\"},"
                + "{\"operator\":\"qingju\",\"bikeId\":\"" + longId + "\",\"ts\":1780000000000,"
                + "\"lat\":24.5,\"lng\":118.13,\"state\":\"parked\",\"crs\":\"WGS84\"}]";
        HttpResponse<String> r = post("Bearer " + QINGJU_TOKEN, batch.getBytes(StandardCharsets.UTF_8));

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode answer = json(r);
        assertThat(answer.path("accepted").asInt()).isEqualTo(1);
        assertThat(answer.path("rejections").get(0).path("index").asInt()).isEqualTo(1);
        assertThat(answer.path("rejections").get(0).path("reason").asText()).isEqualTo(PositionDecoder.TOO_LARGE);
        assertThat(endOffsets()).containsExactly(1L, 1L);
        try (TopicReader dead = new TopicReader(KafkaExtension.kafka(), dlq)) {
            List<ConsumerRecord<byte[], byte[]>> d = dead.read(0, 1, DEADLINE);
            // The over-long id is not the key: the dead letter is keyless, with the job's reason.
            assertThat(keysAndReasons(d)).containsExactly("null too_large");
            assertThat(new String(d.get(0).value(), StandardCharsets.UTF_8)).contains(longId);
        }
    }

    @Test
    void nothingAcknowledgedIsLostWhenTheBrokerRestarts() throws Exception {
        LocalKafka kafka = KafkaExtension.kafka();
        Map<Integer, Integer> statusByBatch = new ConcurrentHashMap<>();
        AtomicInteger okAfterRestart = new AtomicInteger();
        AtomicBoolean restarted = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        Map<Integer, long[]> sentAt = new ConcurrentHashMap<>();
        List<Throwable> errors = new ArrayList<>();
        long[] restartWindow = new long[2];
        Thread sender = new Thread(() -> {
            for (int i = 0; !stop.get(); i++) {
                StringBuilder b = new StringBuilder("[");
                long now = System.currentTimeMillis();
                for (int j = 0; j < 5; j++) {
                    b.append(j == 0 ? "" : ",").append("{\"operator\":\"qingju\",\"bikeId\":\"rs-")
                            .append(i).append('-').append(j).append("\",\"ts\":").append(now)
                            .append(",\"lat\":24.51,\"lng\":118.15,\"state\":\"parked\"}");
                }
                long start = System.nanoTime();
                try {
                    byte[] batch = b.append(']').toString().getBytes(StandardCharsets.UTF_8);
                    int status = post("Bearer " + QINGJU_TOKEN, batch).statusCode();
                    statusByBatch.put(i, status);
                    if (status == 200 && restarted.get()) {
                        okAfterRestart.incrementAndGet();
                    }
                } catch (Exception e) {
                    // A client-side timeout is allowed (never a 2xx for unpersisted data); record it.
                    statusByBatch.put(i, -1);
                }
                sentAt.put(i, new long[] {start, System.nanoTime()});
            }
        }, "push-sender");
        sender.setUncaughtExceptionHandler((t, e) -> errors.add(e));
        sender.start();
        try {
            awaitTrue(() -> statusByBatch.values().stream().filter(s -> s == 200).count() >= 3, "3 batches before");
            long restartStart = System.nanoTime();
            kafka.restart();
            long restartEnd = System.nanoTime();
            restarted.set(true);
            restartWindow[0] = restartStart;
            restartWindow[1] = restartEnd;
            awaitTrue(() -> okAfterRestart.get() >= 3, "3 batches after the restart");
        } finally {
            stop.set(true);
            sender.join(Duration.ofSeconds(60).toMillis());
        }
        assertThat(errors).isEmpty();
        assertThat(sender.isAlive()).isFalse();
        assertThat(Set.copyOf(statusByBatch.values())).isSubsetOf(200, 503, -1);

        Set<String> stored = new HashSet<>();
        try (TopicReader events = new TopicReader(kafka, positions)) {
            long end = events.endOffset();
            for (ConsumerRecord<byte[], byte[]> c : events.read(0, (int) end, DEADLINE)) {
                stored.add(new String(c.key(), StandardCharsets.UTF_8));
            }
        }
        int acknowledged = 0;
        for (Map.Entry<Integer, Integer> e : statusByBatch.entrySet()) {
            if (e.getValue() == 200) {
                acknowledged++;
                for (int j = 0; j < 5; j++) {
                    assertThat(stored).as("batch %d was acknowledged", e.getKey())
                            .contains("rs-" + e.getKey() + "-" + j);
                }
            }
        }
        // The test exercised the outage: some requests were in flight while the broker was down.
        long duringOutage = sentAt.values().stream()
                .filter(t -> t[0] < restartWindow[1] && t[1] > restartWindow[0]).count();
        assertThat(duringOutage).isPositive();
        long refused = statusByBatch.values().stream().filter(s -> s != 200).count();
        long unavailable = statusByBatch.values().stream().filter(s -> s == 503).count();
        System.out.println("broker restart: " + statusByBatch.size() + " batches, " + acknowledged + " acknowledged and"
                + " all stored, " + refused + " refused (" + unavailable
                + " with 503, the others by a client timeout); " + duringOutage
                + " requests overlapped the restart, which took "
                + (restartWindow[1] - restartWindow[0]) / 1_000_000 + " ms");
    }

    private List<Long> endOffsets() {
        try (TopicReader p = new TopicReader(KafkaExtension.kafka(), positions);
                TopicReader d = new TopicReader(KafkaExtension.kafka(), dlq)) {
            return List.of(p.endOffset(), d.endOffset());
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
        long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
