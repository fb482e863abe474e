package org.bikefence.model;

/** The outcome of a rule-set update: which version the job took and from when, or why it was refused. */
public class RuleSetEvent {
    public boolean accepted;
    /** The update's version, or null when the file could not be read far enough to tell. */
    public String version;
    /** The version's {@code effectiveFrom} day (ISO), or null when unreadable. */
    public String effectiveFrom;
    /** Why it was rejected; null when accepted. */
    public String reason;
    /** What else the job says about an accepted version (a backdated one, an unchanged one); null when nothing. */
    public String note;
    public long publishedAt;
    public String source;

    public RuleSetEvent() {}

    @Override
    public String toString() {
        return (accepted ? "accepted " : "rejected ") + version + " from " + source
                + (reason == null ? "" : ": " + reason) + (note == null ? "" : " (" + note + ")");
    }
}
