package org.bikefence.rules;

import static org.bikefence.rules.Evidence.Kind.ACCUMULATION_CLEARED_LATE;
import static org.bikefence.rules.Evidence.Kind.CELL_OVER_THRESHOLD;
import static org.bikefence.rules.Evidence.Kind.FAULTY;
import static org.bikefence.rules.Evidence.Kind.FAULTY_HANDLED_LATE;
import static org.bikefence.rules.Evidence.Kind.FEED_GAP;
import static org.bikefence.rules.Evidence.Kind.FENCE_OVER_CAPACITY;
import static org.bikefence.rules.Evidence.Kind.FLEET_OVER_QUOTA_DAY;
import static org.bikefence.rules.Evidence.Kind.INVALID_RECORD;
import static org.bikefence.rules.Evidence.Kind.LATE_RECORD;
import static org.bikefence.rules.Evidence.Kind.NO_PARK_CLEARED_LATE;
import static org.bikefence.rules.Evidence.Kind.NO_PARK_VIOLATION;
import static org.bikefence.rules.Evidence.Kind.OUT_OF_AREA;
import static org.bikefence.rules.Evidence.Kind.OUT_OF_ORDER_RECORD;
import static org.bikefence.rules.Evidence.Kind.PARKED_OVER_QUOTA;
import static org.bikefence.rules.Evidence.Kind.REPORT_INTERVAL_MISSED;
import static org.bikefence.rules.Evidence.Kind.RIDE_END_OUTSIDE_PARKING_FENCE;
import static org.bikefence.rules.Evidence.Kind.ZOMBIE;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A monthly metric a scoring rule can price, derived from {@link OperatorMonthMetrics}. Values are rounded
 * HALF_UP to 2 decimals before any rule reads them, so a published metric value and the points it cost can be
 * checked by hand.
 *
 * <p>Empty denominators: a share of "good" outcomes with nothing to judge is 100 % (no violations means all
 * were cleared in time), a share of "bad" outcomes is 0 %, a mean over nothing is 0.
 */
public enum Metric {
    NO_PARK_VIOLATIONS(MetricFamily.NO_PARK, "violations", Unit.COUNT, NO_PARK_VIOLATION),
    NO_PARK_VIOLATIONS_PER_1000_BIKES(MetricFamily.NO_PARK, "violationsPer1000Bikes", Unit.PER_1000_BIKES,
            NO_PARK_VIOLATION),
    NO_PARK_CLEARED_WITHIN_DEADLINE_PCT(MetricFamily.NO_PARK, "clearedWithinDeadlinePct", Unit.PERCENT,
            NO_PARK_CLEARED_LATE),
    NO_PARK_MEAN_MINUTES_TO_CLEAR(MetricFamily.NO_PARK, "meanMinutesToClear", Unit.MINUTES, NO_PARK_CLEARED_LATE),

    PARKING_COMPLIANCE_PCT(MetricFamily.PARKING, "compliancePct", Unit.PERCENT, RIDE_END_OUTSIDE_PARKING_FENCE),

    ACCUMULATION_FENCE_OVER_CAPACITY_EVENTS(MetricFamily.ACCUMULATION, "fenceOverCapacityEvents", Unit.COUNT,
            FENCE_OVER_CAPACITY),
    ACCUMULATION_CELL_OVER_THRESHOLD_EVENTS(MetricFamily.ACCUMULATION, "cellOverThresholdEvents", Unit.COUNT,
            CELL_OVER_THRESHOLD),
    ACCUMULATION_EVENTS(MetricFamily.ACCUMULATION, "events", Unit.COUNT, FENCE_OVER_CAPACITY, CELL_OVER_THRESHOLD),
    ACCUMULATION_CLEARED_WITHIN_DEADLINE_PCT(MetricFamily.ACCUMULATION, "clearedWithinDeadlinePct", Unit.PERCENT,
            ACCUMULATION_CLEARED_LATE),
    ACCUMULATION_MEAN_MINUTES_TO_CLEAR(MetricFamily.ACCUMULATION, "meanMinutesToClear", Unit.MINUTES,
            ACCUMULATION_CLEARED_LATE),

