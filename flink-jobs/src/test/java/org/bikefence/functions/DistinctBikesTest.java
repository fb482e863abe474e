package org.bikefence.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bikefence.model.OperatorSignal.FIRST_FAULTY;
import static org.bikefence.model.OperatorSignal.FIRST_FAULTY_HANDLED;
import static org.bikefence.model.OperatorSignal.FIRST_OF_DAY;
import static org.bikefence.model.OperatorSignal.FIRST_OF_MONTH;
import static org.bikefence.model.OperatorSignal.FIRST_OUT_OF_AREA;
import static org.bikefence.model.OperatorSignal.FIRST_REPORT_GAP;
import static org.bikefence.model.OperatorSignal.FIRST_ZOMBIE;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.bikefence.model.BikeFact;
import org.bikefence.model.BikePosition;
import org.bikefence.model.BikeState;
import org.bikefence.model.ClassifiedPosition;
import org.bikefence.model.OperatorSignal;
import org.bikefence.model.ViolationEvent;
import org.bikefence.rules.RuleSetLoader;
import org.junit.jupiter.api.Test;

/** Which of a bike's signals count it once in its operator's day or month, decided keyed by bike. */
class DistinctBikesTest {
    private static final long MIN = 60_000L;
    private static final long DAY = 24 * 60 * MIN;
    /** 08:00 on 12 October 2026 in Xiamen. */
    private static final long T = Instant.parse("2026-10-12T00:00:00Z").toEpochMilli();

    private static OperatorSignal position(String bike, long ts, BikeState state) {
        return OperatorSignal.position(new ClassifiedPosition(new BikePosition("meituan", bike, ts, 24.5, 118.1,
                state), null, null, true, "v1"));
    }

    private static OperatorSignal fact(BikeFact.Kind kind, String bike, long ts) {
        BikeFact f = new BikeFact();
        f.kind = kind;
        f.operator = "meituan";
        f.bikeId = bike;
        f.ts = ts;
        return OperatorSignal.fact(f);
    }

    private static OperatorSignal opened(ViolationEvent.Type type, String bike, long ts) {
        return OperatorSignal.violation(ViolationEvent.opened(type, "meituan", bike, null, 24.5, 118.1, ts - MIN, ts,
                null));
    }

