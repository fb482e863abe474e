package org.bikefence.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.bikefence.model.OperatorMinute;
import org.bikefence.model.OperatorScore;
import org.bikefence.rules.RuleSet;
import org.bikefence.rules.RuleSetLoader;
import org.bikefence.rules.RuleSetRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DailyScoresTest {
    private static final Path HULI = Path.of("../scoring-rules/rulesets/huli.yaml");
    private static final RuleSet RULES = RuleSetLoader.load(HULI);
    /** huli.yaml is effective from 2026-01-01 (Asia/Shanghai): these minutes are before and after. */
    private static final long NEW_YEARS_EVE = at("2025-12-31T23:58:00+08:00");
    private static final long NEW_YEARS_DAY = at("2026-01-01T00:01:00+08:00");

    private static long at(String isoOffset) {
        return ZonedDateTime.parse(isoOffset).toInstant().toEpochMilli();
    }

    private static OperatorMinute minute(String operator, long start, long opened) {
        return new OperatorMinute(operator, start, 3, 1, opened, 0);
    }

    private static List<OperatorScore> run(DailyScores fn, OperatorMinute... minutes) throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, OperatorMinute, OperatorScore> h =
                new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(fn), m -> m.operator,
                        Types.STRING)) {
            h.open();
            for (OperatorMinute m : minutes) {
                h.processElement(new StreamRecord<>(m, m.minuteStart));
            }
            return h.extractOutputValues();
        }
    }

    @Test
    void aMinuteBeforeTheRuleSetIsInForceIsCountedNotScoredAndNeverFailsTheJob() throws Exception {
        DailyScores fn = new DailyScores(RuleSetRegistry.of(List.of(RULES)), RULES);

        // Before the fix, the first minute threw out of processElement: a restart loop in a running job.
        List<OperatorScore> scores = run(fn, minute("hello", NEW_YEARS_EVE, 1),
                minute("hello", NEW_YEARS_EVE + 60_000, 2), minute("meituan", NEW_YEARS_EVE, 0),
                minute("hello", NEW_YEARS_DAY, 1));

        assertThat(scores).singleElement().satisfies(s -> {
            assertThat(s.operator).isEqualTo("hello");
            assertThat(s.day).isEqualTo("2026-01-01");
            // New Year's Eve's three violations do not leak into the new day.
            assertThat(s.noParkViolations).isEqualTo(1);
            assertThat(s.score).isEqualTo(99.5);
            assertThat(s.ruleSetVersion).isEqualTo("huli-2026.1");
        });
        // Counted once per operator and day, not per minute.
        assertThat(fn.daysWithoutRuleSet()).isEqualTo(2);
    }

    @Test
    void eachDayIsScoredWithTheVersionInForceThatDay(@TempDir Path dir) throws Exception {
        Files.copy(HULI, dir.resolve("huli.yaml"));
        Files.writeString(dir.resolve("huli-2026.11.yaml"), Files.readString(HULI)
                .replaceFirst("(?m)^version: .*$", "version: huli-2026.11")
                .replaceFirst("(?m)^effectiveFrom: .*$", "effectiveFrom: 2026-11-01"));
        RuleSetRegistry registry = RuleSetRegistry.load(dir);
        RuleSet current = registry.forDay(RULES.city(), RULES.district().orElse(null), LocalDate.of(2026, 11, 15));
        DailyScores fn = new DailyScores(registry, current);

        // The current version alone is not in force on 31 October: that day used to throw, too.
        List<OperatorScore> scores = run(fn, minute("hello", at("2026-10-31T23:59:00+08:00"), 1),
                minute("hello", at("2026-11-01T00:00:00+08:00"), 0));

        assertThat(scores).extracting(s -> s.day + " " + s.ruleSetVersion + " " + s.noParkViolations)
                .containsExactly("2026-10-31 huli-2026.1 1", "2026-11-01 huli-2026.11 0");
        assertThat(fn.daysWithoutRuleSet()).isZero();
    }
}