    FLEET_MEAN_DAILY_BIKES(MetricFamily.FLEET, "meanDailyBikes", Unit.COUNT),
    FLEET_DAYS_OVER_QUOTA(MetricFamily.FLEET, "daysOverQuota", Unit.DAYS, FLEET_OVER_QUOTA_DAY),
    FLEET_MAX_OVER_QUOTA_PCT(MetricFamily.FLEET, "maxOverQuotaPct", Unit.PERCENT, FLEET_OVER_QUOTA_DAY),
    FLEET_PEAK_PARKED_OVER_QUOTA_PCT(MetricFamily.FLEET, "peakParkedOverQuotaPct", Unit.PERCENT, PARKED_OVER_QUOTA),

    OUT_OF_AREA_BIKES(MetricFamily.OUT_OF_AREA, "bikes", Unit.COUNT, OUT_OF_AREA),
    OUT_OF_AREA_BIKES_PER_1000_BIKES(MetricFamily.OUT_OF_AREA, "bikesPer1000Bikes", Unit.PER_1000_BIKES,
            OUT_OF_AREA),

    ZOMBIE_BIKES(MetricFamily.ZOMBIES, "bikes", Unit.COUNT, ZOMBIE),
    ZOMBIE_BIKES_PER_1000_BIKES(MetricFamily.ZOMBIES, "bikesPer1000Bikes", Unit.PER_1000_BIKES, ZOMBIE),

    CONDITION_FAULTY_PCT(MetricFamily.CONDITION, "faultyPct", Unit.PERCENT, FAULTY),
    CONDITION_HANDLED_WITHIN_DEADLINE_PCT(MetricFamily.CONDITION, "handledWithinDeadlinePct", Unit.PERCENT,
            FAULTY_HANDLED_LATE),
    CONDITION_MEAN_HOURS_TO_HANDLE(MetricFamily.CONDITION, "meanHoursToHandle", Unit.HOURS, FAULTY_HANDLED_LATE),

    DATA_BIKES_WITHIN_REPORT_INTERVAL_PCT(MetricFamily.DATA_FEED, "bikesWithinReportIntervalPct", Unit.PERCENT,
            REPORT_INTERVAL_MISSED),
    DATA_LATE_RECORDS_PCT(MetricFamily.DATA_FEED, "lateRecordsPct", Unit.PERCENT, LATE_RECORD),
    DATA_OUT_OF_ORDER_RECORDS_PCT(MetricFamily.DATA_FEED, "outOfOrderRecordsPct", Unit.PERCENT, OUT_OF_ORDER_RECORD),
    DATA_INVALID_RECORDS_PCT(MetricFamily.DATA_FEED, "invalidRecordsPct", Unit.PERCENT, INVALID_RECORD),
    DATA_FEED_GAPS(MetricFamily.DATA_FEED, "feedGaps", Unit.COUNT, FEED_GAP),
    DATA_FEED_GAP_MINUTES(MetricFamily.DATA_FEED, "feedGapMinutes", Unit.MINUTES, FEED_GAP);

    /** What a metric value counts; a percentage is 0–100, not 0–1. */
    public enum Unit { COUNT, DAYS, PER_1000_BIKES, PERCENT, MINUTES, HOURS }

    static final int SCALE = 2;
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private final MetricFamily family;
    private final String key;
    private final Unit unit;
    private final Set<Evidence.Kind> evidenceKinds;

    Metric(MetricFamily family, String key, Unit unit, Evidence.Kind... evidenceKinds) {
        this.family = family;
        this.key = key;
        this.unit = unit;
        this.evidenceKinds = evidenceKinds.length == 0 ? EnumSet.noneOf(Evidence.Kind.class)
                : EnumSet.copyOf(Arrays.asList(evidenceKinds));
    }

    public MetricFamily family() {
        return family;
    }

    /** Name in the YAML file, unique within the family, e.g. {@code violationsPer1000Bikes}. */
    public String key() {
        return key;
    }

    /** Name recorded in deductions and data tags, e.g. {@code no_park_violations_per_1000_bikes}. */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public Unit unit() {
        return unit;
    }

