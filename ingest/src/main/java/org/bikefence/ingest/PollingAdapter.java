package org.bikefence.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.bikefence.model.BikePosition;

/**
 * The long-running adapter of one polled feed (GBFS or MDS): reads a snapshot, checks every vehicle, turns the
 * snapshot into events ({@link SnapshotDiffer}), publishes events and dead letters to Kafka and waits for the
 * acknowledgements, then writes the feed's health. Bad input never stops it: an unreachable feed, an HTTP
 * error, an unusable document or an unavailable Kafka is logged with the operator and reason, counted, and
 * retried with exponential backoff; an unusable document also goes to the dead-letter topic.
 */
public final class PollingAdapter implements Runnable {

    private static final Logger LOG = LogManager.getLogger(PollingAdapter.class);
    /** However long a feed's ttl, poll at least this often, so that a wrong ttl cannot silence a feed. */
    private static final Duration MAX_TTL_WAIT = Duration.ofMinutes(5);

    private final OperatorFeed feed;
    private final FeedReader reader;
    private final PositionNormalizer normalizer;
    private final PositionPublisher publisher;
    private final FeedHealthWriter health;
    private final LongSupplier clock;
    private final Backoff backoff;
    private final SnapshotDiffer differ;
    private final String source;
    private final Counters counters = new Counters();
    private final AdapterMetrics metrics;
    private final CountDownLatch stop = new CountDownLatch(1);

    private Long lastSuccessMs;

    public PollingAdapter(OperatorFeed feed, FeedReader reader, PositionNormalizer normalizer,
            PositionPublisher publisher, FeedHealthWriter health, LongSupplier clock, Backoff backoff) {
        this.feed = feed;
        this.reader = reader;
        this.normalizer = normalizer;
        this.publisher = publisher;
        this.health = health;
        this.clock = clock;
        this.backoff = backoff;
        this.differ = new SnapshotDiffer(reader.vehiclesVanish());
        this.source = feed.kind().wireName() + ":" + feed.id() + "@" + feed.url();
        this.metrics = new AdapterMetrics(feed.kind().wireName(), clock);
    }

    /** What one poll did, and when the next should start. */
    public record Outcome(boolean success, String error, int events, int deadLetters, Duration nextPollIn) {}

