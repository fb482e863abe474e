package org.bikefence.rules;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One operator's assessment for one month: score, grade, the categories and every deduction and bonus that
 * explain it, and the metric values they were computed from.
 *
 * @param score {@code base - sum(category deducted) + sum(category bonus)}, kept within floor..ceiling,
 *     2 decimals
 * @param floored whether the floor raised the score
 * @param ceilinged whether the ceiling cut bonuses
 * @param metricValues every metric the rule set prices, by metric id, as measured (2 decimals)
 */
public record MonthlyScore(
        String operator,
        YearMonth month,
        String ruleSetVersion,
        double score,
        boolean floored,
        boolean ceilinged,
        Grade grade,
        List<CategoryScore> categories,
        List<Deduction> deductions,
        List<Bonus> bonuses,
        Map<String, Double> metricValues) implements Serializable {

    public MonthlyScore {
        Objects.requireNonNull(operator, "operator");
        Objects.requireNonNull(month, "month");
        Objects.requireNonNull(ruleSetVersion, "ruleSetVersion");
        Objects.requireNonNull(grade, "grade");
        categories = List.copyOf(categories);
        deductions = List.copyOf(deductions);
        bonuses = List.copyOf(bonuses);
        metricValues = Map.copyOf(metricValues);
    }

    /** Whether the grade is a passing one; a failing operator gets no quota share. */
    public boolean passed() {
        return grade.pass();
    }

    /** Points the categories took, after category caps. */
    public double totalDeducted() {
        BigDecimal t = BigDecimal.ZERO;
        for (CategoryScore c : categories) {
            t = t.add(BigDecimal.valueOf(c.deducted()));
        }
        return t.doubleValue();
    }

    /** Points the categories added, after their bonus caps (before the ceiling). */
    public double totalBonus() {
        BigDecimal t = BigDecimal.ZERO;
        for (CategoryScore c : categories) {
            t = t.add(BigDecimal.valueOf(c.bonus()));
        }
        return t.doubleValue();
    }

    public CategoryScore category(String id) {
        return categories.stream().filter(c -> c.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no category " + id));
    }

    public Deduction deduction(String ruleId) {
        return deductions.stream().filter(d -> d.ruleId().equals(ruleId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no deduction " + ruleId));
    }
}
