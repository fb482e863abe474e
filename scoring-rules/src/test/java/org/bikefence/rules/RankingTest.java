package org.bikefence.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.bikefence.rules.MonthlyRules.MONTH;
import static org.bikefence.rules.MonthlyRules.metrics;

import java.time.YearMonth;
import java.util.List;
import org.junit.jupiter.api.Test;

class RankingTest {

    /** Zombies cost order points, out-of-area bikes cost data points, one point each. */
    private static final String RULES = """
              zombies:
                scoring:
                  count: { category: order, metric: bikes, pointsPerUnit: 1 }
              outOfArea:
                scoring:
                  count: { category: data, metric: bikes, pointsPerUnit: 1 }
            """;

    private static RuleSet rules(String quota) {
        return MonthlyRules.with(RULES, quota);
    }

    private static final String XIAMEN_QUOTA = """
            ranking:
              tieBreak: [order]
            quota:
              poolBikes: 999
              sharesByRankPct: [50, 30, 20]
            """;

    private final Scorer scorer = new Scorer();

    private static OperatorMonthMetrics op(String name, int zombies, int outOfArea) {
        return metrics(name).zombieBikes(zombies).outOfAreaBikes(outOfArea).build();
    }

    @Test
    void sharesTheQuotaPoolFiftyThirtyTwentyByRank() {
        MonthlyAssessment a = scorer.assess(rules(XIAMEN_QUOTA), MONTH, List.of(op("A", 9, 0), op("B", 1, 0),
                op("C", 5, 0)));

        assertThat(a.ranking()).extracting(RankedOperator::rank, RankedOperator::operator,
                        RankedOperator::quotaSharePct, RankedOperator::quotaBikes)
                .containsExactly(tuple(1, "B", 50.0, 499L), tuple(2, "C", 30.0, 299L), tuple(3, "A", 20.0, 199L));
        assertThat(a.withheldSharePct()).isZero();
        assertThat(a.scores()).extracting(MonthlyScore::operator).containsExactly("B", "C", "A");
    }

    @Test
    void aFailingOperatorGetsNothingAndItsShareIsWithheld() {
        // B fails (score 55 < 60) in second place: its 30 % is not passed down to C.
        MonthlyAssessment a = scorer.assess(rules(XIAMEN_QUOTA), MONTH, List.of(op("A", 0, 0), op("B", 45, 0),
                op("C", 50, 0)));

        assertThat(a.ranking()).extracting(RankedOperator::operator, RankedOperator::passed,
                        RankedOperator::quotaSharePct)
                .containsExactly(tuple("A", true, 50.0), tuple("B", false, 0.0), tuple("C", false, 0.0));
        assertThat(a.ranked("B").grade()).isEqualTo("不合格");
        assertThat(a.withheldSharePct()).isEqualTo(50.0);
    }

    @Test
    void operatorsBeyondTheListedRanksGetNothing() {
        MonthlyAssessment a = scorer.assess(rules(XIAMEN_QUOTA), MONTH, List.of(op("A", 1, 0), op("B", 2, 0),
                op("C", 3, 0), op("D", 4, 0)));

        assertThat(a.ranked("D")).extracting(RankedOperator::rank, RankedOperator::quotaSharePct)
                .containsExactly(4, 0.0);
    }

    @Test
    void equalScoresAreDecidedByTheTieBreakCategory() {
        // Both score 90: A lost 10 order points, B lost 10 data points; order is the tie-break, so B ranks first.
        MonthlyAssessment a = scorer.assess(rules(XIAMEN_QUOTA), MONTH, List.of(op("A", 10, 0), op("B", 0, 10)));

        assertThat(a.ranking()).extracting(RankedOperator::operator, RankedOperator::score,
                RankedOperator::tiedOnScore).containsExactly(tuple("B", 90.0, true), tuple("A", 90.0, true));
    }

    @Test
    void fullyTiedOperatorsAreOrderedByName() {
        MonthlyAssessment a = scorer.assess(rules(XIAMEN_QUOTA), MONTH, List.of(op("C", 3, 2), op("A", 3, 2),
                op("B", 3, 2)));

        assertThat(a.ranking()).extracting(RankedOperator::operator).containsExactly("A", "B", "C");
        // The input order never matters.
        assertThat(scorer.assess(rules(XIAMEN_QUOTA), MONTH, List.of(op("B", 3, 2), op("C", 3, 2), op("A", 3, 2)))
                .ranking()).isEqualTo(a.ranking());
    }

    @Test
    void withoutATieBreakListEqualScoresFallBackToName() {
        MonthlyAssessment a = scorer.assess(rules(""), MONTH, List.of(op("B", 10, 0), op("A", 0, 10)));

        assertThat(a.ranking()).extracting(RankedOperator::operator, RankedOperator::quotaSharePct,
                RankedOperator::quotaBikes).containsExactly(tuple("A", 0.0, null), tuple("B", 0.0, null));
        assertThat(a.withheldSharePct()).isEqualTo(100.0);
    }

    @Test
    void rejectsMetricsOfAnotherMonthOrTwiceTheSameOperator() {
        RuleSet rules = rules(XIAMEN_QUOTA);
        OperatorMonthMetrics april = OperatorMonthMetrics.builder("A", YearMonth.of(2026, 4)).build();

        assertThatThrownBy(() -> scorer.assess(rules, MONTH, List.of(april)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2026-04");
        assertThatThrownBy(() -> scorer.assess(rules, MONTH, List.of(op("A", 0, 0), op("A", 1, 0))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two sets");
    }
}