    /** One poll: never throws for bad input or unavailable services. */
    public Outcome pollOnce() {
        long now = clock.getAsLong();
        FeedReader.Snapshot snapshot;
        try {
            snapshot = reader.read(now);
        } catch (FetchException e) {
            return failed(now, e.reason(), e.getMessage(), 0);
        } catch (FeedException e) {
            int dead = 0;
            if (e.document() != null) {
                Rejection r = new Rejection(null, e.reason(), e.detail(), e.document());
                try {
                    publisher.publish(List.of(publisher.deadLetter(r, source, now)));
                    dead = 1;
                    counters.increment("dead_letters." + e.reason());
                } catch (PositionPublisher.PublishException pe) {
                    LOG.warn("operator {}: dead letter of the {} document not published: {}", feed.id(),
                            e.reason(), pe.getMessage());
                }
            }
            return failed(now, e.reason(), e.detail(), dead);
        }

        Set<String> listed = new HashSet<>();
        Map<String, BikePosition> usable = new LinkedHashMap<>();
        Map<String, byte[]> values = new LinkedHashMap<>();
        List<Rejection> rejections = new ArrayList<>();
        long duplicates = 0;
        for (ListedVehicle v : snapshot.vehicles()) {
            if (v.id() != null && !listed.add(v.id())) {
                duplicates++;
                byte[] bytes = v.observation() != null ? v.observation().original()
                        : v.rejection() != null ? v.rejection().original() : new byte[0];
                rejections.add(new Rejection(v.id(), Reasons.DUPLICATE_ID,
                        "vehicle id '" + v.id() + "' is listed more than once in this snapshot; the first is used",
                        bytes));
            } else if (v.rejection() != null) {
                rejections.add(v.rejection());
            } else if (v.observation() != null) {
                PositionNormalizer.Result r = normalizer.normalize(v.observation());
                if (r.accepted()) {
                    usable.put(v.id(), r.position());
                    values.put(v.id(), r.value());
                } else {
                    rejections.add(r.rejection());
                }
            }
        }
        SnapshotDiffer.Diff diff = differ.diff(listed, usable, snapshot.snapshotTimeMs());
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(diff.events().size() + rejections.size());
        for (BikePosition e : diff.events()) {
            byte[] value = usable.get(e.bikeId) == e ? values.get(e.bikeId) : normalizer.encode(e);
            records.add(publisher.position(e, value));
        }
        for (Rejection r : rejections) {
            records.add(publisher.deadLetter(r, source, now));
        }
        try {
            long sent = System.nanoTime();
            publisher.publish(records);
            metrics.published(System.nanoTime() - sent);
        } catch (PositionPublisher.PublishException e) {
            return failed(now, "kafka_unavailable", e.getMessage(), 0);
        }
        long newest = Long.MIN_VALUE;
        for (BikePosition e : diff.events()) {
            newest = Math.max(newest, e.ts);
        }
        metrics.succeeded(now, newest);
        counters.increment("polls.ok");
        differ.commit(diff);
        reader.committed();
        backoff.succeeded();
        lastSuccessMs = now;
        counters.add("events", diff.events().size());
        Map<String, Long> byReason = new TreeMap<>();
        for (Rejection r : rejections) {
            counters.increment("dead_letters." + r.reason());
            byReason.merge(r.reason(), 1L, Long::sum);
        }
        health.write(FeedHealth.success(feed.id(), snapshot.feed(), now, snapshot.vehicles().size(),
                rejections.size(), duplicates, usable.values(), feed.freshness().toMillis()));
        if (!rejections.isEmpty()) {
            LOG.warn("operator {}: {} of {} vehicles dead-lettered {} (first: {})", feed.id(), rejections.size(),
                    snapshot.vehicles().size(), byReason, rejections.get(0));
        }
        LOG.info("operator {}: {} vehicles, {} events published", feed.id(), snapshot.vehicles().size(),
                diff.events().size());
        Duration next = feed.every();
        if (snapshot.notBeforeMs() > 0) {
            long untilUpdate = Math.min(snapshot.notBeforeMs() - now, MAX_TTL_WAIT.toMillis());
            if (untilUpdate > next.toMillis()) {
                next = Duration.ofMillis(untilUpdate);
            }
        }
        return new Outcome(true, null, diff.events().size(), rejections.size(), next);
    }

    private Outcome failed(long now, String reason, String detail, int deadLetters) {
        counters.increment("failures." + reason);
        Duration wait = backoff.failed();
        LOG.warn("operator {}: {} ({}); retrying in {} ms (failure {} in a row)", feed.id(), reason, detail,
                wait.toMillis(), backoff.failures());
        health.write(FeedHealth.failure(feed.id(), reader.feedName(), now, lastSuccessMs, backoff.failures(), reason));
        return new Outcome(false, reason, 0, deadLetters, wait);
    }

    /** Polls until {@link #stop()}. */
    @Override
    public void run() {
        LOG.info("operator {}: polling {} every {} ({})", feed.id(), feed.url(), feed.every(), feed.crs());
        try {
            while (stop.getCount() > 0) {
                Outcome o;
                try {
                    o = pollOnce();
                } catch (RuntimeException e) {
                    // A bug must not end a long-running adapter silently: log it and back off.
                    LOG.error("operator {}: poll failed unexpectedly", feed.id(), e);
                    o = new Outcome(false, "internal_error", 0, 0, backoff.failed());
                }
                if (stop.await(o.nextPollIn().toMillis(), TimeUnit.MILLISECONDS)) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("operator {}: stopped; counts {}", feed.id(), counters);
    }

    public void stop() {
        stop.countDown();
    }

    public Counters counters() {
        return counters;
    }

    /** The adapter's metrics as Prometheus text (what {@code /metrics} serves). */
    public String metricsText() {
        return metrics.render(feed.id(), counters);
    }
}
