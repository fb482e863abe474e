package org.bikefence.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import org.bikefence.rules.OperatorMonthMetrics.Accumulation;
import org.bikefence.rules.OperatorMonthMetrics.Condition;
import org.bikefence.rules.OperatorMonthMetrics.DataFeed;
import org.bikefence.rules.OperatorMonthMetrics.NoPark;
import org.bikefence.rules.OperatorMonthMetrics.Parking;
import org.junit.jupiter.api.Test;

/** The worked example of scoring-rules/README.md, number for number: keep the two in step. */
class WorkedExampleTest {

    static final YearMonth MARCH = YearMonth.of(2026, 3);
    static final RuleSet HULI = RuleSetLoader.loadDefault();
    static final Instant T0 = Instant.parse("2026-03-10T02:00:00Z");

    static final Evidence QINGJU_ZOMBIE =
            Evidence.of(Evidence.Kind.ZOMBIE, "z-17", "QJ-000417", null, T0, Instant.parse("2026-03-19T02:00:00Z"));
    static final Evidence QINGJU_LATE_RECORD =
            Evidence.of(Evidence.Kind.LATE_RECORD, "r-9", "QJ-000012", null, T0, T0.plusSeconds(900));

    static OperatorMonthMetrics hello() {
        return OperatorMonthMetrics.builder("hello", MARCH)
                .fleetEveryDay(8000, 8200, 7000)
                .noPark(new NoPark(24, 24, 23, 24 * 18))
                .parking(new Parking(100_000, 97_500))
                .accumulation(new Accumulation(5, 3, 8, 8, 8 * 50))
                .outOfAreaBikes(2)
                .zombieBikes(4)
                .condition(new Condition(164, 164, 150, 164 * 600))
                .dataFeed(new DataFeed(8159, 1_000_000, 5_000, 2_000, 1_000, 0, 0))
                .build();
    }

    static OperatorMonthMetrics meituan() {
        return OperatorMonthMetrics.builder("meituan", MARCH)
                .fleetEveryDay(8200, 8600, 8000)
                .noPark(new NoPark(82, 80, 74, 80 * 25))
                .parking(new Parking(100_000, 88_000))
                .accumulation(new Accumulation(10, 5, 15, 12, 15 * 90))
                .outOfAreaBikes(10)
                .zombieBikes(21)
                .condition(new Condition(344, 340, 301, 340 * 900))
                .dataFeed(new DataFeed(8342, 1_000_000, 20_000, 5_000, 2_000, 1, 45))
                .build();
    }

    static OperatorMonthMetrics qingju() {
        return OperatorMonthMetrics.builder("qingju", MARCH)
                .fleetEveryDay(7500, 7600, 7200)
                .noPark(new NoPark(300, 280, 150, 280 * 60))
                .parking(new Parking(100_000, 80_000))
                .accumulation(new Accumulation(20, 10, 25, 15, 25 * 200))
                .outOfAreaBikes(40)
                .zombieBikes(60)
                .condition(new Condition(456, 400, 365, 400 * 1500))
                .dataFeed(new DataFeed(7296, 1_000_000, 30_000, 20_000, 15_000, 4, 200))
                .evidence(QINGJU_ZOMBIE)
                .evidence(QINGJU_LATE_RECORD)
                .build();
    }

    private final Scorer scorer = new Scorer();

    @Test
    void helloLosesFourPointsAndGainsThreeBonus() {
        MonthlyScore s = scorer.score(HULI, hello());

        assertThat(s.metricValues()).containsEntry("no_park_violations_per_1000_bikes", 3.0)
                .containsEntry("parking_compliance_pct", 97.5)
                .containsEntry("zombie_bikes_per_1000_bikes", 0.5)
                .containsEntry("data_bikes_within_report_interval_pct", 99.5);
        assertThat(s.categories()).extracting(CategoryScore::id, CategoryScore::deducted, CategoryScore::bonus,
                        CategoryScore::score)
                .containsExactly(
                        tuple("parkingOrder", 3.1, 2.0, 33.9),
                        tuple("fleetControl", 0.4, 0.0, 24.6),
                        tuple("operationsResponse", 0.5, 0.0, 19.5),
                        tuple("vehicleCondition", 0.0, 0.0, 10.0),
                        tuple("dataQuality", 0.0, 1.0, 11.0));
        assertThat(s.score()).isEqualTo(99.0);
        assertThat(s.grade().name()).isEqualTo("优秀");
        assertThat(s.totalDeducted()).isEqualTo(4.0);
        assertThat(s.totalBonus()).isEqualTo(3.0);
    }

