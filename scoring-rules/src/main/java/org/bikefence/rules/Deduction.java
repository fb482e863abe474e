package org.bikefence.rules;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * One line of a score's breakdown: which rule took how many points for which metric value, in which category,
 * and the incidents behind it.
 *
 * @param metric metric id, e.g. {@code no_park_violations} or {@code parking_compliance_pct}
 * @param ruleId rule that priced it: the YAML path of its price, e.g. {@code noPark.deductionPerViolation}
 *     (daily) or {@code parking.compliance} (monthly, {@code rules.parking.scoring.compliance})
 * @param metricValue the metric as measured (count, percent, per 1,000 bikes ... see {@link Metric.Unit})
 * @param points points deducted, rounded to 2 decimals, after the rule's own cap (the category cap is
 *     applied to the category's sum, see {@link CategoryScore})
 * @param capped whether the rule's cap cut the deduction
 * @param category category id the points count against, or null for the daily score (no categories)
 * @param evidence the incidents of the metric's evidence kinds, empty when no points were deducted; kept in
 *     {@link Evidence#ORDER}
 */
public record Deduction(String metric, String ruleId, double metricValue, double points, boolean capped,
        String category, List<Evidence> evidence) implements Serializable {

    public Deduction {
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(ruleId, "ruleId");
        evidence = List.copyOf(evidence.stream().sorted(Evidence.ORDER).toList());
    }

    /** A daily-score deduction: no category, no evidence. */
    public Deduction(String metric, String ruleId, double metricValue, double points, boolean capped) {
        this(metric, ruleId, metricValue, points, capped, null, List.of());
    }
}
