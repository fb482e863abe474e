package org.bikefence.model;

/** The outcome of a fence update: which version became active, or why an update was rejected. */
public class FenceSetEvent {
    public boolean accepted;
    /** The update's version, or null when the file could not be read far enough to tell. */
    public String version;
    public long fences;
    /** Why it was rejected; null when accepted. */
    public String reason;
    public long publishedAt;
    public String source;

    public FenceSetEvent() {}

    @Override
    public String toString() {
        return (accepted ? "accepted " : "rejected ") + version + " from " + source
                + (reason == null ? "" : ": " + reason);
    }
}
