package org.bikefence.metrics;

import java.util.ArrayList;
import java.util.TreeMap;

/**
 * An operator's month so far as plain counts: what travels from the per-operator metrics to the
 * city-wide assessment (small, and serializable by Flink without records or immutable collections).
 */
public class MonthCounts {
    public String operator;
    public String month;
    public TreeMap<String, Long> bikesByDay = new TreeMap<>();
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
    public long outOfAreaBikes;
    public long zombieBikes;
    public long faultyBikes;
    public long faultyHandled;
    public long faultyHandledWithinDeadline;
    public long faultyMinutesToHandle;
    public long bikesWithinReportInterval;
    public long recordsReceived;
    public long lateRecords;
    public long outOfOrderRecords;
    public long invalidRecords;
    public long feedGaps;
    public long feedGapMinutes;
    /** The minute (epoch ms) these counts are as of. */
    public long asOf;
    public ArrayList<String[]> evidence = new ArrayList<>();

    public MonthCounts() {}
}
