package org.bikefence.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.bikefence.metrics.MonthSoFar;
import org.bikefence.rules.OperatorMonthMetrics;
import org.bikefence.rules.RuleSet;
import org.bikefence.rules.RuleSetLoader;
import org.bikefence.rules.RuleSetRegistry;
import org.bikefence.influx.InfluxPoint;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MonthlyAssessmentsTest {
    private static final Path HULI = Path.of("../scoring-rules/rulesets/huli.yaml");

    static MonthSoFar counts(String operator, String month, long bikes, long noPark) {
        YearMonth m = YearMonth.parse(month);
        return new MonthSoFar(OperatorMonthMetrics.builder(operator, m)
                .fleet(new OperatorMonthMetrics.Fleet(new TreeMap<>(Map.of(m.atDay(5), bikes)), bikes, 0))
                .noPark(new OperatorMonthMetrics.NoPark(noPark, 0, 0, 0))
                .dataFeed(new OperatorMonthMetrics.DataFeed(bikes, 100, 0, 0, 0, 0, 0))
                .build(), 0L);
    }

    /** A watermark past every month the tests score (their figures' timers are at their months' starts). */
    private static final long AFTER_THE_MONTHS = java.time.Instant.parse("2027-01-01T00:00:00Z").toEpochMilli();

    private static List<InfluxPoint> run(RuleSetRegistry registry, RuleSet current, MonthSoFar... in)
            throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, MonthSoFar, InfluxPoint> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        MonthlyAssessments.operator(registry, current), c -> "city", Types.STRING)) {
            h.open();
            long wm = AFTER_THE_MONTHS;
            for (MonthSoFar c : in) {
                h.processElement(new StreamRecord<>(c, 0L));
                // The watermark that follows each minute's figures (operator-month-metrics sends them ahead of it).
                h.processWatermark(++wm);
            }
            return h.extractOutputValues();
        }
    }

    @Test
    void ranksAllOperatorsOfAMonthAndScoresEachMonthWithTheVersionInForce(@TempDir Path dir) throws Exception {
        Files.copy(HULI, dir.resolve("huli.yaml"));
        // A stricter version from November 2026: each no-park violation costs much more.
        String newer = Files.readString(HULI)
                .replaceFirst("(?m)^version: .*$", "version: huli-2026.11")
                .replaceFirst("(?m)^effectiveFrom: .*$", "effectiveFrom: 2026-11-01");
        Files.writeString(dir.resolve("huli-2026.11.yaml"), newer);
        RuleSetRegistry registry = RuleSetRegistry.load(dir);
        RuleSet current = RuleSetLoader.load(HULI);

        List<InfluxPoint> points = run(registry, current,
                counts("hello", "2026-10", 100, 0), counts("meituan", "2026-10", 100, 50),
                counts("hello", "2026-11", 100, 0));

        List<InfluxPoint> months = points.stream().filter(p -> p.measurement().equals("operator_month")).toList();
        InfluxPoint lastOctoberMeituan = months.stream()
                .filter(p -> p.tags().get("operator").equals("meituan")).reduce((a, b) -> b).orElseThrow();
        InfluxPoint lastOctoberHello = months.stream()
                .filter(p -> p.tags().get("operator").equals("hello") && "huli-2026.1".equals(p.fields().get("rule_set")))
                .reduce((a, b) -> b).orElseThrow();
        assertThat(lastOctoberHello.fields().get("rank")).isEqualTo(1L);
        assertThat(lastOctoberMeituan.fields().get("rank")).isEqualTo(2L);
        assertThat((Double) lastOctoberMeituan.fields().get("score"))
                .isLessThan((Double) lastOctoberHello.fields().get("score"));
        assertThat(months).extracting(p -> p.fields().get("rule_set"))
                .containsExactly("huli-2026.1", "huli-2026.1", "huli-2026.1", "huli-2026.11");
        assertThat(points).filteredOn(p -> p.measurement().equals("operator_metrics")).hasSize(3);
    }
    @Test
    void operatorsMinutesBetweenTwoWatermarksAreScoredOnceWithWhatEachScoringWouldHaveEndedWith() throws Exception {
        RuleSet huli = RuleSetLoader.load(HULI);
        RuleSetRegistry registry = RuleSetRegistry.of(List.of(huli));
        MonthSoFar[] minute = {counts("hello", "2026-10", 100, 0), counts("meituan", "2026-10", 100, 50),
            counts("qingju", "2026-10", 100, 10)};
        List<InfluxPoint> oneByOne = run(registry, huli, minute);
        List<InfluxPoint> together;
        try (KeyedOneInputStreamOperatorTestHarness<String, MonthSoFar, InfluxPoint> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        MonthlyAssessments.operator(registry, huli), c -> "city", Types.STRING)) {
            h.open();
            for (MonthSoFar c : minute) {
                h.processElement(new StreamRecord<>(c, 0L));
            }
            assertThat(h.extractOutputValues()).as("before the watermark: the operators' metrics only")
                    .extracting(InfluxPoint::measurement).containsOnly("operator_metrics");
            h.processWatermark(AFTER_THE_MONTHS + 1);
            together = h.extractOutputValues();
        }
        List<InfluxPoint> months = together.stream().filter(p -> p.measurement().equals("operator_month")).toList();
        assertThat(months).as("one scoring: each operator's month point once")
                .extracting(p -> p.tags().get("operator")).containsExactlyInAnyOrder("hello", "meituan", "qingju");
        // InfluxDB keeps the last write of a point (same series, same time): what it holds is what scoring after
        // each operator's minute left there.
        assertThat(lastWrites(together)).isEqualTo(lastWrites(oneByOne)).hasSizeGreaterThan(3);
    }

    @Test
    void figuresArrivingAfterTheFinalWatermarkAreScoredAtOnce() throws Exception {
        // The invalid records' slices never hold back the watermark: at the end of a bounded run some reach this
        // operator after its +infinity watermark, when no timer can fire any more. The month's last point must have
        // them (CI saw RescaleFailureITCase's data_invalid_records_pct differ between two runs without this).
        RuleSet huli = RuleSetLoader.load(HULI);
        RuleSetRegistry registry = RuleSetRegistry.of(List.of(huli));
        try (KeyedOneInputStreamOperatorTestHarness<String, MonthSoFar, InfluxPoint> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        MonthlyAssessments.operator(registry, huli), c -> "city", Types.STRING)) {
            h.open();
            h.processElement(new StreamRecord<>(counts("hello", "2026-10", 100, 0), 0L));
            h.processWatermark(Long.MAX_VALUE);
            h.processElement(new StreamRecord<>(counts("hello", "2026-10", 100, 30), 0L));
            List<InfluxPoint> months = h.extractOutputValues().stream()
                    .filter(p -> p.measurement().equals("operator_month")).toList();
            assertThat(months).as("scored at the final watermark, and again for the figures after it").hasSize(2);
            assertThat((Double) months.get(1).fields().get("score"))
                    .as("the later figures' 30 no-park violations cost points")
                    .isLessThan((Double) months.get(0).fields().get("score"));
        }
    }

    /** What InfluxDB holds after the points are written in order: the last write per series and time. */
    private static Map<String, String> lastWrites(List<InfluxPoint> points) {
        Map<String, String> held = new TreeMap<>();
        for (InfluxPoint p : points) {
            String line = p.toString();
            int fields = line.indexOf(' ');
            held.put(line.substring(0, fields) + " @" + line.substring(line.lastIndexOf(' ') + 1), line);
        }
        return held;
    }

    @Test
    void aMonthBeforeTheRuleSetIsInForceKeepsItsMetricsButIsNotAssessedAndNeverFailsTheJob() throws Exception {
        RuleSet huli = RuleSetLoader.load(HULI);
        RuleSetRegistry registry = RuleSetRegistry.of(List.of(huli));

        // huli.yaml is effective from 2026-01-01: December 2025 has no rule set in force.
        List<InfluxPoint> points = run(registry, huli, counts("hello", "2025-12", 100, 3),
                counts("meituan", "2025-12", 100, 0), counts("hello", "2026-01", 100, 0));

        assertThat(points).filteredOn(p -> p.measurement().equals("operator_metrics"))
                .extracting(p -> p.tags().get("operator")).containsExactly("hello", "meituan", "hello");
        assertThat(points).filteredOn(p -> p.measurement().equals("operator_month"))
                .singleElement().satisfies(p -> {
                    assertThat(p.tags().get("operator")).isEqualTo("hello");
                    assertThat(p.fields().get("rule_set")).isEqualTo("huli-2026.1");
                });
    }

    @Test
    void theMonthsFiguresAreInEachCheckpointThoughWrittenOnlyAtTheBarrier() throws Exception {
        RuleSet huli = RuleSetLoader.load(HULI);
        RuleSetRegistry registry = RuleSetRegistry.of(List.of(huli));
        OperatorSubtaskState snapshot;
        try (KeyedOneInputStreamOperatorTestHarness<String, MonthSoFar, InfluxPoint> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        MonthlyAssessments.operator(registry, huli), c -> "city", Types.STRING)) {
            h.open();
            h.processElement(new StreamRecord<>(counts("hello", "2026-10", 100, 0), 0L));
            h.processWatermark(AFTER_THE_MONTHS + 1);
            h.processElement(new StreamRecord<>(counts("meituan", "2026-10", 100, 50), 0L));
            h.processWatermark(AFTER_THE_MONTHS + 2);
            assertThat(h.numKeyedStateEntries()).as("not yet written").isZero();
            h.prepareSnapshotPreBarrier(1);
            snapshot = h.snapshot(1, 1);
            assertThat(h.numKeyedStateEntries()).as("the city key's map").isEqualTo(1);
        }
        try (KeyedOneInputStreamOperatorTestHarness<String, MonthSoFar, InfluxPoint> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        MonthlyAssessments.operator(registry, huli), c -> "city", Types.STRING)) {
            h.initializeState(snapshot);
            h.open();
            h.processElement(new StreamRecord<>(counts("qingju", "2026-10", 100, 10), 0L));
            h.processWatermark(AFTER_THE_MONTHS + 3);
            List<InfluxPoint> uninterrupted = run(registry, huli, counts("hello", "2026-10", 100, 0),
                    counts("meituan", "2026-10", 100, 50), counts("qingju", "2026-10", 100, 10));
            List<InfluxPoint> expected = uninterrupted.subList(uninterrupted.size() - h.extractOutputValues().size(),
                    uninterrupted.size());
            assertThat(h.extractOutputValues()).as("what the third operator's month gives in an uninterrupted run")
                    .hasSizeGreaterThan(3)
                    .extracting(InfluxPoint::toString).containsExactlyElementsOf(
                            expected.stream().map(InfluxPoint::toString).toList());
            assertThat(h.extractOutputValues()).filteredOn(p -> p.measurement().equals("operator_month"))
                    .extracting(p -> p.tags().get("operator")).containsExactlyInAnyOrder("hello", "meituan", "qingju");
        }
    }
}
