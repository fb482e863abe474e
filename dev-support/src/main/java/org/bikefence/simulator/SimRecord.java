package org.bikefence.simulator;

/** One message the simulator produces: Kafka key, JSON value, its event time and when it reaches Kafka. */
public final class SimRecord {
    public final String key;
    public final String value;
    public final long ts;
    /**
     * The Kafka record timestamp it should carry: its event time, or later when the simulator delays it on
     * purpose (the late-feed switch). The demo sends at wall-clock time instead.
     */
    public final long kafkaTs;
    /** Whether the simulator made this record invalid on purpose. */
    public final boolean bad;

    SimRecord(String key, String value, long ts, long kafkaTs, boolean bad) {
        this.key = key;
        this.value = value;
        this.ts = ts;
        this.kafkaTs = kafkaTs;
        this.bad = bad;
    }

    @Override
    public String toString() {
        return key + " " + value;
    }
}
