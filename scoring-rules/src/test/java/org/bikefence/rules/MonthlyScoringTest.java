package org.bikefence.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bikefence.rules.MonthlyRules.MONTH;
import static org.bikefence.rules.MonthlyRules.metrics;
import static org.bikefence.rules.MonthlyRules.with;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.SortedMap;
import java.util.TreeMap;
import org.bikefence.rules.OperatorMonthMetrics.Accumulation;
import org.bikefence.rules.OperatorMonthMetrics.Condition;
import org.bikefence.rules.OperatorMonthMetrics.DataFeed;
import org.bikefence.rules.OperatorMonthMetrics.Fleet;
import org.bikefence.rules.OperatorMonthMetrics.NoPark;
import org.bikefence.rules.OperatorMonthMetrics.Parking;
import org.junit.jupiter.api.Test;

class MonthlyScoringTest {

    private final Scorer scorer = new Scorer();

    private static String item(String family, String name, String body) {
        return "  " + family + ":\n    scoring:\n      " + name + ":\n"
                + body.lines().map(l -> "        " + l + "\n").reduce("", String::concat);
    }

    @Test
    void perEventDeductionWithItemCap() {
        RuleSet rules = with(item("outOfArea", "bikes", """
                category: order
                metric: bikes
                pointsPerUnit: 0.3
                max: 5
                """));

        assertThat(scorer.score(rules, metrics("A").outOfAreaBikes(7).build()).deduction("outOfArea.bikes"))
                .extracting(Deduction::metricValue, Deduction::points, Deduction::capped)
                .containsExactly(7.0, 2.1, false);
        assertThat(scorer.score(rules, metrics("A").outOfAreaBikes(40).build()).deduction("outOfArea.bikes"))
                .extracting(Deduction::points, Deduction::capped).containsExactly(5.0, true);
    }

    @Test
    void perThousandBikesNormalisesByTheMeanDailyFleet() {
        RuleSet rules = with(item("noPark", "density", """
                category: order
                metric: violationsPer1000Bikes
                pointsPerUnit: 0.5
                """).replace("  noPark:\n", ""));
        SortedMap<LocalDate, Long> days = new TreeMap<>();
        days.put(LocalDate.of(2026, 3, 1), 1500L);
        days.put(LocalDate.of(2026, 3, 2), 2500L); // mean 2000 bikes
        OperatorMonthMetrics m = OperatorMonthMetrics.builder("A", MONTH).fleet(new Fleet(days, 2600, 1800))
                .noPark(new NoPark(30, 0, 0, 0)).build();

        Deduction d = scorer.score(rules, m).deduction("noPark.density");
        assertThat(d.metricValue()).isEqualTo(15.0); // 30 / 2000 * 1000
        assertThat(d.points()).isEqualTo(7.5);
    }

    @Test
    void perPointBelowTargetAndNothingAtOrAboveIt() {
        RuleSet rules = with(item("parking", "compliance", """
                category: order
                metric: compliancePct
                target: 90
                pointsPerPointBelow: 1.5
                """));

        assertThat(scorer.score(rules, metrics("A").parking(new Parking(1000, 873)).build())
                .deduction("parking.compliance")).extracting(Deduction::metricValue, Deduction::points)
                .containsExactly(87.3, 4.05); // (90 - 87.3) * 1.5
        assertThat(scorer.score(rules, metrics("A").parking(new Parking(1000, 900)).build())
                .deduction("parking.compliance").points()).isZero();
        // No ride ends in managed areas: nothing to fault, compliance counts as 100 %.
        assertThat(scorer.score(rules, metrics("A").build()).metricValues()).containsEntry("parking_compliance_pct",
                100.0);
    }

    @Test
    void perUnitAboveAnAllowance() {
        RuleSet rules = with(item("condition", "faulty", """
                category: order
                metric: faultyPct
                above: 3
                pointsPerUnit: 2
                """));

        assertThat(scorer.score(rules, metrics("A").condition(new Condition(45, 0, 0, 0)).build())
                .deduction("condition.faulty")).extracting(Deduction::metricValue, Deduction::points)
                .containsExactly(4.5, 3.0); // 45 of 1000 bikes = 4.5 %, (4.5 - 3) * 2
        assertThat(scorer.score(rules, metrics("A").condition(new Condition(30, 0, 0, 0)).build())
                .deduction("condition.faulty").points()).isZero();
    }

