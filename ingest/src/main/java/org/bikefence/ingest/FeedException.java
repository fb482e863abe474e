package org.bikefence.ingest;

/**
 * A whole feed document that cannot be used (not JSON, wrong version, no vehicle list): the adapter dead-letters
 * the document, counts the reason and retries with backoff.
 */
public final class FeedException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String reason;
    private final byte[] document;

    public FeedException(String reason, String detail) {
        this(reason, detail, null);
    }

    public FeedException(String reason, String detail, byte[] document) {
        super(detail, null, false, false);
        this.reason = reason;
        this.document = document;
    }

    /** The same problem, carrying the document's original bytes for the dead letter. */
    public FeedException withDocument(byte[] doc) {
        return new FeedException(reason, getMessage(), doc);
    }

    /** The rejected document's bytes, or null when the problem is not tied to one document. */
    public byte[] document() {
        return document;
    }

    public String reason() {
        return reason;
    }

    public String detail() {
        return getMessage();
    }
}
