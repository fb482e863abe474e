package org.bikefence.rules;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;

/** The no-parking-zone rule: how long a bike may stand in a no-park zone and what each violation costs. */
public final class NoParkRule implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Rule id, also the key under {@code rules:} in the YAML file. */
    public static final String ID = "noPark";

    /** Name of the daily metric this rule reads (and of the metric reported in each deduction). */
    public static final String METRIC = "no_park_violations";

    public static final int DEFAULT_GRACE_MINUTES = 10;
    public static final int DEFAULT_CLEAR_DEADLINE_MINUTES = 30;

    private final int graceMinutes;
    private final BigDecimal deductionPerViolation;
    private final BigDecimal maxDeduction;
    private final int clearDeadlineMinutes;

    public NoParkRule(int graceMinutes, BigDecimal deductionPerViolation, BigDecimal maxDeduction) {
        this(graceMinutes, deductionPerViolation, maxDeduction, DEFAULT_CLEAR_DEADLINE_MINUTES);
    }

    public NoParkRule(int graceMinutes, BigDecimal deductionPerViolation, BigDecimal maxDeduction,
            int clearDeadlineMinutes) {
        if (graceMinutes <= 0) {
            throw new IllegalArgumentException("graceMinutes must be > 0, was " + graceMinutes);
        }
        if (clearDeadlineMinutes <= 0) {
            throw new IllegalArgumentException("clearDeadlineMinutes must be > 0, was " + clearDeadlineMinutes);
        }
        this.graceMinutes = graceMinutes;
        this.deductionPerViolation = nonNegative("deductionPerViolation", deductionPerViolation);
        this.maxDeduction = nonNegative("maxDeduction", maxDeduction);
        this.clearDeadlineMinutes = clearDeadlineMinutes;
    }

    /** Convenience for tests and code: decimals given as strings stay exact ("0.1" is not 0.1000000000000000055). */
    public static NoParkRule of(int graceMinutes, String deductionPerViolation, String maxDeduction) {
        return new NoParkRule(graceMinutes, new BigDecimal(deductionPerViolation), new BigDecimal(maxDeduction));
    }

    public int graceMinutes() {
        return graceMinutes;
    }

    public Duration grace() {
        return Duration.ofMinutes(graceMinutes);
    }

    /** Minutes after opening within which a violation counts as cleared in time (monthly metric). */
    public int clearDeadlineMinutes() {
        return clearDeadlineMinutes;
    }

    public Duration clearDeadline() {
        return Duration.ofMinutes(clearDeadlineMinutes);
    }

    /** Points per violation opened during the day (daily live score). */
    public BigDecimal deductionPerViolation() {
        return deductionPerViolation;
    }

    /** Most points this rule can take from one operator in one day. */
    public BigDecimal maxDeduction() {
        return maxDeduction;
    }

    public String deductionRuleId() {
        return ID + ".deductionPerViolation";
    }

    private static BigDecimal nonNegative(String name, BigDecimal value) {
        Objects.requireNonNull(value, name);
        if (value.signum() < 0) {
            throw new IllegalArgumentException(name + " must not be negative, was " + value.toPlainString());
        }
        return value;
    }

    @Override
    public boolean equals(Object o) {
        // compareTo, not equals: 0.5 and 0.50 are the same rule.
        return o instanceof NoParkRule other
                && graceMinutes == other.graceMinutes
                && clearDeadlineMinutes == other.clearDeadlineMinutes
                && deductionPerViolation.compareTo(other.deductionPerViolation) == 0
                && maxDeduction.compareTo(other.maxDeduction) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(graceMinutes, clearDeadlineMinutes, deductionPerViolation.stripTrailingZeros(), maxDeduction.stripTrailingZeros());
    }

    @Override
    public String toString() {
        return "NoParkRule{graceMinutes=" + graceMinutes
                + ", deductionPerViolation=" + deductionPerViolation.toPlainString()
                + ", maxDeduction=" + maxDeduction.toPlainString()
                + ", clearDeadlineMinutes=" + clearDeadlineMinutes + '}';
    }
}
