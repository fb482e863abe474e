package org.bikefence.rules;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The monthly assessment arithmetic behind {@link Scorer#score(RuleSet, OperatorMonthMetrics)}. */
final class MonthlyScoring {

    private static final int SCALE = Scorer.SCALE;
    private static final RoundingMode ROUNDING = Scorer.ROUNDING;

    private MonthlyScoring() {
    }

    static MonthlyScore score(RuleSet rules, OperatorMonthMetrics m) {
        if (!rules.hasMonthlyAssessment()) {
            throw new IllegalArgumentException("Rule set " + rules.version()
                    + " has no categories/grades, so it only defines the daily score");
        }
        if (!rules.isEffectiveFor(m.month())) {
            // A month scored under rules not in force on its first day would publish a wrong, unappealable number.
            throw new IllegalArgumentException("Rule set " + rules.version() + " is effective "
                    + rules.effectiveFrom() + ".." + rules.effectiveUntil().map(Object::toString).orElse("")
                    + " but " + m.operator() + " metrics are for " + m.month());
        }
        Long quota = rules.operator(m.operator()).map(OperatorQuota::fleetQuota).orElse(null);

        Map<Metric, BigDecimal> values = new LinkedHashMap<>();
        Map<String, BigDecimal> deducted = new LinkedHashMap<>();
        Map<String, BigDecimal> added = new LinkedHashMap<>();
        List<Deduction> deductions = new ArrayList<>();
        List<Bonus> bonuses = new ArrayList<>();
        for (ScoringRule rule : rules.scoringRules()) {
            BigDecimal value = values.computeIfAbsent(rule.metric(), metric -> metric.measure(m, quota));
            BigDecimal uncapped = rule.uncappedPoints(value);
            boolean capped = rule.max() != null && uncapped.compareTo(rule.max()) > 0;
            // Rounded before summing, as in the daily score: the published lines add up to the published total.
            BigDecimal points = (capped ? rule.max() : uncapped).setScale(SCALE, ROUNDING);
            if (rule.isBonus()) {
                added.merge(rule.category(), points, BigDecimal::add);
                bonuses.add(new Bonus(rule.metric().id(), rule.id(), value.doubleValue(), points.doubleValue(),
                        capped, rule.category()));
            } else {
                deducted.merge(rule.category(), points, BigDecimal::add);
                List<Evidence> evidence = points.signum() == 0 ? List.of() : m.evidence().stream()
                        .filter(e -> rule.metric().evidenceKinds().contains(e.kind())).toList();
                deductions.add(new Deduction(rule.metric().id(), rule.id(), value.doubleValue(),
                        points.doubleValue(), capped, rule.category(), evidence));
            }
        }

        List<CategoryScore> categories = new ArrayList<>();
        BigDecimal raw = rules.baseScore();
        for (Category c : rules.categories()) {
            BigDecimal d = deducted.getOrDefault(c.id(), BigDecimal.ZERO);
            boolean capped = d.compareTo(c.points()) > 0;
            d = capped ? c.points() : d;
            BigDecimal b = added.getOrDefault(c.id(), BigDecimal.ZERO).min(c.maxBonus());
            categories.add(new CategoryScore(c.id(), c.nameZh(), c.points().doubleValue(),
                    d.setScale(SCALE, ROUNDING).doubleValue(), capped, b.setScale(SCALE, ROUNDING).doubleValue(),
                    c.points().subtract(d).add(b).setScale(SCALE, ROUNDING).doubleValue()));
            raw = raw.subtract(d).add(b);
        }
        boolean floored = raw.compareTo(rules.floor()) < 0;
        boolean ceilinged = raw.compareTo(rules.ceiling()) > 0;
        BigDecimal score = (floored ? rules.floor() : ceilinged ? rules.ceiling() : raw).setScale(SCALE, ROUNDING);

        Map<String, Double> metricValues = new LinkedHashMap<>();
        values.forEach((metric, v) -> metricValues.put(metric.id(), v.doubleValue()));
        return new MonthlyScore(m.operator(), m.month(), rules.version(), score.doubleValue(), floored, ceilinged,
                rules.gradeFor(score), categories, deductions, bonuses, metricValues);
    }

    static MonthlyAssessment assess(RuleSet rules, YearMonth month, Collection<OperatorMonthMetrics> metrics) {
        Set<String> seen = new HashSet<>();
        List<MonthlyScore> scores = new ArrayList<>();
        for (OperatorMonthMetrics m : metrics) {
            if (!m.month().equals(month)) {
                throw new IllegalArgumentException(m.operator() + " metrics are for " + m.month() + ", not " + month);
            }
            if (!seen.add(m.operator())) {
                throw new IllegalArgumentException(m.operator() + " has two sets of metrics for " + month);
            }
            scores.add(score(rules, m));
        }
        scores.sort(rankingOrder(rules.quota().tieBreak()));

        QuotaPolicy quota = rules.quota();
        List<RankedOperator> ranking = new ArrayList<>();
        BigDecimal allocated = BigDecimal.ZERO;
        for (int i = 0; i < scores.size(); i++) {
            MonthlyScore s = scores.get(i);
            boolean tied = scores.stream().anyMatch(o -> o != s && o.score() == s.score());
            BigDecimal share = s.passed() && i < quota.sharesByRankPct().size() ? quota.sharesByRankPct().get(i)
                    : BigDecimal.ZERO;
            allocated = allocated.add(share);
            Long bikes = quota.poolBikes() == null ? null
                    : BigDecimal.valueOf(quota.poolBikes()).multiply(share)
                            .divide(BigDecimal.valueOf(100), 0, RoundingMode.DOWN).longValueExact();
            ranking.add(new RankedOperator(i + 1, s.operator(), s.score(), s.grade().name(), s.passed(), tied,
                    share.doubleValue(), bikes));
        }
        return new MonthlyAssessment(rules.city(), rules.district().orElse(null), month, rules.version(), scores,
                ranking, BigDecimal.valueOf(100).subtract(allocated).doubleValue());
    }

    /** Score descending, then each tie-break category's score descending, then operator name ascending. */
    static Comparator<MonthlyScore> rankingOrder(List<String> tieBreak) {
        Comparator<MonthlyScore> order = Comparator.comparingDouble(MonthlyScore::score).reversed();
        for (String category : tieBreak) {
            order = order.thenComparing(
                    Comparator.comparingDouble((MonthlyScore s) -> s.category(category).score()).reversed());
        }
        return order.thenComparing(MonthlyScore::operator);
    }
}
