package org.bikefence.metrics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.TreeMap;

/**
 * One operator's running counts for one month (Flink keyed state): everything {@code OperatorMonthMetrics}
 * needs, kept as sets and sums so the month can be scored at any moment.
 */
public class MonthAcc {
    public String operator;
    /** yyyy-MM in the rule set's time zone. */
    public String month;

    public TreeMap<String, HashSet<String>> bikesByDay = new TreeMap<>();
    public HashSet<String> bikes = new HashSet<>();
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

    public HashSet<String> outOfAreaBikes = new HashSet<>();
    public HashSet<String> zombieBikes = new HashSet<>();

    public HashSet<String> faultyBikes = new HashSet<>();
    public HashSet<String> faultyHandledBikes = new HashSet<>();
    public long faultyHandledWithinDeadline;
    public long faultyMinutesToHandle;

    public HashSet<String> reportGapBikes = new HashSet<>();
    public long recordsReceived;
    public long lateRecords;
    public long outOfOrderRecords;
    public long invalidRecords;
    public long feedGaps;
    public long feedGapMinutes;

    /** Evidence rows (kind, id, bike, fence, from, to), capped per month to keep state small. */
    public ArrayList<String[]> evidence = new ArrayList<>();

    public MonthAcc() {}
}
