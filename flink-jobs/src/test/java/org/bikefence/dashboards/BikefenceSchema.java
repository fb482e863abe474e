package org.bikefence.dashboards;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.bikefence.rules.Category;
import org.bikefence.rules.Metric;
import org.bikefence.rules.RuleSet;

/**
 * The InfluxDB schema as README's "InfluxDB schema" and "InfluxDB schema: feed_health" tables document it:
 * what the job and the ingest adapters write, per measurement. The dashboards may query nothing else.
 */
final class BikefenceSchema {

    /** Tags and fields of one measurement. */
    record Measurement(Set<String> tags, Set<String> fields) {
        boolean has(String identifier) {
            return tags.contains(identifier) || fields.contains(identifier);
        }
    }

    private BikefenceSchema() {}

    /**
     * The documented schema; {@code operator_month} has a {@code cat_<category>} field per category of the rule
     * set and may have an {@code m_<metric>} field per metric a rule prices.
     */
    static Map<String, Measurement> of(RuleSet rules) {
        Set<String> month = new LinkedHashSet<>(Set.of("score", "deducted", "bonus", "grade", "grade_en", "passed",
                "rank", "quota_share_pct", "quota_bikes", "rule_set"));
        for (Category c : rules.categories()) {
            month.add("cat_" + c.id().replaceAll("[^A-Za-z0-9]", "_"));
        }
        for (Metric m : Metric.values()) {
            month.add("m_" + m.id().replaceAll("[^A-Za-z0-9]", "_"));
        }
        return Map.ofEntries(
                Map.entry("violation", new Measurement(Set.of("operator", "type", "fence_id", "bike_id"),
                        Set.of("status", "lat", "lng", "parked_since", "fence_set", "closed_at", "duration_s"))),
                Map.entry("operator_minute", new Measurement(Set.of("operator"),
                        Set.of("bikes_seen", "bikes_in_no_park", "violations_opened", "violations_closed",
                                "bikes_standing"))),
                Map.entry("operator_now", new Measurement(Set.of("operator"),
                        Set.of("bikes_standing", "open_no_park", "open_out_of_area", "open_zombie",
                                "open_faulty_overdue", "open_accumulations"))),
                Map.entry("violation_now", new Measurement(Set.of("operator", "type", "fence_id", "bike_id"),
                        Set.of("status", "lat", "lng", "parked_since", "opened_at", "open_s"))),
                Map.entry("accumulation_now", new Measurement(Set.of("area", "area_id", "operator"),
                        Set.of("status", "over_since", "open_s"))),
                Map.entry("fence_operator_now", new Measurement(Set.of("fence_id", "operator"),
                        Set.of("bikes", "capacity"))),
                Map.entry("cell_operator_now", new Measurement(Set.of("cell", "operator"),
                        Set.of("bikes", "lat", "lng"))),
                Map.entry("operator_standing_day", new Measurement(Set.of("operator"),
                        Set.of("peak_standing", "fleet_quota", "peak_quota_pct"))),
                Map.entry("operator_score", new Measurement(Set.of("operator"),
                        Set.of("score", "deduction", "no_park_violations", "rule_set", "day"))),
                Map.entry("operator_month", new Measurement(Set.of("operator"), month)),
                Map.entry("deduction", new Measurement(Set.of("operator", "rule_id", "category"),
                        Set.of("metric", "value", "points", "capped", "evidence_count", "evidence", "rule_set"))),
                Map.entry("operator_metrics", new Measurement(Set.of("operator"),
                        Set.of("bikes", "peak_standing", "no_park_opened", "no_park_closed",
                                "no_park_closed_within_deadline", "no_park_minutes_open", "ride_ends_in_area",
                                "ride_ends_in_fence", "fence_over_capacity_events", "cell_over_threshold_events",
                                "accumulation_cleared", "accumulation_cleared_within_deadline",
                                "accumulation_minutes_to_clear", "out_of_area_bikes", "zombie_bikes", "faulty_bikes",
                                "faulty_handled", "faulty_handled_within_deadline", "faulty_minutes_to_handle",
                                "bikes_within_report_interval", "records", "late_records", "out_of_order_records",
                                "invalid_records", "feed_gaps", "feed_gap_minutes"))),
                Map.entry("operator_day", new Measurement(Set.of("operator"), Set.of("bikes_seen"))),
                Map.entry("fence_occupancy", new Measurement(Set.of("fence_id"), Set.of("bikes", "capacity"))),
                Map.entry("cell_occupancy", new Measurement(Set.of("cell"), Set.of("bikes", "lat", "lng"))),
                Map.entry("fence_operator_occupancy", new Measurement(Set.of("fence_id", "operator"),
                        Set.of("bikes", "capacity"))),
                Map.entry("cell_operator_occupancy", new Measurement(Set.of("cell", "operator"),
                        Set.of("bikes", "lat", "lng"))),
                Map.entry("accumulation", new Measurement(Set.of("area", "area_id", "operator"),
                        Set.of("status", "limit", "peak_bikes", "operators", "duration_s"))),
                Map.entry("fence_set", new Measurement(Set.of("status", "version"), Set.of("fences", "reason", "source"))),
                Map.entry("feed_health", new Measurement(Set.of("operator", "feed"),
                        Set.of("last_success_ms", "records", "invalid_share", "stale_share", "freshest_age_s",
                                "duplicate_ids", "consecutive_failures", "error"))));
    }
}
