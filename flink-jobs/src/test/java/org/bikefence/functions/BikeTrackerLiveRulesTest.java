package org.bikefence.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.bikefence.bike.TrackerSettings;
import org.bikefence.model.BikePosition;
import org.bikefence.model.BikeState;
import org.bikefence.model.ClassifiedPosition;
import org.bikefence.model.RuleSetUpdate;
import org.bikefence.model.ViolationEvent;
import org.bikefence.rules.RuleSetLoader;
import org.bikefence.testing.LiveRulesFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link BikeTracker} with rule-set versions taken while running (its second input): the per-bike parameters of the
 * version in force at each event's time, from the start of the version's {@code effectiveFrom} day.
 */
class BikeTrackerLiveRulesTest {
    private static final long MIN = 60_000L;
    private static final long HOUR = 60 * MIN;
    private static final ZoneId XIAMEN = ZoneId.of("Asia/Shanghai");
    private static final LocalDate V2_DAY = LocalDate.of(2026, 10, 26);
    /** Midnight in Xiamen: where version 2 (4-minute no-park grace, 10 minutes out of area) starts. */
    private static final long V2_STARTS = V2_DAY.atStartOfDay(XIAMEN).toInstant().toEpochMilli();
    private static final String V2_YAML = LiveRulesFixtures.version("huli-live.2", V2_DAY, 4, 10);
    private static final TrackerSettings V1 = TrackerSettings.of(RuleSetLoader.loadDefault());
    private static final TrackerSettings V2 = TrackerSettings.of(parse(V2_YAML));
    private static final long BOUND = 5 * MIN;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static org.bikefence.rules.RuleSet parse(String yaml) {
        return LiveRuleSets.parse(LiveRulesFixtures.update(yaml, 0));
    }

    private static KeyedTwoInputStreamOperatorTestHarness<String, ClassifiedPosition, RuleSetUpdate, ViolationEvent>
            harness(BikeTracker tracker, OperatorSubtaskState restoreFrom) throws Exception {
        return harness(tracker, restoreFrom, false);
    }

    private static KeyedTwoInputStreamOperatorTestHarness<String, ClassifiedPosition, RuleSetUpdate, ViolationEvent>
            harness(BikeTracker tracker, OperatorSubtaskState restoreFrom, boolean rocksDb) throws Exception {
        KeyedTwoInputStreamOperatorTestHarness<String, ClassifiedPosition, RuleSetUpdate, ViolationEvent> h =
                new KeyedTwoInputStreamOperatorTestHarness<>(tracker, BikeTracker::bikeKey, null, Types.STRING);
        if (rocksDb) {
            h.setStateBackend(new org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend());
        }
        if (restoreFrom != null) {
            h.initializeState(restoreFrom);
        }
        h.open();
        // The rule-set input is idle for ever (as in the job): it neither holds back nor pushes the watermark.
        h.processWatermarkStatus2(WatermarkStatus.IDLE);
        return h;
    }

    private static BikeTracker onlyV1() {
        return new BikeTracker(V1, XIAMEN);
    }

    private static BikeTracker bothFromTheStart() {
        NavigableMap<Long, TrackerSettings> versions = new TreeMap<>();
        versions.put(Long.MIN_VALUE, V1);
        versions.put(V2_STARTS, V2);
        return new BikeTracker(versions, XIAMEN);
    }

    private static RuleSetUpdate v2Accepted() {
        return LiveRulesFixtures.accepted("huli-live.2", V2_YAML, V2_STARTS);
    }

    static ClassifiedPosition report(String bike, long ts, BikeState state, String zone, boolean inArea) {
        return new ClassifiedPosition(new BikePosition("meituan", bike, ts, 24.5, 118.1, state), zone, null, inArea,
                "v1");
    }

    /** One input: a report, then the watermark sent after it (or none), and whether version 2 arrives after it. */
    private record Step(ClassifiedPosition report, long watermarkAfter) {}

