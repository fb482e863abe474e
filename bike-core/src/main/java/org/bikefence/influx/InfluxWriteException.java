package org.bikefence.influx;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/** A failed write attempt, with what the retry logic needs to decide: HTTP status, retryability, Retry-After. */
public class InfluxWriteException extends IOException {

    private static final long serialVersionUID = 1L;

    /** Status used for failures without an HTTP response (connection refused, timeout, reset). */
    public static final int NO_RESPONSE = 0;

    private final int status;
    private final boolean retryable;
    private final Duration retryAfter;

    public InfluxWriteException(String message, int status, boolean retryable, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    /** A response with a non-2xx status; 429 and 503 are retryable, everything else is final. */
    static InfluxWriteException forStatus(
            String target, int status, String serverError, Duration retryAfter, Throwable cause) {
        String text = serverError == null || serverError.isBlank() ? "(no error text)" : serverError.strip();
        return new InfluxWriteException(
                "InfluxDB write to " + target + " failed with HTTP " + status + ": " + text,
                status,
                isRetryableStatus(status),
                retryAfter,
                cause);
    }

    /** No response at all: transient network trouble, retried a bounded number of times. */
    static InfluxWriteException forNetworkError(String target, IOException cause) {
        return new InfluxWriteException(
                "InfluxDB write to " + target + " failed without a response: " + cause,
                NO_RESPONSE,
                true,
                null,
                cause);
    }

    static boolean isRetryableStatus(int status) {
        return status == 429 || status == 503;
    }

    /** The HTTP status, or {@link #NO_RESPONSE}. */
    public int status() {
        return status;
    }

    public boolean isRetryable() {
        return retryable;
    }

    /** The server's Retry-After, if it sent one. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
