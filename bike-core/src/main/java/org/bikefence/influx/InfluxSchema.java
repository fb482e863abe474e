package org.bikefence.influx;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bikefence.model.AreaDelta;
import org.bikefence.model.FenceSetEvent;
import org.bikefence.model.RuleSetEvent;
import org.bikefence.model.OperatorMinute;
import org.bikefence.model.OperatorScore;
import org.bikefence.model.ViolationEvent;
import org.bikefence.rules.CategoryScore;
import org.bikefence.rules.Deduction;
import org.bikefence.rules.MonthlyAssessment;
import org.bikefence.rules.MonthlyScore;
import org.bikefence.rules.OperatorMonthMetrics;
import org.bikefence.rules.RankedOperator;

/**
 * The InfluxDB schema: every measurement bikefence writes, its tag and field keys, and one builder per kind
 * of point. The job, the ingest adapters and the report name measurements and keys only through these
 * constants, so the schema is written down once.
 *
 * <p>The job's points take their series and timestamp from event data only, so a replay writes the same
 * points and overwrites instead of duplicating. {@code feed_health} is the exception: it is processing-time
 * data by nature (see {@link #feedHealth}).
 */
public final class InfluxSchema {

    // Measurements.
    /** A violation, at its opening; its closing rewrites the point. Written by the job. */
    public static final String VIOLATION = "violation";
    /** One operator's minute: bikes seen, in no-park zones, standing, violations. Written by the job. */
    public static final String OPERATOR_MINUTE = "operator_minute";
    /** An operator's daily score, minute by minute. Written by the job. */
    public static final String OPERATOR_SCORE = "operator_score";
    /** A fence update's outcome. Written by the job. */
    public static final String FENCE_SET = "fence_set";
    /** A rule-set update's outcome. Written by the job. */
    public static final String RULE_SET = "rule_set";
    /** An operator's monthly assessment. Written by the job. */
    public static final String OPERATOR_MONTH = "operator_month";
    /** One priced rule of an operator's monthly assessment. Written by the job. */
    public static final String DEDUCTION = "deduction";
    /** An operator's raw month counts, before pricing. Written by the job. */
    public static final String OPERATOR_METRICS = "operator_metrics";
    /** An operator's peak of bikes standing at once on one day, against its fleet quota. Written by the job. */
    public static final String OPERATOR_STANDING_DAY = "operator_standing_day";
    /** An operator's open violations, open accumulations and bikes standing, every 5 minutes. Written by the job. */
    public static final String OPERATOR_NOW = "operator_now";
    /** An operator's distinct bikes of one day. Written by the job. */
    public static final String OPERATOR_DAY = "operator_day";
    /** Bikes standing in a parking fence, against its capacity. Written by the job. */
    public static final String FENCE_OCCUPANCY = "fence_occupancy";
    /** Bikes standing in an H3 cell. Written by the job. */
    public static final String CELL_OCCUPANCY = "cell_occupancy";
    /** One operator's bikes standing in a parking fence, against the fence's capacity. Written by the job. */
    public static final String FENCE_OPERATOR_OCCUPANCY = "fence_operator_occupancy";
    /** One operator's bikes standing in an H3 cell. Written by the job. */
    public static final String CELL_OPERATOR_OCCUPANCY = "cell_operator_occupancy";
    /** An accumulation episode (淤积) of a fence or a cell. Written by the job. */
    public static final String ACCUMULATION = "accumulation";
    /** Snapshots of each open violation (see {@link #violationNow}). */
    public static final String VIOLATION_NOW = "violation_now";
    /** Snapshots of each open accumulation event, per responsible operator (see {@link #accumulationNow}). */
    public static final String ACCUMULATION_NOW = "accumulation_now";
    /** Snapshots of each operator's bikes per parking fence (see {@link #fenceOperatorNow}). */
    public static final String FENCE_OPERATOR_NOW = "fence_operator_now";
    /** Snapshots of each operator's bikes per H3 cell (see {@link #cellOperatorNow}). */
    public static final String CELL_OPERATOR_NOW = "cell_operator_now";
    /** One fetch's health of one operator feed. Written by the ingest adapters. */
    public static final String FEED_HEALTH = "feed_health";