    private static List<Step> input(Random rnd, int bikes) {
        List<ClassifiedPosition> reports = new ArrayList<>();
        for (int b = 0; b < bikes; b++) {
            long t = V2_STARTS - 6 * HOUR + rnd.nextInt(60) * MIN;
            while (t < V2_STARTS + 6 * HOUR) {
                // Riding, faulty, parked (in a zone or not), parked out of the area; parked bikes go silent for up to
                // three hours, so deadlines that version 2 moves come without a report.
                int kind = rnd.nextInt(6);
                BikeState state = kind == 0 ? BikeState.RIDING : kind == 1 ? BikeState.FAULTY : BikeState.PARKED;
                String zone = kind >= 2 && kind <= 4 && rnd.nextBoolean() ? "NP-01" : null;
                boolean inArea = kind < 4;
                reports.add(report("b" + b, t, state, zone, inArea));
                t += (1 + rnd.nextInt(kind == 0 ? 3 : 180)) * MIN;
            }
        }
        reports.sort(java.util.Comparator.comparingLong(p -> p.ts));
        // Arrival order: shuffled within the bound.
        for (int i = 0; i + 1 < reports.size(); i++) {
            if (reports.get(i + 1).ts - reports.get(i).ts < BOUND && rnd.nextInt(3) == 0) {
                java.util.Collections.swap(reports, i, i + 1);
            }
        }
        List<Step> steps = new ArrayList<>();
        long maxTs = Long.MIN_VALUE;
        for (ClassifiedPosition p : reports) {
            maxTs = Math.max(maxTs, p.ts);
            steps.add(new Step(p, rnd.nextInt(4) == 0 ? maxTs - BOUND : Long.MIN_VALUE));
        }
        return steps;
    }

    /**
     * Every output, in batches between watermarks (records within a batch sorted: at one watermark the order of
     * different bikes' timers is the timer queue's), with their timestamps.
     */
    private static List<String> run(List<Step> input, BikeTracker tracker, int v2ArrivesAfterStep, boolean rocksDb)
            throws Exception {
        List<String> out = new ArrayList<>();
        try (var h = harness(tracker, null, rocksDb)) {
            long wm = Long.MIN_VALUE;
            for (int i = 0; i < input.size(); i++) {
                Step s = input.get(i);
                h.processElement1(new StreamRecord<>(s.report(), s.report().ts));
                if (s.watermarkAfter() > wm) {
                    wm = s.watermarkAfter();
                    h.processWatermark1(new Watermark(wm));
                    drain(h, "watermark " + wm, out);
                }
                if (i == v2ArrivesAfterStep) {
                    assertThat(wm).as("version 2 arrives before the watermark passes its start").isLessThan(V2_STARTS);
                    h.processElement2(new StreamRecord<>(v2Accepted()));
                }
            }
            h.processWatermark1(new Watermark(V2_STARTS + 3 * 24 * HOUR));
            drain(h, "last watermark", out);
        }
        return out;
    }

