package org.bikefence.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.bikefence.metrics.BikeCounted;
import org.bikefence.metrics.MinuteSlice;
import org.bikefence.metrics.MonthAccumulator;
import org.bikefence.metrics.MonthlyMetricsFolder;
import org.bikefence.model.OperatorMinute;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.bikefence.metrics.MonthSoFar;
import org.bikefence.model.AreaDelta;
import org.bikefence.model.BikeFact;
import org.bikefence.model.BikePosition;
import org.bikefence.model.BikeState;
import org.bikefence.model.ClassifiedPosition;
import org.bikefence.model.DeadLetter;
import org.bikefence.model.OperatorSignal;
import org.bikefence.model.RawRecord;
import org.bikefence.model.ViolationEvent;
import org.bikefence.rules.Evidence;
import org.bikefence.rules.OperatorMonthMetrics;
import org.bikefence.rules.RuleSet;
import org.bikefence.rules.RuleSetLoader;
import org.junit.jupiter.api.Test;

/** Each month metric the stream counts, from signals of one operator, with exact expected values. */
class OperatorMetricsTest {
    private static final long MIN = 60_000L;
    /** 08:00 on 12 October 2026 in Xiamen. */
    private static final long T = Instant.parse("2026-10-12T00:00:00Z").toEpochMilli();

    private static ClassifiedPosition report(String bike, long ts, BikeState state, long arrivalDelay) {
        ClassifiedPosition p = new ClassifiedPosition(new BikePosition("meituan", bike, ts, 24.5, 118.1, state), null,
                null, true, "v1");
        p.receivedAt = arrivalDelay < 0 ? 0 : ts + arrivalDelay;
        return p;
    }

    private static BikeFact fact(BikeFact.Kind kind, String bike, long ts, String fence, boolean inArea, long dur) {
        BikeFact f = new BikeFact();
        f.kind = kind;
        f.operator = "meituan";
        f.bikeId = bike;
        f.ts = ts;
        f.parkingFenceId = fence;
        f.inOperatingArea = inArea;
        f.durationMs = dur;
        return f;
    }

    private static ViolationEvent noPark(String bike, long openedAt, long closedAt) {
        ViolationEvent v = ViolationEvent.opened("meituan", bike, "NP-1", 24.5, 118.1, openedAt - 10 * MIN, openedAt,
                "v1");
        return closedAt < 0 ? v : v.closedAt(closedAt);
    }

    private static List<OperatorSignal> signals() {
        return List.of(
                OperatorSignal.position(report("MT-1", T, BikeState.PARKED, 1_000)),
                OperatorSignal.position(report("MT-2", T + MIN, BikeState.RIDING, 10 * MIN)), // late: > 5 min
                OperatorSignal.position(report("MT-3", T + 2 * MIN, BikeState.FAULTY, -1)),
                OperatorSignal.fact(fact(BikeFact.Kind.STANDING_STARTED, "MT-1", T, "P-1", true, 0)),
                OperatorSignal.fact(fact(BikeFact.Kind.STANDING_STARTED, "MT-3", T + 2 * MIN, null, true, 0)),
                OperatorSignal.fact(fact(BikeFact.Kind.RIDE_ENDED, "MT-2", T + 3 * MIN, "P-1", true, 0)),
                OperatorSignal.fact(fact(BikeFact.Kind.STANDING_STARTED, "MT-2", T + 3 * MIN, "P-1", true, 0)),
                OperatorSignal.fact(fact(BikeFact.Kind.RIDE_ENDED, "MT-9", T + 4 * MIN, null, true, 0)),
                OperatorSignal.fact(fact(BikeFact.Kind.RIDE_ENDED, "MT-8", T + 4 * MIN, null, false, 0)),
                OperatorSignal.fact(fact(BikeFact.Kind.STANDING_ENDED, "MT-1", T + 5 * MIN, "P-1", true, 5 * MIN)),
                OperatorSignal.fact(fact(BikeFact.Kind.REPORT_GAP, "MT-2", T + 5 * MIN, null, true, 5 * MIN)),
                OperatorSignal.fact(fact(BikeFact.Kind.FAULTY_ENDED, "MT-3", T + 6 * MIN, null, true, 4 * MIN)),
                OperatorSignal.violation(noPark("MT-1", T + MIN, -1)),
                OperatorSignal.violation(noPark("MT-1", T + MIN, -1).closedAt(T + 21 * MIN)),
                OperatorSignal.violation(noPark("MT-4", T + 2 * MIN, -1)),
                OperatorSignal.violation(noPark("MT-4", T + 2 * MIN, -1).closedAt(T + 52 * MIN)),
                OperatorSignal.accumulation("meituan", AreaDelta.Area.FENCE, "P-1", true, T, T + 30 * MIN),
                OperatorSignal.accumulation("meituan", AreaDelta.Area.FENCE, "P-1", false, T, T + 40 * MIN - 1),
                OperatorSignal.accumulation("meituan", AreaDelta.Area.CELL, "8928", true, T, T + 30 * MIN),
                OperatorSignal.outOfOrder(report("MT-1", T + MIN, BikeState.PARKED, -1)),
                OperatorSignal.invalid(deadLetter(), T + 3 * MIN),
                // Nothing from the operator for 40 minutes: a feed gap of 39 whole silent minutes.
                OperatorSignal.position(report("MT-1", T + 42 * MIN, BikeState.PARKED, 0)));
    }

