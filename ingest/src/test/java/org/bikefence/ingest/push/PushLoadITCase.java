package org.bikefence.ingest.push;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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

/**
 * A bounded load on the push endpoint over loopback, with a Java client (closed loop: each client thread sends
 * its next batch when the last one was answered): requests per second held, latency percentiles, and that every
 * record of every 2xx-acknowledged batch is in Kafka afterwards. Phase 1 without a rate limit (what the endpoint
 * and the broker hold), phase 2 with one token limited to {@code RATE}/s (what the limiter lets through).
 *
 * <p>Figures are printed as one {@code PUSH LOAD} line per phase; only correctness is asserted (the machine is
 * shared, throughput is not). Length per phase: {@code -Dpush.load.seconds} (default 8), clients
 * {@code -Dpush.load.clients} (4), records per batch {@code -Dpush.load.batch} (10).
 */
@ExtendWith(KafkaExtension.class)
class PushLoadITCase {

    private static final int SECONDS = Integer.getInteger("push.load.seconds", 8);
    private static final int CLIENTS = Integer.getInteger("push.load.clients", 4);
    private static final int BATCH = Integer.getInteger("push.load.batch", 10);
    private static final int RATE = 50;

    @Test
    void everyAcknowledgedRecordIsInKafkaUnderLoadAndTheLimiterHoldsItsRate(@TempDir Path dir) throws Exception {
        Result open = run(dir, "unlimited", 0, 1);
        assertThat(open.statuses.keySet()).as("only 200 without a limit: %s", open.statuses)
                .containsAnyOf(200).isSubsetOf(200, NO_ANSWER);
        assertThat(open.acknowledged).isPositive();
        assertFewUnanswered(open);

        Result limited = run(dir, "limited", RATE, RATE / 5);
        assertThat(limited.statuses.keySet()).as("200 and 429 with a limit: %s", limited.statuses)
                .contains(200, 429).isSubsetOf(200, 429, NO_ANSWER);
        assertFewUnanswered(limited);
        double expected = RATE + (double) (RATE / 5) / limited.seconds;
        assertThat(limited.acknowledgedPerSecond()).as("accepted requests/s under a limit of %d/s", RATE)
                .isLessThanOrEqualTo(expected * 1.05 + 1);
    }

    /**
     * A request whose connection closed before any answer (seen once in CI at ~3,700 requests/s on loopback: "header
     * parser received no bytes"). Nothing of it is acknowledged, so a client sends it again; counted, not fatal.
     */
    private static final int NO_ANSWER = 0;

    /** At most one request in a thousand without an answer. */
    private static void assertFewUnanswered(Result r) {
        long all = r.statuses.values().stream().mapToLong(Long::longValue).sum();
        assertThat(r.statuses.getOrDefault(NO_ANSWER, 0L)).as("requests without an answer of %d: %s", all, r.statuses)
                .isLessThanOrEqualTo(all / 1000);
    }

    private record Result(Map<Integer, Long> statuses, long acknowledged, double seconds, List<Long> latenciesNanos) {
        double acknowledgedPerSecond() {
            return acknowledged / seconds;
        }

