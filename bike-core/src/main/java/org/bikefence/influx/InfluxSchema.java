package org.bikefence.influx;

import org.bikefence.model.FenceSetEvent;
import org.bikefence.model.OperatorMinute;
import org.bikefence.model.OperatorScore;
import org.bikefence.model.ViolationEvent;
import org.bikefence.influx.InfluxPoint;

/**
 * The InfluxDB schema: how each result becomes a point. Every point's series and timestamp derive from
 * event data only, so a replay writes the same points and overwrites instead of duplicating.
 */
public final class InfluxSchema {
    public static final String VIOLATION = "violation";
    public static final String OPERATOR_MINUTE = "operator_minute";
    public static final String OPERATOR_SCORE = "operator_score";
    public static final String FENCE_SET = "fence_set";
    public static final String OPERATOR_MONTH = "operator_month";
    public static final String DEDUCTION = "deduction";
    public static final String OPERATOR_METRICS = "operator_metrics";
    public static final String OPERATOR_DAY = "operator_day";

    private InfluxSchema() {}

    /**
     * A violation point at its opening time; its closing rewrites the same point with the duration. The
     * fence_id tag is absent for violations that concern no fence (out of area, zombie, faulty).
     */
    public static InfluxPoint violation(ViolationEvent v) {
        InfluxPoint.Builder b = InfluxPoint.measurement(VIOLATION)
                .tag("operator", v.operator)
                .tag("type", v.type.wireName())
                .tag("fence_id", v.fenceId)
                .tag("bike_id", v.bikeId)
                .field("status", v.kind == ViolationEvent.Kind.OPENED ? "open" : "closed")
                .field("lat", v.lat)
                .field("lng", v.lng)
                .field("parked_since", v.parkedSince)
                .field("fence_set", v.fenceSetVersion)
                .time(v.openedAt);
        if (v.kind == ViolationEvent.Kind.CLOSED) {
            b.field("closed_at", v.closedAt).field("duration_s", v.durationMs() / 1000.0);
        }
        return b.build();
    }

    public static InfluxPoint minute(OperatorMinute m) {
        return InfluxPoint.measurement(OPERATOR_MINUTE)
                .tag("operator", m.operator)
                .field("bikes_seen", m.bikesSeen)
                .field("bikes_in_no_park", m.bikesInNoPark)
                .field("violations_opened", m.violationsOpened)
                .field("violations_closed", m.violationsClosed)
                .time(m.minuteStart)
                .build();
    }

    public static InfluxPoint score(OperatorScore s) {
        return InfluxPoint.measurement(OPERATOR_SCORE)
                .tag("operator", s.operator)
                .field("score", s.score)
                .field("rule_set", s.ruleSetVersion)
                .field("deduction", s.deduction)
                .field("no_park_violations", s.noParkViolations)
                .field("day", s.day)
                .time(s.asOf)
                .build();
    }

    /** A fence update's outcome, at its publication time, so the dashboards can show the active version. */
    public static InfluxPoint fenceSet(FenceSetEvent e) {
        return InfluxPoint.measurement(FENCE_SET)
                .tag("status", e.accepted ? "accepted" : "rejected")
                .tag("version", e.version == null ? "unknown" : e.version)
                .field("fences", e.fences)
                .field("reason", e.reason == null ? "" : e.reason)
                .field("source", e.source == null ? "" : e.source)
                .time(e.publishedAt)
                .build();
    }

