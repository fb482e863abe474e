package org.bikefence.metrics;

import java.time.LocalDate;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;

/**
 * Decides which bike counts once in a {@link MonthAccumulator} by holding the month's bike ids in sets: the way
 * an oracle (the simulator's ground truth) counts, independently of the job, which decides the same in state
 * keyed by bike ({@link MonthlyMetricsFolder#firsts}). Not for the job: its size grows with the fleet.
 */
public final class DistinctBikeSets {
    private final MonthAccumulator month;
    private final Set<String> bikeDays = new HashSet<>();
    private final Set<String> bikes = new HashSet<>();
    private final Set<String> faultyBikes = new HashSet<>();
    private final Set<String> faultyHandledBikes = new HashSet<>();
    private final Set<String> outOfAreaBikes = new HashSet<>();
    private final Set<String> zombieBikes = new HashSet<>();
    private final Set<String> reportGapBikes = new HashSet<>();

    public DistinctBikeSets(MonthAccumulator month) {
        this.month = month;
    }

    /** The month the sets count into. */
    public MonthAccumulator month() {
        return month;
    }

    /** The month's bikes (read-only view). */
    public Set<String> bikes() {
        return Collections.unmodifiableSet(bikes);
    }

    /** The month's faulty bikes (reported or handled faulty; read-only view). */
    public Set<String> faultyBikes() {
        return Collections.unmodifiableSet(faultyBikes);
    }

    /** The month's bikes whose fault was handled (read-only view). */
    public Set<String> faultyHandledBikes() {
        return Collections.unmodifiableSet(faultyHandledBikes);
    }

    /** The month's out-of-area bikes (read-only view). */
    public Set<String> outOfAreaBikes() {
        return Collections.unmodifiableSet(outOfAreaBikes);
    }

    /** The month's zombie bikes (read-only view). */
    public Set<String> zombieBikes() {
        return Collections.unmodifiableSet(zombieBikes);
    }

    /** The bikes that once exceeded their report interval this month (read-only view). */
    public Set<String> reportGapBikes() {
        return Collections.unmodifiableSet(reportGapBikes);
    }

    /** A valid record of a bike: the bike is seen that day and month, faulty if it says so, late if delayed. */
    public void record(LocalDate day, String bikeId, boolean faulty, long arrivalDelayMs, long lateAfterMs) {
        month.record(arrivalDelayMs, lateAfterMs);
        if (bikeDays.add(day + "|" + bikeId)) {
            month.bikeOfDay(day);
        }
        if (bikes.add(bikeId)) {
            month.bikeOfMonth();
            if (reportGapBikes.contains(bikeId)) {
                month.reportGapBike();
            }
        }
        if (faulty && faultyBikes.add(bikeId)) {
            month.faultyBike();
        }
    }

    /** A bike parked out of the operating area too long; returns whether it is the first time this month. */
    public boolean outOfArea(String bikeId) {
        if (outOfAreaBikes.add(bikeId)) {
            month.outOfAreaBike();
            return true;
        }
        return false;
    }

    /** A bike that stood unchanged too long; returns whether it is the first time this month. */
    public boolean zombie(String bikeId) {
        if (zombieBikes.add(bikeId)) {
            month.zombieBike();
            return true;
        }
        return false;
    }

    /** A faulty bike repaired or removed after {@code tookMs}; only its first handling of the month counts. */
    public void faultyHandled(String bikeId, long tookMs, long handleDeadlineMs) {
        if (faultyBikes.add(bikeId)) {
            month.faultyBike();
        }
        if (faultyHandledBikes.add(bikeId)) {
            month.faultyHandled(tookMs, handleDeadlineMs);
        }
    }

    /** A bike that once exceeded its report interval this month; counts only for bikes of the month. */
    public void reportGap(String bikeId) {
        if (reportGapBikes.add(bikeId) && bikes.contains(bikeId)) {
            month.reportGapBike();
        }
    }
}