    private static void drain(KeyedTwoInputStreamOperatorTestHarness<String, ClassifiedPosition, RuleSetUpdate,
            ViolationEvent> h, String batch, List<String> out) throws Exception {
        List<String> records = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                records.add("main " + r.getTimestamp() + " " + JSON.writeValueAsString(r.getValue()));
            }
        }
        h.getOutput().clear();
        for (OutputTag<?> tag : List.of(BikeTracker.FACTS, BikeTracker.SIGNALS, BikeTracker.OUT_OF_ORDER,
                BikeTracker.LATE_POSITIONS)) {
            Collection<? extends StreamRecord<?>> side = h.getSideOutput(tag);
            if (side == null) {
                continue;
            }
            for (StreamRecord<?> r : side) {
                records.add(tag.getId() + " " + r.getTimestamp() + " " + JSON.writeValueAsString(r.getValue()));
            }
            side.clear();
        }
        records.sort(null);
        out.add("-- " + batch);
        out.addAll(records);
    }

    /** The last step after which the watermark is still before version 2's start. */
    private static int lastStepBeforeTheStart(List<Step> input) {
        int last = -1;
        long wm = Long.MIN_VALUE;
        for (int i = 0; i < input.size(); i++) {
            wm = Math.max(wm, input.get(i).watermarkAfter());
            if (wm < V2_STARTS) {
                last = i;
            }
        }
        return last;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void aVersionArrivingBeforeTheWatermarkPassesItsStartGivesTheOutputOfAJobStartedWithIt(long seed)
            throws Exception {
        Random rnd = new Random(seed);
        List<Step> input = input(rnd, 40);
        int last = lastStepBeforeTheStart(input);
        // Late, shortly before the watermark passes the start: most bikes were last processed before it arrived.
        int arrivesAfter = Math.max(0, last - rnd.nextInt(4));

        // On RocksDB for even seeds: the wake-ups at the start are registered for the keys the backend lists.
        boolean rocksDb = seed % 2 == 0;
        List<String> registered = run(input, bothFromTheStart(), -1, false);
        List<String> live = run(input, onlyV1(), arrivesAfter, rocksDb);
        List<String> withoutIt = run(input, onlyV1(), -1, false);

        assertThat(registered).as("the output").hasSizeGreaterThan(500);
        assertThat(withoutIt).as("version 2 changes the output").isNotEqualTo(registered);
        assertThat(live).as("version 2 arriving after step %d of %d", arrivesAfter, input.size())
                .containsExactlyElementsOf(registered);
    }

    @Test
    void theNewGraceAppliesToBikesEnteringAZoneFromTheVersionsStartAndTheOldOneBefore() throws Exception {
        try (var h = harness(onlyV1(), null)) {
            h.processWatermark1(new Watermark(V2_STARTS - 2 * HOUR));
            h.processElement2(new StreamRecord<>(v2Accepted()));
            // Both stand 7 minutes in the zone: longer than version 2's 4-minute grace, shorter than version 1's 10.
            for (long m = 0; m <= 7; m++) {
                h.processElement1(new StreamRecord<>(report("before", V2_STARTS - 30 * MIN + m * MIN,
                        BikeState.PARKED, "NP-01", true)));
                h.processElement1(new StreamRecord<>(report("after", V2_STARTS + 30 * MIN + m * MIN,
                        BikeState.PARKED, "NP-01", true)));
            }
            h.processElement1(new StreamRecord<>(report("before", V2_STARTS - 22 * MIN, BikeState.RIDING, null, true)));
            h.processElement1(new StreamRecord<>(report("after", V2_STARTS + 38 * MIN, BikeState.RIDING, null, true)));
            h.processWatermark1(new Watermark(V2_STARTS + 2 * HOUR));

            List<ViolationEvent> violations = new ArrayList<>(h.extractOutputValues());
            assertThat(violations).extracting(v -> v.bikeId + " " + v.kind).containsExactly("after OPENED",
                    "after CLOSED");
            assertThat(violations.get(0).openedAt).isEqualTo(V2_STARTS + 34 * MIN);
        }
    }

    @Test
    void aVersionStartingWhileABikeStandsOutOfAreaMovesItsDeadlineWithoutAReport() throws Exception {
        try (var h = harness(onlyV1(), null)) {
            h.processElement2(new StreamRecord<>(v2Accepted()));
            // Out of the area from 20 minutes before the start: 30 minutes under version 1 (23:50 + 30 = 00:20),
            // 10 under version 2, which is reached at its start.
            h.processElement1(new StreamRecord<>(report("b", V2_STARTS - 20 * MIN, BikeState.PARKED, null, false)));
            h.processWatermark1(new Watermark(V2_STARTS - 1));
            assertThat(h.extractOutputValues()).isEmpty();
            h.processWatermark1(new Watermark(V2_STARTS));
            assertThat(h.extractOutputValues()).singleElement().satisfies(v -> {
                assertThat(v.type).isEqualTo(ViolationEvent.Type.OUT_OF_AREA);
                assertThat(v.openedAt).isEqualTo(V2_STARTS - 10 * MIN);
            });
        }
    }

    @Test
    void positionsGoingIdleDoNotMoveEventTimeOnTheRuleSetsInput() throws Exception {
        try (var h = harness(onlyV1(), null)) {
            h.processElement2(new StreamRecord<>(v2Accepted()));
            h.processElement1(new StreamRecord<>(report("b", V2_STARTS - HOUR, BikeState.PARKED, "NP-01", true)));
            h.processWatermark1(new Watermark(V2_STARTS - HOUR + MIN));
            // No positions for a while: the source marks them idle. A rule-set input at +infinity would now be the
            // operator's watermark and open the violation 9 minutes early; an idle one leaves event time where it is.
            h.processWatermarkStatus1(WatermarkStatus.IDLE);
            assertThat(h.extractOutputValues()).isEmpty();
            h.processWatermarkStatus1(WatermarkStatus.ACTIVE);
            h.processWatermark1(new Watermark(V2_STARTS - HOUR + 10 * MIN));
            assertThat(h.extractOutputValues()).singleElement()
                    .satisfies(v -> assertThat(v.openedAt).isEqualTo(V2_STARTS - HOUR + 10 * MIN));
        }
    }

    @Test
    void aVersionArrivingAfterTheWatermarkPassedItsStartAppliesFromTheNextEvent() throws Exception {
        try (var h = harness(onlyV1(), null)) {
            h.processWatermark1(new Watermark(V2_STARTS + HOUR));
            h.processElement2(new StreamRecord<>(v2Accepted()));
            for (long m = 0; m <= 7; m++) {
                h.processElement1(new StreamRecord<>(report("b", V2_STARTS + HOUR + MIN + m * MIN, BikeState.PARKED,
                        "NP-01", true)));
            }
            h.processWatermark1(new Watermark(V2_STARTS + 2 * HOUR));
            assertThat(h.extractOutputValues()).singleElement()
                    .satisfies(v -> assertThat(v.openedAt).isEqualTo(V2_STARTS + HOUR + 5 * MIN));
        }
    }

    @Test
    void aRestoredTrackerKeepsTheVersionsItTookWhileRunning() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(onlyV1(), null)) {
            h.processElement2(new StreamRecord<>(v2Accepted()));
            snapshot = h.snapshot(1L, 1L);
        }
        try (var h = harness(onlyV1(), snapshot)) {
            for (long m = 0; m <= 7; m++) {
                h.processElement1(new StreamRecord<>(report("b", V2_STARTS + m * MIN, BikeState.PARKED, "NP-01",
                        true)));
            }
            h.processWatermark1(new Watermark(V2_STARTS + HOUR));
            assertThat(h.extractOutputValues()).singleElement()
                    .satisfies(v -> assertThat(v.openedAt).isEqualTo(V2_STARTS + 4 * MIN));
        }
    }

    @Test
    void eachSubtaskOfARescaledTrackerHasTheVersionsTakenWhileRunning() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = new KeyedTwoInputStreamOperatorTestHarness<String, ClassifiedPosition, RuleSetUpdate,
                ViolationEvent>(onlyV1(), BikeTracker::bikeKey, null, Types.STRING, 128, 1, 0)) {
            h.open();
            h.processElement2(new StreamRecord<>(v2Accepted()));
            snapshot = h.snapshot(1L, 1L);
        }
        for (int subtask = 0; subtask < 2; subtask++) {
            String bike = bikeOfSubtask(subtask, 2);
            try (var h = new KeyedTwoInputStreamOperatorTestHarness<String, ClassifiedPosition, RuleSetUpdate,
                    ViolationEvent>(onlyV1(), BikeTracker::bikeKey, null, Types.STRING, 128, 2, subtask)) {
                h.initializeState(org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness
                        .repartitionOperatorState(snapshot, 128, 1, 2, subtask));
                h.open();
                h.processWatermarkStatus2(WatermarkStatus.IDLE);
                for (long m = 0; m <= 7; m++) {
                    h.processElement1(new StreamRecord<>(report(bike, V2_STARTS + m * MIN, BikeState.PARKED,
                            "NP-01", true)));
                }
                h.processWatermark1(new Watermark(V2_STARTS + HOUR));
                assertThat(h.extractOutputValues()).as("subtask %d", subtask).singleElement()
                        .satisfies(v -> assertThat(v.openedAt).isEqualTo(V2_STARTS + 4 * MIN));
            }
        }
    }

    /** A bike id whose key the given subtask of {@code parallelism} owns (max parallelism 128). */
    private static String bikeOfSubtask(int subtask, int parallelism) {
        for (int i = 0; ; i++) {
            String bike = "b" + i;
            String key = BikeTracker.bikeKey(report(bike, 0, BikeState.PARKED, null, true));
            if (org.apache.flink.runtime.state.KeyGroupRangeAssignment.assignKeyToParallelOperator(key, 128,
                    parallelism) == subtask) {
                return bike;
            }
        }
    }
}
