package org.bikefence.metrics;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.bikefence.rules.Evidence;
import org.bikefence.rules.OperatorMonthMetrics;

/**
 * One operator's month in the making: everything {@link OperatorMonthMetrics} needs, kept as sets and sums so
 * the month can be scored at any moment ({@link #toMetrics()}), and the arithmetic of each metric (what
 * counts once per bike, what "within the deadline" means, how durations become whole minutes).
 *
 * <p>It knows nothing of where the facts come from: the job's {@link MonthlyMetricsFolder} feeds it what the
 * stream saw, the simulator's ground truth what the simulator did. It is the job's keyed state, so it is a
 * Flink POJO: public fields, a public no-argument constructor, and collections declared by interface with concrete
 * type arguments ({@code Set<String>}, {@code Map<String, Long>}, {@code List<String[]>}), which Flink 2
 * serializes itself; concrete classes such as {@code HashSet} would fall back to Kryo. (Flink restores them as
 * hash-based collections, so nothing here depends on their iteration order.)
 */
public class MonthAccumulator {
    /** Evidence rows kept per operator and month; the violation points in InfluxDB hold them all. */
    public static final int MAX_EVIDENCE = 500;
    private static final long MINUTE = 60_000L;

    public String operator;
    /** yyyy-MM in the rule set's time zone. */
    public String month;

    /**
     * Each bike seen on each day, as {@code yyyy-MM-dd|bikeId} (days in the rule set's time zone); flat, because
     * Flink serializes a set of strings itself but not a map of sets.
     */
    public Set<String> bikeDays = new HashSet<>();
    /** Distinct bikes per day (yyyy-MM-dd): the count of {@link #bikeDays} of the day. */
    public Map<String, Long> bikesPerDay = new HashMap<>();
    public Set<String> bikes = new HashSet<>();
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

    public Set<String> outOfAreaBikes = new HashSet<>();
    public Set<String> zombieBikes = new HashSet<>();

    public Set<String> faultyBikes = new HashSet<>();
    public Set<String> faultyHandledBikes = new HashSet<>();
    public long faultyHandledWithinDeadline;
    public long faultyMinutesToHandle;

    public Set<String> reportGapBikes = new HashSet<>();
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

    /** A valid record of a bike: the bike is seen that day and month, faulty if it says so, late if delayed. */
    public void record(LocalDate day, String bikeId, boolean faulty, long arrivalDelayMs, long lateAfterMs) {
        recordsReceived++;
        bikes.add(bikeId);
        String d = day.toString();
        if (bikeDays.add(d + '|' + bikeId)) {
            bikesPerDay.merge(d, 1L, Long::sum);
        }
        if (faulty) {
            faultyBikes.add(bikeId);
        }
        if (arrivalDelayMs > lateAfterMs) {
            lateRecords++;
        }
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

    /** A bike parked out of the operating area too long; returns whether it is the first time this month. */
    public boolean outOfArea(String bikeId) {
        return outOfAreaBikes.add(bikeId);
    }

    /** A bike that stood unchanged too long; returns whether it is the first time this month. */
    public boolean zombie(String bikeId) {
        return zombieBikes.add(bikeId);
    }

    /**
     * A faulty bike repaired or removed after {@code tookMs}. Counted per bike: a bike handled twice in a month
     * is one handled faulty bike, with the time of its first handling.
     */
    public void faultyHandled(String bikeId, long tookMs, long handleDeadlineMs) {
        faultyBikes.add(bikeId);
        if (faultyHandledBikes.add(bikeId)) {
            faultyMinutesToHandle += tookMs / MINUTE;
            if (tookMs <= handleDeadlineMs) {
                faultyHandledWithinDeadline++;
            }
        }
    }

    /** A bike that once exceeded its report interval this month. */
    public void reportGap(String bikeId) {
        reportGapBikes.add(bikeId);
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
        return bikes.size() - reportGapBikes.stream().filter(bikes::contains).count();
    }

    /** The month so far in the rule set's terms, ready to score. */
    public OperatorMonthMetrics toMetrics() {
        TreeMap<LocalDate, Long> byDay = new TreeMap<>();
        for (Map.Entry<String, Long> e : bikesPerDay.entrySet()) {
            byDay.put(LocalDate.parse(e.getKey()), e.getValue());
        }
        OperatorMonthMetrics.Builder b = OperatorMonthMetrics.builder(operator, YearMonth.parse(month))
                .fleet(new OperatorMonthMetrics.Fleet(byDay, bikes.size(), peakStanding))
                .noPark(new OperatorMonthMetrics.NoPark(noParkOpened, noParkClosed, noParkClosedWithinDeadline,
                        noParkMinutesOpen))
                .parking(new OperatorMonthMetrics.Parking(rideEndsInArea, rideEndsInFence))
                .accumulation(new OperatorMonthMetrics.Accumulation(fenceOverCapacityEvents, cellOverThresholdEvents,
                        accumulationCleared, accumulationClearedWithinDeadline, accumulationMinutesToClear))
                .outOfAreaBikes(outOfAreaBikes.size())
                .zombieBikes(zombieBikes.size())
                .condition(new OperatorMonthMetrics.Condition(faultyBikes.size(), faultyHandledBikes.size(),
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
