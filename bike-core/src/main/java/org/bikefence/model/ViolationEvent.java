package org.bikefence.model;

/** A violation opening or closing; a closed one carries its open-to-close duration. */
public class ViolationEvent {
    /** Whether a violation opened or closed. */
    public enum Kind { OPENED, CLOSED }

    /** What rule the bike breaks; the wire names are the lower-case constant names. */
    public enum Type {
        /** Standing inside a no-park or key-control zone beyond the grace period (禁停区违停). */
        NO_PARK,
        /** Standing outside the operator's operating area beyond the grace period (超范围投放). */
        OUT_OF_AREA,
        /** Standing without moving or changing state for the zombie period (僵尸车). */
        ZOMBIE,
        /** Reporting faulty beyond the repair deadline (故障车未及时处置). */
        FAULTY_OVERDUE;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Kind kind;
    public Type type = Type.NO_PARK;
    public String operator;
    public String bikeId;
    /** The fence concerned (NO_PARK), or null. */
    public String fenceId;
    public double lat;
    public double lng;
    /** When the condition started (e.g. the bike started standing in the zone), epoch ms. */
    public long parkedSince;
    /** When the grace period ran out and the violation opened, epoch ms. */
    public long openedAt;
    /** When it closed, epoch ms; -1 while open. */
    public long closedAt = -1;
    /** The fence-set version that classified the report which started the violation. */
    public String fenceSetVersion;

    /** A total order on the fields (event time first), for folding events in an order arrival cannot change. */
    public static final java.util.Comparator<ViolationEvent> ORDER = java.util.Comparator
            .comparingLong(ViolationEvent::eventTime)
            .thenComparing(v -> v.kind, java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder()))
            .thenComparing(v -> v.type, java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder()))
            .thenComparing(v -> v.operator, java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder()))
            .thenComparing(v -> v.bikeId, java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder()))
            .thenComparing(v -> v.fenceId, java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder()))
            .thenComparingLong(v -> v.openedAt)
            .thenComparingLong(v -> v.parkedSince)
            .thenComparingLong(v -> v.closedAt)
            .thenComparingDouble(v -> v.lat)
            .thenComparingDouble(v -> v.lng)
            .thenComparing(v -> v.fenceSetVersion, java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder()));

    public ViolationEvent() {}

    public static ViolationEvent opened(String operator, String bikeId, String fenceId, double lat, double lng,
            long parkedSince, long openedAt, String fenceSetVersion) {
        return opened(Type.NO_PARK, operator, bikeId, fenceId, lat, lng, parkedSince, openedAt, fenceSetVersion);
    }

    public static ViolationEvent opened(Type type, String operator, String bikeId, String fenceId, double lat,
            double lng, long parkedSince, long openedAt, String fenceSetVersion) {
        ViolationEvent v = new ViolationEvent();
        v.type = type;
        v.kind = Kind.OPENED;
        v.operator = operator;
        v.bikeId = bikeId;
        v.fenceId = fenceId;
        v.lat = lat;
        v.lng = lng;
        v.parkedSince = parkedSince;
        v.openedAt = openedAt;
        v.fenceSetVersion = fenceSetVersion;
        return v;
    }

    /** The closing of this (opened) violation at {@code closedAt}. */
    public ViolationEvent closedAt(long closedAt) {
        ViolationEvent v = opened(type, operator, bikeId, fenceId, lat, lng, parkedSince, openedAt, fenceSetVersion);
        v.kind = Kind.CLOSED;
        v.closedAt = closedAt;
        return v;
    }

    /** Event time of this event: opening or closing time. */
    public long eventTime() {
        return kind == Kind.OPENED ? openedAt : closedAt;
    }

    public long durationMs() {
        return closedAt < 0 ? -1 : closedAt - openedAt;
    }

    @Override
    public String toString() {
        return kind + " " + type + " " + operator + "/" + bikeId + " in " + fenceId + " opened=" + openedAt
                + (closedAt >= 0 ? " closed=" + closedAt : "");
    }
}