    // Tag keys.
    public static final String TAG_OPERATOR = "operator";
    public static final String TAG_TYPE = "type";
    public static final String TAG_FENCE_ID = "fence_id";
    public static final String TAG_BIKE_ID = "bike_id";
    public static final String TAG_STATUS = "status";
    public static final String TAG_VERSION = "version";
    public static final String TAG_RULE_ID = "rule_id";
    public static final String TAG_CATEGORY = "category";
    public static final String TAG_CELL = "cell";
    public static final String TAG_AREA = "area";
    public static final String TAG_AREA_ID = "area_id";
    public static final String TAG_FEED = "feed";

    // Field keys shared by several measurements.
    public static final String FIELD_STATUS = "status";
    public static final String FIELD_LAT = "lat";
    public static final String FIELD_LNG = "lng";
    public static final String FIELD_DURATION_S = "duration_s";
    public static final String FIELD_RULE_SET = "rule_set";
    public static final String FIELD_SCORE = "score";
    public static final String FIELD_BIKES = "bikes";
    public static final String FIELD_BIKES_SEEN = "bikes_seen";
    public static final String FIELD_RECORDS = "records";

    // violation
    public static final String FIELD_PARKED_SINCE = "parked_since";
    public static final String FIELD_FENCE_SET = "fence_set";
    public static final String FIELD_CLOSED_AT = "closed_at";
    // violation_now, accumulation_now
    public static final String FIELD_OPENED_AT = "opened_at";
    public static final String FIELD_OVER_SINCE = "over_since";
    public static final String FIELD_OPEN_S = "open_s";

    // operator_minute
    public static final String FIELD_BIKES_IN_NO_PARK = "bikes_in_no_park";
    public static final String FIELD_VIOLATIONS_OPENED = "violations_opened";
    public static final String FIELD_VIOLATIONS_CLOSED = "violations_closed";
    public static final String FIELD_BIKES_STANDING = "bikes_standing";

    // operator_now (and bikes_standing)
    public static final String FIELD_OPEN_NO_PARK = "open_no_park";
    public static final String FIELD_OPEN_OUT_OF_AREA = "open_out_of_area";
    public static final String FIELD_OPEN_ZOMBIE = "open_zombie";
    public static final String FIELD_OPEN_FAULTY_OVERDUE = "open_faulty_overdue";
    public static final String FIELD_OPEN_ACCUMULATIONS = "open_accumulations";

    // operator_standing_day (and peak_standing of operator_metrics)
    public static final String FIELD_FLEET_QUOTA = "fleet_quota";
    public static final String FIELD_PEAK_QUOTA_PCT = "peak_quota_pct";

    // operator_score
    public static final String FIELD_DEDUCTION = "deduction";
    public static final String FIELD_NO_PARK_VIOLATIONS = "no_park_violations";
    public static final String FIELD_DAY = "day";

    // fence_set
    public static final String FIELD_FENCES = "fences";
    public static final String FIELD_REASON = "reason";
    public static final String FIELD_SOURCE = "source";
    public static final String FIELD_EFFECTIVE_FROM = "effective_from";
    public static final String FIELD_NOTE = "note";

    // operator_month
    public static final String FIELD_GRADE = "grade";
    public static final String FIELD_GRADE_EN = "grade_en";
    public static final String FIELD_PASSED = "passed";
    public static final String FIELD_RANK = "rank";
    public static final String FIELD_QUOTA_SHARE_PCT = "quota_share_pct";
    public static final String FIELD_QUOTA_BIKES = "quota_bikes";
    public static final String FIELD_DEDUCTED = "deducted";
    public static final String FIELD_BONUS = "bonus";
    /** Prefix of an operator_month field per category of the rule set: {@code cat_<category>}. */
    public static final String CATEGORY_FIELD_PREFIX = "cat_";
    /** Prefix of an operator_month field per metric a rule prices: {@code m_<metric>}. */
    public static final String METRIC_FIELD_PREFIX = "m_";

    // deduction
    public static final String FIELD_METRIC = "metric";
    public static final String FIELD_VALUE = "value";
    public static final String FIELD_POINTS = "points";
    public static final String FIELD_CAPPED = "capped";
    public static final String FIELD_EVIDENCE_COUNT = "evidence_count";
    public static final String FIELD_EVIDENCE = "evidence";
    /** Evidence ids a deduction point lists; evidence_count has them all. */
    public static final int DEDUCTION_EVIDENCE_IDS = 20;

