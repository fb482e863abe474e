package org.bikefence.rules;

import java.io.Serializable;
import java.time.LocalDate;
import java.util.Objects;

/**
 * What one operator did on one scoring day, as counted by the streaming job; the input to {@link Scorer}.
 *
 * @param operator operator name as it appears in the data, e.g. "Hello", "Meituan", "Qingju"
 * @param day the scoring day in the rule set's time zone
 * @param noParkViolationsOpened no-park violations that began (passed the grace period) during the day
 */
public record OperatorDayMetrics(String operator, LocalDate day, long noParkViolationsOpened)
        implements Serializable {

    public OperatorDayMetrics {
        if (operator == null || operator.isBlank()) {
            throw new IllegalArgumentException("operator is required");
        }
        Objects.requireNonNull(day, "day");
        if (noParkViolationsOpened < 0) {
            throw new IllegalArgumentException(
                    "noParkViolationsOpened must not be negative, was " + noParkViolationsOpened);
        }
    }
}