    /** The month so far after each folded minute, the signals given in reverse order. */
    private static List<MonthSoFar> run(List<OperatorSignal> signals) throws Exception {
        // Reverse order: within and across minutes, arrival order must not change the result.
        List<OperatorSignal> reversed = new java.util.ArrayList<>(signals);
        java.util.Collections.reverse(reversed);
        return arriving(reversed);
    }

    /** What the operator step put out: the month so far after each folded minute, and the minutes' counts. */
    private record Out(List<MonthSoFar> months, List<OperatorMinute> minutes) {}

    /**
     * The month so far after each folded minute, the signals arriving in the order given: their per-bike firsts
     * decided in each bike's event-time order (as the bike tracker does), then sliced per minute by two "subtasks"
     * taking the signals in turn ({@link MinuteSlicer}), then merged and folded keyed by operator.
     */
    private static List<MonthSoFar> arriving(List<OperatorSignal> signals) throws Exception {
        return operatorStep(signals).months();
    }

    private static Out operatorStep(List<OperatorSignal> signals) throws Exception {
        return fold(slices(signals), Long.MAX_VALUE);
    }

    private static RuleSet huli() throws Exception {
        return RuleSetLoader.load(Path.of("../scoring-rules/rulesets/huli.yaml"));
    }

    /** The signals' firsts decided per bike in event-time order, then sliced per minute by two "subtasks". */
    private static List<MinuteSlice> slices(List<OperatorSignal> signals) throws Exception {
        RuleSet rules = huli();
        List<OperatorSignal> inEventTime = new java.util.ArrayList<>(signals);
        inEventTime.sort(OperatorSignal.FOLD_ORDER);
        Map<String, BikeCounted> bikes = new java.util.HashMap<>();
        for (OperatorSignal sig : inEventTime) {
            if (sig.bikeId != null) {
                sig.firsts = MonthlyMetricsFolder.firsts(rules.timeZone(), sig,
                        bikes.computeIfAbsent(sig.bikeId, b -> new BikeCounted()));
            }
        }
        List<MinuteSlice> slices = new java.util.ArrayList<>();
        List<OneInputStreamOperatorTestHarness<OperatorSignal, MinuteSlice>> subtasks = List.of(
                new OneInputStreamOperatorTestHarness<>(new MinuteSlicer(rules)),
                new OneInputStreamOperatorTestHarness<>(new MinuteSlicer(rules)));
        for (var subtask : subtasks) {
            subtask.open();
        }
        for (int i = 0; i < signals.size(); i++) {
            OperatorSignal sig = signals.get(i);
            subtasks.get(i % 2).processElement(new StreamRecord<>(sig, sig.ts));
        }
        for (var subtask : subtasks) {
            subtask.processWatermark(new Watermark(T + 120 * MIN));
            slices.addAll(subtask.extractOutputValues());
            subtask.close();
        }
        return slices;
    }