    // operator_metrics
    public static final String FIELD_PEAK_STANDING = "peak_standing";
    public static final String FIELD_NO_PARK_OPENED = "no_park_opened";
    public static final String FIELD_NO_PARK_CLOSED = "no_park_closed";
    public static final String FIELD_NO_PARK_CLOSED_WITHIN_DEADLINE = "no_park_closed_within_deadline";
    public static final String FIELD_NO_PARK_MINUTES_OPEN = "no_park_minutes_open";
    public static final String FIELD_RIDE_ENDS_IN_AREA = "ride_ends_in_area";
    public static final String FIELD_RIDE_ENDS_IN_FENCE = "ride_ends_in_fence";
    public static final String FIELD_FENCE_OVER_CAPACITY_EVENTS = "fence_over_capacity_events";
    public static final String FIELD_CELL_OVER_THRESHOLD_EVENTS = "cell_over_threshold_events";
    public static final String FIELD_ACCUMULATION_CLEARED = "accumulation_cleared";
    public static final String FIELD_ACCUMULATION_CLEARED_WITHIN_DEADLINE = "accumulation_cleared_within_deadline";
    public static final String FIELD_ACCUMULATION_MINUTES_TO_CLEAR = "accumulation_minutes_to_clear";
    public static final String FIELD_OUT_OF_AREA_BIKES = "out_of_area_bikes";
    public static final String FIELD_ZOMBIE_BIKES = "zombie_bikes";
    public static final String FIELD_FAULTY_BIKES = "faulty_bikes";
    public static final String FIELD_FAULTY_HANDLED = "faulty_handled";
    public static final String FIELD_FAULTY_HANDLED_WITHIN_DEADLINE = "faulty_handled_within_deadline";
    public static final String FIELD_FAULTY_MINUTES_TO_HANDLE = "faulty_minutes_to_handle";
    public static final String FIELD_BIKES_WITHIN_REPORT_INTERVAL = "bikes_within_report_interval";
    public static final String FIELD_LATE_RECORDS = "late_records";
    public static final String FIELD_OUT_OF_ORDER_RECORDS = "out_of_order_records";
    public static final String FIELD_INVALID_RECORDS = "invalid_records";
    public static final String FIELD_FEED_GAPS = "feed_gaps";
    public static final String FIELD_FEED_GAP_MINUTES = "feed_gap_minutes";

    // fence_occupancy
    public static final String FIELD_CAPACITY = "capacity";

    // accumulation
    public static final String FIELD_LIMIT = "limit";
    public static final String FIELD_PEAK_BIKES = "peak_bikes";
    public static final String FIELD_OPERATORS = "operators";

    // feed_health
    public static final String FIELD_INVALID_SHARE = "invalid_share";
    public static final String FIELD_STALE_SHARE = "stale_share";
    public static final String FIELD_DUPLICATE_IDS = "duplicate_ids";
    public static final String FIELD_CONSECUTIVE_FAILURES = "consecutive_failures";
    public static final String FIELD_LAST_SUCCESS_MS = "last_success_ms";
    public static final String FIELD_FRESHEST_AGE_S = "freshest_age_s";
    public static final String FIELD_ERROR = "error";

    // Values of the status tag and fields.
    public static final String STATUS_OPEN = "open";
    public static final String STATUS_CLOSED = "closed";
    /** A violation_now series' last status when the tracker forgot the bike with the violation open. */
    public static final String STATUS_UNTRACKED = "untracked";
    public static final String STATUS_CLEARED = "cleared";
    public static final String STATUS_ACCEPTED = "accepted";
    public static final String STATUS_REJECTED = "rejected";
    /** The version tag of a rejected fence update that named none. */
    public static final String VERSION_UNKNOWN = "unknown";

    private InfluxSchema() {}

    /**
     * A violation point at its opening time; its closing rewrites the same point with the duration. The
     * fence_id tag is absent for violations that concern no fence (out of area, zombie, faulty).
     */
    public static InfluxPoint violation(ViolationEvent v) {
        InfluxPoint.Builder b = InfluxPoint.measurement(VIOLATION)
                .tag(TAG_OPERATOR, v.operator)
                .tag(TAG_TYPE, v.type.wireName())
                .tag(TAG_FENCE_ID, v.fenceId)
                .tag(TAG_BIKE_ID, v.bikeId)
                .field(FIELD_STATUS, v.kind == ViolationEvent.Kind.OPENED ? STATUS_OPEN : STATUS_CLOSED)
                .field(FIELD_LAT, v.lat)
                .field(FIELD_LNG, v.lng)
                .field(FIELD_PARKED_SINCE, v.parkedSince)
                .field(FIELD_FENCE_SET, v.fenceSetVersion)
                .time(v.openedAt);
        if (v.kind == ViolationEvent.Kind.CLOSED) {
            b.field(FIELD_CLOSED_AT, v.closedAt).field(FIELD_DURATION_S, v.durationMs() / 1000.0);
        }
        return b.build();
    }