    @Test
    void categoryCapLimitsTheSumOfItsDeductions() {
        RuleSet rules = with(item("zombies", "count", """
                category: data
                metric: bikes
                pointsPerUnit: 1
                """) + item("outOfArea", "count", """
                category: data
                metric: bikes
                pointsPerUnit: 1
                """));

        MonthlyScore s = scorer.score(rules, metrics("A").zombieBikes(30).outOfAreaBikes(25).build());

        assertThat(s.deduction("zombies.count").points()).isEqualTo(30.0);
        assertThat(s.deduction("outOfArea.count").points()).isEqualTo(25.0);
        assertThat(s.category("data")).extracting(CategoryScore::deducted, CategoryScore::capped,
                CategoryScore::score).containsExactly(40.0, true, 0.0);
        assertThat(s.score()).isEqualTo(60.0);
    }

    @Test
    void bonusesAreCappedPerCategoryAndTheScoreByTheCeiling() {
        String bonuses = item("parking", "great", """
                category: order
                metric: compliancePct
                bonus: 4
                atLeast: 95
                """) + item("dataFeed", "noLate", """
                category: order
                metric: lateRecordsPct
                bonus: 3
                atMost: 0.5
                """) + item("zombies", "count", """
                category: data
                metric: bikes
                pointsPerUnit: 1
                """);
        RuleSet rules = with(bonuses);
        OperatorMonthMetrics good = metrics("A").parking(new Parking(100, 96))
                .dataFeed(new DataFeed(1000, 1000, 5, 0, 0, 0, 0)).zombieBikes(10).build();

        MonthlyScore s = scorer.score(rules, good);

        assertThat(s.bonuses()).extracting(Bonus::ruleId, Bonus::points)
                .containsExactly(org.assertj.core.api.Assertions.tuple("parking.great", 4.0),
                        org.assertj.core.api.Assertions.tuple("dataFeed.noLate", 3.0));
        assertThat(s.category("order").bonus()).isEqualTo(5.0); // 4 + 3, category maxBonus 5
        assertThat(s.score()).isEqualTo(95.0); // 100 - 10 + 5
        assertThat(s.ceilinged()).isFalse();

        MonthlyScore perfect = scorer.score(rules, metrics("A").parking(new Parking(100, 96)).build());
        assertThat(perfect.score()).isEqualTo(100.0); // 100 + 4 bonus, ceiling = base
        assertThat(perfect.ceilinged()).isTrue();

        MonthlyScore missed = scorer.score(rules, metrics("A").parking(new Parking(100, 94)).build());
        assertThat(missed.bonuses().get(0).points()).isZero();
    }

    @Test
    void categoryPointsAreTheWeights() {
        RuleSet rules = MonthlyRules.load(MonthlyRules.HEAD.replace("points: 60", "points: 80")
                .replace("points: 40", "points: 20") + "rules:\n" + MonthlyRules.NO_PARK_DAILY
                + item("zombies", "count", """
                category: data
                metric: bikes
                pointsPerUnit: 1
                """));

        // The same 50 zombies cost 20 points in a 20-point category, 40 in the 40-point one.
        assertThat(scorer.score(rules, metrics("A").zombieBikes(50).build()).score()).isEqualTo(80.0);
    }

    @Test
    void thousandPointBaseWorksTheSameWay() {
        RuleSet rules = MonthlyRules.load("""
                city: Elsewhere
                version: k-1
                effectiveFrom: 2026-01-01
                score:
                  base: 1000
                categories:
                  order: { points: 600 }
                  data: { points: 400 }
                grades:
                  - { name: A, min: 900 }
                  - { name: B, min: 600 }
                  - { name: C, min: 0, pass: false }
                rules:
                  noPark:
                    deductionPerViolation: 5
                    maxDeduction: 400
                    scoring:
                      count:
                        category: order
                        metric: violations
                        pointsPerUnit: 2.5
                """);

        MonthlyScore s = scorer.score(rules, metrics("X").noPark(new NoPark(120, 0, 0, 0)).build());

        assertThat(s.score()).isEqualTo(700.0);
        assertThat(s.grade().name()).isEqualTo("B");
    }

    @Test
    void gradeBandsIncludeTheirLowerBound() {
        RuleSet rules = with(item("zombies", "count", """
                category: data
                metric: bikes
                pointsPerUnit: 1
                """));

        assertThat(scorer.score(rules, metrics("A").zombieBikes(10).build()).grade().name()).isEqualTo("优秀");
        assertThat(scorer.score(rules, metrics("A").zombieBikes(11).build()).grade().name()).isEqualTo("合格");
        assertThat(scorer.score(rules, metrics("A").zombieBikes(40).build()).grade().name()).isEqualTo("合格");
        assertThat(scorer.score(rules, metrics("A").zombieBikes(40).build()).passed()).isTrue();
        RuleSet harsh = with(item("zombies", "count", """
                category: order
                metric: bikes
                pointsPerUnit: 1
                """));
        MonthlyScore fail = scorer.score(harsh, metrics("A").zombieBikes(41).build());
        assertThat(fail.score()).isEqualTo(59.0);
        assertThat(fail.grade().name()).isEqualTo("不合格");
        assertThat(fail.passed()).isFalse();
    }

