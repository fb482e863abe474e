package org.bikefence.rules;

import java.io.Serializable;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What one operator did in one calendar month (in the rule set's time zone), as counted by the streaming job;
 * the input to monthly scoring. The stream supplies raw counts; shares, means and per-1,000-bike rates are
 * derived here (see {@link Metric}) so that every published number is computed one way.
 *
 * <p>All counts are whole numbers of events, bikes or records; durations are totals in whole minutes over
 * the incidents that closed, so a mean is {@code total / closed}.
 *
 * @param operator operator name as in the data and in the rule set's {@code operators:}, e.g. "Hello"
 * @param month the scored month
 * @param fleet fleet size figures (denominators for shares and per-1,000-bike rates)
 * @param noPark no-park zone violations (禁停区违停)
 * @param parking ride ends in fence-managed areas (入栏率)
 * @param accumulation over-accumulation events (淤积)
 * @param outOfAreaBikes distinct bikes found parked outside the operating area for longer than
 *     {@code rules.outOfArea.graceMinutes} during the month (超范围投放)
 * @param zombieBikes distinct bikes that stood still with no state change for at least
 *     {@code rules.zombies.idleDays} days at some point in the month (僵尸车)
 * @param condition faulty bikes (车辆完好率)
 * @param dataFeed data-feed quality (数据接入)
 * @param evidence references to the incidents behind the counts, kept in {@link Evidence#ORDER}; each deduction
 *     keeps the ones of its metric
 */
public record OperatorMonthMetrics(
        String operator,
        YearMonth month,
        Fleet fleet,
        NoPark noPark,
        Parking parking,
        Accumulation accumulation,
        long outOfAreaBikes,
        long zombieBikes,
        Condition condition,
        DataFeed dataFeed,
        List<Evidence> evidence) implements Serializable {

    public OperatorMonthMetrics {
        if (operator == null || operator.isBlank()) {
            throw new IllegalArgumentException("operator is required");
        }
        Objects.requireNonNull(month, "month");
        Objects.requireNonNull(fleet, "fleet");
        Objects.requireNonNull(noPark, "noPark");
        Objects.requireNonNull(parking, "parking");
        Objects.requireNonNull(accumulation, "accumulation");
        Objects.requireNonNull(condition, "condition");
        Objects.requireNonNull(dataFeed, "dataFeed");
        nonNegative("outOfAreaBikes", outOfAreaBikes);
        nonNegative("zombieBikes", zombieBikes);
        evidence = List.copyOf(evidence.stream().sorted(Evidence.ORDER).toList());
        for (LocalDate day : fleet.distinctBikesByDay().keySet()) {
            if (!YearMonth.from(day).equals(month)) {
                throw new IllegalArgumentException("fleet.distinctBikesByDay has " + day + ", outside " + month);
            }
        }
    }

    public static Builder builder(String operator, YearMonth month) {
        return new Builder(operator, month);
    }

    /**
     * Fleet size.
     *
     * @param distinctBikesByDay distinct bikes of the operator seen (any report) on each day of the month
     * @param distinctBikesInMonth distinct bikes seen at least once in the month (denominator of bike shares)
     * @param peakParkedBikes largest number of the operator's bikes parked in the street at the same moment
     */
    public record Fleet(SortedMap<LocalDate, Long> distinctBikesByDay, long distinctBikesInMonth, long peakParkedBikes)
            implements Serializable {
        public static final Fleet NONE = new Fleet(new TreeMap<>(), 0, 0);

        public Fleet {
            // TreeMap copy: serializable, sorted, and immune to the caller's later changes. Held as a plain
            // TreeMap, read-only through the accessor, because the stream sends these metrics between Flink
            // operators and Flink's generic (Kryo) serializer cannot rebuild an unmodifiable map.
            distinctBikesByDay = new TreeMap<>(distinctBikesByDay);
            for (Map.Entry<LocalDate, Long> e : distinctBikesByDay.entrySet()) {
                nonNegative("distinctBikesByDay[" + e.getKey() + "]", e.getValue());
            }
            nonNegative("distinctBikesInMonth", distinctBikesInMonth);
            nonNegative("peakParkedBikes", peakParkedBikes);
        }

        @Override
        public SortedMap<LocalDate, Long> distinctBikesByDay() {
            return Collections.unmodifiableSortedMap(distinctBikesByDay);
        }
    }

    /**
     * No-park zone violations.
     *
     * @param violations violations opened in the month (bike stood in a no-park zone past the grace period)
     * @param closed of those, violations closed (bike moved out) by the end of the month
     * @param closedWithinDeadline of those, closed within {@code rules.noPark.clearDeadlineMinutes} of opening
     * @param minutesOpenTotal sum over the closed violations of open-to-close time, whole minutes
     */
    public record NoPark(long violations, long closed, long closedWithinDeadline, long minutesOpenTotal)
            implements Serializable {
        public static final NoPark NONE = new NoPark(0, 0, 0, 0);

        public NoPark {
            nonNegative("noPark.violations", violations);
            atMost("noPark.closed", closed, "violations", violations);
            atMost("noPark.closedWithinDeadline", closedWithinDeadline, "closed", closed);
            nonNegative("noPark.minutesOpenTotal", minutesOpenTotal);
        }
    }

    /**
     * Parking compliance.
     *
     * @param rideEndsInManagedArea ride ends inside fence-managed areas
     * @param rideEndsInParkingFence of those, ride ends inside a parking fence
     */
    public record Parking(long rideEndsInManagedArea, long rideEndsInParkingFence) implements Serializable {
        public static final Parking NONE = new Parking(0, 0);

        public Parking {
            nonNegative("parking.rideEndsInManagedArea", rideEndsInManagedArea);
            atMost("parking.rideEndsInParkingFence", rideEndsInParkingFence, "rideEndsInManagedArea",
                    rideEndsInManagedArea);
        }
    }

    /**
     * Over-accumulation: a parking fence holding more of the operator's bikes than its capacity, or an H3 cell
     * (resolution {@code rules.accumulation.h3Resolution}) holding more than {@code cellThreshold}, for at
     * least {@code minDurationMinutes}. One event per fence or cell per episode.
     *
     * @param fenceOverCapacityEvents episodes of a parking fence over capacity
     * @param cellOverThresholdEvents episodes of an H3 cell over the threshold
     * @param cleared episodes (of both kinds) that ended by the end of the month
     * @param clearedWithinDeadline of those, ended within {@code rules.accumulation.clearDeadlineMinutes}
     * @param minutesToClearTotal sum over the cleared episodes of their duration, whole minutes
     */
    public record Accumulation(long fenceOverCapacityEvents, long cellOverThresholdEvents, long cleared,
            long clearedWithinDeadline, long minutesToClearTotal) implements Serializable {
        public static final Accumulation NONE = new Accumulation(0, 0, 0, 0, 0);

        public Accumulation {
            nonNegative("accumulation.fenceOverCapacityEvents", fenceOverCapacityEvents);
            nonNegative("accumulation.cellOverThresholdEvents", cellOverThresholdEvents);
            atMost("accumulation.cleared", cleared, "fenceOverCapacityEvents + cellOverThresholdEvents",
                    fenceOverCapacityEvents + cellOverThresholdEvents);
            atMost("accumulation.clearedWithinDeadline", clearedWithinDeadline, "cleared", cleared);
            nonNegative("accumulation.minutesToClearTotal", minutesToClearTotal);
        }

        public long events() {
            return fenceOverCapacityEvents + cellOverThresholdEvents;
        }
    }

    /**
     * Vehicle condition.
     *
     * @param faultyBikes distinct bikes that reported a fault in the month
     * @param handled of those, repaired or removed from the street by the end of the month
     * @param handledWithinDeadline of those, within {@code rules.condition.handleDeadlineHours}
     * @param minutesToHandleTotal sum over the handled bikes of fault-to-repair/removal time, whole minutes
     */
    public record Condition(long faultyBikes, long handled, long handledWithinDeadline, long minutesToHandleTotal)
            implements Serializable {
        public static final Condition NONE = new Condition(0, 0, 0, 0);

        public Condition {
            nonNegative("condition.faultyBikes", faultyBikes);
            atMost("condition.handled", handled, "faultyBikes", faultyBikes);
            atMost("condition.handledWithinDeadline", handledWithinDeadline, "handled", handled);
            nonNegative("condition.minutesToHandleTotal", minutesToHandleTotal);
        }
    }

    /**
     * Data-feed quality.
     *
     * @param bikesWithinReportInterval distinct bikes that never exceeded the required report interval
     *     ({@code rules.dataFeed.parkedReportIntervalMinutes} parked, {@code ridingReportIntervalSeconds} riding)
     * @param recordsReceived all records received from the operator's feed, valid or not
     * @param lateRecords records that arrived more than {@code lateAfterSeconds} after their event time
     * @param outOfOrderRecords records older than a record already received for the same bike
     * @param invalidRecords records rejected as unparseable or implausible (bad coordinates, unknown bike)
     * @param feedGaps periods of at least {@code gapMinutes} with no record at all from the operator
     * @param feedGapMinutes total length of those gaps, whole minutes
     */
    public record DataFeed(long bikesWithinReportInterval, long recordsReceived, long lateRecords,
            long outOfOrderRecords, long invalidRecords, long feedGaps, long feedGapMinutes) implements Serializable {
        public static final DataFeed NONE = new DataFeed(0, 0, 0, 0, 0, 0, 0);

        public DataFeed {
            nonNegative("dataFeed.bikesWithinReportInterval", bikesWithinReportInterval);
            nonNegative("dataFeed.recordsReceived", recordsReceived);
            atMost("dataFeed.lateRecords", lateRecords, "recordsReceived", recordsReceived);
            atMost("dataFeed.outOfOrderRecords", outOfOrderRecords, "recordsReceived", recordsReceived);
            atMost("dataFeed.invalidRecords", invalidRecords, "recordsReceived", recordsReceived);
            nonNegative("dataFeed.feedGaps", feedGaps);
            nonNegative("dataFeed.feedGapMinutes", feedGapMinutes);
        }
    }

    private static void nonNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative, was " + value);
        }
    }

    private static void atMost(String name, long value, String boundName, long bound) {
        nonNegative(name, value);
        if (value > bound) {
            throw new IllegalArgumentException(name + " (" + value + ") exceeds " + boundName + " (" + bound + ")");
        }
    }

    /** Fills an {@link OperatorMonthMetrics}; every section not set is zero (nothing observed). */
    public static final class Builder {
        private final String operator;
        private final YearMonth month;
        private Fleet fleet = Fleet.NONE;
        private NoPark noPark = NoPark.NONE;
        private Parking parking = Parking.NONE;
        private Accumulation accumulation = Accumulation.NONE;
        private long outOfAreaBikes;
        private long zombieBikes;
        private Condition condition = Condition.NONE;
        private DataFeed dataFeed = DataFeed.NONE;
        private final List<Evidence> evidence = new ArrayList<>();

        private Builder(String operator, YearMonth month) {
            this.operator = operator;
            this.month = month;
        }

        public Builder fleet(Fleet fleet) {
            this.fleet = fleet;
            return this;
        }

        /** Same distinct-bike count on every day of the month; handy for tests and examples. */
        public Builder fleetEveryDay(long distinctBikesPerDay, long distinctBikesInMonth, long peakParkedBikes) {
            SortedMap<LocalDate, Long> days = new TreeMap<>();
            for (int d = 1; d <= month.lengthOfMonth(); d++) {
                days.put(month.atDay(d), distinctBikesPerDay);
            }
            this.fleet = new Fleet(days, distinctBikesInMonth, peakParkedBikes);
            return this;
        }

        public Builder noPark(NoPark noPark) {
            this.noPark = noPark;
            return this;
        }

        public Builder parking(Parking parking) {
            this.parking = parking;
            return this;
        }

        public Builder accumulation(Accumulation accumulation) {
            this.accumulation = accumulation;
            return this;
        }

        public Builder outOfAreaBikes(long outOfAreaBikes) {
            this.outOfAreaBikes = outOfAreaBikes;
            return this;
        }

        public Builder zombieBikes(long zombieBikes) {
            this.zombieBikes = zombieBikes;
            return this;
        }

        public Builder condition(Condition condition) {
            this.condition = condition;
            return this;
        }

        public Builder dataFeed(DataFeed dataFeed) {
            this.dataFeed = dataFeed;
            return this;
        }

        public Builder evidence(Evidence e) {
            this.evidence.add(e);
            return this;
        }

        public OperatorMonthMetrics build() {
            return new OperatorMonthMetrics(operator, month, fleet, noPark, parking, accumulation, outOfAreaBikes,
                    zombieBikes, condition, dataFeed, evidence);
        }
    }
}
