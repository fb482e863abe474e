package org.bikefence.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class ScorerTest {

    private static final LocalDate DAY = LocalDate.of(2026, 3, 2);
    private static final RuleSet HULI = RuleSetLoader.loadDefault();

    private final Scorer scorer = new Scorer();

    @Test
    void operatorWithNoViolationsKeepsTheBaseScore() {
        ScoreResult result = scorer.score(HULI, metrics(0));

        assertThat(result.score()).isEqualTo(100.0);
        assertThat(result.operator()).isEqualTo("Meituan");
        assertThat(result.day()).isEqualTo(DAY);
        assertThat(result.ruleSetVersion()).isEqualTo("huli-2026.1");
        assertThat(result.floored()).isFalse();
        assertThat(result.deductions()).containsExactly(
                new Deduction("no_park_violations", "noPark.deductionPerViolation", 0, 0.0, false));
    }

    @Test
    void deductsHalfAPointPerNoParkViolation() {
        ScoreResult result = scorer.score(HULI, metrics(7));

        assertThat(result.score()).isEqualTo(96.5);
        assertThat(result.deductions()).containsExactly(
                new Deduction("no_park_violations", "noPark.deductionPerViolation", 7, 3.5, false));
        assertThat(result.totalDeducted()).isEqualTo(3.5);
    }

    @Test
    void deductionReachingTheCapExactlyIsNotMarkedCapped() {
        ScoreResult result = scorer.score(HULI, metrics(80));

        assertThat(result.score()).isEqualTo(60.0);
        assertThat(result.deductions().get(0).capped()).isFalse();
    }

    @Test
    void capsTheNoParkDeductionPerDay() {
        ScoreResult result = scorer.score(HULI, metrics(500));

        assertThat(result.score()).isEqualTo(60.0);
        assertThat(result.deductions()).containsExactly(
                new Deduction("no_park_violations", "noPark.deductionPerViolation", 500, 40.0, true));
    }

    @Test
    void neverScoresBelowTheFloor() {
        RuleSet harsh = rules(NoParkRule.of(10, "30", "200"), "0");

        ScoreResult result = scorer.score(harsh, metrics(5));

        assertThat(result.score()).isEqualTo(0.0);
        assertThat(result.floored()).isTrue();
        assertThat(result.deductions().get(0).points()).isEqualTo(150.0);
    }

    @Test
    void respectsANonZeroFloor() {
        RuleSet harsh = rules(NoParkRule.of(10, "30", "200"), "20");

        assertThat(scorer.score(harsh, metrics(3)).score()).isEqualTo(20.0);
        assertThat(scorer.score(harsh, metrics(2)).score()).isEqualTo(40.0);
    }

    @Test
    void tenthOfAPointStepsDoNotDriftInBinary() {
        RuleSet tenth = rules(NoParkRule.of(10, "0.1", "40"), "0");

        assertThat(scorer.score(tenth, metrics(3)).score()).isEqualTo(99.7);
        assertThat(scorer.score(tenth, metrics(1)).score()).isEqualTo(99.9);
        assertThat(scorer.score(tenth, metrics(7)).score()).isEqualTo(99.3);
        assertThat(scorer.score(tenth, metrics(3)).deductions().get(0).points()).isEqualTo(0.3);
    }

    @Test
    void roundsDeductionsHalfUpToTwoDecimals() {
        RuleSet odd = rules(NoParkRule.of(10, "0.125", "40"), "0");

        ScoreResult one = scorer.score(odd, metrics(1));
        assertThat(one.deductions().get(0).points()).isEqualTo(0.13);
        assertThat(one.score()).isEqualTo(99.87);

        assertThat(scorer.score(odd, metrics(3)).score()).isEqualTo(99.62); // 0.375 -> 0.38
    }

    @Test
    void breakdownAlwaysAddsUpToThePublishedScore() {
        RuleSet third = rules(NoParkRule.of(10, "0.333", "40"), "0");

        for (long n = 0; n <= 200; n++) {
            ScoreResult result = scorer.score(third, metrics(n));
            assertThat(BigDecimal.valueOf(100).subtract(BigDecimal.valueOf(result.totalDeducted())))
                    .isEqualByComparingTo(BigDecimal.valueOf(result.score()));
        }
    }

    @Test
    void refusesToScoreADayBeforeTheRuleSetTookEffect() {
        OperatorDayMetrics lastYear = new OperatorDayMetrics("Hello", LocalDate.of(2025, 12, 31), 1);

        assertThatThrownBy(() -> scorer.score(HULI, lastYear))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("huli-2026.1")
                .hasMessageContaining("2025-12-31");
    }

    @Test
    void rejectsNegativeViolationCounts() {
        assertThatThrownBy(() -> new OperatorDayMetrics("Qingju", DAY, -1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static OperatorDayMetrics metrics(long noParkViolations) {
        return new OperatorDayMetrics("Meituan", DAY, noParkViolations);
    }

    private static RuleSet rules(NoParkRule noPark, String floor) {
        return RuleSet.builder()
                .city("Xiamen")
                .district("Huli")
                .version("test")
                .effectiveFrom(LocalDate.of(2026, 1, 1))
                .floor(new BigDecimal(floor))
                .noPark(noPark)
                .build();
    }
}
