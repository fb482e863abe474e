package org.bikefence.rules;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Turns an operator's metrics into a score under a {@link RuleSet}: the daily live score (base minus the capped
 * no-park deduction) and the monthly assessment (categories, caps, bonuses, grade, ranking, quota shares).
 *
 * <p>All arithmetic is in {@link BigDecimal}. Each deduction is rounded to 2 decimals (HALF_UP) before it
 * is summed, so the published breakdown adds up exactly to the published score and an operator can check it
 * by hand.
 */
public final class Scorer implements Serializable {

    private static final long serialVersionUID = 1L;

    static final int SCALE = 2;
    static final RoundingMode ROUNDING = RoundingMode.HALF_UP;

    public ScoreResult score(RuleSet rules, OperatorDayMetrics metrics) {
        if (metrics.day().isBefore(rules.effectiveFrom())) {
            // A day scored under rules that were not yet in force would publish a wrong, unappealable number.
            throw new IllegalArgumentException("Rule set " + rules.version() + " is effective from "
                    + rules.effectiveFrom() + " but " + metrics.operator() + " metrics are for " + metrics.day());
        }
        List<Deduction> deductions = new ArrayList<>();
        deductions.add(noPark(rules.noPark(), metrics.noParkViolationsOpened()));

        BigDecimal total = BigDecimal.ZERO;
        for (Deduction d : deductions) {
            total = total.add(BigDecimal.valueOf(d.points()));
        }
        BigDecimal raw = rules.baseScore().subtract(total);
        boolean floored = raw.compareTo(rules.floor()) < 0;
        BigDecimal score = (floored ? rules.floor() : raw).setScale(SCALE, ROUNDING);
        return new ScoreResult(metrics.operator(), metrics.day(), rules.version(), score.doubleValue(), floored,
                deductions);
    }

    /**
     * One operator's monthly assessment under {@code rules}, which must be in force on the month's first day and
     * define categories and grades.
     */
    public MonthlyScore score(RuleSet rules, OperatorMonthMetrics metrics) {
        return MonthlyScoring.score(rules, metrics);
    }

    /** All operators of a month under one rule set: scores, ranking (deterministic tie-break) and quota shares. */
    public MonthlyAssessment assess(RuleSet rules, YearMonth month, Collection<OperatorMonthMetrics> metrics) {
        return MonthlyScoring.assess(rules, month, metrics);
    }

    /**
     * All operators of a month under the rule set the registry says was in force then, so that publishing
     * newer rules never changes a past month.
     */
    public MonthlyAssessment assess(RuleSetRegistry registry, String city, String district, YearMonth month,
            Collection<OperatorMonthMetrics> metrics) {
        return MonthlyScoring.assess(registry.forMonth(city, district, month), month, metrics);
    }

    private static Deduction noPark(NoParkRule rule, long violations) {
        BigDecimal uncapped = rule.deductionPerViolation().multiply(BigDecimal.valueOf(violations));
        boolean capped = uncapped.compareTo(rule.maxDeduction()) > 0;
        BigDecimal points = (capped ? rule.maxDeduction() : uncapped).setScale(SCALE, ROUNDING);
        return new Deduction(NoParkRule.METRIC, rule.deductionRuleId(), violations, points.doubleValue(), capped);
    }
}
