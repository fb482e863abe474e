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

    /** Adds one signal to its month. */
    public void add(MonthAccumulator m, OperatorSignal s) {
        switch (s.kind) {
            case POSITION -> m.record(dayOf(s.ts), s.bikeId, s.state == BikeState.FAULTY, s.arrivalDelayMs,
                    lateAfterMs);
            case INVALID -> m.invalidRecord();
            case OUT_OF_ORDER -> m.outOfOrderRecord();
            case ACCUMULATION -> accumulation(m, s);
            case VIOLATION -> violation(m, s.violation);
            case FACT -> fact(m, s.fact);
            default -> throw new IllegalStateException("unknown signal " + s.kind);
        }
    }

    private void violation(MonthAccumulator m, ViolationEvent v) {
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
                if (opened && m.outOfArea(v.bikeId)) {
                    evidence(m, Evidence.Kind.OUT_OF_AREA, v);
                }
            }
            case ZOMBIE -> {
                if (opened && m.zombie(v.bikeId)) {
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

    private void fact(MonthAccumulator m, BikeFact f) {
        switch (f.kind) {
            case RIDE_ENDED -> m.rideEnded(f.inOperatingArea, f.parkingFenceId != null);
            case FAULTY_ENDED -> m.faultyHandled(f.bikeId, f.durationMs, faultyDeadlineMs);
            case REPORT_GAP -> m.reportGap(f.bikeId);
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
