package org.bikefence.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.bikefence.influx.InfluxPoint;
import org.bikefence.influx.InfluxSchema;
import org.bikefence.influx.V1HttpWriteClient;
import org.bikefence.influx.WriteRetrier;
import org.bikefence.metrics.MonthAccumulator;
import org.bikefence.rules.Deduction;
import org.bikefence.rules.MonthlyAssessment;
import org.bikefence.rules.MonthlyScore;
import org.bikefence.rules.OperatorMonthMetrics;
import org.bikefence.rules.RankedOperator;
import org.bikefence.rules.RuleSet;
import org.bikefence.rules.RuleSetLoader;
import org.bikefence.rules.Scorer;
import org.bikefence.testing.InfluxdExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The demo scoreboard's monthly assessment from a real influxd: months scored by scoring-rules, written as the
 * job writes them ({@link InfluxSchema#assessment}, the job's V1 write client), read back and rendered. Every
 * expected figure comes from the assessment objects, none is typed in.
 */
class AssessmentBoardITCase {
    @RegisterExtension
    static final InfluxdExtension INFLUX = new InfluxdExtension();

    private static final RuleSet RULES = RuleSetLoader.load(Path.of("../scoring-rules/rulesets/huli.yaml"));
    private static final YearMonth OCTOBER = YearMonth.of(2026, 10);
    private static final YearMonth NOVEMBER = YearMonth.of(2026, 11);

    /** A month of three operators: meituan with no-park violations left standing, qingju with invalid records. */
    private static MonthlyAssessment assessed(YearMonth month, long meituanViolations) {
        List<OperatorMonthMetrics> metrics = new ArrayList<>();
        for (String op : List.of("hello", "meituan", "qingju")) {
            MonthAccumulator m = new MonthAccumulator(op, month);
            m.bikes = 1_000;
            m.bikesPerDay.put(LocalDate.of(month.getYear(), month.getMonth(), 1).toString(), 1_000L);
            m.peakStanding = 900;
            m.recordsReceived = 100_000;
            m.rideEndsInArea = 1_000;
            m.rideEndsInFence = op.equals("hello") ? 990 : 800;
            if (op.equals("meituan")) {
                m.noParkOpened = meituanViolations;
                m.noParkClosed = meituanViolations;
                m.noParkClosedWithinDeadline = meituanViolations / 2;
                m.noParkMinutesOpen = meituanViolations * 45;
            }
            if (op.equals("qingju")) {
                m.invalidRecords = 3_000;
            }
            metrics.add(m.toMetrics());
        }
        return new Scorer().assess(RULES, month, metrics);
    }

    @Test
    void theBoardShowsEachOperatorsLatestMonthScoreGradeRankQuotaShareAndLargestDeduction() throws Exception {
        String db = INFLUX.database();
        MonthlyAssessment october = assessed(OCTOBER, 5);
        MonthlyAssessment november = assessed(NOVEMBER, 40);
        List<InfluxPoint> points = new ArrayList<>(InfluxSchema.assessment(october, RULES.timeZone()));
        points.addAll(InfluxSchema.assessment(november, RULES.timeZone()));
        try (V1HttpWriteClient client = new V1HttpWriteClient(INFLUX.influxd().url(), db, null, null, null,
                new WriteRetrier(0, Duration.ZERO, null))) {
            client.write(points);
        }

        List<AssessmentBoard.Row> rows = AssessmentBoard.read(INFLUX.influxd(), db, RULES.timeZone());
        String board = AssessmentBoard.render(rows, RULES);

        // November, the latest month, for every operator, in rank order.
        assertThat(rows).extracting(AssessmentBoard.Row::operator).containsExactlyElementsOf(
                november.ranking().stream().map(RankedOperator::operator).toList());
        for (AssessmentBoard.Row row : rows) {
            MonthlyScore s = november.score(row.operator());
            RankedOperator r = november.ranked(row.operator());
            java.util.Optional<Deduction> largest = s.deductions().stream().filter(d -> d.points() > 0)
                    .max(Comparator.comparingDouble(Deduction::points)
                            .thenComparing(Deduction::ruleId, Comparator.reverseOrder()));
            assertThat(row.month()).isEqualTo(NOVEMBER);
            assertThat(row.score()).isEqualTo(s.score());
            assertThat(row.grade()).isEqualTo(s.grade().name());
            assertThat(row.gradeEn()).isEqualTo(s.grade().nameEn());
            assertThat(row.rank()).isEqualTo(r.rank());
            assertThat(row.quotaSharePct()).isEqualTo(r.quotaSharePct());
            assertThat(row.ruleId()).isEqualTo(largest.map(Deduction::ruleId).orElse(null));
            assertThat(row.category()).isEqualTo(largest.map(Deduction::category).orElse(null));
            assertThat(row.points()).isEqualTo(largest.map(Deduction::points).orElse(0.0));

            String nameZh = RULES.operator(row.operator()).orElseThrow().nameZh();
            String deduction = largest.map(d -> "-" + String.format(Locale.ROOT, "%.2f", d.points()).replace(".", "\\.")
                    + " " + d.ruleId().replace(".", "\\.") + " \\("
                    + RULES.category(d.category()).orElseThrow().nameZh() + " .*").orElse("none 无扣分");
            assertThat(board).containsPattern("(?m)^" + row.operator() + " " + nameZh + " +2026-11 +"
                    + String.format(Locale.ROOT, "%.2f", s.score()).replace(".", "\\.") + " +"
                    + s.grade().name() + " " + s.grade().nameEn() + ".* " + r.rank() + " +"
                    + String.format(Locale.ROOT, "%.1f", r.quotaSharePct()).replace(".", "\\.") + "%  "
                    + deduction + "$");
        }
        assertThat(rows).anyMatch(r -> r.ruleId() != null);
        // The month's worst no-park record is meituan's largest deduction, not October's smaller one.
        AssessmentBoard.Row meituan = rows.stream().filter(r -> r.operator().equals("meituan")).findFirst()
                .orElseThrow();
        assertThat(meituan.points()).isGreaterThan(october.score("meituan").deductions().stream()
                .mapToDouble(Deduction::points).max().orElseThrow());
        assertThat(board).contains("score 得分", "grade 等级", "rank 排名", "quota share 配额占比",
                "largest deduction 最大扣分项", "monthly assessment 月度考核");
    }

    @Test
    void anEmptyDatabaseSaysThatNoMonthIsAssessedYet() throws Exception {
        String db = INFLUX.database() + "_empty";
        INFLUX.influxd().createDatabase(db);

        List<AssessmentBoard.Row> rows = AssessmentBoard.read(INFLUX.influxd(), db, RULES.timeZone());

        assertThat(rows).isEmpty();
        assertThat(AssessmentBoard.render(rows, RULES)).contains("no monthly assessment in InfluxDB yet");
    }
}
