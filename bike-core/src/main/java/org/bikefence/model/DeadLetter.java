package org.bikefence.model;

/** A rejected record: its original bytes, why it was rejected and when, and where it came from. */
public class DeadLetter {
    public byte[] key;
    public byte[] value;
    public String sourceTopic;
    public int sourcePartition;
    public long sourceOffset;
    /** The operator named in the record, when it could be read; null otherwise. */
    public String operator;
    /** Machine-readable reason code, e.g. {@code missing_field}. */
    public String reason;
    /** Human-readable detail naming the field and value. */
    public String detail;
    /** Wall-clock time of the rejection, epoch milliseconds. */
    public long rejectedAt;
    /** The Kafka record timestamp of the original, epoch ms; 0 when unknown. */
    public long receivedAt;

    public DeadLetter() {}

    public DeadLetter(RawRecord raw, String operator, String reason, String detail, long rejectedAt) {
        this(raw, reason, detail, rejectedAt);
        this.operator = operator;
    }

    public DeadLetter(RawRecord raw, String reason, String detail, long rejectedAt) {
        this.key = raw.key;
        this.value = raw.value;
        this.sourceTopic = raw.topic;
        this.sourcePartition = raw.partition;
        this.sourceOffset = raw.offset;
        this.receivedAt = raw.kafkaTimestamp;
        this.reason = reason;
        this.detail = detail;
        this.rejectedAt = rejectedAt;
    }

    @Override
    public String toString() {
        return "DeadLetter{" + reason + ": " + detail + "}";
    }
}