    /** One operator's minute, at the minute's start. */
    public static InfluxPoint minute(OperatorMinute m) {
        return InfluxPoint.measurement(OPERATOR_MINUTE)
                .tag(TAG_OPERATOR, m.operator)
                .field(FIELD_BIKES_SEEN, m.bikesSeen)
                .field(FIELD_BIKES_IN_NO_PARK, m.bikesInNoPark)
                .field(FIELD_VIOLATIONS_OPENED, m.violationsOpened)
                .field(FIELD_VIOLATIONS_CLOSED, m.violationsClosed)
                .field(FIELD_BIKES_STANDING, m.bikesStanding)
                .time(m.minuteStart)
                .build();
    }

    /**
     * The points of one operator's minute: its {@code operator_minute} point and, when the day's peak of bikes
     * standing changed with it, the day's {@link #standingDay} point.
     */
    public static List<InfluxPoint> minutePoints(OperatorMinute m) {
        if (m.nowSnapshots.length == 0) {
            return m.dayPeakChanged ? List.of(minute(m), standingDay(m)) : List.of(minute(m));
        }
        List<InfluxPoint> points = new ArrayList<>();
        points.add(minute(m));
        if (m.dayPeakChanged) {
            points.add(standingDay(m));
        }
        points.addAll(now(m));
        return points;
    }

    /**
     * The operator's {@code operator_now} snapshots due with a minute, one point per snapshot time: the figures
     * as of that time, so a "now" panel reads the last snapshot and needs no look-back window.
     */
    public static List<InfluxPoint> now(OperatorMinute m) {
        List<InfluxPoint> points = new ArrayList<>();
        long[] g = m.nowSnapshots;
        for (int i = 0; i + OperatorMinute.NOW_GROUP <= g.length; i += OperatorMinute.NOW_GROUP) {
            for (long t = g[i + OperatorMinute.NOW_FROM]; t <= g[i + OperatorMinute.NOW_TO];
                    t += OperatorMinute.NOW_INTERVAL_MS) {
                points.add(InfluxPoint.measurement(OPERATOR_NOW)
                        .tag(TAG_OPERATOR, m.operator)
                        .field(FIELD_BIKES_STANDING, g[i + OperatorMinute.NOW_STANDING])
                        .field(FIELD_OPEN_NO_PARK, g[i + OperatorMinute.NOW_OPEN_NO_PARK])
                        .field(FIELD_OPEN_OUT_OF_AREA, g[i + OperatorMinute.NOW_OPEN_OUT_OF_AREA])
                        .field(FIELD_OPEN_ZOMBIE, g[i + OperatorMinute.NOW_OPEN_ZOMBIE])
                        .field(FIELD_OPEN_FAULTY_OVERDUE, g[i + OperatorMinute.NOW_OPEN_FAULTY_OVERDUE])
                        .field(FIELD_OPEN_ACCUMULATIONS, g[i + OperatorMinute.NOW_OPEN_ACCUMULATIONS])
                        .time(t)
                        .build());
            }
        }
        return points;
    }

    /**
     * An operator's most bikes standing at once on a day so far, against its fleet quota (fields omitted when the
     * rule set names no quota), at the day's start, so each rise rewrites the day's point.
     */
    public static InfluxPoint standingDay(OperatorMinute m) {
        InfluxPoint.Builder b = InfluxPoint.measurement(OPERATOR_STANDING_DAY)
                .tag(TAG_OPERATOR, m.operator)
                .field(FIELD_PEAK_STANDING, m.dayPeakStanding)
                .time(m.dayStart);
        if (m.fleetQuota > 0) {
            b.field(FIELD_FLEET_QUOTA, m.fleetQuota)
                    .field(FIELD_PEAK_QUOTA_PCT, 100.0 * m.dayPeakStanding / m.fleetQuota);
        }
        return b.build();
    }

    /** An operator's daily score as of a minute, at that minute. */
    public static InfluxPoint score(OperatorScore s) {
        return InfluxPoint.measurement(OPERATOR_SCORE)
                .tag(TAG_OPERATOR, s.operator)
                .field(FIELD_SCORE, s.score)
                .field(FIELD_RULE_SET, s.ruleSetVersion)
                .field(FIELD_DEDUCTION, s.deduction)
                .field(FIELD_NO_PARK_VIOLATIONS, s.noParkViolations)
                .field(FIELD_DAY, s.day)
                .time(s.asOf)
                .build();
    }