    @Test
    void fleetMetricsCompareDailyBikesWithTheOperatorsQuota() {
        RuleSet rules = with(item("fleet", "days", """
                category: order
                metric: daysOverQuota
                pointsPerUnit: 1
                """) + item("fleet", "max", """
                category: order
                metric: maxOverQuotaPct
                pointsPerUnit: 0.5
                """).replace("  fleet:\n    scoring:\n", "") + item("fleet", "parked", """
                category: order
                metric: peakParkedOverQuotaPct
                pointsPerUnit: 1
                """).replace("  fleet:\n    scoring:\n", ""));
        SortedMap<LocalDate, Long> days = new TreeMap<>();
        days.put(LocalDate.of(2026, 3, 1), 1000L); // at quota: not over
        days.put(LocalDate.of(2026, 3, 2), 1100L);
        days.put(LocalDate.of(2026, 3, 3), 1250L);
        MonthlyScore s = scorer.score(rules, OperatorMonthMetrics.builder("A", MONTH)
                .fleet(new Fleet(days, 1300, 1030)).build());

        assertThat(s.deduction("fleet.days")).extracting(Deduction::metricValue, Deduction::points)
                .containsExactly(2.0, 2.0);
        assertThat(s.deduction("fleet.max")).extracting(Deduction::metricValue, Deduction::points)
                .containsExactly(25.0, 12.5);
        assertThat(s.deduction("fleet.parked")).extracting(Deduction::metricValue, Deduction::points)
                .containsExactly(3.0, 3.0);

        assertThatThrownBy(() -> scorer.score(rules, metrics("Unknown").build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fleet quota of operator 'Unknown'");
    }

    @Test
    void measuresEveryMetricFromTheRawCounts() {
        OperatorMonthMetrics m = OperatorMonthMetrics.builder("A", MONTH)
                .fleetEveryDay(2000, 2500, 1500)
                .noPark(new NoPark(40, 30, 24, 30 * 45))
                .parking(new Parking(8000, 7000))
                .accumulation(new Accumulation(6, 4, 8, 7, 8 * 100))
                .outOfAreaBikes(5)
                .zombieBikes(9)
                .condition(new Condition(100, 80, 60, 80 * 720))
                .dataFeed(new DataFeed(2400, 200_000, 3_000, 1_000, 500, 3, 150))
                .build();

        assertThat(Metric.NO_PARK_VIOLATIONS.measure(m, 1800L)).isEqualByComparingTo("40");
        assertThat(Metric.NO_PARK_VIOLATIONS_PER_1000_BIKES.measure(m, 1800L)).isEqualByComparingTo("20");
        assertThat(Metric.NO_PARK_CLEARED_WITHIN_DEADLINE_PCT.measure(m, 1800L)).isEqualByComparingTo("60");
        assertThat(Metric.NO_PARK_MEAN_MINUTES_TO_CLEAR.measure(m, 1800L)).isEqualByComparingTo("45");
        assertThat(Metric.PARKING_COMPLIANCE_PCT.measure(m, 1800L)).isEqualByComparingTo("87.5");
        assertThat(Metric.ACCUMULATION_FENCE_OVER_CAPACITY_EVENTS.measure(m, 1800L)).isEqualByComparingTo("6");
        assertThat(Metric.ACCUMULATION_CELL_OVER_THRESHOLD_EVENTS.measure(m, 1800L)).isEqualByComparingTo("4");
        assertThat(Metric.ACCUMULATION_EVENTS.measure(m, 1800L)).isEqualByComparingTo("10");
        assertThat(Metric.ACCUMULATION_CLEARED_WITHIN_DEADLINE_PCT.measure(m, 1800L)).isEqualByComparingTo("70");
        assertThat(Metric.ACCUMULATION_MEAN_MINUTES_TO_CLEAR.measure(m, 1800L)).isEqualByComparingTo("100");
        assertThat(Metric.FLEET_MEAN_DAILY_BIKES.measure(m, 1800L)).isEqualByComparingTo("2000");
        assertThat(Metric.FLEET_DAYS_OVER_QUOTA.measure(m, 1800L)).isEqualByComparingTo("31");
        assertThat(Metric.FLEET_MAX_OVER_QUOTA_PCT.measure(m, 1800L)).isEqualByComparingTo("11.11");
        assertThat(Metric.FLEET_PEAK_PARKED_OVER_QUOTA_PCT.measure(m, 1800L)).isEqualByComparingTo("0");
        assertThat(Metric.OUT_OF_AREA_BIKES.measure(m, 1800L)).isEqualByComparingTo("5");
        assertThat(Metric.OUT_OF_AREA_BIKES_PER_1000_BIKES.measure(m, 1800L)).isEqualByComparingTo("2.5");
        assertThat(Metric.ZOMBIE_BIKES.measure(m, 1800L)).isEqualByComparingTo("9");
        assertThat(Metric.ZOMBIE_BIKES_PER_1000_BIKES.measure(m, 1800L)).isEqualByComparingTo("4.5");
        assertThat(Metric.CONDITION_FAULTY_PCT.measure(m, 1800L)).isEqualByComparingTo("4");
        assertThat(Metric.CONDITION_HANDLED_WITHIN_DEADLINE_PCT.measure(m, 1800L)).isEqualByComparingTo("60");
        assertThat(Metric.CONDITION_MEAN_HOURS_TO_HANDLE.measure(m, 1800L)).isEqualByComparingTo("12");
        assertThat(Metric.DATA_BIKES_WITHIN_REPORT_INTERVAL_PCT.measure(m, 1800L)).isEqualByComparingTo("96");
        assertThat(Metric.DATA_LATE_RECORDS_PCT.measure(m, 1800L)).isEqualByComparingTo("1.5");
        assertThat(Metric.DATA_OUT_OF_ORDER_RECORDS_PCT.measure(m, 1800L)).isEqualByComparingTo("0.5");
        assertThat(Metric.DATA_INVALID_RECORDS_PCT.measure(m, 1800L)).isEqualByComparingTo("0.25");
        assertThat(Metric.DATA_FEED_GAPS.measure(m, 1800L)).isEqualByComparingTo("3");
        assertThat(Metric.DATA_FEED_GAP_MINUTES.measure(m, 1800L)).isEqualByComparingTo("150");
    }

    @Test
    void emptyDenominatorsFollowTheDocumentedConvention() {
        OperatorMonthMetrics nothing = OperatorMonthMetrics.builder("A", MONTH).build();

        assertThat(Metric.NO_PARK_CLEARED_WITHIN_DEADLINE_PCT.measure(nothing, null)).isEqualByComparingTo("100");
        assertThat(Metric.DATA_LATE_RECORDS_PCT.measure(nothing, null)).isEqualByComparingTo("0");
        assertThat(Metric.NO_PARK_VIOLATIONS_PER_1000_BIKES.measure(nothing, null)).isEqualByComparingTo("0");
        OperatorMonthMetrics incoherent = OperatorMonthMetrics.builder("A", MONTH).zombieBikes(3).build();
        assertThatThrownBy(() -> Metric.ZOMBIE_BIKES_PER_1000_BIKES.measure(incoherent, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no bikes seen");
    }

    @Test
    void deductionsWithoutPointsCarryNoEvidence() {
        RuleSet rules = with(item("zombies", "count", """
                category: data
                metric: bikes
                pointsPerUnit: 1
                above: 5
                """));
        Evidence zombie = Evidence.of(Evidence.Kind.ZOMBIE, "z1", "b1", null, Instant.parse("2026-03-01T00:00:00Z"),
                null);
        Evidence other = Evidence.of(Evidence.Kind.FAULTY, "f1", "b2", null, Instant.parse("2026-03-01T00:00:00Z"),
                null);

        assertThat(scorer.score(rules, metrics("A").zombieBikes(3).evidence(zombie).build())
                .deduction("zombies.count").evidence()).isEmpty();
        assertThat(scorer.score(rules, metrics("A").zombieBikes(6).evidence(zombie).evidence(other).build())
                .deduction("zombies.count").evidence()).containsExactly(zombie);
    }

    @Test
    void refusesAMonthOutsideTheRuleSetsEffectiveDates() {
        RuleSet rules = with("");

        assertThatThrownBy(() -> scorer.score(rules, OperatorMonthMetrics.builder("A", YearMonth.of(2025, 12))
                .build())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("t-1")
                .hasMessageContaining("2025-12");
    }

    @Test
    void refusesMonthlyScoringWithADailyOnlyRuleSet() {
        RuleSet daily = RuleSetLoader.load(new java.io.ByteArrayInputStream("""
                city: X
                version: d-1
                effectiveFrom: 2026-01-01
                rules:
                  noPark:
                    deductionPerViolation: 1
                    maxDeduction: 10
                """.getBytes(java.nio.charset.StandardCharsets.UTF_8)), "daily.yaml");

        assertThatThrownBy(() -> scorer.score(daily, metrics("A").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only defines the daily score");
    }

    @Test
    void rejectsInconsistentCounts() {
        assertThatThrownBy(() -> new NoPark(5, 6, 0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("noPark.closed (6) exceeds violations (5)");
        assertThatThrownBy(() -> new Parking(10, 11)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OperatorMonthMetrics.builder("A", MONTH).zombieBikes(-1).build())
                .isInstanceOf(IllegalArgumentException.class);
    }
}