    /** Kinds of {@link Evidence} that back a deduction on this metric. */
    public Set<Evidence.Kind> evidenceKinds() {
        return evidenceKinds;
    }

    public boolean needsFleetQuota() {
        return this == FLEET_DAYS_OVER_QUOTA || this == FLEET_MAX_OVER_QUOTA_PCT
                || this == FLEET_PEAK_PARKED_OVER_QUOTA_PCT;
    }

    public static Optional<Metric> find(MetricFamily family, String key) {
        return Arrays.stream(values()).filter(m -> m.family == family && m.key.equals(key)).findFirst();
    }

    public static List<String> keys(MetricFamily family) {
        return Arrays.stream(values()).filter(m -> m.family == family).map(Metric::key).sorted().toList();
    }

    /**
     * The metric's value for one operator-month, 2 decimals.
     *
     * @param fleetQuota the operator's fleet quota (bikes); only read by fleet-over-quota metrics
     */
    public BigDecimal measure(OperatorMonthMetrics m, Long fleetQuota) {
        return raw(m, fleetQuota).setScale(SCALE, RoundingMode.HALF_UP);
    }

    private BigDecimal raw(OperatorMonthMetrics m, Long quota) {
        OperatorMonthMetrics.Fleet f = m.fleet();
        return switch (this) {
            case NO_PARK_VIOLATIONS -> big(m.noPark().violations());
            case NO_PARK_VIOLATIONS_PER_1000_BIKES -> per1000(m.noPark().violations(), f);
            case NO_PARK_CLEARED_WITHIN_DEADLINE_PCT ->
                    pct(m.noPark().closedWithinDeadline(), m.noPark().violations(), HUNDRED);
            case NO_PARK_MEAN_MINUTES_TO_CLEAR -> mean(m.noPark().minutesOpenTotal(), m.noPark().closed());
            case PARKING_COMPLIANCE_PCT ->
                    pct(m.parking().rideEndsInParkingFence(), m.parking().rideEndsInManagedArea(), HUNDRED);
            case ACCUMULATION_FENCE_OVER_CAPACITY_EVENTS -> big(m.accumulation().fenceOverCapacityEvents());
            case ACCUMULATION_CELL_OVER_THRESHOLD_EVENTS -> big(m.accumulation().cellOverThresholdEvents());
            case ACCUMULATION_EVENTS -> big(m.accumulation().events());
            case ACCUMULATION_CLEARED_WITHIN_DEADLINE_PCT ->
                    pct(m.accumulation().clearedWithinDeadline(), m.accumulation().events(), HUNDRED);
            case ACCUMULATION_MEAN_MINUTES_TO_CLEAR ->
                    mean(m.accumulation().minutesToClearTotal(), m.accumulation().cleared());
            case FLEET_MEAN_DAILY_BIKES -> meanDailyBikes(f);
            case FLEET_DAYS_OVER_QUOTA -> big(f.distinctBikesByDay().values().stream()
                    .filter(n -> n > requireQuota(m, quota)).count());
            case FLEET_MAX_OVER_QUOTA_PCT -> overQuotaPct(
                    f.distinctBikesByDay().values().stream().mapToLong(Long::longValue).max().orElse(0),
                    requireQuota(m, quota));
            case FLEET_PEAK_PARKED_OVER_QUOTA_PCT -> overQuotaPct(f.peakParkedBikes(), requireQuota(m, quota));
            case OUT_OF_AREA_BIKES -> big(m.outOfAreaBikes());
            case OUT_OF_AREA_BIKES_PER_1000_BIKES -> per1000(m.outOfAreaBikes(), f);
            case ZOMBIE_BIKES -> big(m.zombieBikes());
            case ZOMBIE_BIKES_PER_1000_BIKES -> per1000(m.zombieBikes(), f);
            case CONDITION_FAULTY_PCT -> bikeShare(m, m.condition().faultyBikes(), BigDecimal.ZERO);
            case CONDITION_HANDLED_WITHIN_DEADLINE_PCT ->
                    pct(m.condition().handledWithinDeadline(), m.condition().faultyBikes(), HUNDRED);
            case CONDITION_MEAN_HOURS_TO_HANDLE -> m.condition().handled() == 0 ? BigDecimal.ZERO
                    : big(m.condition().minutesToHandleTotal())
                            .divide(big(m.condition().handled() * 60), 10, RoundingMode.HALF_UP);
            case DATA_BIKES_WITHIN_REPORT_INTERVAL_PCT ->
                    bikeShare(m, m.dataFeed().bikesWithinReportInterval(), HUNDRED);
            case DATA_LATE_RECORDS_PCT -> pct(m.dataFeed().lateRecords(), m.dataFeed().recordsReceived(),
                    BigDecimal.ZERO);
            case DATA_OUT_OF_ORDER_RECORDS_PCT -> pct(m.dataFeed().outOfOrderRecords(),
                    m.dataFeed().recordsReceived(), BigDecimal.ZERO);
            case DATA_INVALID_RECORDS_PCT -> pct(m.dataFeed().invalidRecords(), m.dataFeed().recordsReceived(),
                    BigDecimal.ZERO);
            case DATA_FEED_GAPS -> big(m.dataFeed().feedGaps());
            case DATA_FEED_GAP_MINUTES -> big(m.dataFeed().feedGapMinutes());
        };
    }

