package org.bikefence.model;

/**
 * Something a bike did that the assessment counts, derived from its reports in event-time order: a ride
 * ended (where), it started or stopped standing in the street (in which parking fence), a faulty period
 * ended, or it went quiet for longer than its feed promises.
 */
public class BikeFact {
    /** What happened. */
    public enum Kind {
        /** A riding report followed by a standing one: the end of a ride, where the rider left the bike. */
        RIDE_ENDED,
        /** The bike started standing (parked or faulty) in the street. */
        STANDING_STARTED,
        /** The bike stopped standing: it rides again or was moved away. */
        STANDING_ENDED,
        /** The bike stopped reporting faulty; {@link #durationMs} is how long it was. */
        FAULTY_ENDED,
        /** The gap since the bike's previous report exceeded what its feed must deliver in that state. */
        REPORT_GAP
    }

    public Kind kind;
    public String operator;
    public String bikeId;
    /** Event time of the fact, epoch ms. */
    public long ts;
    public double lat;
    public double lng;
    /** The parking fence the bike stands in (STANDING_*, RIDE_ENDED), or null. */
    public String parkingFenceId;
    /** Capacity of that parking fence, 0 when none. */
    public int parkingCapacity;
    /** H3 cell of the position (STANDING_*), 0 when not computed. */
    public long h3Cell;
    /** For RIDE_ENDED: the ride ended inside a no-park (or key-control) zone. */
    public boolean inNoPark;
    /** For RIDE_ENDED and STANDING_*: inside the operator's operating area. */
    public boolean inOperatingArea;
    /** For STANDING_ENDED, FAULTY_ENDED and REPORT_GAP: how long, ms. */
    public long durationMs;

    /** A total order on the fields (event time first), for folding facts in an order arrival cannot change. */
    public static final java.util.Comparator<BikeFact> ORDER = java.util.Comparator
            .comparingLong((BikeFact f) -> f.ts)
            .thenComparing(f -> f.kind, java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder()))
            .thenComparing(f -> f.operator, java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder()))
            .thenComparing(f -> f.bikeId, java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder()))
            .thenComparing(f -> f.parkingFenceId, java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder()))
            .thenComparingLong(f -> f.durationMs)
            .thenComparingLong(f -> f.h3Cell)
            .thenComparingDouble(f -> f.lat)
            .thenComparingDouble(f -> f.lng)
            .thenComparingInt(f -> f.parkingCapacity)
            .thenComparing(f -> f.inNoPark)
            .thenComparing(f -> f.inOperatingArea);

    public BikeFact() {}

    public static BikeFact of(Kind kind, ClassifiedPosition p) {
        BikeFact f = new BikeFact();
        f.kind = kind;
        f.operator = p.operator;
        f.bikeId = p.bikeId;
        f.ts = p.ts;
        f.lat = p.lat;
        f.lng = p.lng;
        f.parkingFenceId = p.parkingFenceId;
        f.parkingCapacity = p.parkingCapacity;
        f.h3Cell = p.h3Cell;
        f.inNoPark = p.noParkFenceId != null;
        f.inOperatingArea = p.inOperatingArea;
        return f;
    }

    @Override
    public String toString() {
        return kind + " " + operator + "/" + bikeId + "@" + ts + (parkingFenceId == null ? "" : " in " + parkingFenceId)
                + (durationMs > 0 ? " for " + durationMs + " ms" : "");
    }
}
