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
