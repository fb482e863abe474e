package org.bikefence.ingest;

/** A feed that could not be fetched: unreachable, timed out, or an HTTP status other than 2xx. */
public final class FetchException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String reason;

    public FetchException(String reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    /** {@code unreachable}, {@code timeout}, {@code http_<status>} (e.g. {@code http_503}). */
    public String reason() {
        return reason;
    }
}
