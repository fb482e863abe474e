package org.bikefence.model;

/** A record as it came off Kafka: original bytes plus where it came from, so a rejection can be traced. */
public class RawRecord {
    public byte[] key;
    public byte[] value;
    public String topic;
    public int partition;
    public long offset;
    /** The Kafka record timestamp (producer or log-append time), epoch milliseconds. */
    public long kafkaTimestamp;

    public RawRecord() {}

    public RawRecord(byte[] key, byte[] value, String topic, int partition, long offset, long kafkaTimestamp) {
        this.key = key;
        this.value = value;
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.kafkaTimestamp = kafkaTimestamp;
    }

    /** A record without Kafka coordinates, for bounded inputs and tests. */
    public static RawRecord of(String key, String value) {
        return new RawRecord(
                key == null ? null : key.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "", -1, -1L, 0L);
    }
}
