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

    @Override
    public String toString() {
        return operator + "@" + minuteStart + "{seen=" + bikesSeen + ", inNoPark=" + bikesInNoPark
                + ", opened=" + violationsOpened + ", closed=" + violationsClosed + "}";
    }
}