    private static BigDecimal big(long n) {
        return BigDecimal.valueOf(n);
    }

    private static BigDecimal pct(long part, long whole, BigDecimal whenEmpty) {
        if (whole == 0) {
            return whenEmpty;
        }
        return big(part).multiply(HUNDRED).divide(big(whole), 10, RoundingMode.HALF_UP);
    }

    private static BigDecimal mean(long total, long n) {
        return n == 0 ? BigDecimal.ZERO : big(total).divide(big(n), 10, RoundingMode.HALF_UP);
    }

    private BigDecimal bikeShare(OperatorMonthMetrics m, long bikes, BigDecimal whenEmpty) {
        long fleet = m.fleet().distinctBikesInMonth();
        if (bikes > fleet) {
            throw new IllegalArgumentException(m.operator() + " " + m.month() + ": " + id() + " counts " + bikes
                    + " bikes but fleet.distinctBikesInMonth is " + fleet);
        }
        return pct(bikes, fleet, whenEmpty);
    }

    /** Mean of the daily distinct-bike counts; the fleet size that per-1,000-bike rates divide by. */
    private static BigDecimal meanDailyBikes(OperatorMonthMetrics.Fleet f) {
        if (f.distinctBikesByDay().isEmpty()) {
            return BigDecimal.ZERO;
        }
        long sum = f.distinctBikesByDay().values().stream().mapToLong(Long::longValue).sum();
        return big(sum).divide(big(f.distinctBikesByDay().size()), 10, RoundingMode.HALF_UP);
    }

    private BigDecimal per1000(long count, OperatorMonthMetrics.Fleet f) {
        long sum = f.distinctBikesByDay().values().stream().mapToLong(Long::longValue).sum();
        if (sum == 0) {
            if (count == 0) {
                return BigDecimal.ZERO;
            }
            throw new IllegalArgumentException(id() + ": " + count + " incidents but no bikes seen in the month"
                    + " (fleet.distinctBikesByDay is empty or all zero), so no per-1,000-bike rate exists");
        }
        // count / (sum / days) * 1000, in one division so the only rounding is the final one.
        return big(count).multiply(big(1000L * f.distinctBikesByDay().size())).divide(big(sum), 10,
                RoundingMode.HALF_UP);
    }

    private static BigDecimal overQuotaPct(long bikes, long quota) {
        return bikes <= quota ? BigDecimal.ZERO
                : big(bikes - quota).multiply(HUNDRED).divide(big(quota), 10, RoundingMode.HALF_UP);
    }

    private long requireQuota(OperatorMonthMetrics m, Long quota) {
        if (quota == null) {
            throw new IllegalArgumentException("metric " + id() + " needs the fleet quota of operator '"
                    + m.operator() + "', which the rule set's operators: section does not list");
        }
        return quota;
    }
}
