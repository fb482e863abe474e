package org.bikefence.model;

import java.util.Comparator;

/**
 * One input of an operator's assessment metrics: a valid report, a violation opening or closing, a bike
 * fact, an invalid record or a report that arrived out of order. A single type so one keyed operator per
 * operator can count them all.
 */
public class OperatorSignal {
    /** What the signal is. */
    /**
     * {@code UNTRACKED}: an open violation of a track the tracker forgot ({@link #violation}, closed at the expiry);
     * it leaves the operator's open counts ({@code operator_now}) and nothing else.
     */
    public enum Kind { POSITION, VIOLATION, FACT, INVALID, OUT_OF_ORDER, ACCUMULATION, UNTRACKED }

    public Kind kind;
    public String operator;
    public String bikeId;
    /** Event time; for invalid records (no readable event time) the Kafka record time. */
    public long ts;

    // POSITION
    public BikeState state;
    /** The record arrived this long after its event time, ms (0 when unknown). */
    public long arrivalDelayMs;
    /** The bike stood inside a no-park fence (counted per minute in the operator's minute counts). */
    public boolean inNoPark;

    // VIOLATION
    public ViolationEvent violation;

    // FACT
    public BikeFact fact;

    // ACCUMULATION: an area over its limit for the minimum duration (opened) or back under it (cleared)
    public AreaDelta.Area accumulationArea;
    public String areaId;
    public boolean accumulationOpened;
    /** When the area went over its limit, epoch ms. */
    public long overSince;

    /**
     * What this signal is the first of for its bike, as {@code FIRST_*} bits: decided upstream in state keyed
     * by bike, so the operator's month only sums counts (0 until decided).
     */
    public int firsts;

    /** The bike's first valid record of the day. */
    public static final int FIRST_OF_DAY = 1;
    /** The bike's first valid record of the month. */
    public static final int FIRST_OF_MONTH = 1 << 1;
    /** The bike's first faulty record or faulty handling of the month. */
    public static final int FIRST_FAULTY = 1 << 2;
    /** The bike's first handling of a fault in the month. */
    public static final int FIRST_FAULTY_HANDLED = 1 << 3;
    /** The bike's first out-of-area violation opened in the month. */
    public static final int FIRST_OUT_OF_AREA = 1 << 4;
    /** The bike's first zombie violation opened in the month. */
    public static final int FIRST_ZOMBIE = 1 << 5;
    /** The bike's first report gap of the month. */
    public static final int FIRST_REPORT_GAP = 1 << 6;
    /** The bike's first valid record of its event-time minute (the minute's bikes seen). */
    public static final int FIRST_OF_MINUTE = 1 << 7;
    /** The bike's first record of the minute standing in a no-park fence (the minute's bikes in no-park zones). */
    public static final int FIRST_IN_NO_PARK_OF_MINUTE = 1 << 8;

    /**
     * The order signals of one operator and minute are folded in: by event time, kind and bike, then what
     * tells two such signals apart. Signals reach the operator's subtask from every upstream subtask, so
     * their arrival order within a minute changes with the parallelism; folding them in this order keeps
     * what is order-sensitive (the first evidence rows kept, "first" handlings) the same at any parallelism.
     */
    public static final Comparator<OperatorSignal> FOLD_ORDER = Comparator
            .comparingLong((OperatorSignal s) -> s.ts)
            .thenComparing(s -> s.kind, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(s -> s.bikeId, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(s -> s.violation, Comparator.nullsFirst(ViolationEvent.ORDER))
            .thenComparing(s -> s.fact, Comparator.nullsFirst(BikeFact.ORDER))
            .thenComparing(s -> s.accumulationArea, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(s -> s.areaId, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(s -> s.accumulationOpened)
            .thenComparingLong(s -> s.overSince)
            .thenComparing(s -> s.state, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparingLong(s -> s.arrivalDelayMs)
            .thenComparing(s -> s.inNoPark);

    public OperatorSignal() {}

    public static OperatorSignal position(ClassifiedPosition p) {
        OperatorSignal s = base(Kind.POSITION, p.operator, p.bikeId, p.ts);
        s.state = p.state;
        s.arrivalDelayMs = p.receivedAt > 0 ? Math.max(0, p.receivedAt - p.ts) : 0;
        s.inNoPark = p.stationaryInNoPark();
        return s;
    }

    public static OperatorSignal outOfOrder(ClassifiedPosition p) {
        return base(Kind.OUT_OF_ORDER, p.operator, p.bikeId, p.ts);
    }

    public static OperatorSignal violation(ViolationEvent v) {
        OperatorSignal s = base(Kind.VIOLATION, v.operator, v.bikeId, v.eventTime());
        s.violation = v;
        return s;
    }

    /** An open violation of a track the tracker forgot, closed at the expiry: see {@link Kind#UNTRACKED}. */
    public static OperatorSignal untracked(ViolationEvent closedAtExpiry) {
        OperatorSignal s = base(Kind.UNTRACKED, closedAtExpiry.operator, closedAtExpiry.bikeId,
                closedAtExpiry.eventTime());
        s.violation = closedAtExpiry;
        return s;
    }

    public static OperatorSignal fact(BikeFact f) {
        OperatorSignal s = base(Kind.FACT, f.operator, f.bikeId, f.ts);
        s.fact = f;
        return s;
    }

    public static OperatorSignal invalid(DeadLetter d, long ts) {
        return base(Kind.INVALID, d.operator, null, ts);
    }

    public static OperatorSignal accumulation(String operator, AreaDelta.Area area, String areaId, boolean opened,
            long overSince, long ts) {
        OperatorSignal s = base(Kind.ACCUMULATION, operator, null, ts);
        s.accumulationArea = area;
        s.areaId = areaId;
        s.accumulationOpened = opened;
        s.overSince = overSince;
        return s;
    }

    private static OperatorSignal base(Kind kind, String operator, String bikeId, long ts) {
        OperatorSignal s = new OperatorSignal();
        s.kind = kind;
        s.operator = operator;
        s.bikeId = bikeId;
        s.ts = ts;
        return s;
    }
}