    /** A fence update's outcome, at its publication time, so the dashboards can show the active version. */
    public static InfluxPoint fenceSet(FenceSetEvent e) {
        return InfluxPoint.measurement(FENCE_SET)
                .tag(TAG_STATUS, e.accepted ? STATUS_ACCEPTED : STATUS_REJECTED)
                .tag(TAG_VERSION, e.version == null ? VERSION_UNKNOWN : e.version)
                .field(FIELD_FENCES, e.fences)
                .field(FIELD_REASON, e.reason == null ? "" : e.reason)
                .field(FIELD_SOURCE, e.source == null ? "" : e.source)
                .time(e.publishedAt)
                .build();
    }

    /** A rule-set update's outcome, at its publication time. */
    public static InfluxPoint ruleSet(RuleSetEvent e) {
        return InfluxPoint.measurement(RULE_SET)
                .tag(TAG_STATUS, e.accepted ? STATUS_ACCEPTED : STATUS_REJECTED)
                .tag(TAG_VERSION, e.version == null ? VERSION_UNKNOWN : e.version)
                .field(FIELD_EFFECTIVE_FROM, e.effectiveFrom == null ? "" : e.effectiveFrom)
                .field(FIELD_REASON, e.reason == null ? "" : e.reason)
                .field(FIELD_NOTE, e.note == null ? "" : e.note)
                .field(FIELD_SOURCE, e.source == null ? "" : e.source)
                .time(e.publishedAt)
                .build();
    }

    /**
     * A month's assessment: one {@code operator_month} point per operator (score, grade, rank, quota share,
     * category scores, metric values) and one {@code deduction} point per operator and priced rule, all at
     * the month's start, so each update overwrites the month's points.
     */
    public static List<InfluxPoint> assessment(MonthlyAssessment a, ZoneId zone) {
        long monthStart = a.month().atDay(1).atStartOfDay(zone).toInstant().toEpochMilli();
        List<InfluxPoint> points = new ArrayList<>();
        for (MonthlyScore s : a.scores()) {
            RankedOperator r = a.ranked(s.operator());
            InfluxPoint.Builder b = InfluxPoint.measurement(OPERATOR_MONTH)
                    .tag(TAG_OPERATOR, s.operator())
                    .field(FIELD_SCORE, s.score())
                    .field(FIELD_GRADE, s.grade().name())
                    .field(FIELD_GRADE_EN, s.grade().nameEn() == null ? "" : s.grade().nameEn())
                    .field(FIELD_PASSED, s.passed())
                    .field(FIELD_RANK, (long) r.rank())
                    .field(FIELD_QUOTA_SHARE_PCT, r.quotaSharePct())
                    .field(FIELD_DEDUCTED, s.totalDeducted())
                    .field(FIELD_BONUS, s.totalBonus())
                    .field(FIELD_RULE_SET, s.ruleSetVersion())
                    .time(monthStart);
            if (r.quotaBikes() != null) {
                b.field(FIELD_QUOTA_BIKES, r.quotaBikes().longValue());
            }
            for (CategoryScore c : s.categories()) {
                b.field(categoryField(c.id()), c.score());
            }
            s.metricValues().forEach((metric, value) -> b.field(metricField(metric), value));
            points.add(b.build());
            for (Deduction d : s.deductions()) {
                StringBuilder ev = new StringBuilder();
                for (int i = 0; i < Math.min(DEDUCTION_EVIDENCE_IDS, d.evidence().size()); i++) {
                    ev.append(i == 0 ? "" : ";").append(d.evidence().get(i).id());
                }
                points.add(InfluxPoint.measurement(DEDUCTION)
                        .tag(TAG_OPERATOR, s.operator())
                        .tag(TAG_RULE_ID, d.ruleId())
                        .tag(TAG_CATEGORY, d.category())
                        .field(FIELD_METRIC, d.metric())
                        .field(FIELD_VALUE, d.metricValue())
                        .field(FIELD_POINTS, d.points())
                        .field(FIELD_CAPPED, d.capped())
                        .field(FIELD_EVIDENCE_COUNT, (long) d.evidence().size())
                        .field(FIELD_EVIDENCE, ev.toString())
                        .field(FIELD_RULE_SET, s.ruleSetVersion())
                        .time(monthStart)
                        .build());
            }
        }
        return points;
    }

