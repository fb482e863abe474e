package org.bikefence.ingest.push;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Requests per token of the push endpoint, as one token bucket per key: {@code burst} requests at once, refilled at
 * {@code ratePerSecond}. A request that finds the bucket empty is refused with the time until the next token, which
 * the endpoint sends as {@code Retry-After}. A rate of 0 switches the limit off.
 */
public final class TokenBucketLimiter {

    private final double ratePerNano;
    private final double burst;
    private final LongSupplier nanoClock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** A limiter that never refuses. */
    public static TokenBucketLimiter unlimited() {
        return new TokenBucketLimiter(0, 1, System::nanoTime);
    }

    /**
     * @param ratePerSecond tokens added per second (0: no limit)
     * @param burst the bucket's size: requests that may arrive at once after a quiet period
     * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime})
     */
    public TokenBucketLimiter(double ratePerSecond, int burst, LongSupplier nanoClock) {
        if (!(ratePerSecond >= 0) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException("rate must be >= 0 requests per second, was " + ratePerSecond);
        }
        if (burst < 1) {
            throw new IllegalArgumentException("burst must be at least 1, was " + burst);
        }
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = burst;
        this.nanoClock = nanoClock;
    }

    public boolean isLimited() {
        return ratePerNano > 0;
    }

    /**
     * Takes a token for {@code key}.
     *
     * @return 0 when the request may go on, else the nanoseconds until a token will be there (at least 1)
     */
    public long tryAcquire(String key) {
        if (ratePerNano == 0) {
            return 0;
        }
        Bucket b = buckets.computeIfAbsent(key, k -> new Bucket(burst, nanoClock.getAsLong()));
        synchronized (b) {
            long now = nanoClock.getAsLong();
            b.tokens = Math.min(burst, b.tokens + (now - b.updated) * ratePerNano);
            b.updated = now;
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - b.tokens) / ratePerNano));
        }
    }

    /** Whole seconds for a {@code Retry-After} header: the wait rounded up, at least 1. */
    public static long retryAfterSeconds(long waitNanos) {
        return Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
    }

    private static final class Bucket {
        double tokens;
        long updated;

        Bucket(double tokens, long updated) {
            this.tokens = tokens;
            this.updated = updated;
        }
    }
}
