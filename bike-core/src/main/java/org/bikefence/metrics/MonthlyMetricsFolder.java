package org.bikefence.metrics;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.Locale;
import org.bikefence.model.AreaDelta;
import org.bikefence.model.BikeFact;
import org.bikefence.model.BikeState;
import org.bikefence.model.OperatorSignal;
import org.bikefence.model.ViolationEvent;
import org.bikefence.rules.Evidence;
import org.bikefence.rules.RuleSet;

/**
 * How the stream's signals count into an operator's {@link MonthAccumulator} (plain Java): which signal is
 * which incident, which month it belongs to, and the evidence it leaves, with thresholds (clearing deadlines,
 * lateness) from the rule set. The Flink function feeds it signals in event-time order per minute, so running
 * figures such as the peak of bikes standing are deterministic.
 */
public final class MonthlyMetricsFolder implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private static final long MINUTE = 60_000L;

    private final ZoneId zone;
    private final long noParkClearDeadlineMs;
    private final long faultyDeadlineMs;
    private final long lateAfterMs;
    private final long gapMs;
    private final long accumulationClearDeadlineMs;

    public MonthlyMetricsFolder(RuleSet rules) {
        this.zone = rules.timeZone();
        this.noParkClearDeadlineMs = rules.noPark().clearDeadline().toMillis();
        this.faultyDeadlineMs = rules.monitoring().condition().handleDeadline().toMillis();
        this.lateAfterMs = rules.monitoring().dataFeed().lateAfter().toMillis();
        this.gapMs = rules.monitoring().dataFeed().gap().toMillis();
        this.accumulationClearDeadlineMs = rules.monitoring().accumulation().clearDeadline().toMillis();
    }

    public String monthOf(long ts) {
        return YearMonth.from(Instant.ofEpochMilli(ts).atZone(zone)).toString();
    }

    private LocalDate dayOf(long ts) {
        return Instant.ofEpochMilli(ts).atZone(zone).toLocalDate();
    }

    /** What a bike counts once a month for (beyond being a bike of the month). */
    public enum Category { BIKE, FAULTY, FAULTY_HANDLED, OUT_OF_AREA, ZOMBIE, REPORT_GAP }

    /** What one bike was already counted for: the bike-keyed state behind {@link #firsts} ({@link BikeCounted}). */
    public interface Counted {
        /** Whether {@code day} is new for the bike (and remembers it from now on). */
        boolean firstOfDay(LocalDate day);

        /** Whether the bike is counted for {@code what} in {@code month} for the first time (and remembers it). */
        boolean firstInMonth(YearMonth month, Category what);

        /**
         * Whether the minute starting at {@code minute} is new for the bike among its minutes seen
         * ({@code noPark} false) or standing in a no-park zone ({@code noPark} true), and remembers it.
         */
        boolean firstOfMinute(long minute, boolean noPark);
    }

    /**
     * The {@code OperatorSignal.FIRST_*} bits of one signal of one bike, given what the bike was already counted
     * for: its first record of a minute (and of a minute in a no-park zone), of a day and of the month, its first
     * faulty record or handling, first handling, first out-of-area and zombie violation and first report gap of
     * the month. Called for each bike's signals in event-time order, so the signal that counts is the one the
     * month would have counted first.
     * Days and months are cut in {@code zone}.
     */
    public static int firsts(ZoneId zone, OperatorSignal s, Counted counted) {
        return firsts(new LocalDays(zone), s, counted);
    }

    /** {@link #firsts(ZoneId, OperatorSignal, Counted)} with the days of a {@link LocalDays} kept between calls. */
    public static int firsts(LocalDays days, OperatorSignal s, Counted counted) {
        YearMonth month = days.month(s.ts);
        int bits = 0;
        switch (s.kind) {
            case POSITION -> {
                long minute = MinuteSlice.minuteOf(s.ts);
                bits |= counted.firstOfMinute(minute, false) ? OperatorSignal.FIRST_OF_MINUTE : 0;
                if (s.inNoPark) {
                    bits |= counted.firstOfMinute(minute, true) ? OperatorSignal.FIRST_IN_NO_PARK_OF_MINUTE : 0;
                }
                bits |= counted.firstOfDay(days.day(s.ts))
                        ? OperatorSignal.FIRST_OF_DAY : 0;
                bits |= once(counted, month, Category.BIKE, OperatorSignal.FIRST_OF_MONTH);
                if (s.state == BikeState.FAULTY) {
                    bits |= once(counted, month, Category.FAULTY, OperatorSignal.FIRST_FAULTY);
                }
            }
            case VIOLATION -> {
                if (s.violation.kind == ViolationEvent.Kind.OPENED) {
                    if (s.violation.type == ViolationEvent.Type.OUT_OF_AREA) {
                        bits |= once(counted, month, Category.OUT_OF_AREA, OperatorSignal.FIRST_OUT_OF_AREA);
                    } else if (s.violation.type == ViolationEvent.Type.ZOMBIE) {
                        bits |= once(counted, month, Category.ZOMBIE, OperatorSignal.FIRST_ZOMBIE);
                    }
                }
            }
            case FACT -> {
                if (s.fact.kind == BikeFact.Kind.FAULTY_ENDED) {
                    bits |= once(counted, month, Category.FAULTY, OperatorSignal.FIRST_FAULTY);
                    bits |= once(counted, month, Category.FAULTY_HANDLED, OperatorSignal.FIRST_FAULTY_HANDLED);
                } else if (s.fact.kind == BikeFact.Kind.REPORT_GAP) {
                    bits |= once(counted, month, Category.REPORT_GAP, OperatorSignal.FIRST_REPORT_GAP);
                }
            }
            default -> {
                // Nothing counted per bike.
            }
        }
        return bits;
    }

    private static int once(Counted counted, YearMonth month, Category what, int bit) {
        return counted.firstInMonth(month, what) ? bit : 0;
    }

    /**
     * Counts one signal into the slice of its operator and minute. Counts add up in any order; a signal that
     * leaves evidence (violations, accumulation episodes) is not counted here:
     *
     * @return whether the signal must be kept in the slice's {@link MinuteSlice#events}, to be folded in order
     */
    public boolean count(MinuteSlice sl, OperatorSignal s) {
        switch (s.kind) {
            case POSITION -> {
                sl.increment(MinuteSlice.Count.RECORDS);
                if (s.arrivalDelayMs > lateAfterMs) {
                    sl.increment(MinuteSlice.Count.LATE_RECORDS);
                }
                countIf(sl, s, OperatorSignal.FIRST_OF_MINUTE, MinuteSlice.Count.BIKES_SEEN);
                countIf(sl, s, OperatorSignal.FIRST_IN_NO_PARK_OF_MINUTE, MinuteSlice.Count.BIKES_IN_NO_PARK);
                countIf(sl, s, OperatorSignal.FIRST_OF_DAY, MinuteSlice.Count.BIKES_OF_DAY);
                countIf(sl, s, OperatorSignal.FIRST_OF_MONTH, MinuteSlice.Count.BIKES_OF_MONTH);
                countIf(sl, s, OperatorSignal.FIRST_FAULTY, MinuteSlice.Count.FAULTY_BIKES);
                return false;
            }
            case INVALID -> {
                sl.increment(MinuteSlice.Count.INVALID_RECORDS);
                return false;
            }
            case OUT_OF_ORDER -> {
                sl.increment(MinuteSlice.Count.OUT_OF_ORDER_RECORDS);
                return false;
            }
            case FACT -> {
                countFact(sl, s);
                return false;
            }
            case VIOLATION -> {
                ViolationEvent v = s.violation;
                boolean opened = v.kind == ViolationEvent.Kind.OPENED;
                return switch (v.type) {
                    case NO_PARK -> {
                        sl.increment(opened ? MinuteSlice.Count.NO_PARK_OPENED : MinuteSlice.Count.NO_PARK_CLOSED);
                        yield true;
                    }
                    case OUT_OF_AREA -> {
                        sl.add(MinuteSlice.Count.OUT_OF_AREA_OPEN_DELTA, opened ? 1 : -1);
                        yield opened && first(s, OperatorSignal.FIRST_OUT_OF_AREA);
                    }
                    case ZOMBIE -> {
                        sl.add(MinuteSlice.Count.ZOMBIE_OPEN_DELTA, opened ? 1 : -1);
                        yield opened && first(s, OperatorSignal.FIRST_ZOMBIE);
                    }
                    case FAULTY_OVERDUE -> {
                        sl.add(MinuteSlice.Count.FAULTY_OVERDUE_OPEN_DELTA, opened ? 1 : -1);
                        yield opened;
                    }
                };
            }
            case ACCUMULATION -> {
                return true;
            }
            case UNTRACKED -> {
                // Kept for the operator's open counts (operator_now) alone: no month figure counts it.
                return true;
            }
            default -> throw new IllegalStateException("unknown signal " + s.kind);
        }
    }

    private static void countIf(MinuteSlice sl, OperatorSignal s, int bit, MinuteSlice.Count c) {
        if (first(s, bit)) {
            sl.increment(c);
        }
    }

    private void countFact(MinuteSlice sl, OperatorSignal s) {
        BikeFact f = s.fact;
        switch (f.kind) {
            case RIDE_ENDED -> {
                if (f.inOperatingArea) {
                    sl.increment(MinuteSlice.Count.RIDE_ENDS_IN_AREA);
                    if (f.parkingFenceId != null) {
                        sl.increment(MinuteSlice.Count.RIDE_ENDS_IN_FENCE);
                    }
                }
            }
            case FAULTY_ENDED -> {
                countIf(sl, s, OperatorSignal.FIRST_FAULTY, MinuteSlice.Count.FAULTY_BIKES);
                if (first(s, OperatorSignal.FIRST_FAULTY_HANDLED)) {
                    sl.increment(MinuteSlice.Count.FAULTY_HANDLED);
                    sl.add(MinuteSlice.Count.FAULTY_MINUTES_TO_HANDLE, f.durationMs / MINUTE);
                    if (f.durationMs <= faultyDeadlineMs) {
                        sl.increment(MinuteSlice.Count.FAULTY_HANDLED_WITHIN_DEADLINE);
                    }
                }
            }
            case REPORT_GAP -> countIf(sl, s, OperatorSignal.FIRST_REPORT_GAP, MinuteSlice.Count.REPORT_GAP_BIKES);
            case STANDING_STARTED -> sl.increment(MinuteSlice.Count.STANDING_DELTA);
            case STANDING_ENDED -> sl.add(MinuteSlice.Count.STANDING_DELTA, -1);
            default -> throw new IllegalStateException("unknown fact " + f.kind);
        }
    }

    /**
     * Folds a minute's (merged) slice into its month: the counts, then the evidence-leaving signals in
     * {@link OperatorSignal#FOLD_ORDER}, so which evidence rows are kept does not depend on arrival order. The
     * running figures across minutes (bikes standing at once, feed gaps) are the caller's.
     */
    public void fold(MonthAccumulator m, MinuteSlice sl) {
        long[] c = sl.counts;
        m.recordsReceived += c[MinuteSlice.Count.RECORDS.ordinal()] + c[MinuteSlice.Count.INVALID_RECORDS.ordinal()];
        m.lateRecords += c[MinuteSlice.Count.LATE_RECORDS.ordinal()];
        m.invalidRecords += c[MinuteSlice.Count.INVALID_RECORDS.ordinal()];
        m.outOfOrderRecords += c[MinuteSlice.Count.OUT_OF_ORDER_RECORDS.ordinal()];
        long bikesOfDay = c[MinuteSlice.Count.BIKES_OF_DAY.ordinal()];
        if (bikesOfDay > 0) {
            m.bikesPerDay.merge(dayOf(sl.minute).toString(), bikesOfDay, Long::sum);
        }
        m.bikes += c[MinuteSlice.Count.BIKES_OF_MONTH.ordinal()];
        m.faultyBikes += c[MinuteSlice.Count.FAULTY_BIKES.ordinal()];
        m.faultyHandledBikes += c[MinuteSlice.Count.FAULTY_HANDLED.ordinal()];
        m.faultyHandledWithinDeadline += c[MinuteSlice.Count.FAULTY_HANDLED_WITHIN_DEADLINE.ordinal()];
        m.faultyMinutesToHandle += c[MinuteSlice.Count.FAULTY_MINUTES_TO_HANDLE.ordinal()];
        m.reportGapBikes += c[MinuteSlice.Count.REPORT_GAP_BIKES.ordinal()];
        m.rideEndsInArea += c[MinuteSlice.Count.RIDE_ENDS_IN_AREA.ordinal()];
        m.rideEndsInFence += c[MinuteSlice.Count.RIDE_ENDS_IN_FENCE.ordinal()];
        OperatorSignal[] events = sl.events.clone();
        java.util.Arrays.sort(events, OperatorSignal.FOLD_ORDER);
        for (OperatorSignal s : events) {
            if (s.kind == OperatorSignal.Kind.VIOLATION) {
                violation(m, s);
            } else if (s.kind == OperatorSignal.Kind.ACCUMULATION) {
                accumulation(m, s);
            }
        }
    }

    private static boolean first(OperatorSignal s, int bit) {
        return (s.firsts & bit) != 0;
    }

    private void violation(MonthAccumulator m, OperatorSignal s) {
        ViolationEvent v = s.violation;
        boolean opened = v.kind == ViolationEvent.Kind.OPENED;
        switch (v.type) {
            case NO_PARK -> {
                if (opened) {
                    m.noParkOpened();
                    evidence(m, Evidence.Kind.NO_PARK_VIOLATION, v);
                } else if (monthOf(v.openedAt).equals(m.month)) {
                    // A violation belongs to the month it opened in, its closing included.
                    if (!m.noParkClosed(v.durationMs(), noParkClearDeadlineMs)) {
                        evidence(m, Evidence.Kind.NO_PARK_CLEARED_LATE, v);
                    }
                }
            }
            case OUT_OF_AREA -> {
                if (opened && first(s, OperatorSignal.FIRST_OUT_OF_AREA)) {
                    m.outOfAreaBike();
                    evidence(m, Evidence.Kind.OUT_OF_AREA, v);
                }
            }
            case ZOMBIE -> {
                if (opened && first(s, OperatorSignal.FIRST_ZOMBIE)) {
                    m.zombieBike();
                    evidence(m, Evidence.Kind.ZOMBIE, v);
                }
            }
            case FAULTY_OVERDUE -> {
                if (opened) {
                    evidence(m, Evidence.Kind.FAULTY_HANDLED_LATE, v);
                }
            }
            default -> throw new IllegalStateException("unknown violation type " + v.type);
        }
    }

    private void accumulation(MonthAccumulator m, OperatorSignal s) {
        boolean fence = s.accumulationArea == AreaDelta.Area.FENCE;
        String id = s.accumulationArea.name().toLowerCase(Locale.ROOT) + ":" + s.areaId + "@" + s.overSince;
        if (s.accumulationOpened) {
            m.accumulationOpened(fence);
            m.evidence(fence ? Evidence.Kind.FENCE_OVER_CAPACITY : Evidence.Kind.CELL_OVER_THRESHOLD, id, null,
                    fence ? s.areaId : null, s.overSince, null);
        } else if (monthOf(s.overSince).equals(m.month)) {
            // A clearing signal is stamped a millisecond before the time the area was back under its limit.
            long took = s.ts + 1 - s.overSince;
            if (!m.accumulationCleared(took, accumulationClearDeadlineMs)) {
                m.evidence(Evidence.Kind.ACCUMULATION_CLEARED_LATE, id, null, fence ? s.areaId : null, s.overSince,
                        s.ts + 1);
            }
        }
    }

    /** Data in minute {@code nextDataMinute} after none since {@code lastDataMinute}: a feed gap if long enough. */
    public void feedGap(MonthAccumulator m, long lastDataMinute, long nextDataMinute) {
        if (m.feedGap(lastDataMinute, nextDataMinute, gapMs)) {
            m.evidence(Evidence.Kind.FEED_GAP, "gap-" + lastDataMinute, null, null, lastDataMinute + MINUTE,
                    nextDataMinute);
        }
    }

    private static void evidence(MonthAccumulator m, Evidence.Kind kind, ViolationEvent v) {
        m.evidence(kind, v.type.wireName() + ":" + v.bikeId + "@" + v.openedAt, v.bikeId, v.fenceId, v.openedAt,
                v.closedAt < 0 ? null : v.closedAt);
    }
}
