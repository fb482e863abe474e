package org.bikefence.metrics;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Map;
import java.util.TreeMap;
import org.bikefence.model.BikeFact;
import org.bikefence.model.BikeState;
import org.bikefence.model.OperatorSignal;
import org.bikefence.model.ViolationEvent;
import org.bikefence.rules.Evidence;
import org.bikefence.rules.OperatorMonthMetrics;
import org.bikefence.rules.RuleSet;

/**
 * Counts an operator's signals into its month (plain Java): what the rule set's metrics need, with
 * thresholds (clearing deadlines, lateness) from the rule set. The Flink operator feeds it signals in
 * event-time order per minute, so running figures such as the peak of bikes standing are deterministic.
 */
public final class MonthlyMetricsFolder implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    /** Evidence rows kept per operator and month; the violation points in InfluxDB hold them all. */
    public static final int MAX_EVIDENCE = 500;
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

    private String dayOf(long ts) {
        return Instant.ofEpochMilli(ts).atZone(zone).toLocalDate().toString();
    }

    /** Adds one signal to its month. */
    public void add(MonthAcc m, OperatorSignal s) {
        switch (s.kind) {
            case POSITION -> {
                m.recordsReceived++;
                m.bikes.add(s.bikeId);
                m.bikesByDay.computeIfAbsent(dayOf(s.ts), d -> new HashSet<>()).add(s.bikeId);
                if (s.state == BikeState.FAULTY) {
                    m.faultyBikes.add(s.bikeId);
                }
                if (s.arrivalDelayMs > lateAfterMs) {
                    m.lateRecords++;
                }
            }
            case INVALID -> {
                m.recordsReceived++;
                m.invalidRecords++;
            }
            case OUT_OF_ORDER -> m.outOfOrderRecords++;
            case ACCUMULATION -> accumulation(m, s);
            case VIOLATION -> violation(m, s.violation);
            case FACT -> fact(m, s.fact);
            default -> throw new IllegalStateException("unknown signal " + s.kind);
        }
    }

    private void violation(MonthAcc m, ViolationEvent v) {
        boolean opened = v.kind == ViolationEvent.Kind.OPENED;
        switch (v.type) {
            case NO_PARK -> {
                if (opened) {
                    m.noParkOpened++;
                    evidence(m, Evidence.Kind.NO_PARK_VIOLATION, v);
                } else if (monthOf(v.openedAt).equals(m.month)) {
                    // A violation belongs to the month it opened in, its closing included.
                    m.noParkClosed++;
                    m.noParkMinutesOpen += v.durationMs() / MINUTE;
                    if (v.durationMs() <= noParkClearDeadlineMs) {
                        m.noParkClosedWithinDeadline++;
                    } else {
                        evidence(m, Evidence.Kind.NO_PARK_CLEARED_LATE, v);
                    }
                }
            }
            case OUT_OF_AREA -> {
                if (opened && m.outOfAreaBikes.add(v.bikeId)) {
                    evidence(m, Evidence.Kind.OUT_OF_AREA, v);
                }
            }
            case ZOMBIE -> {
                if (opened && m.zombieBikes.add(v.bikeId)) {
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

    private void accumulation(MonthAcc m, OperatorSignal s) {
        boolean fence = s.accumulationArea == org.bikefence.model.AreaDelta.Area.FENCE;
        if (s.accumulationOpened) {
            if (fence) {
                m.fenceOverCapacityEvents++;
            } else {
                m.cellOverThresholdEvents++;
            }
            if (m.evidence.size() < MAX_EVIDENCE) {
                m.evidence.add(new String[] {
                    (fence ? Evidence.Kind.FENCE_OVER_CAPACITY : Evidence.Kind.CELL_OVER_THRESHOLD).name(),
                    s.accumulationArea.name().toLowerCase(java.util.Locale.ROOT) + ":" + s.areaId + "@" + s.overSince,
                    null, fence ? s.areaId : null, Long.toString(s.overSince), null});
            }
        } else if (monthOf(s.overSince).equals(m.month)) {
            long took = s.ts + 1 - s.overSince;
            m.accumulationCleared++;
            m.accumulationMinutesToClear += took / MINUTE;
            if (took <= accumulationClearDeadlineMs) {
                m.accumulationClearedWithinDeadline++;
            } else if (m.evidence.size() < MAX_EVIDENCE) {
                m.evidence.add(new String[] {Evidence.Kind.ACCUMULATION_CLEARED_LATE.name(),
                    s.accumulationArea.name().toLowerCase(java.util.Locale.ROOT) + ":" + s.areaId + "@" + s.overSince,
                    null, fence ? s.areaId : null, Long.toString(s.overSince), Long.toString(s.ts + 1)});
            }
        }
    }

    private void fact(MonthAcc m, BikeFact f) {
        switch (f.kind) {
            case RIDE_ENDED -> {
                if (f.inOperatingArea) {
                    m.rideEndsInArea++;
                    if (f.parkingFenceId != null) {
                        m.rideEndsInFence++;
                    }
                }
            }
            case FAULTY_ENDED -> {
                // Counted per bike: a bike repaired twice in a month is one handled faulty bike.
                m.faultyBikes.add(f.bikeId);
                if (m.faultyHandledBikes.add(f.bikeId)) {
                    m.faultyMinutesToHandle += f.durationMs / MINUTE;
                    if (f.durationMs <= faultyDeadlineMs) {
                        m.faultyHandledWithinDeadline++;
                    }
                }
            }
            case REPORT_GAP -> m.reportGapBikes.add(f.bikeId);
            case STANDING_STARTED, STANDING_ENDED -> {
                // Counted by the caller, which keeps the running number of standing bikes across months.
            }
            default -> throw new IllegalStateException("unknown fact " + f.kind);
        }
    }

    /** A gap in the operator's feed from {@code lastData} to {@code nextData} (minute starts), if long enough. */
    public void feedGap(MonthAcc m, long lastDataMinute, long nextDataMinute) {
        long silent = nextDataMinute - lastDataMinute - MINUTE;
        if (silent >= gapMs) {
            m.feedGaps++;
            m.feedGapMinutes += silent / MINUTE;
            if (m.evidence.size() < MAX_EVIDENCE) {
                m.evidence.add(new String[] {Evidence.Kind.FEED_GAP.name(), "gap-" + lastDataMinute, null, null,
                        Long.toString(lastDataMinute + MINUTE), Long.toString(nextDataMinute)});
            }
        }
    }

    private static void evidence(MonthAcc m, Evidence.Kind kind, ViolationEvent v) {
        if (m.evidence.size() < MAX_EVIDENCE) {
            m.evidence.add(new String[] {kind.name(), v.type.wireName() + ":" + v.bikeId + "@" + v.openedAt,
                    v.bikeId, v.fenceId, Long.toString(v.openedAt), v.closedAt < 0 ? null : Long.toString(v.closedAt)});
        }
    }

    /** The month so far as plain counts. */
    public MonthCounts counts(MonthAcc m, long asOf) {
        MonthCounts c = new MonthCounts();
        c.operator = m.operator;
        c.month = m.month;
        for (Map.Entry<String, HashSet<String>> e : m.bikesByDay.entrySet()) {
            c.bikesByDay.put(e.getKey(), (long) e.getValue().size());
        }
        c.bikes = m.bikes.size();
        c.peakStanding = m.peakStanding;
        c.noParkOpened = m.noParkOpened;
        c.noParkClosed = m.noParkClosed;
        c.noParkClosedWithinDeadline = m.noParkClosedWithinDeadline;
        c.noParkMinutesOpen = m.noParkMinutesOpen;
        c.rideEndsInArea = m.rideEndsInArea;
        c.rideEndsInFence = m.rideEndsInFence;
        c.fenceOverCapacityEvents = m.fenceOverCapacityEvents;
        c.cellOverThresholdEvents = m.cellOverThresholdEvents;
        c.accumulationCleared = m.accumulationCleared;
        c.accumulationClearedWithinDeadline = m.accumulationClearedWithinDeadline;
        c.accumulationMinutesToClear = m.accumulationMinutesToClear;
        c.outOfAreaBikes = m.outOfAreaBikes.size();
        c.zombieBikes = m.zombieBikes.size();
        c.faultyBikes = m.faultyBikes.size();
        c.faultyHandled = m.faultyHandledBikes.size();
        c.faultyHandledWithinDeadline = m.faultyHandledWithinDeadline;
        c.faultyMinutesToHandle = m.faultyMinutesToHandle;
        c.bikesWithinReportInterval = m.bikes.size() - m.reportGapBikes.stream().filter(m.bikes::contains).count();
        c.recordsReceived = m.recordsReceived;
        c.lateRecords = Math.min(m.lateRecords, m.recordsReceived);
        c.outOfOrderRecords = Math.min(m.outOfOrderRecords, m.recordsReceived);
        c.invalidRecords = m.invalidRecords;
        c.feedGaps = m.feedGaps;
        c.feedGapMinutes = m.feedGapMinutes;
        c.asOf = asOf;
        c.evidence = new ArrayList<>(m.evidence);
        return c;
    }

    /** The counts in the rule set's terms, ready to score. */
    public static OperatorMonthMetrics metrics(MonthCounts c) {
        TreeMap<LocalDate, Long> byDay = new TreeMap<>();
        c.bikesByDay.forEach((d, n) -> byDay.put(LocalDate.parse(d), n));
        OperatorMonthMetrics.Builder b = OperatorMonthMetrics.builder(c.operator, YearMonth.parse(c.month))
                .fleet(new OperatorMonthMetrics.Fleet(byDay, c.bikes, c.peakStanding))
                .noPark(new OperatorMonthMetrics.NoPark(c.noParkOpened, c.noParkClosed, c.noParkClosedWithinDeadline,
                        c.noParkMinutesOpen))
                .parking(new OperatorMonthMetrics.Parking(c.rideEndsInArea, c.rideEndsInFence))
                .accumulation(new OperatorMonthMetrics.Accumulation(c.fenceOverCapacityEvents,
                        c.cellOverThresholdEvents, c.accumulationCleared, c.accumulationClearedWithinDeadline,
                        c.accumulationMinutesToClear))
                .outOfAreaBikes(c.outOfAreaBikes)
                .zombieBikes(c.zombieBikes)
                .condition(new OperatorMonthMetrics.Condition(c.faultyBikes, c.faultyHandled,
                        c.faultyHandledWithinDeadline, c.faultyMinutesToHandle))
                .dataFeed(new OperatorMonthMetrics.DataFeed(c.bikesWithinReportInterval, c.recordsReceived,
                        c.lateRecords, c.outOfOrderRecords, c.invalidRecords, c.feedGaps, c.feedGapMinutes));
        for (String[] e : c.evidence) {
            b.evidence(Evidence.of(Evidence.Kind.valueOf(e[0]), e[1], e[2], e[3],
                    Instant.ofEpochMilli(Long.parseLong(e[4])),
                    e[5] == null ? null : Instant.ofEpochMilli(Long.parseLong(e[5]))));
        }
        return b.build();
    }
}
