package org.bikefence.rules;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/**
 * One operator's score for one day, with the rule-set version and the deductions that explain it.
 *
 * @param score base score minus all deductions, never below the rule set's floor, 2 decimals
 * @param floored whether the floor raised the score (the deductions add up to more than base - floor)
 */
public record ScoreResult(
        String operator,
        LocalDate day,
        String ruleSetVersion,
        double score,
        boolean floored,
        List<Deduction> deductions) implements Serializable {

    public ScoreResult {
        Objects.requireNonNull(operator, "operator");
        Objects.requireNonNull(day, "day");
        Objects.requireNonNull(ruleSetVersion, "ruleSetVersion");
        deductions = List.copyOf(deductions);
    }

    /** Sum of the deductions before the floor, exact to 2 decimals. */
    public double totalDeducted() {
        BigDecimal total = BigDecimal.ZERO;
        for (Deduction d : deductions) {
            total = total.add(BigDecimal.valueOf(d.points()));
        }
        return total.doubleValue();
    }
}
