package org.bikefence.model;

/** One bike starting (+1) or stopping (-1) to stand in an area watched for accumulation. */
public class AreaDelta {
    /** A parking fence with a capacity, or an H3 cell with the rule set's threshold. */
    public enum Area { FENCE, CELL }

    public Area area;
    /** Fence id, or the H3 cell as hex. */
    public String areaId;
    /** Capacity (fence) or threshold (cell), in bikes. */
    public long limit;
    public String operator;
    public int delta;
    public long ts;

    public AreaDelta() {}

    public String key() {
        return area + ":" + areaId;
    }

    static AreaDelta of(Area area, String id, long limit, BikeFact f, int delta) {
        AreaDelta d = new AreaDelta();
        d.area = area;
        d.areaId = id;
        d.limit = limit;
        d.operator = f.operator;
        d.delta = delta;
        d.ts = f.ts;
        return d;
    }

    /** The deltas a standing fact means: for its parking fence (if it has a capacity) and its H3 cell. */
    public static java.util.List<AreaDelta> of(BikeFact f, long cellThreshold) {
        int delta = f.kind == BikeFact.Kind.STANDING_STARTED ? 1 : f.kind == BikeFact.Kind.STANDING_ENDED ? -1 : 0;
        java.util.List<AreaDelta> out = new java.util.ArrayList<>(2);
        if (delta == 0) {
            return out;
        }
        if (f.parkingFenceId != null && f.parkingCapacity > 0) {
            out.add(of(Area.FENCE, f.parkingFenceId, f.parkingCapacity, f, delta));
        }
        if (f.h3Cell != 0) {
            out.add(of(Area.CELL, Long.toHexString(f.h3Cell), cellThreshold, f, delta));
        }
        return out;
    }
}
