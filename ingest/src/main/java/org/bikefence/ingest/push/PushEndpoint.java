package org.bikefence.ingest.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.bikefence.decode.InvalidRecordException;
import org.bikefence.decode.PositionDecoder;
import org.bikefence.geofence.crs.Crs;
import org.bikefence.ingest.CityBounds;
import org.bikefence.ingest.AdapterMetrics;
import org.bikefence.ingest.Counters;
import org.bikefence.ingest.FeedHealth;
import org.bikefence.ingest.FeedHealthWriter;
import org.bikefence.ingest.JsonSlices;
import org.bikefence.ingest.Observation;
import org.bikefence.ingest.OperatorFeed;
import org.bikefence.ingest.PositionNormalizer;
import org.bikefence.ingest.PositionPublisher;
import org.bikefence.ingest.Reasons;
import org.bikefence.ingest.Rejection;
import org.bikefence.model.BikePosition;
import org.bikefence.model.BikeState;

/**
 * The city's push endpoint: operators POST a JSON array of position records in the contract's format.
 *
 * <ul>
 *   <li>{@code Authorization: Bearer <token>}, one token per push operator (from an environment variable or a
 *       file, compared in constant time, never logged): 401 without a known token; 403 when a record names
 *       another operator than the token's (the whole batch is refused).
 *   <li>Requests per token are limited ({@link TokenBucketLimiter}): over the limit 429 with {@code Retry-After},
 *       before the body is read.
 *   <li>A body over the limit: 413, before reading it when Content-Length says so.
 *   <li>Not a JSON array: 400 with a JSON reason (the body also goes to the dead-letter topic).
 *   <li>Each record is validated like the job does, converted from the record's {@code crs} or else the
 *       operator's declared system to WGS84, checked against the city's bounds; bad records go to the
 *       dead-letter topic and are listed in the answer.
 *   <li>Good records and dead letters are acknowledged by Kafka ({@code acks=all}) before the answer: 200
 *       (422 when every record was rejected). When Kafka does not acknowledge in time: 503 with Retry-After,
 *       and nothing of the batch is acknowledged (a retry may duplicate records Kafka stored late; the job
 *       treats a repeated report as the same report).
 * </ul>
 */
