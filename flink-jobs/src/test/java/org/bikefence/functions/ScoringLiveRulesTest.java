package org.bikefence.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.bikefence.model.OperatorMinute;
import org.bikefence.model.OperatorScore;
import org.bikefence.model.RuleSetUpdate;
import org.bikefence.rules.RuleSet;
import org.bikefence.rules.RuleSetLoader;
import org.bikefence.rules.RuleSetRegistry;
import org.bikefence.testing.LiveRulesFixtures;
import org.junit.jupiter.api.Test;

/**
 * The daily scores and the monthly assessment with rule-set versions taken while running ({@link RuleSetsOperator}'s
 * second input).
 */
class ScoringLiveRulesTest {
    private static final ZoneId XIAMEN = ZoneId.of("Asia/Shanghai");
    private static final RuleSet HULI = RuleSetLoader.loadDefault();
    private static final LocalDate DEC_1 = LocalDate.of(2026, 12, 1);
    /** Two points per violation instead of half a point, from 1 December. */
    private static final String V2 = LiveRulesFixtures.replaceOnce(
            LiveRulesFixtures.version("huli-2026.12", DEC_1, 10, 30), "deductionPerViolation: 0.5 ",
            "deductionPerViolation: 2 ");
    private static final long NOV_30 = ZonedDateTime.of(2026, 11, 30, 12, 0, 0, 0, XIAMEN).toInstant().toEpochMilli();
    private static final long DEC_1_NOON = NOV_30 + 24 * 3_600_000L;

    private static KeyedTwoInputStreamOperatorTestHarness<String, OperatorMinute, RuleSetUpdate, OperatorScore>
            harness(OperatorSubtaskState restoreFrom) throws Exception {
        var h = new KeyedTwoInputStreamOperatorTestHarness<String, OperatorMinute, RuleSetUpdate, OperatorScore>(
                DailyScores.operator(RuleSetRegistry.of(List.of(HULI)), HULI), m -> m.operator, null, Types.STRING);
        if (restoreFrom != null) {
            h.initializeState(restoreFrom);
        }
        h.open();
        return h;
    }

    private static void minute(KeyedTwoInputStreamOperatorTestHarness<String, OperatorMinute, RuleSetUpdate,
            OperatorScore> h, long start, long violations) throws Exception {
        h.processElement1(new StreamRecord<>(new OperatorMinute("hello", start, 3, 1, violations, 0), start));
    }

    private static List<String> scores(KeyedTwoInputStreamOperatorTestHarness<String, OperatorMinute, RuleSetUpdate,
            OperatorScore> h) {
        List<String> out = new ArrayList<>();
        for (OperatorScore s : h.extractOutputValues()) {
            out.add(s.day + " " + s.ruleSetVersion + " " + s.score);
        }
        return out;
    }

    @Test
    void aVersionTakenWhileRunningScoresItsDaysAndTheDaysBeforeKeepTheirs() throws Exception {
        try (var h = harness(null)) {
            minute(h, NOV_30, 2);
            h.processElement2(new StreamRecord<>(LiveRulesFixtures.accepted("huli-2026.12", V2, 0)));
            minute(h, NOV_30 + 60_000, 1);
            minute(h, DEC_1_NOON, 2);

            assertThat(scores(h)).containsExactly("2026-11-30 huli-2026.1 99.0", "2026-11-30 huli-2026.1 98.5",
                    "2026-12-01 huli-2026.12 96.0");
        }
    }

    @Test
    void aRestoredStepKeepsTheVersionsItTookWhileRunning() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(null)) {
            h.processElement2(new StreamRecord<>(LiveRulesFixtures.accepted("huli-2026.12", V2, 0)));
            snapshot = h.snapshot(1L, 1L);
        }
        try (var h = harness(snapshot)) {
            minute(h, DEC_1_NOON, 1);
            assertThat(scores(h)).containsExactly("2026-12-01 huli-2026.12 98.0");
        }
    }

    @Test
    void aMonthIsAssessedWithTheVersionTakenWhileRunningThatIsInForceOnItsFirstDay() throws Exception {
        List<org.bikefence.influx.InfluxPoint> points;
        try (var h = new KeyedTwoInputStreamOperatorTestHarness<String, org.bikefence.metrics.MonthSoFar,
                RuleSetUpdate, org.bikefence.influx.InfluxPoint>(
                MonthlyAssessments.operator(RuleSetRegistry.of(List.of(HULI)), HULI), c -> "city", null,
                Types.STRING)) {
            h.open();
            // The rule-set input is idle for ever, as in the job.
            h.processWatermarkStatus2(org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus.IDLE);
            long wm = java.time.Instant.parse("2027-01-01T00:00:00Z").toEpochMilli();
            h.processElement1(new StreamRecord<>(MonthlyAssessmentsTest.counts("hello", "2026-11", 100, 5), 0L));
            h.processWatermark1(new org.apache.flink.streaming.api.watermark.Watermark(++wm));
            h.processElement2(new StreamRecord<>(LiveRulesFixtures.accepted("huli-2026.12", V2, 0)));
            h.processElement1(new StreamRecord<>(MonthlyAssessmentsTest.counts("hello", "2026-11", 100, 6), 0L));
            h.processElement1(new StreamRecord<>(MonthlyAssessmentsTest.counts("hello", "2026-12", 100, 5), 0L));
            h.processWatermark1(new org.apache.flink.streaming.api.watermark.Watermark(++wm));
            points = h.extractOutputValues();
        }
        assertThat(points).filteredOn(p -> p.measurement().equals("operator_month"))
                .extracting(p -> p.timeMs() + " " + p.fields().get("rule_set"))
                .containsExactly(monthStart(2026, 11) + " huli-2026.1", monthStart(2026, 11) + " huli-2026.1",
                        monthStart(2026, 12) + " huli-2026.12");
    }

    private static long monthStart(int year, int month) {
        return LocalDate.of(year, month, 1).atStartOfDay(XIAMEN).toInstant().toEpochMilli();
    }
}
