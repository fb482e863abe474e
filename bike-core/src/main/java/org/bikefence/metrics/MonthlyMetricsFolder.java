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

    /** What one bike was already counted for: the bike-keyed state behind {@link #firsts}. */
    public interface Counted {
        /** Whether {@code key} is new for the bike (and remembers it from now on). */
        boolean firstTime(String key) throws Exception;
    }

    /**
     * The {@code OperatorSignal.FIRST_*} bits of one signal of one bike, given what the bike was already counted
     * for: its first record of a day and of the month, its first faulty record or handling, first handling, first
     * out-of-area and zombie violation and first report gap of the month. Called for each bike's signals in the
     * order the operator's month folds them (minute, then {@link OperatorSignal#FOLD_ORDER}), so the signal that
     * counts is the one the month would have counted first. Keys start with the month ({@code yyyy-MM}), so the
     * caller can forget months it no longer needs.
     */
    public int firsts(OperatorSignal s, Counted counted) throws Exception {
        String month = monthOf(s.ts);
        int bits = 0;
        switch (s.kind) {
            case POSITION -> {
                bits |= once(counted, dayOf(s.ts) + "|day", OperatorSignal.FIRST_OF_DAY);
                bits |= once(counted, month + "|bike", OperatorSignal.FIRST_OF_MONTH);
                if (s.state == BikeState.FAULTY) {
                    bits |= once(counted, month + "|faulty", OperatorSignal.FIRST_FAULTY);
                }
            }
            case VIOLATION -> {
                if (s.violation.kind == ViolationEvent.Kind.OPENED) {
                    if (s.violation.type == ViolationEvent.Type.OUT_OF_AREA) {
                        bits |= once(counted, month + "|out-of-area", OperatorSignal.FIRST_OUT_OF_AREA);
                    } else if (s.violation.type == ViolationEvent.Type.ZOMBIE) {
                        bits |= once(counted, month + "|zombie", OperatorSignal.FIRST_ZOMBIE);
                    }
                }
            }
            case FACT -> {
                if (s.fact.kind == BikeFact.Kind.FAULTY_ENDED) {
                    bits |= once(counted, month + "|faulty", OperatorSignal.FIRST_FAULTY);
                    bits |= once(counted, month + "|faulty-handled", OperatorSignal.FIRST_FAULTY_HANDLED);
                } else if (s.fact.kind == BikeFact.Kind.REPORT_GAP) {
                    bits |= once(counted, month + "|report-gap", OperatorSignal.FIRST_REPORT_GAP);
                }
            }
            default -> {
                // Nothing counted per bike.
            }
        }
        return bits;
    }

    /** Whether {@link #firsts} decides anything for the signal (signals without a bike never need it). */
    public static boolean countedPerBike(OperatorSignal s) {
        return s.bikeId != null && switch (s.kind) {
            case POSITION -> true;
            case VIOLATION -> s.violation.kind == ViolationEvent.Kind.OPENED
                    && (s.violation.type == ViolationEvent.Type.OUT_OF_AREA
                            || s.violation.type == ViolationEvent.Type.ZOMBIE);
            case FACT -> s.fact.kind == BikeFact.Kind.FAULTY_ENDED || s.fact.kind == BikeFact.Kind.REPORT_GAP;
            default -> false;
        };
    }

    private static int once(Counted counted, String key, int bit) throws Exception {
        return counted.firstTime(key) ? bit : 0;
    }

    /** Adds one signal to its month. */
    public void add(MonthAccumulator m, OperatorSignal s) {
        switch (s.kind) {
            case POSITION -> position(m, s);
            case INVALID -> m.invalidRecord();
            case OUT_OF_ORDER -> m.outOfOrderRecord();
            case ACCUMULATION -> accumulation(m, s);
            case VIOLATION -> violation(m, s);
            case FACT -> fact(m, s);
            default -> throw new IllegalStateException("unknown signal " + s.kind);
        }
    }

    private void position(MonthAccumulator m, OperatorSignal s) {
        m.record(s.arrivalDelayMs, lateAfterMs);
        if (first(s, OperatorSignal.FIRST_OF_DAY)) {
            m.bikeOfDay(dayOf(s.ts));
        }
        if (first(s, OperatorSignal.FIRST_OF_MONTH)) {
            m.bikeOfMonth();
        }
        if (first(s, OperatorSignal.FIRST_FAULTY)) {
            m.faultyBike();
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

    private void fact(MonthAccumulator m, OperatorSignal s) {
        BikeFact f = s.fact;
        switch (f.kind) {
            case RIDE_ENDED -> m.rideEnded(f.inOperatingArea, f.parkingFenceId != null);
            case FAULTY_ENDED -> {
                if (first(s, OperatorSignal.FIRST_FAULTY)) {
                    m.faultyBike();
                }
                if (first(s, OperatorSignal.FIRST_FAULTY_HANDLED)) {
                    m.faultyHandled(f.durationMs, faultyDeadlineMs);
                }
            }
            case REPORT_GAP -> {
                if (first(s, OperatorSignal.FIRST_REPORT_GAP)) {
                    m.reportGapBike();
                }
            }
            case STANDING_STARTED, STANDING_ENDED -> {
                // Counted by the caller, which keeps the running number of standing bikes across months.
            }
            default -> throw new IllegalStateException("unknown fact " + f.kind);
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
