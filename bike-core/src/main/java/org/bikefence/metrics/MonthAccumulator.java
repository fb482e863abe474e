package org.bikefence.metrics;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bikefence.rules.Evidence;
import org.bikefence.rules.OperatorMonthMetrics;

/**
 * One operator's month in the making: everything {@link OperatorMonthMetrics} needs, kept as counts and sums
 * so the month can be scored at any moment ({@link #toMetrics()}), and the arithmetic of each metric (what
 * "within the deadline" means, how durations become whole minutes).
 *
 * <p>It holds no bike ids, so its size does not grow with the fleet: which bike counts once per day or month
 * is decided by whoever feeds it, and it only sums ({@link #bikeOfDay}, {@link #bikeOfMonth}, ...). The job
 * decides that in state keyed by bike ({@link MonthlyMetricsFolder#firsts}), the simulator's ground truth with
 * its own sets ({@link DistinctBikeSets}). It knows nothing of where the facts come from: the job's
 * {@link MonthlyMetricsFolder} feeds it what the stream saw, the simulator's ground truth what the simulator
 * did. It is the job's keyed state, so it is a Flink POJO: public fields, a public no-argument constructor, and
 * collections declared by interface with concrete type arguments ({@code Map<String, Long>},
 * {@code List<String[]>}), which Flink 2 serializes itself; concrete classes such as {@code HashMap} would fall
 * back to Kryo. (Flink restores them as hash-based collections, so nothing here depends on their iteration
 * order.)
 */
public class MonthAccumulator {
    /** Evidence rows kept per operator and month; the violation points in InfluxDB hold them all. */
    public static final int MAX_EVIDENCE = 500;
    private static final long MINUTE = 60_000L;

    public String operator;
    /** yyyy-MM in the rule set's time zone. */
    public String month;

    /** Distinct bikes per day (yyyy-MM-dd, in the rule set's time zone); at most one entry per day of the month. */
    public Map<String, Long> bikesPerDay = new HashMap<>();
    /** Distinct bikes of the month. */
    public long bikes;
    public long peakStanding;

    public long noParkOpened;
    public long noParkClosed;
    public long noParkClosedWithinDeadline;
    public long noParkMinutesOpen;

    public long rideEndsInArea;
    public long rideEndsInFence;

    public long fenceOverCapacityEvents;
    public long cellOverThresholdEvents;
    public long accumulationCleared;
    public long accumulationClearedWithinDeadline;
    public long accumulationMinutesToClear;

    /** Distinct bikes of the month parked out of the operating area too long. */
    public long outOfAreaBikes;
    /** Distinct bikes of the month that stood unchanged too long. */
    public long zombieBikes;

    /** Distinct bikes of the month reported faulty or handled as faulty. */
    public long faultyBikes;
    /** Distinct bikes of the month whose fault was handled (repaired or removed). */
    public long faultyHandledBikes;
    public long faultyHandledWithinDeadline;
    public long faultyMinutesToHandle;

    /** Distinct bikes of the month (among {@link #bikes}) that once exceeded their report interval. */
    public long reportGapBikes;
    public long recordsReceived;
    public long lateRecords;
    public long outOfOrderRecords;
    public long invalidRecords;
    public long feedGaps;
    public long feedGapMinutes;

    /** Evidence rows (kind, id, bike, fence, from, to; times as epoch ms), at most {@link #MAX_EVIDENCE}. */
    public List<String[]> evidence = new ArrayList<>();

    /** For Flink. */
    public MonthAccumulator() {}

    public MonthAccumulator(String operator, YearMonth month) {
        this.operator = operator;
        this.month = month.toString();
    }

    /** A valid record: received, and late if delayed more than {@code lateAfterMs}. */
    public void record(long arrivalDelayMs, long lateAfterMs) {
        recordsReceived++;
        if (arrivalDelayMs > lateAfterMs) {
            lateRecords++;
        }
    }

    /** A bike seen for the first time on {@code day}. */
    public void bikeOfDay(LocalDate day) {
        bikesPerDay.merge(day.toString(), 1L, Long::sum);
    }

    /** A bike seen for the first time this month. */
    public void bikeOfMonth() {
        bikes++;
    }

    /** A bike reported faulty, or handled as faulty, for the first time this month. */
    public void faultyBike() {
        faultyBikes++;
    }

    /** A record that could not be read: received, and invalid. */
    public void invalidRecord() {
        recordsReceived++;
        invalidRecords++;
    }

    /** A record older than one already received for its bike (counted among the records already). */
    public void outOfOrderRecord() {
        outOfOrderRecords++;
    }

    /** The operator's bikes standing at once now; the month keeps its peak. */
    public void standing(long bikesStanding) {
        peakStanding = Math.max(peakStanding, bikesStanding);
    }

    public void noParkOpened() {
        noParkOpened++;
    }

    /**
     * A no-park violation of this month closed after {@code openMs}.
     *
     * @return whether it closed within the deadline
     */
    public boolean noParkClosed(long openMs, long clearDeadlineMs) {
        noParkClosed++;
        noParkMinutesOpen += openMs / MINUTE;
        if (openMs <= clearDeadlineMs) {
            noParkClosedWithinDeadline++;
            return true;
        }
        return false;
    }