    /**
     * The slices merged and folded keyed by operator, as the job runs it ({@link OperatorMetrics#operator}, on
     * RocksDB); with a checkpoint taken once the watermark has passed {@code checkpointAt}, and the rest folded by a
     * new instance restored from it.
     */
    private static Out fold(List<MinuteSlice> slices, long checkpointAt) throws Exception {
        List<MonthSoFar> months = new java.util.ArrayList<>();
        List<OperatorMinute> minutes = new java.util.ArrayList<>();
        var h = operatorMetrics(null);
        int i = 0;
        if (checkpointAt != Long.MAX_VALUE) {
            for (; i < slices.size() && slices.get(i).minute < checkpointAt; i++) {
                h.processElement(new StreamRecord<>(slices.get(i), slices.get(i).minute + MIN - 1));
            }
            h.processWatermark(new Watermark(checkpointAt));
            h.prepareSnapshotPreBarrier(1);
            var snapshot = h.snapshot(1, 1);
            months.addAll(h.extractOutputValues());
            h.getSideOutput(OperatorMetrics.MINUTES).forEach(r -> minutes.add(r.getValue()));
            h.close();
            h = operatorMetrics(snapshot);
        }
        try (var last = h) {
            for (; i < slices.size(); i++) {
                last.processElement(new StreamRecord<>(slices.get(i), slices.get(i).minute + MIN - 1));
            }
            last.processWatermark(new Watermark(T + 120 * MIN));
            months.addAll(last.extractOutputValues());
            var side = last.getSideOutput(OperatorMetrics.MINUTES);
            if (side != null) {
                side.forEach(r -> minutes.add(r.getValue()));
            }
            return new Out(months, minutes);
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, MinuteSlice, MonthSoFar> operatorMetrics(
            org.apache.flink.runtime.checkpoint.OperatorSubtaskState restoreFrom) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(OperatorMetrics.operator(huli()), s -> s.operator,
                Types.STRING);
        h.setStateBackend(new org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend());
        if (restoreFrom != null) {
            h.initializeState(restoreFrom);
        }
        h.open();
        return h;
    }

    @Test
    void aCheckpointMidMonthAndARestoreFoldTheSameMonthAsAnUninterruptedRun() throws Exception {
        // The months folded since the last barrier are on the heap (OperatorMetrics.Batching): the checkpoint must
        // hold them, evidence included, or the restored run continues from an older month.
        List<MinuteSlice> slices = slices(signals());
        slices.sort(java.util.Comparator.comparingLong(s -> s.minute));
        Out uninterrupted = fold(slices, Long.MAX_VALUE);
        Out restored = fold(slices, T + 10 * MIN);
        assertThat(restored.months()).hasSize(uninterrupted.months().size());
        assertThat(restored.months()).isEqualTo(uninterrupted.months());
        assertThat(restored.minutes()).usingRecursiveFieldByFieldElementComparator()
                .isEqualTo(uninterrupted.minutes());
        assertThat(restored.months().get(restored.months().size() - 1).metrics().evidence()).isNotEmpty();
    }

    @Test
    void countsEveryMonthMetricOfAnOperator() throws Exception {
        List<MonthSoFar> out = run(signals());
        MonthSoFar last = out.get(out.size() - 1);
        OperatorMonthMetrics c = last.metrics();

        assertThat(last.asOf()).as("the minute of the last signal, MT-4 leaving the zone").isEqualTo(T + 52 * MIN);
        assertThat(c.operator()).isEqualTo("meituan");
        assertThat(c.month()).isEqualTo(YearMonth.of(2026, 10));
        assertThat(c.fleet().distinctBikesByDay()).containsExactly(Map.entry(LocalDate.of(2026, 10, 12), 3L));
        assertThat(c.fleet().distinctBikesInMonth()).isEqualTo(3);
        assertThat(c.fleet().peakParkedBikes()).as("MT-1, MT-3, MT-2 stand at once in minute 3").isEqualTo(3);
        OperatorMonthMetrics.NoPark noPark = c.noPark();
        assertThat(List.of(noPark.violations(), noPark.closed(), noPark.closedWithinDeadline(),
                noPark.minutesOpenTotal())).containsExactly(2L, 2L, 1L, 70L);
        assertThat(List.of(c.parking().rideEndsInManagedArea(), c.parking().rideEndsInParkingFence()))
                .containsExactly(2L, 1L);
        OperatorMonthMetrics.Accumulation acc = c.accumulation();
        assertThat(List.of(acc.fenceOverCapacityEvents(), acc.cellOverThresholdEvents(), acc.cleared(),
                acc.clearedWithinDeadline(), acc.minutesToClearTotal())).containsExactly(1L, 1L, 1L, 1L, 40L);
        OperatorMonthMetrics.Condition condition = c.condition();
        assertThat(List.of(condition.faultyBikes(), condition.handled(), condition.handledWithinDeadline(),
                condition.minutesToHandleTotal())).containsExactly(1L, 1L, 1L, 4L);
        OperatorMonthMetrics.DataFeed feed = c.dataFeed();
        assertThat(feed.bikesWithinReportInterval()).as("MT-2 missed its interval").isEqualTo(2);
        assertThat(List.of(feed.recordsReceived(), feed.lateRecords(), feed.outOfOrderRecords(),
                feed.invalidRecords())).containsExactly(5L, 1L, 1L, 1L);
        assertThat(List.of(feed.feedGaps(), feed.feedGapMinutes())).containsExactly(1L, 39L);
        assertThat(c.evidence()).extracting(e -> e.kind().name()).contains("NO_PARK_VIOLATION",
                "NO_PARK_CLEARED_LATE", "FENCE_OVER_CAPACITY", "CELL_OVER_THRESHOLD", "FEED_GAP");
    }

    @Test
    void everyMonthSoFarIsTheSameWhateverOrderTheSignalsArriveIn() throws Exception {
        // Many signals in one minute, more evidence than the month keeps: which rows are kept must not depend on
        // arrival order (subtasks upstream interleave differently at each parallelism).
        List<OperatorSignal> signals = new java.util.ArrayList<>(signals());
        for (int i = 0; i < MonthAccumulator.MAX_EVIDENCE + 50; i++) {
            signals.add(OperatorSignal.violation(noPark(String.format("MT-%04d", i), T + 60 * MIN + i % 7, -1)));
        }
        List<MonthSoFar> expected = arriving(signals);
        assertThat(expected.get(expected.size() - 1).metrics().evidence()).hasSize(MonthAccumulator.MAX_EVIDENCE);
        for (int seed = 0; seed < 3; seed++) {
            List<OperatorSignal> shuffled = new java.util.ArrayList<>(signals);
            java.util.Collections.shuffle(shuffled, new java.util.Random(seed));
            assertThat(arriving(shuffled)).as("arrival order, seed " + seed).isEqualTo(expected);
        }
    }

    @Test
    void eachMinuteWithRecordsOrNoParkViolationsGetsItsCountsOnce() throws Exception {
        List<OperatorSignal> signals = new java.util.ArrayList<>(signals());
        // Two reports of one bike in a no-park zone in minute 3: one bike seen there.
        signals.add(OperatorSignal.position(inNoPark("MT-6", T + 3 * MIN)));
        signals.add(OperatorSignal.position(inNoPark("MT-6", T + 3 * MIN + 5_000)));
        List<String> minutes = operatorStep(signals).minutes().stream()
                .map(m -> (m.minuteStart - T) / MIN + ": seen " + m.bikesSeen + ", no-park " + m.bikesInNoPark
                        + ", opened " + m.violationsOpened + ", closed " + m.violationsClosed)
                .toList();
        assertThat(minutes).containsExactly(
                "0: seen 1, no-park 0, opened 0, closed 0",
                "1: seen 1, no-park 0, opened 1, closed 0",
                "2: seen 1, no-park 0, opened 1, closed 0",
                "3: seen 1, no-park 1, opened 0, closed 0",
                "21: seen 0, no-park 0, opened 0, closed 1",
                "42: seen 1, no-park 0, opened 0, closed 0",
                "52: seen 0, no-park 0, opened 0, closed 1");
    }

    /** A slice part of meituan's minute {@code minute} (from T) with these records and standing delta. */
    private static MinuteSlice part(long minute, long records, long standingDelta) {
        MinuteSlice s = new MinuteSlice("meituan", T + minute * MIN);
        s.add(records > 0 ? MinuteSlice.Count.RECORDS : MinuteSlice.Count.INVALID_RECORDS, Math.max(1, records));
        s.add(MinuteSlice.Count.STANDING_DELTA, standingDelta);
        return s;
    }

    @Test
    void eachMinuteCarriesTheBikesStandingNowAndTheDaysPeakAgainstTheQuotaWhenItChanges() throws Exception {
        RuleSet rules = RuleSetLoader.load(Path.of("../scoring-rules/rulesets/huli.yaml"));
        long midnight = 16 * 60; // minutes from T (08:00 in Xiamen) to the next local midnight
        List<MinuteSlice> parts = List.of(
                part(0, 3, 3),
                part(1, 1, 2), part(1, 1, -1), // two subtasks' parts of one minute
                part(2, 2, -2),
                part(5, 0, 0), // invalid records only: no minute counts
                part(midnight - 1, 3, 3),
                part(midnight, 0, 0), // the new day's first minute, without records: its peak waits
                part(midnight + 3, 4, -4));
        try (KeyedOneInputStreamOperatorTestHarness<String, MinuteSlice, MonthSoFar> h =
                new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new OperatorMetrics(rules)),
                        s -> s.operator, Types.STRING)) {
            h.open();
            for (MinuteSlice sl : parts) {
                h.processElement(new StreamRecord<>(sl, sl.minute + MIN - 1));
            }
            h.processWatermark(new Watermark(T + (midnight + 10) * MIN));
            long today = Instant.parse("2026-10-11T16:00:00Z").toEpochMilli();
            long tomorrow = today + 24 * 60 * MIN;
            List<String> minutes = h.getSideOutput(OperatorMetrics.MINUTES).stream().map(StreamRecord::getValue)
                    .map(m -> (m.minuteStart - T) / MIN + ": standing " + m.bikesStanding + ", day "
                            + (m.dayStart == today ? "12th" : m.dayStart == tomorrow ? "13th" : m.dayStart)
                            + " peak " + m.dayPeakStanding + (m.dayPeakChanged ? " (changed)" : "") + " of "
                            + m.fleetQuota)
                    .toList();
            assertThat(minutes).containsExactly(
                    "0: standing 3, day 12th peak 3 (changed) of 8000",
                    "1: standing 4, day 12th peak 4 (changed) of 8000",
                    "2: standing 2, day 12th peak 4 of 8000",
                    (midnight - 1) + ": standing 5, day 12th peak 5 (changed) of 8000",
                    // The 13th began with 5 bikes standing, so its peak is 5 although 1 stands now.
                    (midnight + 3) + ": standing 1, day 13th peak 5 (changed) of 8000");
            assertThat(h.getSideOutput(OperatorMetrics.MINUTES).stream().map(StreamRecord::getValue)
                    .flatMap(m -> org.bikefence.influx.InfluxSchema.minutePoints(m).stream())
                    .map(org.bikefence.influx.InfluxPoint::measurement).filter(m -> !m.equals("operator_now")))
                    .as("a day point with each minute whose day peak changed")
                    .containsExactly("operator_minute", "operator_standing_day", "operator_minute",
                            "operator_standing_day", "operator_minute", "operator_minute", "operator_standing_day",
                            "operator_minute", "operator_standing_day");
        }
    }

    @Test
    void everyFiveMinutesTheOpenViolationsAccumulationsAndBikesStandingAreSnapshotted() throws Exception {
        RuleSet rules = RuleSetLoader.load(Path.of("../scoring-rules/rulesets/huli.yaml"));
        MinuteSlice m0 = part(0, 2, 2);
        m0.add(MinuteSlice.Count.NO_PARK_OPENED, 1);
        MinuteSlice m3 = part(3, 1, 0);
        m3.add(MinuteSlice.Count.ZOMBIE_OPEN_DELTA, 1);
        MinuteSlice m8 = part(8, 0, 0); // no records: an accumulation event opens
        m8.events = new OperatorSignal[] {
                OperatorSignal.accumulation("meituan", AreaDelta.Area.FENCE, "P-1", true, T + 7 * MIN, T + 8 * MIN)};
        MinuteSlice m16 = part(16, 0, 0); // no records: an out-of-area violation opens at a deadline
        m16.add(MinuteSlice.Count.OUT_OF_AREA_OPEN_DELTA, 1);
        List<MinuteSlice> parts = List.of(m0, m3, part(7, 1, 0), m8, part(12, 0, 0), m16, part(21, 1, 0));
        try (KeyedOneInputStreamOperatorTestHarness<String, MinuteSlice, MonthSoFar> h =
                new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new OperatorMetrics(rules)),
                        s -> s.operator, Types.STRING)) {
            h.open();
            for (MinuteSlice sl : parts) {
                h.processElement(new StreamRecord<>(sl, sl.minute + MIN - 1));
            }
            h.processWatermark(new Watermark(T + 30 * MIN));
            List<String> snapshots = h.getSideOutput(OperatorMetrics.MINUTES).stream().map(StreamRecord::getValue)
                    .flatMap(m -> org.bikefence.influx.InfluxSchema.now(m).stream()
                            .map(p -> (m.minuteStart - T) / MIN + " writes @" + (p.timeMs() - T) / MIN + " "
                                    + p.fields()))
                    .toList();
            // Figures: standing, no-park, out-of-area, zombie, overdue faulty, accumulations.
            assertThat(snapshots).containsExactly(
                    "7 writes @5 {bikes_standing=2, open_accumulations=0, open_faulty_overdue=0, open_no_park=1,"
                            + " open_out_of_area=0, open_zombie=1}",
                    // Minutes 12 and 16 have no point: their snapshots wait for minute 21, each with its figures.
                    "21 writes @10 {bikes_standing=2, open_accumulations=1, open_faulty_overdue=0, open_no_park=1,"
                            + " open_out_of_area=0, open_zombie=1}",
                    "21 writes @15 {bikes_standing=2, open_accumulations=1, open_faulty_overdue=0, open_no_park=1,"
                            + " open_out_of_area=0, open_zombie=1}",
                    "21 writes @20 {bikes_standing=2, open_accumulations=1, open_faulty_overdue=0, open_no_park=1,"
                            + " open_out_of_area=1, open_zombie=1}");
            assertThat(h.getSideOutput(OperatorMetrics.MINUTES).stream().map(StreamRecord::getValue)
                    .filter(m -> m.minuteStart == T + 21 * MIN).findFirst().orElseThrow().nowSnapshots)
                    .as("10 and 15 share their figures: one group").hasSize(2 * OperatorMinute.NOW_GROUP);
        }
    }

    @Test
    void aViolationOfAForgottenBikeLeavesTheOpenCountsAndNothingElse() throws Exception {
        RuleSet rules = RuleSetLoader.load(Path.of("../scoring-rules/rulesets/huli.yaml"));
        ViolationEvent noPark = ViolationEvent.opened(ViolationEvent.Type.NO_PARK, "meituan", "MT-1", "NP-1", 24.5,
                118.1, T - 20 * MIN, T, "v1");
        ViolationEvent zombie = ViolationEvent.opened(ViolationEvent.Type.ZOMBIE, "meituan", "MT-2", null, 24.5,
                118.1, T - 7 * 24 * 60 * MIN, T, null);
        List<String> withUntracked = null;
        List<String> without = null;
        for (boolean forgotten : new boolean[] {true, false}) {
            MinuteSlice m0 = part(0, 2, 2);
            m0.add(MinuteSlice.Count.NO_PARK_OPENED, 1);
            m0.add(MinuteSlice.Count.ZOMBIE_OPEN_DELTA, 1);
            m0.events = new OperatorSignal[] {OperatorSignal.violation(noPark)};
            MinuteSlice m7 = part(7, 1, 0);
            if (forgotten) {
                MonthlyMetricsFolder folder = new MonthlyMetricsFolder(rules);
                for (ViolationEvent v : List.of(noPark.closedAt(T + 7 * MIN), zombie.closedAt(T + 7 * MIN))) {
                    OperatorSignal u = OperatorSignal.untracked(v);
                    long[] before = m7.counts.clone();
                    assertThat(folder.count(m7, u)).as("kept for the open counts").isTrue();
                    assertThat(m7.counts).as("no count changes").isEqualTo(before);
                    m7.events = java.util.Arrays.copyOf(m7.events, m7.events.length + 1);
                    m7.events[m7.events.length - 1] = u;
                }
            }
            try (KeyedOneInputStreamOperatorTestHarness<String, MinuteSlice, MonthSoFar> h =
                    new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new OperatorMetrics(rules)),
                            sl -> sl.operator, Types.STRING)) {
                h.open();
                for (MinuteSlice sl : List.of(m0, m7, part(12, 1, 0))) {
                    h.processElement(new StreamRecord<>(sl, sl.minute + MIN - 1));
                }
                h.processWatermark(new Watermark(T + 20 * MIN));
                List<String> out = new java.util.ArrayList<>();
                h.getSideOutput(OperatorMetrics.MINUTES).forEach(r -> {
                    OperatorMinute m = r.getValue();
                    out.add((m.minuteStart - T) / MIN + " opened " + m.violationsOpened + " closed "
                            + m.violationsClosed);
                    org.bikefence.influx.InfluxSchema.now(m).forEach(p -> out.add("@" + (p.timeMs() - T) / MIN
                            + " no_park " + p.fields().get("open_no_park") + " zombie " + p.fields().get("open_zombie")));
                });
                h.extractOutputValues().forEach(m -> out.add("month " + m.metrics() + " @" + m.asOf()));
                if (forgotten) {
                    withUntracked = out;
                } else {
                    without = out;
                }
            }
        }
        assertThat(withUntracked).as("the snapshot after minute 7 no longer counts them").contains(
                "@5 no_park 1 zombie 1", "@10 no_park 0 zombie 0", "7 opened 0 closed 0");
        assertThat(without).contains("@10 no_park 1 zombie 1");
        assertThat(withUntracked.stream().filter(l -> !l.startsWith("@")).toList())
                .as("the minute counts and the month's figures are those without them")
                .isEqualTo(without.stream().filter(l -> !l.startsWith("@")).toList());
    }

    @Test
    void bikesStandingNeverGoBelowZero() throws Exception {
        RuleSet rules = RuleSetLoader.load(Path.of("../scoring-rules/rulesets/huli.yaml"));
        try (KeyedOneInputStreamOperatorTestHarness<String, MinuteSlice, MonthSoFar> h =
                new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new OperatorMetrics(rules)),
                        s -> s.operator, Types.STRING)) {
            h.open();
            // Standing periods that began before the job's state did: they end without a start.
            for (MinuteSlice sl : List.of(part(0, 2, -2), part(1, 1, 1))) {
                h.processElement(new StreamRecord<>(sl, sl.minute + MIN - 1));
            }
            h.processWatermark(new Watermark(T + 10 * MIN));
            assertThat(h.getSideOutput(OperatorMetrics.MINUTES)).extracting(r -> r.getValue().bikesStanding)
                    .as("the running sum is -2, then -1; the month's figures keep it as before")
                    .containsExactly(0L, 0L);
        }
    }

    @Test
    void aMonthIsDroppedOnceAMinuteTwoMonthsLaterIsFolded() throws Exception {
        RuleSet rules = RuleSetLoader.load(Path.of("../scoring-rules/rulesets/huli.yaml"));
        long oct = T;
        long nov = Instant.parse("2026-11-12T00:00:00Z").toEpochMilli();
        long dec = Instant.parse("2026-12-12T00:00:00Z").toEpochMilli();
        try (KeyedOneInputStreamOperatorTestHarness<String, MinuteSlice, MonthSoFar> h =
                new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new OperatorMetrics(rules)),
                        s -> s.operator, Types.STRING)) {
            h.open();
            for (long minute : new long[] {oct, nov, dec}) {
                h.processElement(new StreamRecord<>(oneRecord(minute), minute + MIN - 1));
                h.processWatermark(new Watermark(minute + MIN));
            }
            // Late parts of November (kept: the month before December) and October (final: dropped, its figures
            // stay as written).
            h.processElement(new StreamRecord<>(oneRecord(nov + MIN), nov + 2 * MIN - 1));
            h.processElement(new StreamRecord<>(oneRecord(oct + MIN), oct + 2 * MIN - 1));
            h.processWatermark(new Watermark(dec + 2 * MIN));
            assertThat(h.extractOutputValues()).extracting(m -> m.metrics().month() + " "
                    + m.metrics().dataFeed().recordsReceived())
                    .containsExactly("2026-10 1", "2026-11 1", "2026-12 1", "2026-11 2");
        }
    }

    private static MinuteSlice oneRecord(long minute) {
        MinuteSlice s = new MinuteSlice("meituan", minute);
        s.increment(MinuteSlice.Count.RECORDS);
        return s;
    }

    @Test
    void theMonthSurvivesFlinksSerializersAsStateAndOnTheWire() throws Exception {
        List<MonthSoFar> out = run(signals());
        MonthSoFar last = out.get(out.size() - 1);
        assertThat(last.metrics().evidence()).isNotEmpty();
        assertThat(roundTrip(last, MonthSoFar.class)).isEqualTo(last);
        assertThat(roundTrip(last.metrics(), OperatorMonthMetrics.class)).isEqualTo(last.metrics());

        MonthAccumulator m = new MonthAccumulator("meituan", YearMonth.of(2026, 10));
        m.record(0, 300_000);
        m.bikeOfDay(LocalDate.of(2026, 10, 12));
        m.bikeOfMonth();
        m.faultyBike();
        m.reportGapBike();
        m.evidence(Evidence.Kind.FEED_GAP, "gap-1", null, null, T, null);
        assertThat(roundTrip(m, MonthAccumulator.class).toMetrics()).isEqualTo(m.toMetrics());
    }

    private static <T> T roundTrip(T value, Class<T> type) throws Exception {
        TypeSerializer<T> serializer = TypeInformation.of(type).createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(value, out);
        return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    private static ClassifiedPosition inNoPark(String bike, long ts) {
        ClassifiedPosition p = new ClassifiedPosition(new BikePosition("meituan", bike, ts, 24.5, 118.1,
                BikeState.PARKED), "NP-1", null, true, "v1");
        p.receivedAt = ts;
        return p;
    }

    private static DeadLetter deadLetter() {
        return new DeadLetter(RawRecord.of("MT-5", "{\"operator\":\"meituan\"}"), "meituan", "missing_field",
                "required field 'bikeId' is missing or empty", T);
    }
}