    /**
     * A month's assessment: one {@code operator_month} point per operator (score, grade, rank, quota share,
     * category scores, metric values) and one {@code deduction} point per operator and priced rule, all at
     * the month's start, so each update overwrites the month's points.
     */
    public static java.util.List<InfluxPoint> assessment(org.bikefence.rules.MonthlyAssessment a,
            java.time.ZoneId zone) {
        long monthStart = a.month().atDay(1).atStartOfDay(zone).toInstant().toEpochMilli();
        java.util.List<InfluxPoint> points = new java.util.ArrayList<>();
        for (org.bikefence.rules.MonthlyScore s : a.scores()) {
            org.bikefence.rules.RankedOperator r = a.ranked(s.operator());
            InfluxPoint.Builder b = InfluxPoint.measurement(OPERATOR_MONTH)
                    .tag("operator", s.operator())
                    .field("score", s.score())
                    .field("grade", s.grade().name())
                    .field("grade_en", s.grade().nameEn() == null ? "" : s.grade().nameEn())
                    .field("passed", s.passed())
                    .field("rank", (long) r.rank())
                    .field("quota_share_pct", r.quotaSharePct())
                    .field("deducted", s.totalDeducted())
                    .field("bonus", s.totalBonus())
                    .field("rule_set", s.ruleSetVersion())
                    .time(monthStart);
            if (r.quotaBikes() != null) {
                b.field("quota_bikes", r.quotaBikes().longValue());
            }
            for (org.bikefence.rules.CategoryScore c : s.categories()) {
                b.field("cat_" + fieldName(c.id()), c.score());
            }
            s.metricValues().forEach((metric, value) -> b.field("m_" + fieldName(metric), value));
            points.add(b.build());
            for (org.bikefence.rules.Deduction d : s.deductions()) {
                StringBuilder ev = new StringBuilder();
                for (int i = 0; i < Math.min(20, d.evidence().size()); i++) {
                    ev.append(i == 0 ? "" : ";").append(d.evidence().get(i).id());
                }
                points.add(InfluxPoint.measurement(DEDUCTION)
                        .tag("operator", s.operator())
                        .tag("rule_id", d.ruleId())
                        .tag("category", d.category())
                        .field("metric", d.metric())
                        .field("value", d.metricValue())
                        .field("points", d.points())
                        .field("capped", d.capped())
                        .field("evidence_count", (long) d.evidence().size())
                        .field("evidence", ev.toString())
                        .field("rule_set", s.ruleSetVersion())
                        .time(monthStart)
                        .build());
            }
        }
        return points;
    }

    private static String fieldName(String id) {
        return id.replaceAll("[^A-Za-z0-9]", "_");
    }

    /**
     * The month's raw assessment counts of one operator (every metric the rule set can price, before
     * pricing), at the month's start, and the distinct bikes of the day the counts are as of.
     */
    public static java.util.List<InfluxPoint> monthCounts(org.bikefence.metrics.MonthCounts c, java.time.ZoneId zone) {
        long monthStart = java.time.YearMonth.parse(c.month).atDay(1).atStartOfDay(zone).toInstant().toEpochMilli();
        InfluxPoint month = InfluxPoint.measurement(OPERATOR_METRICS)
                .tag("operator", c.operator)
                .field("bikes", c.bikes)
                .field("peak_standing", c.peakStanding)
                .field("no_park_opened", c.noParkOpened)
                .field("no_park_closed", c.noParkClosed)
                .field("no_park_closed_within_deadline", c.noParkClosedWithinDeadline)
                .field("no_park_minutes_open", c.noParkMinutesOpen)
                .field("ride_ends_in_area", c.rideEndsInArea)
                .field("ride_ends_in_fence", c.rideEndsInFence)
                .field("fence_over_capacity_events", c.fenceOverCapacityEvents)
                .field("cell_over_threshold_events", c.cellOverThresholdEvents)
                .field("accumulation_cleared", c.accumulationCleared)
                .field("accumulation_cleared_within_deadline", c.accumulationClearedWithinDeadline)
                .field("accumulation_minutes_to_clear", c.accumulationMinutesToClear)
                .field("out_of_area_bikes", c.outOfAreaBikes)
                .field("zombie_bikes", c.zombieBikes)
                .field("faulty_bikes", c.faultyBikes)
                .field("faulty_handled", c.faultyHandled)
                .field("faulty_handled_within_deadline", c.faultyHandledWithinDeadline)
                .field("faulty_minutes_to_handle", c.faultyMinutesToHandle)
                .field("bikes_within_report_interval", c.bikesWithinReportInterval)
                .field("records", c.recordsReceived)
                .field("late_records", c.lateRecords)
                .field("out_of_order_records", c.outOfOrderRecords)
                .field("invalid_records", c.invalidRecords)
                .field("feed_gaps", c.feedGaps)
                .field("feed_gap_minutes", c.feedGapMinutes)
                .time(monthStart)
                .build();
        java.time.LocalDate day = java.time.Instant.ofEpochMilli(c.asOf).atZone(zone).toLocalDate();
        Long bikesToday = c.bikesByDay.get(day.toString());
        if (bikesToday == null) {
            return java.util.List.of(month);
        }
        return java.util.List.of(month, InfluxPoint.measurement(OPERATOR_DAY)
                .tag("operator", c.operator)
                .field("bikes_seen", bikesToday)
                .time(day.atStartOfDay(zone).toInstant().toEpochMilli())
                .build());
    }
}
