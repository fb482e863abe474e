package org.bikefence.rules;

import java.io.Serializable;
import java.time.YearMonth;
import java.util.List;

/**
 * All operators' scores for one month under one rule-set version, their ranking and quota shares.
 *
 * @param scores in ranking order
 * @param ranking in ranking order
 * @param withheldSharePct share of the pool no operator earned (failing operators' shares, unused ranks)
 */
public record MonthlyAssessment(String city, String district, YearMonth month, String ruleSetVersion,
        List<MonthlyScore> scores, List<RankedOperator> ranking, double withheldSharePct) implements Serializable {

    public MonthlyAssessment {
        scores = List.copyOf(scores);
        ranking = List.copyOf(ranking);
    }

    public RankedOperator ranked(String operator) {
        return ranking.stream().filter(r -> r.operator().equals(operator)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no operator " + operator));
    }

    public MonthlyScore score(String operator) {
        return scores.stream().filter(s -> s.operator().equals(operator)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no operator " + operator));
    }
}
