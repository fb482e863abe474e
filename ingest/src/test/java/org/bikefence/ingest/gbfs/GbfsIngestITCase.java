package org.bikefence.ingest.gbfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bikefence.ingest.IngestFixtures.FETCH_1;
import static org.bikefence.ingest.IngestFixtures.FETCH_2;
import static org.bikefence.ingest.IngestFixtures.T0;
import static org.bikefence.ingest.IngestFixtures.T1;
import static org.bikefence.ingest.IngestFixtures.bytes;
import static org.bikefence.ingest.IngestFixtures.gbfsOperator;
import static org.bikefence.ingest.TopicReader.header;
import static org.bikefence.ingest.TopicReader.keysAndReasons;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.bikefence.decode.PositionDecoder;
import org.bikefence.geofence.crs.Crs;
import org.bikefence.ingest.Backoff;
import org.bikefence.ingest.CityBounds;
import org.bikefence.ingest.FeedHealthWriter;
import org.bikefence.ingest.FeedServer;
import org.bikefence.ingest.HttpFetcher;
import org.bikefence.ingest.OperatorFeed;
import org.bikefence.ingest.PollingAdapter;
import org.bikefence.ingest.PositionNormalizer;
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

/**
 * The GBFS adapter against a local HTTP server serving a sequence of snapshots, a real Kafka broker and a real
 * influxd: the exact events on the positions topic, the dead letters with their headers, and the feed-health
 * points InfluxDB returns to InfluxQL.
 */
@ExtendWith(KafkaExtension.class)
class GbfsIngestITCase {

    @RegisterExtension
    static final InfluxdExtension INFLUX = new InfluxdExtension();

    private static final Set<String> FLOAT_FIELDS = Set.of("invalid_share", "stale_share", "freshest_age_s");
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String STATUS = "/gbfs/free_bike_status.json";
    private static final String DISCOVERY = "/gbfs/gbfs.json";

    private FeedServer server;
    private PositionPublisher publisher;
    private FeedHealthWriter health;
    private String positions;
    private String dlq;

    @BeforeEach
    void setUp() throws Exception {
        server = new FeedServer();
        server.serve(DISCOVERY, 200, bytes("gbfs/gbfs-v23.json"));
        positions = "gbfs-it-positions-" + System.nanoTime();
        dlq = "gbfs-it-dlq-" + System.nanoTime();
        KafkaExtension.kafka().createTopics(1, positions, dlq);
        publisher = new PositionPublisher(KafkaExtension.kafka().bootstrapServers(), positions, dlq,
                Duration.ofSeconds(10), "gbfs-it");
        health = FeedHealthWriter.v1(INFLUX.influxd().url(), INFLUX.database(), null, null);
    }

    @AfterEach
    void tearDown() throws Exception {
        server.close();
        publisher.close();
        health.close();
    }