    @Test
    void meituanIsCappedOnDaysOverQuota() {
        MonthlyScore s = scorer.score(HULI, meituan());

        assertThat(s.deduction("fleet.daysOver")).extracting(Deduction::metricValue, Deduction::points,
                Deduction::capped).containsExactly(31.0, 10.0, true);
        assertThat(s.deduction("fleet.maxOver").points()).isEqualTo(2.5);
        assertThat(s.deduction("noPark.density").points()).isEqualTo(5.0);
        assertThat(s.deduction("noPark.clearance")).extracting(Deduction::metricValue, Deduction::points)
                .containsExactly(90.24, 2.38);
        assertThat(s.categories()).extracting(CategoryScore::id, CategoryScore::deducted, CategoryScore::score)
                .containsExactly(
                        tuple("parkingOrder", 10.0, 25.0),
                        tuple("fleetControl", 14.5, 10.5),
                        tuple("operationsResponse", 6.94, 13.06),
                        tuple("vehicleCondition", 1.5, 8.5),
                        tuple("dataQuality", 1.5, 8.5));
        assertThat(s.score()).isEqualTo(65.56);
        assertThat(s.grade().name()).isEqualTo("合格");
    }

    @Test
    void qingjuLosesTheWholeFleetCategoryAndFails() {
        MonthlyScore s = scorer.score(HULI, qingju());

        CategoryScore fleet = s.category("fleetControl");
        assertThat(fleet.deducted()).isEqualTo(25.0);
        assertThat(fleet.capped()).isTrue(); // 10 + 10 + 5 + 5 = 30 > 25
        assertThat(s.category("operationsResponse")).extracting(CategoryScore::deducted, CategoryScore::capped)
                .containsExactly(20.0, false); // 8 + 6 + 6, exactly the category's points
        assertThat(s.categories()).extracting(CategoryScore::id, CategoryScore::score)
                .containsExactly(
                        tuple("parkingOrder", 4.0),
                        tuple("fleetControl", 0.0),
                        tuple("operationsResponse", 0.0),
                        tuple("vehicleCondition", 5.01),
                        tuple("dataQuality", 4.5));
        assertThat(s.score()).isEqualTo(13.51);
        assertThat(s.grade().name()).isEqualTo("不合格");
        assertThat(s.passed()).isFalse();
    }

    @Test
    void deductionsCarryTheEvidenceOfTheirMetric() {
        MonthlyScore s = scorer.score(HULI, qingju());

        assertThat(s.deduction("zombies.density").evidence()).containsExactly(QINGJU_ZOMBIE);
        assertThat(s.deduction("dataFeed.late").evidence()).containsExactly(QINGJU_LATE_RECORD);
        assertThat(s.deduction("noPark.density").evidence()).isEmpty(); // none supplied for that kind
        assertThat(s.deduction("zombies.density").category()).isEqualTo("operationsResponse");
    }

    @Test
    void ranksTheMonthAndSharesTheQuotaPool() {
        MonthlyAssessment a = scorer.assess(HULI, MARCH, List.of(qingju(), meituan(), hello()));

        assertThat(a.ruleSetVersion()).isEqualTo("huli-2026.1");
        assertThat(a.ranking()).extracting(RankedOperator::rank, RankedOperator::operator, RankedOperator::score,
                        RankedOperator::grade, RankedOperator::quotaSharePct, RankedOperator::quotaBikes)
                .containsExactly(
                        tuple(1, "hello", 99.0, "优秀", 50.0, 1000L),
                        tuple(2, "meituan", 65.56, "合格", 30.0, 600L),
                        tuple(3, "qingju", 13.51, "不合格", 0.0, 0L));
        assertThat(a.withheldSharePct()).isEqualTo(20.0);
    }
}
