package org.bikefence.model;

/** A rejected record: its original bytes, why it was rejected and when, and where it came from. */
public class DeadLetter {
    public byte[] key;
    public byte[] value;
    public String sourceTopic;
    public int sourcePartition;
    public long sourceOffset;
    /** Machine-readable reason code, e.g. {@code missing_field}. */
    public String reason;
    /** Human-readable detail naming the field and value. */
    public String detail;
    /** Wall-clock time of the rejection, epoch milliseconds. */
    public long rejectedAt;

    public DeadLetter() {}

    public DeadLetter(RawRecord raw, String reason, String detail, long rejectedAt) {
        this.key = raw.key;
        this.value = raw.value;
        this.sourceTopic = raw.topic;
        this.sourcePartition = raw.partition;
        this.sourceOffset = raw.offset;
        this.reason = reason;
        this.detail = detail;
        this.rejectedAt = rejectedAt;
    }

    @Override
    public String toString() {
        return "DeadLetter{" + reason + ": " + detail + "}";
    }
}