    private PollingAdapter adapter(String operator, AtomicLong clock) {
        OperatorFeed feed = gbfsOperator(operator, server.base() + DISCOVERY, Crs.GCJ02);
        return new PollingAdapter(feed,
                new GbfsReader(feed.url(), new HttpFetcher(Duration.ofSeconds(5), null, "application/json")),
                new PositionNormalizer(operator, Crs.GCJ02, CityBounds.XIAMEN, clock::get, 600_000),
                publisher, health, clock::get, new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1)));
    }

    private static BikePosition gcj(String id, long ts, double lat, double lng, BikeState state) {
        double[] wgs = Crs.GCJ02.toWgs84(lat, lng);
        return new BikePosition("hello", id, ts, wgs[0], wgs[1], state);
    }

    @Test
    void snapshotsBecomeExactEventsDeadLettersAndFeedHealth() throws Exception {
        LocalKafka kafka = KafkaExtension.kafka();
        AtomicLong clock = new AtomicLong(FETCH_1);
        PollingAdapter adapter = adapter("hello", clock);
        PositionDecoder decoder = new PositionDecoder(clock::get, 600_000);

        try (TopicReader events = new TopicReader(kafka, positions); TopicReader dead = new TopicReader(kafka, dlq)) {
            // Snapshot 1: three usable vehicles, one reserved, five dead letters.
            server.serve(STATUS, 200, bytes("gbfs/free_bike_status-1.json"));
            PollingAdapter.Outcome first = adapter.pollOnce();
            assertThat(first.success()).isTrue();
            assertThat(first.nextPollIn()).isEqualTo(Duration.ofSeconds(30));

            List<ConsumerRecord<byte[], byte[]>> e1 = events.read(0, 3, DEADLINE);
            assertThat(decode(decoder, e1)).containsExactly(
                    gcj("hb-a1", T0 - 20_000, 24.5050, 118.1400, BikeState.PARKED),
                    gcj("hb-b2", T0 - 400_000, 24.5100, 118.1500, BikeState.FAULTY),
                    gcj("hb-g7", T0, 24.5200, 118.1600, BikeState.PARKED));
            assertThat(e1).allSatisfy(r -> {
                assertThat(new String(r.key(), StandardCharsets.UTF_8)).startsWith("hb-");
                assertThat(new String(r.value(), StandardCharsets.UTF_8)).doesNotContain("crs");
            });
            assertThat(events.endOffset()).isEqualTo(3);

            List<ConsumerRecord<byte[], byte[]>> d1 = dead.read(0, 5, DEADLINE);
            assertThat(keysAndReasons(d1)).containsExactly("hb-d4 outside_city", "hb-e5 swapped_coordinates",
                    "hb-f6 missing_field", "hb-a1 duplicate_id", "hb-h8 outside_city");
            ConsumerRecord<byte[], byte[]> d4 = d1.get(0);
            assertThat(new String(d4.value(), StandardCharsets.UTF_8)).isEqualTo("{\"bike_id\": \"hb-d4\", \"lat\":"
                    + " 52.5203, \"lon\": 13.4049, \"is_reserved\": false, \"is_disabled\": false,"
                    + " \"last_reported\": 1779999990}");
            assertThat(header(d4, Topics.HEADER_SOURCE)).isEqualTo("gbfs:hello@" + server.base() + DISCOVERY);
            assertThat(header(d4, Topics.HEADER_REJECTED_AT)).isEqualTo(Long.toString(FETCH_1));
            assertThat(header(d4, Topics.HEADER_DETAIL)).contains("outside the city");
            assertThat(dead.endOffset()).isEqualTo(5);

            // Snapshot 2: b2 repaired, k9 new (g7's bike under a rotated id), g7 gone, c3 (reserved) gone.
            clock.set(FETCH_2);
            server.serve(STATUS, 200, bytes("gbfs/free_bike_status-2.json"));
            PollingAdapter.Outcome second = adapter.pollOnce();
            // ttl 60 s from last_updated T1, fetched at T1 + 5 s.
            assertThat(second.nextPollIn()).isEqualTo(Duration.ofSeconds(55));
            assertThat(decode(decoder, events.read(3, 3, DEADLINE))).containsExactly(
                    gcj("hb-b2", T1 - 10_000, 24.5100, 118.1500, BikeState.PARKED),
                    gcj("hb-k9", T1 - 5_000, 24.5300, 118.1200, BikeState.PARKED),
                    gcj("hb-g7", T1, 24.5200, 118.1600, BikeState.RIDING));
            assertThat(keysAndReasons(dead.read(5, 2, DEADLINE)))
                    .containsExactly("hb-d4 outside_city", "hb-m3 wrong_version");

            // The same snapshot again: nothing new to say.
            long fetch3 = FETCH_2 + 30_000;
            clock.set(fetch3);
            assertThat(adapter.pollOnce().events()).isZero();
            assertThat(dead.read(7, 2, DEADLINE)).hasSize(2);
            assertThat(events.endOffset()).isEqualTo(6);

            // Bad input: a 503, a truncated document, a wrong declared version; backoff doubles, nothing stops.
            clock.set(fetch3 + 10_000);
            server.serve(STATUS, 503, "upstream down".getBytes(StandardCharsets.UTF_8));
            PollingAdapter.Outcome down = adapter.pollOnce();
            assertThat(down.success()).isFalse();
            assertThat(down.error()).isEqualTo("http_503");
            assertThat(down.nextPollIn()).isEqualTo(Duration.ofMillis(100));

            clock.set(fetch3 + 20_000);
            server.serve(STATUS, 200, bytes("gbfs/truncated.json"));
            PollingAdapter.Outcome truncated = adapter.pollOnce();
            assertThat(truncated.error()).isEqualTo("not_json");
            assertThat(truncated.nextPollIn()).isEqualTo(Duration.ofMillis(200));

            clock.set(fetch3 + 30_000);
            server.serve(STATUS, 200, bytes("gbfs/declares-30-uses-23.json"));
            PollingAdapter.Outcome wrong = adapter.pollOnce();
            assertThat(wrong.error()).isEqualTo("wrong_version");
            assertThat(wrong.nextPollIn()).isEqualTo(Duration.ofMillis(400));

            List<ConsumerRecord<byte[], byte[]>> docs = dead.read(9, 2, DEADLINE);
            assertThat(keysAndReasons(docs)).containsExactly("null not_json", "null wrong_version");
            assertThat(docs.get(0).value()).isEqualTo(bytes("gbfs/truncated.json"));
            // After the 503 of the discovered URL the discovery file was read again (once: a bad document is
            // the feed's content, not a moved feed).
            assertThat(server.requests(DISCOVERY)).isEqualTo(2);

            clock.set(fetch3 + 40_000);
            server.serve(STATUS, 200, bytes("gbfs/free_bike_status-2.json"));
            PollingAdapter.Outcome back = adapter.pollOnce();
            assertThat(back.success()).isTrue();
            assertThat(back.events()).isZero();
            assertThat(events.endOffset()).isEqualTo(6);
        }

        assertThat(adapter.counters().snapshot()).containsEntry("events", 6L)
                .containsEntry("dead_letters.outside_city", 5L).containsEntry("failures.http_503", 1L)
                .containsEntry("failures.not_json", 1L).containsEntry("failures.wrong_version", 1L);
        assertMetrics(adapter, clock.get());

        List<Map<String, Object>> h = healthRows("hello");
        assertThat(h).hasSize(7);
        assertThat(h.get(0)).containsEntry("time", FETCH_1).containsEntry("feed", "free_bike_status")
                .containsEntry("records", 9L).containsEntry("invalid_share", 5.0 / 9)
                .containsEntry("stale_share", 1.0 / 3).containsEntry("freshest_age_s", 5.0)
                .containsEntry("duplicate_ids", 1L).containsEntry("last_success_ms", FETCH_1)
                .containsEntry("consecutive_failures", 0L).containsEntry("error", null);
        assertThat(h.get(1)).containsEntry("time", FETCH_2).containsEntry("records", 5L)
                .containsEntry("invalid_share", 0.4).containsEntry("stale_share", 0.0)
                .containsEntry("freshest_age_s", 10.0).containsEntry("duplicate_ids", 0L);
        long fetch3 = FETCH_2 + 30_000;
        assertThat(h.get(3)).containsEntry("error", "http_503").containsEntry("consecutive_failures", 1L)
                .containsEntry("last_success_ms", fetch3).containsEntry("records", 0L);
        assertThat(h.get(5)).containsEntry("error", "wrong_version").containsEntry("consecutive_failures", 3L);
        assertThat(h.get(6)).containsEntry("error", null).containsEntry("last_success_ms", fetch3 + 40_000);
    }

    /** What {@code /metrics} serves after the polls above: the same counts, the gauges, valid exposition text. */
    private static void assertMetrics(PollingAdapter adapter, long now) throws Exception {
        com.sun.net.httpserver.HttpServer metrics = org.bikefence.ingest.AdapterMetrics.serve(0, adapter::metricsText);
        String body;
        try {
            java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                            + metrics.getAddress().getPort() + "/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                    .startsWith("text/plain; version=0.0.4"));
            body = r.body();
        } finally {
            metrics.stop(0);
        }
        String l = "kind=\"gbfs\",operator=\"hello\"";
        assertThat(body.lines()).contains(
                "bikefence_ingest_polls_total{" + l + ",outcome=\"ok\"} 4",
                "bikefence_ingest_polls_total{" + l + ",outcome=\"failed\"} 3",
                "bikefence_ingest_records_total{" + l + "} 6",
                "bikefence_ingest_dead_letters_total{" + l + ",reason=\"outside_city\"} 5",
                "bikefence_ingest_failures_total{" + l + ",reason=\"http_503\"} 1",
                "bikefence_ingest_failures_total{" + l + ",reason=\"wrong_version\"} 1",
                // The newest position published is hb-g7's at T1.
                String.format(java.util.Locale.ROOT, "bikefence_feed_freshest_age_seconds{%s} %.3f", l,
                        (now - T1) / 1000.0),
                String.format(java.util.Locale.ROOT, "bikefence_ingest_last_success_timestamp_seconds{%s} %.3f", l,
                        now / 1000.0),
                // One acknowledged publish per successful poll.
                "bikefence_ingest_publish_latency_seconds_count{" + l + "} 4");
        java.nio.file.Path promtool = java.nio.file.Path.of("/usr/bin/promtool");
        if (!java.nio.file.Files.isExecutable(promtool)) {
            System.out.println("promtool not installed: the exposition format is not checked by promtool");
            return;
        }
        Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
        try (java.io.OutputStream in = p.getOutputStream()) {
            in.write(body.getBytes(StandardCharsets.UTF_8));
        }
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("promtool check metrics: %s", said).isZero();
    }

    @Test
    void theRunningAdapterRetriesAnUnavailableFeedUntilItAnswers() throws Exception {
        LocalKafka kafka = KafkaExtension.kafka();
        AtomicLong clock = new AtomicLong(FETCH_1);
        server.serveOnce(DISCOVERY, 503, new byte[0]);
        server.serveOnce(DISCOVERY, 500, new byte[0]);
        server.serve(STATUS, 200, bytes("gbfs/free_bike_status-1.json"));
        PollingAdapter adapter = adapter("hello-run", clock);
        Thread t = new Thread(adapter, "gbfs-adapter-test");
        t.start();
        try (TopicReader events = new TopicReader(kafka, positions)) {
            List<ConsumerRecord<byte[], byte[]>> got = events.read(0, 3, DEADLINE);
            assertThat(got).extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                    .containsExactly("hb-a1", "hb-b2", "hb-g7");
        } finally {
            adapter.stop();
            t.join(Duration.ofSeconds(10).toMillis());
        }
        assertThat(t.isAlive()).isFalse();
        assertThat(server.requests(DISCOVERY)).isGreaterThanOrEqualTo(3);
        assertThat(adapter.counters().snapshot()).containsEntry("failures.http_503", 1L)
                .containsEntry("failures.http_500", 1L);
    }

    private List<Map<String, Object>> healthRows(String operator) throws Exception {
        JsonNode series = INFLUX.influxd().query(INFLUX.database(),
                "SELECT * FROM feed_health WHERE operator = '" + operator + "'")
                .path("results").path(0).path("series").path(0);
        List<String> columns = new ArrayList<>();
        series.path("columns").forEach(c -> columns.add(c.asText()));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (JsonNode v : series.path("values")) {
            Map<String, Object> row = new LinkedHashMap<>();
            for (int i = 0; i < columns.size(); i++) {
                JsonNode x = v.get(i);
                // InfluxDB's JSON writes a whole float as an integer: the schema says which fields are floats.
                String c = columns.get(i);
                row.put(c, x.isNull() ? null : FLOAT_FIELDS.contains(c) ? (Object) x.asDouble()
                        : x.isNumber() ? (Object) x.asLong() : x.asText());
            }
            rows.add(row);
        }
        return rows;
    }

    private static List<BikePosition> decode(PositionDecoder decoder, List<ConsumerRecord<byte[], byte[]>> records)
            throws Exception {
        List<BikePosition> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            out.add(decoder.decode(r.value()));
        }
        return out;
    }
}
