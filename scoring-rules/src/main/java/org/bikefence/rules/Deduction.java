package org.bikefence.rules;

import java.io.Serializable;
import java.util.Objects;

/**
 * One line of a score's breakdown: which rule took how many points for which metric value.
 *
 * @param metric metric name, e.g. {@code no_park_violations}
 * @param ruleId rule parameter that priced it, e.g. {@code noPark.deductionPerViolation}
 * @param metricValue the metric as counted for the day
 * @param points points deducted, rounded to 2 decimals, after the rule's cap
 * @param capped whether the rule's daily cap cut the deduction
 */
public record Deduction(String metric, String ruleId, double metricValue, double points, boolean capped)
        implements Serializable {

    public Deduction {
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(ruleId, "ruleId");
    }
}
