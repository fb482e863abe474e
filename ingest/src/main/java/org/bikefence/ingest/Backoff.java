package org.bikefence.ingest;

import java.time.Duration;

/** Exponential backoff between failed polls: initial, doubling, capped; reset by a success. */
public final class Backoff {
    private final Duration initial;
    private final Duration max;
    private int failures;

    public Backoff(Duration initial, Duration max) {
        this.initial = initial;
        this.max = max;
    }

    /** Records a failure and returns how long to wait before the next attempt. */
    public Duration failed() {
        int shift = Math.min(failures, 30);
        failures++;
        long ms = initial.toMillis() << shift;
        return ms <= 0 || ms > max.toMillis() ? max : Duration.ofMillis(ms);
    }

    public void succeeded() {
        failures = 0;
    }

    public int failures() {
        return failures;
    }
}
