package org.bikefence.influx;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The one retry loop shared by every {@link InfluxWriteClient}: retries 429, 503 and failures without a
 * response with exponential backoff (or the server's Retry-After, whichever is longer), and rethrows
 * everything else at once.
 */
public final class WriteRetrier {

    private static final Logger LOG = LogManager.getLogger(WriteRetrier.class);

    /** Upper bound for one wait, including a server's Retry-After, so a checkpoint is not held forever. */
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    /** One write attempt. */
    @FunctionalInterface
    public interface Attempt {
        void run() throws InfluxWriteException;
    }

    /** Told about each retry, e.g. to count it in a metric. */
    @FunctionalInterface
    public interface RetryListener {
        RetryListener NONE = (attempt, cause, delay) -> {};

        void onRetry(int attempt, InfluxWriteException cause, Duration delay);
    }

    /** How the retrier waits; a seam so unit tests need not wait for real. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final int maxRetries;
    private final Duration initialBackoff;
    private final RetryListener listener;
    private final Sleeper sleeper;

    public WriteRetrier(int maxRetries, Duration initialBackoff, RetryListener listener) {
        this(maxRetries, initialBackoff, listener, d -> Thread.sleep(d.toMillis()));
    }

    WriteRetrier(int maxRetries, Duration initialBackoff, RetryListener listener, Sleeper sleeper) {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be >= 0, was " + maxRetries);
        }
        if (initialBackoff.isNegative()) {
            throw new IllegalArgumentException("initialBackoff must not be negative, was " + initialBackoff);
        }
        this.maxRetries = maxRetries;
        this.initialBackoff = initialBackoff;
        this.listener = listener;
        this.sleeper = sleeper;
    }

    /** Runs the attempt until it succeeds, fails permanently, or maxRetries retries are used up. */
    public void run(Attempt attempt) throws IOException {
        Duration backoff = initialBackoff;
        for (int retry = 0; ; retry++) {
            try {
                attempt.run();
                return;
            } catch (InfluxWriteException e) {
                if (!e.isRetryable()) {
                    throw e;
                }
                if (retry >= maxRetries) {
                    throw new InfluxWriteException(
                            e.getMessage() + " (gave up after " + (retry + 1) + " attempts)",
                            e.status(),
                            false,
                            null,
                            e);
                }
                Duration delay = min(max(backoff, e.retryAfter().orElse(Duration.ZERO)), MAX_BACKOFF);
                LOG.warn("{}; retry {} of {} in {} ms", e.getMessage(), retry + 1, maxRetries, delay.toMillis());
                listener.onRetry(retry + 1, e, delay);
                try {
                    sleeper.sleep(delay);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    InterruptedIOException iie = new InterruptedIOException("interrupted while backing off: " + e.getMessage());
                    iie.initCause(e);
                    throw iie;
                }
                backoff = min(backoff.multipliedBy(2), MAX_BACKOFF);
            }
        }
    }

    /** Parses a Retry-After header: delta-seconds or an HTTP date; null when absent or unreadable. */
    static Duration parseRetryAfter(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String v = header.strip();
        try {
            long seconds = Long.parseLong(v);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException notSeconds) {
            try {
                Duration d = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
