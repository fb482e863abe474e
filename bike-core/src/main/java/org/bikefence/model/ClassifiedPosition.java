package org.bikefence.model;

/** A position together with the fences that cover it, as far as this job's rules need them. */
public class ClassifiedPosition {
    public String operator;
    public String bikeId;
    public long ts;
    public double lat;
    public double lng;
    public BikeState state;
    /** When the record reached Kafka, epoch ms; 0 when unknown. */
    public long receivedAt;
    /** The no-park fence covering the position that applies to this operator (smallest id), or null. */
    public String noParkFenceId;
    /** The grace period of that zone when it sets its own (key-control zones), ms; 0 = the rule set's. */
    public long noParkGraceMs;
    /**
     * A scheduled (not permanent) no-park or key-control fence covering the position for this operator, or null:
     * the zone above when it is scheduled, otherwise (no zone in force) the one that comes into force first within
     * the fences' 8-day look-ahead. Null when a permanent zone binds. The three fields after it mean nothing
     * without it.
     */
    public String scheduledFenceId;
    /** That fence's own grace period, ms; 0 = the rule set's. */
    public long scheduledGraceMs;
    /** The start of that fence's period in force holding {@link #ts}, or of its next one after ts, epoch ms. */
    public long scheduledFrom;
    /** The end (exclusive) of that period, epoch ms; {@link Long#MAX_VALUE} when it is open-ended. */
    public long scheduledUntil;
    /** The parking fence covering the position (smallest id), or null. */
    public String parkingFenceId;
    /** Capacity of that parking fence in bikes; 0 when it has none (or no fence). */
    public int parkingCapacity;
    /** The H3 cell of the position at the rule set's accumulation resolution; 0 when not computed. */
    public long h3Cell;
    /** Whether an operating area applying to this operator covers the position. */
    public boolean inOperatingArea;
    /** The version of the fence set this position was classified with. */
    public String fenceSetVersion;

    public ClassifiedPosition() {}

    public ClassifiedPosition(BikePosition p, String noParkFenceId, String parkingFenceId, boolean inOperatingArea,
            String fenceSetVersion) {
        this.operator = p.operator;
        this.bikeId = p.bikeId;
        this.ts = p.ts;
        this.lat = p.lat;
        this.lng = p.lng;
        this.state = p.state;
        this.receivedAt = p.receivedAt;
        this.noParkFenceId = noParkFenceId;
        this.parkingFenceId = parkingFenceId;
        this.inOperatingArea = inOperatingArea;
        this.fenceSetVersion = fenceSetVersion;
    }

    /** Whether the bike stands in the street inside a no-park fence. */
    public boolean stationaryInNoPark() {
        return state.isStationary() && noParkFenceId != null;
    }

    @Override
    public String toString() {
        return operator + "/" + bikeId + "@" + ts + "(" + state + ", noPark=" + noParkFenceId + ")";
    }
}