    /** The operator_month field of a rule-set category. */
    public static String categoryField(String categoryId) {
        return CATEGORY_FIELD_PREFIX + fieldName(categoryId);
    }

    /** The operator_month field of a metric. */
    public static String metricField(String metricId) {
        return METRIC_FIELD_PREFIX + fieldName(metricId);
    }

    private static final java.util.regex.Pattern NOT_FIELD_CHAR = java.util.regex.Pattern.compile("[^A-Za-z0-9]");

    /**
     * The id with every code point other than A-Z, a-z and 0-9 replaced by '_'. It runs per point, so ASCII ids
     * skip the regex.
     */
    static String fieldName(String id) {
        char[] out = null;
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
            if (c >= 0x80) {
                return NOT_FIELD_CHAR.matcher(id).replaceAll("_");
            }
            if (!keep) {
                if (out == null) {
                    out = id.toCharArray();
                }
                out[i] = '_';
            }
        }
        return out == null ? id : new String(out);
    }

    /**
     * The month's raw assessment counts of one operator (every metric the rule set can price, before
     * pricing), at the month's start, and the distinct bikes of the day the counts are as of.
     *
     * @param asOf the minute (epoch ms) the counts are as of; no operator_day point when that day saw no bike
     */
    public static List<InfluxPoint> operatorMetrics(OperatorMonthMetrics m, long asOf, ZoneId zone) {
        long monthStart = m.month().atDay(1).atStartOfDay(zone).toInstant().toEpochMilli();
        OperatorMonthMetrics.NoPark noPark = m.noPark();
        OperatorMonthMetrics.Accumulation acc = m.accumulation();
        OperatorMonthMetrics.Condition condition = m.condition();
        OperatorMonthMetrics.DataFeed feed = m.dataFeed();
        InfluxPoint month = InfluxPoint.measurement(OPERATOR_METRICS)
                .tag(TAG_OPERATOR, m.operator())
                .field(FIELD_BIKES, m.fleet().distinctBikesInMonth())
                .field(FIELD_PEAK_STANDING, m.fleet().peakParkedBikes())
                .field(FIELD_NO_PARK_OPENED, noPark.violations())
                .field(FIELD_NO_PARK_CLOSED, noPark.closed())
                .field(FIELD_NO_PARK_CLOSED_WITHIN_DEADLINE, noPark.closedWithinDeadline())
                .field(FIELD_NO_PARK_MINUTES_OPEN, noPark.minutesOpenTotal())
                .field(FIELD_RIDE_ENDS_IN_AREA, m.parking().rideEndsInManagedArea())
                .field(FIELD_RIDE_ENDS_IN_FENCE, m.parking().rideEndsInParkingFence())
                .field(FIELD_FENCE_OVER_CAPACITY_EVENTS, acc.fenceOverCapacityEvents())
                .field(FIELD_CELL_OVER_THRESHOLD_EVENTS, acc.cellOverThresholdEvents())
                .field(FIELD_ACCUMULATION_CLEARED, acc.cleared())
                .field(FIELD_ACCUMULATION_CLEARED_WITHIN_DEADLINE, acc.clearedWithinDeadline())
                .field(FIELD_ACCUMULATION_MINUTES_TO_CLEAR, acc.minutesToClearTotal())
                .field(FIELD_OUT_OF_AREA_BIKES, m.outOfAreaBikes())
                .field(FIELD_ZOMBIE_BIKES, m.zombieBikes())
                .field(FIELD_FAULTY_BIKES, condition.faultyBikes())
                .field(FIELD_FAULTY_HANDLED, condition.handled())
                .field(FIELD_FAULTY_HANDLED_WITHIN_DEADLINE, condition.handledWithinDeadline())
                .field(FIELD_FAULTY_MINUTES_TO_HANDLE, condition.minutesToHandleTotal())
                .field(FIELD_BIKES_WITHIN_REPORT_INTERVAL, feed.bikesWithinReportInterval())
                .field(FIELD_RECORDS, feed.recordsReceived())
                .field(FIELD_LATE_RECORDS, feed.lateRecords())
                .field(FIELD_OUT_OF_ORDER_RECORDS, feed.outOfOrderRecords())
                .field(FIELD_INVALID_RECORDS, feed.invalidRecords())
                .field(FIELD_FEED_GAPS, feed.feedGaps())
                .field(FIELD_FEED_GAP_MINUTES, feed.feedGapMinutes())
                .time(monthStart)
                .build();
        LocalDate day = Instant.ofEpochMilli(asOf).atZone(zone).toLocalDate();
        Long bikesToday = m.fleet().distinctBikesByDay().get(day);
        if (bikesToday == null) {
            return List.of(month);
        }
        return List.of(month, InfluxPoint.measurement(OPERATOR_DAY)
                .tag(TAG_OPERATOR, m.operator())
                .field(FIELD_BIKES_SEEN, bikesToday)
                .time(day.atStartOfDay(zone).toInstant().toEpochMilli())
                .build());
    }

    /** Bikes standing in a parking fence from {@code minute} on, with the fence's capacity. */
    public static InfluxPoint fenceOccupancy(String fenceId, long bikes, long capacity, long minute) {
        return InfluxPoint.measurement(FENCE_OCCUPANCY)
                .tag(TAG_FENCE_ID, fenceId)
                .field(FIELD_BIKES, bikes)
                .field(FIELD_CAPACITY, capacity)
                .time(minute)
                .build();
    }

    /** Bikes standing in an H3 cell (hex id) from {@code minute} on, with the cell's centre for maps. */
    public static InfluxPoint cellOccupancy(String cell, long bikes, double centreLat, double centreLng, long minute) {
        return InfluxPoint.measurement(CELL_OCCUPANCY)
                .tag(TAG_CELL, cell)
                .field(FIELD_BIKES, bikes)
                .field(FIELD_LAT, centreLat)
                .field(FIELD_LNG, centreLng)
                .time(minute)
                .build();
    }

    /**
     * One operator's bikes standing in a parking fence from {@code minute} on, with the fence's capacity: the
     * operator's part of {@link #fenceOccupancy}, a series of its own so the all-operator series stay as they are.
     */
    public static InfluxPoint fenceOperatorOccupancy(String fenceId, String operator, long bikes, long capacity,
            long minute) {
        return InfluxPoint.measurement(FENCE_OPERATOR_OCCUPANCY)
                .tag(TAG_FENCE_ID, fenceId)
                .tag(TAG_OPERATOR, operator)
                .field(FIELD_BIKES, bikes)
                .field(FIELD_CAPACITY, capacity)
                .time(minute)
                .build();
    }

    /**
     * One operator's bikes standing in an H3 cell (hex id) from {@code minute} on, with the cell's centre: the
     * operator's part of {@link #cellOccupancy}, so a pile on the map can be traced to its operator.
     */
    public static InfluxPoint cellOperatorOccupancy(String cell, String operator, long bikes, double centreLat,
            double centreLng, long minute) {
        return InfluxPoint.measurement(CELL_OPERATOR_OCCUPANCY)
                .tag(TAG_CELL, cell)
                .tag(TAG_OPERATOR, operator)
                .field(FIELD_BIKES, bikes)
                .field(FIELD_LAT, centreLat)
                .field(FIELD_LNG, centreLng)
                .time(minute)
                .build();
    }

    /**
     * An accumulation episode at the time the area went over its limit; its clearing rewrites the point with
     * the duration.
     *
     * @param cellOperator the operator whose bikes pile up in a cell; null for a fence (one episode for all)
     * @param operators the operators held responsible
     * @param clearedAt when the area was back under its limit, or -1 while the episode is open
     */
    public static InfluxPoint accumulation(AreaDelta.Area area, String areaId, String cellOperator, long limit,
            long peakBikes, List<String> operators, long overSince, long clearedAt) {
        InfluxPoint.Builder b = InfluxPoint.measurement(ACCUMULATION)
                .tag(TAG_AREA, area.name().toLowerCase(Locale.ROOT))
                .tag(TAG_AREA_ID, areaId)
                .tag(TAG_OPERATOR, cellOperator)
                .field(FIELD_STATUS, clearedAt < 0 ? STATUS_OPEN : STATUS_CLEARED)
                .field(FIELD_LIMIT, limit)
                .field(FIELD_PEAK_BIKES, peakBikes)
                .field(FIELD_OPERATORS, String.join(";", operators))
                .time(overSince);
        if (clearedAt >= 0) {
            b.field(FIELD_DURATION_S, (clearedAt - overSince) / 1000.0);
        }
        return b.build();
    }

    /**
     * A violation as of a snapshot time {@code at}: {@code status} open, at the bike's position, with how long it has
     * been open; or, at the first snapshot after it closed, {@code status} closed (so the series' last point says it
     * is no longer open), or untracked when it left the view because the tracker forgot the bike (it is not closed).
     * One series per bike, type and fence, as in {@link #violation}.
     */
    public static InfluxPoint violationNow(String operator, String type, String bikeId, String fenceId, double lat,
            double lng, long parkedSince, long openedAt, String status, long at) {
        return InfluxPoint.measurement(VIOLATION_NOW)
                .tag(TAG_OPERATOR, operator)
                .tag(TAG_TYPE, type)
                .tag(TAG_FENCE_ID, fenceId)
                .tag(TAG_BIKE_ID, bikeId)
                .field(FIELD_STATUS, status)
                .field(FIELD_LAT, lat)
                .field(FIELD_LNG, lng)
                .field(FIELD_PARKED_SINCE, parkedSince)
                .field(FIELD_OPENED_AT, openedAt)
                .field(FIELD_OPEN_S, (at - openedAt) / 1000L)
                .time(at)
                .build();
    }

    /**
     * An accumulation event an operator is responsible for, as of a snapshot time {@code at}: open, or cleared at the
     * first snapshot after it cleared.
     *
     * @param area {@code fence} or {@code cell}
     */
    public static InfluxPoint accumulationNow(String area, String areaId, String operator, long overSince,
            boolean open, long at) {
        return InfluxPoint.measurement(ACCUMULATION_NOW)
                .tag(TAG_AREA, area)
                .tag(TAG_AREA_ID, areaId)
                .tag(TAG_OPERATOR, operator)
                .field(FIELD_STATUS, open ? STATUS_OPEN : STATUS_CLEARED)
                .field(FIELD_OVER_SINCE, overSince)
                .field(FIELD_OPEN_S, (at - overSince) / 1000L)
                .time(at)
                .build();
    }

    /**
     * One operator's bikes standing in a parking fence as of a snapshot time: written while there are any, and once
     * with 0 at the first snapshot after the last left.
     */
    public static InfluxPoint fenceOperatorNow(String fenceId, String operator, long bikes, long capacity, long at) {
        return InfluxPoint.measurement(FENCE_OPERATOR_NOW)
                .tag(TAG_FENCE_ID, fenceId)
                .tag(TAG_OPERATOR, operator)
                .field(FIELD_BIKES, bikes)
                .field(FIELD_CAPACITY, capacity)
                .time(at)
                .build();
    }

    /** One operator's bikes standing in an H3 cell as of a snapshot time, as {@link #fenceOperatorNow}. */
    public static InfluxPoint cellOperatorNow(String cell, String operator, long bikes, double centreLat,
            double centreLng, long at) {
        return InfluxPoint.measurement(CELL_OPERATOR_NOW)
                .tag(TAG_CELL, cell)
                .tag(TAG_OPERATOR, operator)
                .field(FIELD_BIKES, bikes)
                .field(FIELD_LAT, centreLat)
                .field(FIELD_LNG, centreLng)
                .time(at)
                .build();
    }

    /**
     * One fetch's health of one operator feed, at the fetch time: processing-time data by nature, so unlike the
     * job's points a replay cannot reproduce it. Takes plain values, as this module knows no ingest types.
     *
     * @param lastSuccessMs fetch time of the last published fetch; null before the first (field omitted)
     * @param freshestAgeMs age of the newest usable position; null when there was none (field omitted)
     * @param error reason code of a failed fetch; null for a success (field omitted)
     */
    public static InfluxPoint feedHealth(String operator, String feed, long fetchTimeMs, Long lastSuccessMs,
            long records, double invalidShare, double staleShare, Long freshestAgeMs, long duplicateIds,
            long consecutiveFailures, String error) {
        InfluxPoint.Builder b = InfluxPoint.measurement(FEED_HEALTH)
                .tag(TAG_OPERATOR, operator)
                .tag(TAG_FEED, feed)
                .field(FIELD_RECORDS, records)
                .field(FIELD_INVALID_SHARE, invalidShare)
                .field(FIELD_STALE_SHARE, staleShare)
                .field(FIELD_DUPLICATE_IDS, duplicateIds)
                .field(FIELD_CONSECUTIVE_FAILURES, consecutiveFailures)
                .time(fetchTimeMs);
        if (lastSuccessMs != null) {
            b.field(FIELD_LAST_SUCCESS_MS, lastSuccessMs.longValue());
        }
        if (freshestAgeMs != null) {
            b.field(FIELD_FRESHEST_AGE_S, freshestAgeMs / 1000.0);
        }
        if (error != null) {
            b.field(FIELD_ERROR, error);
        }
        return b.build();
    }
}
