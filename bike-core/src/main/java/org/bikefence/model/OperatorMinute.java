package org.bikefence.model;

/** Per operator and 1-minute event-time window: bikes seen, bikes in no-park zones, violations opened/closed. */
public class OperatorMinute {
    public String operator;
    /** Window start, epoch ms. */
    public long minuteStart;
    public long bikesSeen;
    public long bikesInNoPark;
    public long violationsOpened;
    public long violationsClosed;
    /**
     * The operator's bikes standing (parked or faulty) at the minute's end, from the tracker's standing facts
     * (+1 at a standing start, -1 at its end) since the job's state began; never below 0.
     */
    public long bikesStanding;
    /** The start of the minute's day (rule set's time zone), epoch ms. */
    public long dayStart;
    /** The most bikes standing at once on the minute's day so far (see {@link #bikesStanding}). */
    public long dayPeakStanding;
    /** The operator's fleet quota in the rule set, in bikes; 0 when the rule set names none. */
    public long fleetQuota;
    /** Whether {@link #dayPeakStanding} changed with this minute (it rose, or the minute is its day's first). */
    public boolean dayPeakChanged;

    /**
     * The operator's "now" snapshots due with this minute (see {@link #NOW_INTERVAL_MS}), in groups of
     * {@link #NOW_GROUP}: the first and last snapshot time of a run of snapshots with the same values, then the
     * values ({@link #NOW_STANDING} ...); empty when none is due.
     */
    public long[] nowSnapshots = NO_SNAPSHOTS;

    /** How often the operator's "now" figures are snapshotted, in event time: every 5 minutes. */
    public static final long NOW_INTERVAL_MS = 5 * 60_000L;
    /** Longs per group of {@link #nowSnapshots}. */
    public static final int NOW_GROUP = 8;
    public static final int NOW_FROM = 0;
    public static final int NOW_TO = 1;
    public static final int NOW_STANDING = 2;
    public static final int NOW_OPEN_NO_PARK = 3;
    public static final int NOW_OPEN_OUT_OF_AREA = 4;
    public static final int NOW_OPEN_ZOMBIE = 5;
    public static final int NOW_OPEN_FAULTY_OVERDUE = 6;
    public static final int NOW_OPEN_ACCUMULATIONS = 7;
    private static final long[] NO_SNAPSHOTS = new long[0];

    public OperatorMinute() {}

    public OperatorMinute(String operator, long minuteStart, long bikesSeen, long bikesInNoPark,
            long violationsOpened, long violationsClosed) {
        this.operator = operator;
        this.minuteStart = minuteStart;
        this.bikesSeen = bikesSeen;
        this.bikesInNoPark = bikesInNoPark;
        this.violationsOpened = violationsOpened;
        this.violationsClosed = violationsClosed;
    }

    /** This minute with the operator's bikes standing and its day's peak of them. */
    public OperatorMinute standing(long bikesStanding, long dayStart, long dayPeakStanding, boolean dayPeakChanged,
            long fleetQuota) {
        this.bikesStanding = bikesStanding;
        this.dayStart = dayStart;
        this.dayPeakStanding = dayPeakStanding;
        this.dayPeakChanged = dayPeakChanged;
        this.fleetQuota = fleetQuota;
        return this;
    }

    @Override
    public String toString() {
        return operator + "@" + minuteStart + "{seen=" + bikesSeen + ", inNoPark=" + bikesInNoPark
                + ", opened=" + violationsOpened + ", closed=" + violationsClosed + ", standing=" + bikesStanding
                + ", dayPeak=" + dayPeakStanding + (dayPeakChanged ? "*" : "") + "}";
    }
}