        long percentileMicros(double p) {
            List<Long> sorted = new ArrayList<>(latenciesNanos);
            Collections.sort(sorted);
            int i = (int) Math.ceil(p / 100 * sorted.size()) - 1;
            return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i))) / 1000;
        }
    }

    private Result run(Path dir, String phase, double rate, int burst) throws Exception {
        LocalKafka kafka = KafkaExtension.kafka();
        String positions = "load-" + phase + "-" + System.nanoTime();
        String dlq = positions + "-dlq";
        kafka.createTopics(1, positions, dlq);
        Path token = Files.writeString(dir.resolve(phase + ".token"), "load-token-" + phase);
        IngestConfig config = IngestConfig.parse(String.join("\n",
                "push: {port: 0, rate-limit: " + rate + ", burst: " + burst + "}",
                "operators:",
                "  - {id: qingju, kind: push, token-file: " + token + "}"));
        Set<String> acknowledgedIds = ConcurrentHashMap.newKeySet();
        Map<Integer, Long> statuses = new ConcurrentHashMap<>();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicLong acknowledged = new AtomicLong();
        double seconds;
        try (PositionPublisher publisher = new PositionPublisher(kafka.bootstrapServers(), positions, dlq,
                        Duration.ofSeconds(10), "load-" + phase);
                FeedHealthWriter health = FeedHealthWriter.v1(null, null, null, null);
                PushEndpoint endpoint = IngestMain.pushEndpoint(config, publisher, health, System::currentTimeMillis,
                        System::getenv).start()) {
            URI uri = URI.create("http://127.0.0.1:" + endpoint.port() + "/v1/positions");
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            long start = System.nanoTime();
            long end = start + Duration.ofSeconds(SECONDS).toNanos();
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                done.add(clients.submit(() -> {
                    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                    long seq = 0;
                    while (System.nanoTime() < end) {
                        List<String> ids = new ArrayList<>(BATCH);
                        StringBuilder body = new StringBuilder("[");
                        long ts = System.currentTimeMillis() - 60_000;
                        for (int i = 0; i < BATCH; i++) {
                            String id = "ld-" + client + "-" + seq + "-" + i;
                            ids.add(id);
                            body.append(i == 0 ? "" : ",").append("{\"operator\":\"qingju\",\"bikeId\":\"").append(id)
                                    .append("\",\"ts\":").append(ts).append(",\"lat\":24.48,\"lng\":118.09,")
                                    .append("\"state\":\"parked\"}");
                        }
                        body.append(']');
                        seq++;
                        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                                .header("Authorization", "Bearer load-token-" + phase)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
                        long t0 = System.nanoTime();
                        HttpResponse<String> r;
                        try {
                            r = http.send(request, HttpResponse.BodyHandlers.ofString());
                        } catch (java.io.IOException closed) {
                            statuses.merge(NO_ANSWER, 1L, Long::sum);
                            continue;
                        }
                        long latency = System.nanoTime() - t0;
                        statuses.merge(r.statusCode(), 1L, Long::sum);
                        if (r.statusCode() / 100 == 2) {
                            latencies.add(latency);
                            acknowledged.incrementAndGet();
                            acknowledgedIds.addAll(ids);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            seconds = (System.nanoTime() - start) / 1e9;
            clients.shutdown();
        }
        Set<String> stored = new HashSet<>();
        try (TopicReader reader = new TopicReader(kafka, positions)) {
            long records = reader.endOffset();
            for (ConsumerRecord<byte[], byte[]> r : reader.read(0, (int) records, Duration.ofSeconds(60))) {
                stored.add(new String(r.key(), StandardCharsets.UTF_8));
            }
        }
        Set<String> missing = new HashSet<>(acknowledgedIds);
        missing.removeAll(stored);
        assertThat(missing).as("records of 2xx-acknowledged batches missing from Kafka (%s)", phase).isEmpty();
        Result result = new Result(new TreeMap<>(statuses), acknowledged.get(), seconds, latencies);
        System.out.println(String.format(Locale.ROOT,
                "PUSH LOAD %s: %d clients x %.1f s, %d records/batch, rate-limit %s: %d requests answered %s; "
                        + "%.0f acknowledged requests/s (%.0f records/s); latency of 2xx p50 %.1f ms, p99 %.1f ms, "
                        + "max %.1f ms; %d acknowledged records, all %d in Kafka",
                phase, CLIENTS, seconds, BATCH, rate == 0 ? "none" : rate + "/s burst " + burst,
                statuses.values().stream().mapToLong(Long::longValue).sum(), result.statuses,
                result.acknowledgedPerSecond(), result.acknowledgedPerSecond() * BATCH,
                result.percentileMicros(50) / 1000.0, result.percentileMicros(99) / 1000.0,
                result.percentileMicros(100) / 1000.0, acknowledgedIds.size(), acknowledgedIds.size()));
        return result;
    }
}