    /** The signals decided, each as "bike@minutes-after-T kind:bits", in output order, the input reversed. */
    private static List<String> decide(List<OperatorSignal> signals, long watermark) throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, OperatorSignal, OperatorSignal> h =
                new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new DistinctBikes(
                        RuleSetLoader.load(Path.of("../scoring-rules/rulesets/huli.yaml")))),
                        DistinctBikes::bikeKey, Types.STRING)) {
            h.open();
            for (int i = signals.size() - 1; i >= 0; i--) {
                h.processElement(new StreamRecord<>(signals.get(i), signals.get(i).ts));
            }
            h.processWatermark(new Watermark(watermark));
            return h.extractOutputValues().stream()
                    .map(s -> s.bikeId + "@" + (s.ts - T) / MIN + " " + s.kind + ":" + s.firsts)
                    .collect(Collectors.toList());
        }
    }

    @Test
    void aBikeCountsOncePerDayAndMonthOnItsEarliestRecordWhateverTheArrivalOrder() throws Exception {
        List<String> out = decide(List.of(
                position("MT-1", T, BikeState.PARKED),
                position("MT-1", T + MIN, BikeState.PARKED),
                position("MT-2", T + MIN, BikeState.RIDING),
                position("MT-1", T + DAY, BikeState.PARKED),
                position("MT-1", T + DAY + MIN, BikeState.PARKED)), T + 2 * DAY);

        assertThat(out).containsExactlyInAnyOrder(
                "MT-1@0 POSITION:" + (FIRST_OF_DAY | FIRST_OF_MONTH),
                "MT-1@1 POSITION:0",
                "MT-2@1 POSITION:" + (FIRST_OF_DAY | FIRST_OF_MONTH),
                "MT-1@1440 POSITION:" + FIRST_OF_DAY,
                "MT-1@1441 POSITION:0");
        assertThat(out.indexOf("MT-1@0 POSITION:" + (FIRST_OF_DAY | FIRST_OF_MONTH)))
                .as("a bike's signals leave in event-time order").isLessThan(out.indexOf("MT-1@1 POSITION:0"));
    }

    @Test
    void faultsViolationsAndReportGapsCountOncePerMonthOnTheFirstInFoldOrder() throws Exception {
        List<String> out = decide(List.of(
                position("MT-3", T, BikeState.FAULTY),
                fact(BikeFact.Kind.FAULTY_ENDED, "MT-3", T + 10 * MIN),
                fact(BikeFact.Kind.FAULTY_ENDED, "MT-3", T + 20 * MIN),
                // Handled without a faulty report of its own: a faulty bike of the month by its handling.
                fact(BikeFact.Kind.FAULTY_ENDED, "MT-4", T + 20 * MIN),
                opened(ViolationEvent.Type.OUT_OF_AREA, "MT-3", T + 30 * MIN),
                opened(ViolationEvent.Type.OUT_OF_AREA, "MT-3", T + 40 * MIN),
                opened(ViolationEvent.Type.ZOMBIE, "MT-3", T + 40 * MIN),
                opened(ViolationEvent.Type.ZOMBIE, "MT-3", T + 50 * MIN),
                fact(BikeFact.Kind.REPORT_GAP, "MT-3", T + 50 * MIN),
                fact(BikeFact.Kind.REPORT_GAP, "MT-3", T + 60 * MIN)), T + DAY);

        assertThat(out).containsExactlyInAnyOrder(
                "MT-3@0 POSITION:" + (FIRST_OF_DAY | FIRST_OF_MONTH | FIRST_FAULTY),
                "MT-3@10 FACT:" + FIRST_FAULTY_HANDLED,
                "MT-3@20 FACT:0",
                "MT-4@20 FACT:" + (FIRST_FAULTY | FIRST_FAULTY_HANDLED),
                "MT-3@30 VIOLATION:" + FIRST_OUT_OF_AREA,
                "MT-3@40 VIOLATION:0",
                "MT-3@40 VIOLATION:" + FIRST_ZOMBIE,
                "MT-3@50 VIOLATION:0",
                "MT-3@50 FACT:" + FIRST_REPORT_GAP,
                "MT-3@60 FACT:0");
    }

    @Test
    void aBikeIsRememberedForItsLatestMonthAndTheOneBeforeOnly() throws Exception {
        long nov = Instant.parse("2026-11-12T00:00:00Z").toEpochMilli();
        long dec = Instant.parse("2026-12-12T00:00:00Z").toEpochMilli();
        try (KeyedOneInputStreamOperatorTestHarness<String, OperatorSignal, OperatorSignal> h =
                new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new DistinctBikes(
                        RuleSetLoader.load(Path.of("../scoring-rules/rulesets/huli.yaml")))),
                        DistinctBikes::bikeKey, Types.STRING)) {
            h.open();
            for (long ts : new long[] {T, nov, dec}) {
                h.processElement(new StreamRecord<>(position("MT-1", ts, BikeState.PARKED), ts));
                h.processWatermark(new Watermark(ts + MIN));
            }
            // Late reports: November is still remembered (counted already); October is forgotten and counts nothing.
            h.processElement(new StreamRecord<>(position("MT-1", nov + 1, BikeState.PARKED), nov + 1));
            h.processElement(new StreamRecord<>(position("MT-1", T + 1, BikeState.PARKED), T + 1));
            h.processWatermark(new Watermark(dec + 2 * MIN));

            assertThat(h.extractOutputValues()).extracting(s -> s.firsts).containsExactly(
                    FIRST_OF_DAY | FIRST_OF_MONTH, FIRST_OF_DAY | FIRST_OF_MONTH, FIRST_OF_DAY | FIRST_OF_MONTH, 0, 0);
        }
    }

    @Test
    void signalsCountedPerOperatorPassStraightThrough() throws Exception {
        OperatorSignal accumulation = OperatorSignal.accumulation("meituan",
                org.bikefence.model.AreaDelta.Area.FENCE, "P-1", true, T, T + 30 * MIN);
        OperatorSignal closed = OperatorSignal.violation(ViolationEvent.opened(ViolationEvent.Type.ZOMBIE, "meituan",
                "MT-1", null, 24.5, 118.1, T, T + MIN, null).closedAt(T + 2 * MIN));
        try (KeyedOneInputStreamOperatorTestHarness<String, OperatorSignal, OperatorSignal> h =
                new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new DistinctBikes(
                        RuleSetLoader.load(Path.of("../scoring-rules/rulesets/huli.yaml")))),
                        DistinctBikes::bikeKey, Types.STRING)) {
            h.open();
            h.processElement(new StreamRecord<>(accumulation, accumulation.ts));
            h.processElement(new StreamRecord<>(closed, closed.ts));

            assertThat(h.extractOutputValues()).as("before any watermark").extracting(s -> s.kind)
                    .containsExactly(OperatorSignal.Kind.ACCUMULATION, OperatorSignal.Kind.VIOLATION);
        }
    }
}