    /** A ride ended; only ride ends in the managed area count, and of those the ones in a parking fence. */
    public void rideEnded(boolean inManagedArea, boolean inParkingFence) {
        if (inManagedArea) {
            rideEndsInArea++;
            if (inParkingFence) {
                rideEndsInFence++;
            }
        }
    }

    /** An accumulation episode began this month: a fence over capacity or a cell over the threshold. */
    public void accumulationOpened(boolean fence) {
        if (fence) {
            fenceOverCapacityEvents++;
        } else {
            cellOverThresholdEvents++;
        }
    }

    /**
     * An accumulation episode of this month cleared after {@code tookMs}.
     *
     * @return whether it cleared within the deadline
     */
    public boolean accumulationCleared(long tookMs, long clearDeadlineMs) {
        accumulationCleared++;
        accumulationMinutesToClear += tookMs / MINUTE;
        if (tookMs <= clearDeadlineMs) {
            accumulationClearedWithinDeadline++;
            return true;
        }
        return false;
    }

    /** A bike parked out of the operating area too long, for the first time this month. */
    public void outOfAreaBike() {
        outOfAreaBikes++;
    }

    /** A bike that stood unchanged too long, for the first time this month. */
    public void zombieBike() {
        zombieBikes++;
    }

    /**
     * A faulty bike handled (repaired or removed) for the first time this month, after {@code tookMs}: a bike
     * handled twice in a month is one handled faulty bike, with the time of its first handling. (It is a faulty
     * bike of the month too: the caller counts that with {@link #faultyBike()}.)
     */
    public void faultyHandled(long tookMs, long handleDeadlineMs) {
        faultyHandledBikes++;
        faultyMinutesToHandle += tookMs / MINUTE;
        if (tookMs <= handleDeadlineMs) {
            faultyHandledWithinDeadline++;
        }
    }

    /** A bike of the month that exceeded its report interval, for the first time this month. */
    public void reportGapBike() {
        reportGapBikes++;
    }

    /**
     * Data in minute {@code nextDataMinute} after none since minute {@code lastDataMinute} (minute starts): a
     * feed gap if the silent minutes between them last at least {@code gapMs}.
     *
     * @return whether it was a feed gap
     */
    public boolean feedGap(long lastDataMinute, long nextDataMinute, long gapMs) {
        long silent = nextDataMinute - lastDataMinute - MINUTE;
        if (silent < gapMs) {
            return false;
        }
        feedGaps++;
        feedGapMinutes += silent / MINUTE;
        return true;
    }

    /** Keeps an incident behind the counts, while fewer than {@link #MAX_EVIDENCE} are kept. */
    public void evidence(Evidence.Kind kind, String id, String bikeId, String fenceId, long from, Long to) {
        if (evidence.size() < MAX_EVIDENCE) {
            evidence.add(new String[] {kind.name(), id, bikeId, fenceId, Long.toString(from),
                to == null ? null : Long.toString(to)});
        }
    }

    /** Distinct bikes of the month that never exceeded their report interval. */
    public long bikesWithinReportInterval() {
        return bikes - reportGapBikes;
    }

    /** The month so far in the rule set's terms, ready to score. */
    public OperatorMonthMetrics toMetrics() {
        TreeMap<LocalDate, Long> byDay = new TreeMap<>();
        for (Map.Entry<String, Long> e : bikesPerDay.entrySet()) {
            byDay.put(LocalDate.parse(e.getKey()), e.getValue());
        }
        OperatorMonthMetrics.Builder b = OperatorMonthMetrics.builder(operator, YearMonth.parse(month))
                .fleet(new OperatorMonthMetrics.Fleet(byDay, bikes, peakStanding))
                .noPark(new OperatorMonthMetrics.NoPark(noParkOpened, noParkClosed, noParkClosedWithinDeadline,
                        noParkMinutesOpen))
                .parking(new OperatorMonthMetrics.Parking(rideEndsInArea, rideEndsInFence))
                .accumulation(new OperatorMonthMetrics.Accumulation(fenceOverCapacityEvents, cellOverThresholdEvents,
                        accumulationCleared, accumulationClearedWithinDeadline, accumulationMinutesToClear))
                .outOfAreaBikes(outOfAreaBikes)
                .zombieBikes(zombieBikes)
                .condition(new OperatorMonthMetrics.Condition(faultyBikes, faultyHandledBikes,
                        faultyHandledWithinDeadline, faultyMinutesToHandle))
                // Never more late or out-of-order records than records: the scoring input requires it.
                .dataFeed(new OperatorMonthMetrics.DataFeed(bikesWithinReportInterval(), recordsReceived,
                        Math.min(lateRecords, recordsReceived), Math.min(outOfOrderRecords, recordsReceived),
                        invalidRecords, feedGaps, feedGapMinutes));
        for (String[] e : evidence) {
            b.evidence(Evidence.of(Evidence.Kind.valueOf(e[0]), e[1], e[2], e[3],
                    Instant.ofEpochMilli(Long.parseLong(e[4])),
                    e[5] == null ? null : Instant.ofEpochMilli(Long.parseLong(e[5]))));
        }
        return b.build();
    }
}
