package org.bikefence.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Loader errors and values for the monthly-assessment sections (line numbers refer to MonthlyRules.HEAD). */
class MonthlyRuleSetLoaderTest {

    private static final String ITEM = """
              zombies:
                idleDays: 7
                scoring:
                  count:
                    category: order
                    metric: bikes
                    pointsPerUnit: 1
            """;

    private static RuleSetException fails(String yaml) {
        try {
            MonthlyRules.load(yaml);
        } catch (RuleSetException e) {
            return e;
        }
        throw new AssertionError("expected RuleSetException for:\n" + yaml);
    }

    private static String valid() {
        return MonthlyRules.HEAD + "rules:\n" + MonthlyRules.NO_PARK_DAILY + ITEM;
    }

    @Test
    void loadsTheHuliMonthlySections() {
        RuleSet huli = RuleSetLoader.loadDefault();

        assertThat(huli.categories()).extracting(Category::nameZh)
                .containsExactly("停放秩序", "投放管控", "运维响应", "车辆状况", "数据质量");
        assertThat(huli.operator("qingju")).get().extracting(OperatorQuota::fleetQuota).isEqualTo(6000L);
        assertThat(huli.grades()).extracting(Grade::name).containsExactly("优秀", "良好", "合格", "不合格");
        assertThat(huli.quota().sharesByRankPct()).extracting(java.math.BigDecimal::intValue)
                .containsExactly(50, 30, 20);
        assertThat(huli.monitoring().accumulation().h3Resolution()).isEqualTo(9);
        assertThat(huli.monitoring().zombies().idle()).isEqualTo(Duration.ofDays(7));
        assertThat(huli.monitoring().dataFeed().parkedReportInterval()).isEqualTo(Duration.ofHours(4));
        assertThat(huli.monitoring().dataFeed().ridingReportInterval()).isEqualTo(Duration.ofMinutes(2));
        assertThat(huli.noPark().clearDeadline()).isEqualTo(Duration.ofMinutes(30));
        assertThat(huli.scoringRules()).hasSize(20);
        assertThat(huli.effectiveUntil()).isEmpty();
    }

    @Test
    void rejectsAMetricOfAnotherFamily() {
        RuleSetException e = fails(valid().replace("metric: bikes", "metric: faultyPct"));
        assertThat(e.field()).isEqualTo("rules.zombies.scoring.count.metric");
        assertThat(e.line()).isEqualTo(28);
        assertThat(e).hasMessageContaining("test.yaml, line 28")
                .hasMessageContaining("= 'faultyPct'")
                .hasMessageContaining("not a zombies metric; expected one of [bikes, bikesPer1000Bikes]");
    }

    @Test
    void rejectsAnUnknownCategory() {
        assertThat(fails(valid().replace("category: order", "category: parkingOrder")))
                .hasMessageContaining("line 27")
                .hasMessageContaining("rules.zombies.scoring.count.category = 'parkingOrder'")
                .hasMessageContaining("unknown category; expected one of [data, order]");
    }

    @Test
    void rejectsAnItemWithTwoPrices() {
        assertThat(fails(valid().replace("pointsPerUnit: 1", "pointsPerUnit: 1\n        bonus: 2")))
                .hasMessageContaining("rules.zombies.scoring.count:")
                .hasMessageContaining("give exactly one of pointsPerUnit");
    }

    @Test
    void rejectsAFieldThatDoesNotFitThePrice() {
        assertThat(fails(valid().replace("pointsPerUnit: 1", "pointsPerUnit: 1\n        target: 90")))
                .hasMessageContaining("line 30")
                .hasMessageContaining("rules.zombies.scoring.count.target = '90'")
                .hasMessageContaining("does not apply to a pointsPerUnit rule");
    }

    @Test
    void rejectsATypoInAnItem() {
        assertThat(fails(valid().replace("pointsPerUnit: 1", "pointsPerUnits: 1")))
                .hasMessageContaining("line 29")
                .hasMessageContaining("rules.zombies.scoring.count.pointsPerUnits")
                .hasMessageContaining("unknown field 'pointsPerUnits'");
    }

    @Test
    void rejectsCategoryPointsThatDoNotAddUpToTheBase() {
        RuleSetException e = fails(valid().replace("points: 40", "points: 35"));
        assertThat(e.line()).isEqualTo(12);
        assertThat(e).hasMessageContaining("categories: category points add up to 95 but must equal score.base 100");
    }

    @Test
    void rejectsGradesOutOfOrderOrNotReachingTheFloor() {
        assertThat(fails(valid().replace("min: 60", "min: 95")))
                .hasMessageContaining("line 17")
                .hasMessageContaining("grades[1].min = '95'")
                .hasMessageContaining("must be below the previous band's min 90");
        assertThat(fails(valid().replace("min: 0, pass: false", "min: 10, pass: false")))
                .hasMessageContaining("grades[2].min = '10'")
                .hasMessageContaining("lowest band must start at or below the floor 0");
    }

    @Test
    void requiresGradesWhenCategoriesAreGiven() {
        String noGrades = valid().replaceAll("(?s)grades:.*?pass: false }\n", "");
        assertThat(fails(noGrades)).hasMessageContaining("grades: is required when categories are given");
    }

    @Test
    void rejectsBadMonitoringParameters() {
        assertThat(fails(valid().replace("idleDays: 7", "idleDays: 0")))
                .hasMessageContaining("line 24")
                .hasMessageContaining("rules.zombies.idleDays = '0'")
                .hasMessageContaining("must be at least 1");
        assertThat(fails(valid() + "  accumulation:\n    h3Resolution: 16\n"))
                .hasMessageContaining("rules.accumulation.h3Resolution = '16'")
                .hasMessageContaining("must be between 0 and 15");
    }

    @Test
    void rejectsBadQuotaSharesAndTieBreaks() {
        assertThat(fails(valid() + "quota:\n  sharesByRankPct: [60, 30, 20]\n"))
                .hasMessageContaining("quota.sharesByRankPct[2] = '20'")
                .hasMessageContaining("shares add up to 110 %");
        assertThat(fails(valid() + "ranking:\n  tieBreak: [order, speed]\n"))
                .hasMessageContaining("ranking.tieBreak[1] = 'speed'")
                .hasMessageContaining("unknown category");
    }

    @Test
    void rejectsAFractionalOrMissingFleetQuota() {
        assertThat(fails(valid().replace("A: { fleetQuota: 1000 }", "A: { fleetQuota: 1000.5 }")))
                .hasMessageContaining("line 8")
                .hasMessageContaining("operators.A.fleetQuota")
                .hasMessageContaining("expected a whole number");
        assertThat(fails(valid().replace("A: { fleetQuota: 1000 }", "A: { nameZh: 甲 }")))
                .hasMessageContaining("operators.A.fleetQuota: is required");
    }

    @Test
    void rejectsAnEndBeforeTheStart() {
        assertThat(fails(valid().replace("effectiveFrom: 2026-01-01",
                "effectiveFrom: 2026-01-01\neffectiveUntil: 2025-12-31")))
                .hasMessageContaining("line 4")
                .hasMessageContaining("effectiveUntil = '2025-12-31'")
                .hasMessageContaining("is before effectiveFrom 2026-01-01");
    }
}
