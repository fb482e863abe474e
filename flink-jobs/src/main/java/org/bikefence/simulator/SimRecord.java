package org.bikefence.simulator;

/** One message the simulator produces: Kafka key, JSON value and its event time. */
public final class SimRecord {
    public final String key;
    public final String value;
    public final long ts;
    /** Whether the simulator made this record invalid on purpose. */
    public final boolean bad;

    SimRecord(String key, String value, long ts, boolean bad) {
        this.key = key;
        this.value = value;
        this.ts = ts;
        this.bad = bad;
    }

    @Override
    public String toString() {
        return key + " " + value;
    }
}
