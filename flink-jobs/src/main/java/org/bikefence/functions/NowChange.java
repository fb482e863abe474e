package org.bikefence.functions;

import org.bikefence.influx.InfluxPoint;
import org.bikefence.influx.InfluxSchema;
import org.bikefence.model.OperatorSignal;
import org.bikefence.model.ViolationEvent;

/**
 * One change of what is open or standing for an operator, as {@link NowSnapshots} takes it in: a violation opened
 * or closed, an accumulation event opened or cleared, or an operator's bikes in a fence or cell. A Flink POJO (it
 * crosses the network, keyed by operator, and waits in state until the snapshot after it).
 */
public class NowChange {
    /** What changed. */
    public enum Kind { VIOLATION, ACCUMULATION, FENCE, CELL }

    public Kind kind;
    public String operator;
    /**
     * When the change counts from for the snapshots, epoch ms: the violation's opening or closing time, the
     * accumulation signal's time, the occupancy point's minute; never earlier than a minute before the record's
     * timestamp (see {@link NowSnapshots}).
     */
    public long at;
    /** A violation closed or an accumulation event cleared; for occupancy, unused. */
    public boolean ended;
    /** With {@link #ended}: a violation that left the view because the tracker forgot its bike, not closed. */
    public boolean untracked;
    /** Violation type (wire name) or accumulation area ({@code fence}/{@code cell}). */
    public String type;
    /** The violating bike; null otherwise. */
    public String bikeId;
    /** The violation's fence (may be null), or the area's id (fence id, H3 cell as hex). */
    public String areaId;
    public double lat;
    public double lng;
    /** Parked since (violation) or over its limit since (accumulation). */
    public long since;
    public long openedAt;
    /** Bikes in the area (occupancy) and its capacity (fences). */
    public long bikes;
    public long capacity;
    /** In state: whether a snapshot has written it (so its end, or an area's 0, is written once too). */
    public boolean shown;

    public NowChange() {}

    /** A copy with every field (the snapshot step changes its own copies, never what state handed it). */
    NowChange copy() {
        NowChange c = new NowChange();
        c.kind = kind;
        c.operator = operator;
        c.at = at;
        c.ended = ended;
        c.untracked = untracked;
        c.type = type;
        c.bikeId = bikeId;
        c.areaId = areaId;
        c.lat = lat;
        c.lng = lng;
        c.since = since;
        c.openedAt = openedAt;
        c.bikes = bikes;
        c.capacity = capacity;
        c.shown = shown;
        return c;
    }

    /** The change a violation event means, at its own time (opening or closing). */
    public static NowChange of(ViolationEvent v) {
        NowChange c = new NowChange();
        c.kind = Kind.VIOLATION;
        c.operator = v.operator;
        c.at = v.eventTime();
        c.ended = v.kind == ViolationEvent.Kind.CLOSED;
        c.type = v.type.wireName();
        c.bikeId = v.bikeId;
        c.areaId = v.fenceId;
        c.lat = v.lat;
        c.lng = v.lng;
        c.since = v.parkedSince;
        c.openedAt = v.openedAt;
        return c;
    }

    /**
     * The change of a violation's closing at its track's expiry ({@code BikeTracker.UNTRACKED}): it leaves the view
     * with the status untracked.
     */
    public static NowChange untracked(ViolationEvent v) {
        NowChange c = of(v);
        c.untracked = true;
        return c;
    }

    /** The change an accumulation signal means (opened or cleared), at the signal's time. */
    public static NowChange ofAccumulation(OperatorSignal s) {
        NowChange c = new NowChange();
        c.kind = Kind.ACCUMULATION;
        c.operator = s.operator;
        c.at = s.ts;
        c.ended = !s.accumulationOpened;
        c.type = s.accumulationArea.name().toLowerCase(java.util.Locale.ROOT);
        c.areaId = s.areaId;
        c.since = s.overSince;
        c.openedAt = s.overSince;
        return c;
    }

    /**
     * The change an operator's occupancy point ({@code fence_operator_occupancy}, {@code cell_operator_occupancy})
     * means, at its minute; null for any other point.
     */
    public static NowChange ofOccupancy(InfluxPoint p) {
        boolean fence = InfluxSchema.FENCE_OPERATOR_OCCUPANCY.equals(p.measurement());
        if (!fence && !InfluxSchema.CELL_OPERATOR_OCCUPANCY.equals(p.measurement())) {
            return null;
        }
        NowChange c = new NowChange();
        c.kind = fence ? Kind.FENCE : Kind.CELL;
        c.operator = p.tag(InfluxSchema.TAG_OPERATOR);
        c.at = p.timeMs();
        c.areaId = p.tag(fence ? InfluxSchema.TAG_FENCE_ID : InfluxSchema.TAG_CELL);
        c.bikes = ((Number) p.field(InfluxSchema.FIELD_BIKES)).longValue();
        if (fence) {
            c.capacity = ((Number) p.field(InfluxSchema.FIELD_CAPACITY)).longValue();
        } else {
            c.lat = ((Number) p.field(InfluxSchema.FIELD_LAT)).doubleValue();
            c.lng = ((Number) p.field(InfluxSchema.FIELD_LNG)).doubleValue();
        }
        return c;
    }

    /** What this change is about, within its operator: one violation, one accumulation event or one area. */
    String id() {
        switch (kind) {
            case VIOLATION:
                return "v\u0000" + type + '\u0000' + bikeId + '\u0000' + (areaId == null ? "" : areaId) + '\u0000'
                        + openedAt;
            case ACCUMULATION:
                return "a\u0000" + type + '\u0000' + areaId + '\u0000' + since;
            default:
                return (kind == Kind.FENCE ? "f\u0000" : "c\u0000") + areaId;
        }
    }

    /** The InfluxDB series its snapshot points go to (two violations of one bike, type and fence share one). */
    String series() {
        switch (kind) {
            case VIOLATION:
                return "v\u0000" + type + '\u0000' + bikeId + '\u0000' + (areaId == null ? "" : areaId);
            case ACCUMULATION:
                return "a\u0000" + type + '\u0000' + areaId;
            default:
                return id();
        }
    }

    /** Its point in the snapshot at {@code t}: open (or standing) unless {@code ended}. */
    InfluxPoint point(long t) {
        switch (kind) {
            case VIOLATION:
                return InfluxSchema.violationNow(operator, type, bikeId, areaId, lat, lng, since, openedAt,
                        !ended ? InfluxSchema.STATUS_OPEN
                                : untracked ? InfluxSchema.STATUS_UNTRACKED : InfluxSchema.STATUS_CLOSED, t);
            case ACCUMULATION:
                return InfluxSchema.accumulationNow(type, areaId, operator, since, !ended, t);
            case FENCE:
                return InfluxSchema.fenceOperatorNow(areaId, operator, bikes, capacity, t);
            default:
                return InfluxSchema.cellOperatorNow(areaId, operator, bikes, lat, lng, t);
        }
    }

    @Override
    public String toString() {
        return kind + (ended ? " ended " : " ") + operator + "/" + (bikeId != null ? bikeId + " " : "") + type + " "
                + areaId + " @" + at + (kind == Kind.FENCE || kind == Kind.CELL ? " bikes=" + bikes : "");
    }
}
