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
        return Map.of(
                "violation", new Measurement(Set.of("operator", "type", "fence_id", "bike_id"),
                        Set.of("status", "lat", "lng", "parked_since", "fence_set", "closed_at", "duration_s")),
                "operator_minute", new Measurement(Set.of("operator"),
                        Set.of("bikes_seen", "bikes_in_no_park", "violations_opened", "violations_closed")),
                "operator_score", new Measurement(Set.of("operator"),
                        Set.of("score", "deduction", "no_park_violations", "rule_set", "day")),
                "operator_month", new Measurement(Set.of("operator"), month),
                "deduction", new Measurement(Set.of("operator", "rule_id", "category"),
                        Set.of("metric", "value", "points", "capped", "evidence_count", "evidence", "rule_set")),
                "fence_set", new Measurement(Set.of("status", "version"), Set.of("fences", "reason", "source")),
                "feed_health", new Measurement(Set.of("operator", "feed"),
                        Set.of("last_success_ms", "records", "invalid_share", "stale_share", "freshest_age_s",
                                "duplicate_ids", "consecutive_failures", "error")));
    }
}
