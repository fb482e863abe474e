package org.bikefence.rules;

import java.io.Serializable;
import java.util.Objects;

/**
 * Points a monthly bonus rule added (e.g. parking compliance of at least 97 %), before the category's
 * {@code maxBonus} cap.
 *
 * @param ruleId the bonus rule, e.g. {@code parking.excellence}
 */
public record Bonus(String metric, String ruleId, double metricValue, double points, boolean capped,
        String category) implements Serializable {

    public Bonus {
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(ruleId, "ruleId");
        Objects.requireNonNull(category, "category");
    }
}
