package org.bikefence.ingest;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * What an adapter shows Prometheus on {@code /metrics} (text exposition format 0.0.4): polls or requests, records
 * published, dead letters per reason, failures per reason, the age of the freshest position published, and the
 * latency of publishing to Kafka. Counts come from the adapter's {@link Counters}; this adds the gauges and the
 * latency. Thread-safe.
 */
public final class AdapterMetrics {
    /** Counter names of {@link Counters} and the metric and label each becomes. */
    private static final String[][] BY_PREFIX = {
        {"dead_letters.", "bikefence_ingest_dead_letters_total", "reason"},
        {"failures.", "bikefence_ingest_failures_total", "reason"},
        {"rejected_batches.", "bikefence_ingest_rejected_batches_total", "reason"},
    };

    private final String kind;
    private final LongSupplier clock;
    private final LongAdder publishes = new LongAdder();
    private final LongAdder publishNanos = new LongAdder();
    private volatile long freshestTs = Long.MIN_VALUE;
    private volatile long lastSuccessMs = Long.MIN_VALUE;

    /** @param kind the adapter's kind label: gbfs, mds or push */
    public AdapterMetrics(String kind, LongSupplier clock) {
        this.kind = kind;
        this.clock = clock;
    }

    /** One publish to Kafka (records and dead letters of a poll or request), acknowledged after {@code nanos}. */
    public void published(long nanos) {
        publishes.increment();
        publishNanos.add(nanos);
    }

    /** A successful poll or request at {@code nowMs}; {@code positionTs}: the newest position in it, if any. */
    public void succeeded(long nowMs, long positionTs) {
        lastSuccessMs = nowMs;
        if (positionTs > freshestTs) {
            freshestTs = positionTs;
        }
    }

    /** The metrics as Prometheus text, the operator label {@code operator} (null: none). */
    public String render(String operator, Counters counters) {
        String base = "kind=\"" + kind + "\"" + (operator == null ? "" : ",operator=\"" + escape(operator) + "\"");
        StringBuilder out = new StringBuilder(1024);
        Map<String, Long> counts = counters.snapshot();
        if (kind.equals("push")) {
            metric(out, "bikefence_ingest_records_total", "counter", "Positions accepted and published.");
            sample(out, "bikefence_ingest_records_total", base, counts.getOrDefault("accepted", 0L));
            metric(out, "bikefence_ingest_requests_refused_total", "counter",
                    "Push requests refused before their records were read, by reason.");
            for (String reason : new String[] {"unauthenticated", "rate_limited", "unavailable"}) {
                sample(out, "bikefence_ingest_requests_refused_total", base + ",reason=\"" + reason + "\"",
                        counts.getOrDefault(reason, 0L));
            }
        } else {
            metric(out, "bikefence_ingest_polls_total", "counter", "Polls of the feed, by outcome.");
            long failed = 0;
            for (Map.Entry<String, Long> e : counts.entrySet()) {
                if (e.getKey().startsWith("failures.")) {
                    failed += e.getValue();
                }
            }
            sample(out, "bikefence_ingest_polls_total", base + ",outcome=\"ok\"", counts.getOrDefault("polls.ok", 0L));
            sample(out, "bikefence_ingest_polls_total", base + ",outcome=\"failed\"", failed);
            metric(out, "bikefence_ingest_records_total", "counter", "Position events published.");
            sample(out, "bikefence_ingest_records_total", base, counts.getOrDefault("events", 0L));
        }
        for (String[] p : BY_PREFIX) {
            boolean typed = false;
            for (Map.Entry<String, Long> e : counts.entrySet()) {
                if (e.getKey().startsWith(p[0])) {
                    if (!typed) {
                        metric(out, p[1], "counter", "By " + p[2] + ".");
                        typed = true;
                    }
                    sample(out, p[1], base + "," + p[2] + "=\"" + escape(e.getKey().substring(p[0].length())) + "\"",
                            e.getValue());
                }
            }
        }
        long now = clock.getAsLong();
        metric(out, "bikefence_feed_freshest_age_seconds", "gauge",
                "Age of the newest position published (NaN before the first).");
        gauge(out, "bikefence_feed_freshest_age_seconds", base,
                freshestTs == Long.MIN_VALUE ? Double.NaN : (now - freshestTs) / 1000.0);
        metric(out, "bikefence_ingest_last_success_timestamp_seconds", "gauge",
                "When the last poll or request succeeded (NaN before the first).");
        gauge(out, "bikefence_ingest_last_success_timestamp_seconds", base,
                lastSuccessMs == Long.MIN_VALUE ? Double.NaN : lastSuccessMs / 1000.0);
        metric(out, "bikefence_ingest_publish_latency_seconds", "summary",
                "Time from sending a poll's or request's records to Kafka to their acknowledgement.");
        gauge(out, "bikefence_ingest_publish_latency_seconds_sum", base, publishNanos.sum() / 1e9);
        sample(out, "bikefence_ingest_publish_latency_seconds_count", base, publishes.sum());
        return out.toString();
    }

    private static void metric(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void sample(StringBuilder out, String name, String labels, long value) {
        out.append(name).append('{').append(labels).append("} ").append(value).append('\n');
    }

    private static void gauge(StringBuilder out, String name, String labels, double value) {
        out.append(name).append('{').append(labels).append("} ")
                .append(Double.isNaN(value) ? "NaN" : String.format(Locale.ROOT, "%.3f", value)).append('\n');
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /** Serves {@code text} on {@code /metrics} of {@code port} (0: any free port) on all interfaces until stopped. */
    public static HttpServer serve(int port, java.util.function.Supplier<String> text) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 8);
        server.createContext("/metrics", handler(text));
        server.start();
        return server;
    }

    /** The {@code /metrics} handler: {@code text} as Prometheus text. */
    public static com.sun.net.httpserver.HttpHandler handler(java.util.function.Supplier<String> text) {
        return exchange -> {
            byte[] body = text.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(body);
            }
        };
    }
}
