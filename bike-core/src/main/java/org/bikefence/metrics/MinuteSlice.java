package org.bikefence.metrics;

import java.util.Arrays;
import org.bikefence.model.OperatorSignal;

/**
 * What one operator's fleet did in one event-time minute, as seen by one part of the stream: counts, plus the
 * few signals that leave evidence (violations, accumulation episodes), which the month must fold in a fixed
 * order. Slices of the same operator and minute from different subtasks {@link #merge} into one; the month then
 * folds the merged slice ({@link MonthlyMetricsFolder#fold}). So the per-operator operators see a few slices per
 * subtask and minute instead of every record, and no slice grows with the number of records.
 *
 * <p>A Flink POJO (public fields, no-argument constructor; arrays, not lists, so Flink needs no Kryo).
 */
public class MinuteSlice {
    private static final long MINUTE = 60_000L;
    private static final OperatorSignal[] NO_EVENTS = new OperatorSignal[0];

    /** The counts a slice keeps, index into {@link #counts}. */
    public enum Count {
        /** Distinct bikes seen in the minute (for the operator's minute counts). */
        BIKES_SEEN,
        /** Distinct bikes standing in a no-park fence in the minute. */
        BIKES_IN_NO_PARK,
        /** No-park violations opened in the minute. */
        NO_PARK_OPENED,
        /** No-park violations closed in the minute. */
        NO_PARK_CLOSED,
        /** Valid records. */
        RECORDS,
        /** Valid records that arrived later than the rule set allows. */
        LATE_RECORDS,
        /** Records that could not be used. */
        INVALID_RECORDS,
        /** Records older than one already received for their bike. */
        OUT_OF_ORDER_RECORDS,
        /** Bikes counted for the first time on the minute's day. */
        BIKES_OF_DAY,
        /** Bikes counted for the first time in the minute's month. */
        BIKES_OF_MONTH,
        /** Bikes counted faulty for the first time in the month. */
        FAULTY_BIKES,
        /** Faulty bikes handled for the first time in the month. */
        FAULTY_HANDLED,
        /** Of those, handled within the deadline. */
        FAULTY_HANDLED_WITHIN_DEADLINE,
        /** Their whole minutes to handling, summed. */
        FAULTY_MINUTES_TO_HANDLE,
        /** Bikes that exceeded their report interval for the first time in the month. */
        REPORT_GAP_BIKES,
        /** Ride ends in the managed area. */
        RIDE_ENDS_IN_AREA,
        /** Of those, in a parking fence. */
        RIDE_ENDS_IN_FENCE,
        /** Bikes that began standing minus bikes that stopped. */
        STANDING_DELTA,
        /** Out-of-area violations opened minus closed. */
        OUT_OF_AREA_OPEN_DELTA,
        /** Zombie violations opened minus closed. */
        ZOMBIE_OPEN_DELTA,
        /** Overdue-faulty violations opened minus closed. */
        FAULTY_OVERDUE_OPEN_DELTA
    }

    private static final int COUNTS = Count.values().length;

    public String operator;
    /** The minute's start, epoch ms. */
    public long minute;
    /** One value per {@link Count}, by ordinal. */
    public long[] counts = new long[COUNTS];
    /** The signals that leave evidence, in no particular order. */
    public OperatorSignal[] events = NO_EVENTS;

    public MinuteSlice() {}

    public MinuteSlice(String operator, long minute) {
        this.operator = operator;
        this.minute = minute;
    }

    /** The start of the minute of {@code ts}. */
    public static long minuteOf(long ts) {
        return Math.floorDiv(ts, MINUTE) * MINUTE;
    }

    public long get(Count c) {
        int i = c.ordinal();
        return i < counts.length ? counts[i] : 0;
    }

    public void add(Count c, long n) {
        fit();
        counts[c.ordinal()] += n;
    }

    public void increment(Count c) {
        add(c, 1);
    }

    /** A slice restored from a version with fewer counts gets the counts added since, at 0. */
    private void fit() {
        if (counts.length < COUNTS) {
            counts = Arrays.copyOf(counts, COUNTS);
        }
    }

    /** Adds {@code other} (same operator and minute) to this slice. */
    public MinuteSlice merge(MinuteSlice other) {
        if (!other.operator.equals(operator) || other.minute != minute) {
            throw new IllegalArgumentException("cannot merge the slice of " + other.operator + " at " + other.minute
                    + " into the one of " + operator + " at " + minute);
        }
        fit();
        for (int i = 0; i < Math.min(COUNTS, other.counts.length); i++) {
            counts[i] += other.counts[i];
        }
        if (other.events.length > 0) {
            OperatorSignal[] both = Arrays.copyOf(events, events.length + other.events.length);
            System.arraycopy(other.events, 0, both, events.length, other.events.length);
            events = both;
        }
        return this;
    }

    /** Whether the minute had any record of the operator's bikes (a minute of data for the feed-gap rule). */
    public boolean hasData() {
        return get(Count.RECORDS) > 0;
    }

    /** Whether the minute counts in the operator's minute figures: bikes seen, or no-park violations. */
    public boolean hasMinuteActivity() {
        return get(Count.RECORDS) > 0 || get(Count.NO_PARK_OPENED) > 0 || get(Count.NO_PARK_CLOSED) > 0;
    }

    @Override
    public String toString() {
        return "MinuteSlice{" + operator + " @" + minute + " " + Arrays.toString(counts) + ", " + events.length
                + " events}";
    }
}