public final class PushEndpoint implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(PushEndpoint.class);

    static {
        // The JDK's HTTP server writes an answer's headers and body separately with Nagle's algorithm on: against a
        // client's delayed ACK every answer waited ~40 ms (PushLoadITCase: 56 -> 503 requests/s, p50 59 -> 7 ms with
        // 4 clients). Read once, when the server classes load; an explicit -Dsun.net.httpserver.nodelay wins.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RETRY_AFTER_S = "5";

    private final HttpServer server;
    private final ExecutorService executor;
    private final String path;
    private final int maxBodyBytes;
    private final Map<String, byte[]> tokenHashes;
    private final Map<String, OperatorFeed> operators;
    private final Map<String, PositionNormalizer> normalizers = new LinkedHashMap<>();
    private final PositionDecoder decoder;
    private final PositionPublisher publisher;
    private final FeedHealthWriter health;
    private final LongSupplier clock;
    private final Counters counters = new Counters();
    private final AdapterMetrics metrics;
    private final TokenBucketLimiter limiter;

    /**
     * @param tokens each push operator's token, by operator id
     */
    public PushEndpoint(String host, int port, String path, int maxBodyBytes, Map<String, OperatorFeed> operators,
            Map<String, String> tokens, CityBounds bounds, long maxFutureMs, PositionPublisher publisher,
            FeedHealthWriter health, LongSupplier clock) throws IOException {
        this(host, port, path, maxBodyBytes, operators, tokens, bounds, maxFutureMs, publisher, health, clock,
                TokenBucketLimiter.unlimited());
    }

    /**
     * @param tokens each push operator's token, by operator id
     * @param limiter requests per token (per operator): over the limit the answer is 429 with Retry-After
     */
    public PushEndpoint(String host, int port, String path, int maxBodyBytes, Map<String, OperatorFeed> operators,
            Map<String, String> tokens, CityBounds bounds, long maxFutureMs, PositionPublisher publisher,
            FeedHealthWriter health, LongSupplier clock, TokenBucketLimiter limiter) throws IOException {
        this.limiter = limiter;
        this.path = path;
        this.maxBodyBytes = maxBodyBytes;
        this.operators = Map.copyOf(operators);
        this.tokenHashes = new LinkedHashMap<>();
        for (Map.Entry<String, String> t : tokens.entrySet()) {
            tokenHashes.put(t.getKey(), sha256(t.getValue()));
        }
        for (OperatorFeed f : operators.values()) {
            normalizers.put(f.id(), new PositionNormalizer(f.id(), f.crs(), bounds, clock, maxFutureMs));
        }
        this.decoder = new PositionDecoder(clock, maxFutureMs);
        this.publisher = publisher;
        this.health = health;
        this.clock = clock;
        this.server = HttpServer.create(new InetSocketAddress(host, port), 64);
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "push-endpoint");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        this.metrics = new AdapterMetrics("push", clock);
        server.createContext("/metrics", AdapterMetrics.handler(this::metricsText));
    }

    /** The endpoint's metrics as Prometheus text (what {@code /metrics} serves). */
    public String metricsText() {
        return metrics.render(null, counters);
    }

    public PushEndpoint start() {
        server.start();
        LOG.info("push endpoint listening on {}{} for operators {}", server.getAddress(), path, operators.keySet());
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public Counters counters() {
        return counters;
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            if (!ex.getRequestURI().getPath().equals(path)) {
                answer(ex, 404, error("not_found", "POST position batches to " + path));
                return;
            }
            if (!"POST".equals(ex.getRequestMethod())) {
                ex.getResponseHeaders().add("Allow", "POST");
                answer(ex, 405, error("method_not_allowed", "only POST is accepted"));
                return;
            }
            String operator = authenticate(ex.getRequestHeaders().getFirst("Authorization"));
            if (operator == null) {
                counters.increment("unauthenticated");
                LOG.warn("push from {}: no known bearer token", ex.getRemoteAddress().getAddress());
                ex.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"bikefence\"");
                answer(ex, 401, error("unauthenticated", "send Authorization: Bearer <your operator token>"));
                return;
            }
            long wait = limiter.tryAcquire(operator);
            if (wait > 0) {
                counters.increment("rate_limited");
                long seconds = TokenBucketLimiter.retryAfterSeconds(wait);
                LOG.debug("push from operator {}: over its request rate, answering 429", operator);
                ex.getResponseHeaders().add("Retry-After", Long.toString(seconds));
                answer(ex, 429, error("rate_limited", "more requests than this token may send; nothing of this "
                        + "batch was accepted, send it again after " + seconds + " s"));
                return;
            }
            String length = ex.getRequestHeaders().getFirst("Content-Length");
            if (length != null && parseLong(length) > maxBodyBytes) {
                tooLarge(ex, operator);
                return;
            }
            byte[] body = readAtMost(ex.getRequestBody(), maxBodyBytes);
            if (body == null) {
                tooLarge(ex, operator);
                return;
            }
            batch(ex, operator, body);
        } catch (RuntimeException e) {
            LOG.error("push endpoint: unexpected failure", e);
            answer(ex, 500, error("internal_error", "unexpected failure; nothing of this batch is acknowledged"));
        } finally {
            ex.close();
        }
    }

    private void batch(HttpExchange ex, String operator, byte[] body) throws IOException {
        long now = clock.getAsLong();
        String source = "push:" + operator + "@" + path;
        JsonNode root;
        List<byte[]> elements;
        try {
            root = JSON.readTree(body);
            elements = root != null && root.isArray() ? JsonSlices.arrayElements(body) : null;
        } catch (IOException e) {
            root = null;
            elements = null;
        }
        if (elements == null) {
            String reason = root == null ? Reasons.NOT_JSON : "not_array";
            String detail = root == null ? "the body is not JSON" : "the body must be a JSON array of position records";
            counters.increment("rejected_batches." + reason);
            LOG.warn("push from operator {}: batch refused: {}", operator, detail);
            deadLetterQuietly(new Rejection(null, Reasons.NOT_JSON, detail, body), source, now);
            answer(ex, 400, error(reason, detail));
            return;
        }
        for (int i = 0; i < root.size(); i++) {
            JsonNode op = root.get(i).path("operator");
            if (op.isTextual() && !op.asText().equals(operator)) {
                counters.increment("rejected_batches.operator_mismatch");
                LOG.warn("push from operator {}: batch refused: record {} names operator '{}'", operator, i,
                        op.asText());
                answer(ex, 403, error("operator_mismatch", "record " + i + " has operator '" + op.asText()
                        + "' but the token belongs to '" + operator + "'; nothing of this batch was accepted"));
                return;
            }
        }
        PositionNormalizer normalizer = normalizers.get(operator);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        List<BikePosition> usable = new ArrayList<>();
        ArrayNode rejections = JSON.createArrayNode();
        List<Rejection> dead = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        long duplicates = 0;
        for (int i = 0; i < elements.size(); i++) {
            byte[] element = elements.get(i);
            JsonNode node = root.get(i);
            String bikeId = node.path("bikeId").isTextual() ? node.get("bikeId").asText() : null;
            if (bikeId != null && !ids.add(bikeId)) {
                duplicates++;
            }
            Rejection rejection;
            try {
                BikePosition checked = decoder.decode(element);
                JsonNode crsNode = node.path("crs");
                Crs crs = crsNode.isTextual() ? Crs.parse(crsNode.asText()) : normalizer.crs();
                PositionNormalizer.Result r = normalizer.normalize(new Observation(checked.bikeId, checked.ts,
                        node.get("lat").asDouble(), node.get("lng").asDouble(), checked.state, element), crs);
                if (r.accepted()) {
                    usable.add(r.position());
                    records.add(publisher.position(r.position(), r.value()));
                    continue;
                }
                rejection = r.rejection();
            } catch (InvalidRecordException e) {
                rejection = new Rejection(bikeId, e.reason(), e.detail(), element);
                if (e.reason().equals(PositionDecoder.OUT_OF_RANGE) && bikeId != null
                        && node.path("lat").isNumber() && node.path("lng").isNumber()) {
                    // Let the normalizer tell swapped coordinates from impossible ones.
                    Rejection named = normalizer.normalize(new Observation(bikeId, 0, node.get("lat").asDouble(),
                            node.get("lng").asDouble(), BikeState.PARKED, element)).rejection();
                    rejection = named != null ? named : rejection;
                }
            }
            dead.add(rejection);
            records.add(publisher.deadLetter(rejection, source, now));
            ObjectNode r = rejections.addObject();
            r.put("index", i);
            r.put("reason", rejection.reason());
            r.put("detail", rejection.detail());
        }
        try {
            long sent = System.nanoTime();
            publisher.publish(records);
            metrics.published(System.nanoTime() - sent);
        } catch (PositionPublisher.PublishException e) {
            counters.increment("unavailable");
            LOG.warn("push from operator {}: batch of {} records not acknowledged by Kafka, answering 503: {}",
                    operator, elements.size(), e.getMessage());
            ex.getResponseHeaders().add("Retry-After", RETRY_AFTER_S);
            answer(ex, 503, error("unavailable", "the batch could not be stored; nothing of it is acknowledged,"
                    + " send it again"));
            return;
        }
        counters.add("accepted", usable.size());
        long newest = Long.MIN_VALUE;
        for (BikePosition p : usable) {
            newest = Math.max(newest, p.ts);
        }
        metrics.succeeded(now, newest);
        for (Rejection r : dead) {
            counters.increment("dead_letters." + r.reason());
        }
        if (!dead.isEmpty()) {
            LOG.warn("push from operator {}: {} of {} records dead-lettered (first: {})", operator, dead.size(),
                    elements.size(), dead.get(0));
        }
        ObjectNode answer = JSON.createObjectNode();
        answer.put("accepted", usable.size());
        answer.put("rejected", dead.size());
        answer.set("rejections", rejections);
        answer(ex, usable.isEmpty() && !dead.isEmpty() ? 422 : 200, answer);
        health.write(FeedHealth.success(operator, "push", now, elements.size(), dead.size(), duplicates, usable,
                operators.get(operator).freshness().toMillis()));
    }

    private void tooLarge(HttpExchange ex, String operator) throws IOException {
        counters.increment("rejected_batches.too_large");
        LOG.warn("push from operator {}: body over {} bytes refused", operator, maxBodyBytes);
        answer(ex, 413, error("too_large", "the body exceeds " + maxBodyBytes + " bytes; send smaller batches"));
    }

    private void deadLetterQuietly(Rejection r, String source, long now) {
        try {
            publisher.publish(List.of(publisher.deadLetter(r, source, now)));
            counters.increment("dead_letters." + r.reason());
        } catch (PositionPublisher.PublishException e) {
            LOG.warn("dead letter of a refused batch not published: {}", e.getMessage());
        }
    }

    /** The operator whose token this is, or null. Every token is compared, so timing tells nothing. */
    private String authenticate(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        byte[] presented = sha256(header.substring(7).strip());
        String match = null;
        for (Map.Entry<String, byte[]> t : tokenHashes.entrySet()) {
            if (MessageDigest.isEqual(presented, t.getValue())) {
                match = t.getKey();
            }
        }
        return match;
    }

    /** The body, or null when it is longer than {@code max} bytes (chunked bodies have no Content-Length). */
    private static byte[] readAtMost(InputStream in, int max) throws IOException {
        byte[] body = in.readNBytes(max);
        if (in.read() != -1) {
            return null;
        }
        return body;
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static ObjectNode error(String reason, String detail) {
        ObjectNode n = JSON.createObjectNode();
        n.put("error", reason);
        n.put("detail", detail);
        return n;
    }

    private static void answer(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(1);
        executor.shutdown();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
