package org.bikefence.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.bikefence.model.AreaDelta;
import org.bikefence.model.BikeFact;
import org.bikefence.model.OperatorSignal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AccumulationMonitorTest {
    private static final long MIN = 60_000L;
    private static final long T = Instant.parse("2026-10-12T00:00:00Z").toEpochMilli();
    private KeyedOneInputStreamOperatorTestHarness<String, AreaDelta, OperatorSignal> harness;
    private long cellThreshold = 1;

    @BeforeEach
    void setUp() throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                AccumulationMonitor.operator(Duration.ofMinutes(30)), AreaDelta::key,
                Types.STRING);
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private void standing(String operator, String bike, long ts, boolean starts) throws Exception {
        BikeFact f = new BikeFact();
        f.kind = starts ? BikeFact.Kind.STANDING_STARTED : BikeFact.Kind.STANDING_ENDED;
        f.operator = operator;
        f.bikeId = bike;
        f.ts = ts;
        f.parkingFenceId = "P-1";
        f.parkingCapacity = 2;
        f.h3Cell = 0x89283082803ffffL;
        for (AreaDelta d : AreaDelta.of(f, cellThreshold)) {
            harness.processElement(new StreamRecord<>(d, ts));
        }
    }

    private List<String> signals() {
        return harness.extractOutputValues().stream()
                .map(s -> s.operator + " " + s.accumulationArea + (s.accumulationOpened ? " opened " : " cleared ")
                        + (s.ts + 1 - T) / MIN + " since " + (s.overSince - T) / MIN)
                .toList();
    }

    @Test
    void aFenceOverCapacityForHalfAnHourIsAnEventForTheOperatorWithMostBikesThere() throws Exception {
        standing("hello", "h1", T, true);
        standing("meituan", "m1", T + 10 * 1000, true);
        standing("meituan", "m2", T + 20 * 1000, true);
        harness.processWatermark(new Watermark(T + 30 * MIN));
        assertThat(signals()).as("over since minute 1, not yet 30 minutes").isEmpty();
        harness.processWatermark(new Watermark(T + 31 * MIN));
        assertThat(signals()).containsExactly("meituan FENCE opened 31 since 1", "meituan CELL opened 31 since 1");
        standing("meituan", "m2", T + 45 * MIN, false);
        harness.processWatermark(new Watermark(T + 60 * MIN));
        assertThat(signals()).endsWith("meituan FENCE cleared 46 since 1", "meituan CELL cleared 46 since 1");
        assertThat(harness.getSideOutput(AccumulationMonitor.POINTS))
                .extracting(r -> r.getValue().measurement() + " " + r.getValue().fields().get("status"))
                .contains("accumulation open", "accumulation cleared", "fence_occupancy null", "cell_occupancy null");
    }

    /** The occupancy points as "measurement area operator bikes @minute", in the order written. */
    private List<String> occupancy() {
        var points = harness.getSideOutput(AccumulationMonitor.POINTS);
        return points == null ? List.of() : points.stream().map(StreamRecord::getValue)
                .filter(p -> p.measurement().endsWith("occupancy"))
                .map(p -> p.measurement() + " " + p.tags().getOrDefault("fence_id", p.tags().get("cell")) + " "
                        + p.tags().getOrDefault("operator", "*") + " " + p.fields().get("bikes") + " @"
                        + (p.timeMs() - T) / MIN)
                .toList();
    }

    @Test
    void eachOperatorsOccupancyIsWrittenWhenItsCountChangesBesideTheAllOperatorCount() throws Exception {
        standing("hello", "h1", T, true);
        standing("meituan", "m1", T + 10 * 1000, true);
        standing("meituan", "m2", T + MIN, true);
        standing("hello", "h1", T + 2 * MIN, false);
        standing("meituan", "m3", T + 2 * MIN + 5_000, true);
        // Minute 3: meituan's count does not change (one leaves, one arrives), nor does the total.
        standing("meituan", "m3", T + 3 * MIN, false);
        standing("meituan", "m4", T + 3 * MIN + 5_000, true);
        harness.processWatermark(new Watermark(T + 10 * MIN));
        String cell = "89283082803ffff";
        assertThat(occupancy()).as("fence and cell are keys of their own, so in any order").containsExactlyInAnyOrder(
                "fence_operator_occupancy P-1 hello 1 @0", "fence_operator_occupancy P-1 meituan 1 @0",
                "fence_occupancy P-1 * 2 @0",
                "fence_operator_occupancy P-1 meituan 2 @1", "fence_occupancy P-1 * 3 @1",
                "fence_operator_occupancy P-1 hello 0 @2", "fence_operator_occupancy P-1 meituan 3 @2",
                "cell_operator_occupancy " + cell + " hello 1 @0", "cell_operator_occupancy " + cell + " meituan 1 @0",
                "cell_occupancy " + cell + " * 2 @0",
                "cell_operator_occupancy " + cell + " meituan 2 @1", "cell_occupancy " + cell + " * 3 @1",
                "cell_operator_occupancy " + cell + " hello 0 @2", "cell_operator_occupancy " + cell + " meituan 3 @2");
        assertThat(harness.getSideOutput(AccumulationMonitor.POINTS)).extracting(StreamRecord::getValue)
                .filteredOn(p -> p.measurement().equals("cell_operator_occupancy"))
                .allSatisfy(p -> assertThat((double) p.fields().get("lat")).isBetween(37.0, 38.0));
    }

    @Test
    void aShortPileIsNotAnEvent() throws Exception {
        cellThreshold = 5;
        standing("hello", "h1", T, true);
        standing("hello", "h2", T, true);
        standing("hello", "h3", T, true);
        standing("hello", "h3", T + 10 * MIN, false);
        harness.processWatermark(new Watermark(T + 120 * MIN));
        assertThat(signals()).isEmpty();
    }

    @Test
    void arrivalOrderWithinAMinuteDoesNotMatter() throws Exception {
        standing("hello", "h1", T + 5_000, false);
        standing("hello", "h1", T, true);
        harness.processWatermark(new Watermark(T + 120 * MIN));
        assertThat(signals()).isEmpty();
        assertThat(harness.getSideOutput(AccumulationMonitor.POINTS)).as("no net change, no occupancy point").isNull();
    }

    @Test
    void deltasWaitingAtACheckpointAreInItAndARestoreFoldsThemAsAnUninterruptedRunDoes() throws Exception {
        onRocksDbFromScratch();
        standing("hello", "h1", T, true);
        standing("meituan", "m1", T + 10 * 1000, true);
        harness.processWatermark(new Watermark(T + 30 * 1000));
        standing("meituan", "m2", T + 20 * 1000 + 60 * 1000, true);
        restartFromACheckpoint();
        harness.processWatermark(new Watermark(T + 32 * MIN));
        assertThat(signals()).containsExactly("meituan FENCE opened 32 since 2", "meituan CELL opened 32 since 2");
    }

    @Test
    void countsAndSpellsFoldedBeforeACheckpointAreInItAndTheRestoredRunGoesOnFromThem() throws Exception {
        // An area's counts and fence spell live on the heap between barriers: the checkpoint must hold them, or the
        // restored run would count from zero (no spell, fewer bikes standing) and open nothing.
        onRocksDbFromScratch();
        standing("hello", "h1", T, true);
        standing("meituan", "m1", T + 10 * 1000, true);
        standing("meituan", "m2", T + 20 * 1000, true);
        harness.processWatermark(new Watermark(T + 5 * MIN));
        assertThat(occupancy()).contains("fence_occupancy P-1 * 3 @0");
        restartFromACheckpoint();
        standing("meituan", "m3", T + 10 * MIN, true);
        harness.processWatermark(new Watermark(T + 31 * MIN));
        assertThat(occupancy()).as("counted on from the 3 bikes the checkpoint holds")
                .contains("fence_occupancy P-1 * 4 @10", "fence_operator_occupancy P-1 meituan 3 @10");
        assertThat(signals()).as("the spell over capacity (3 bikes > 2) from the end of minute 0, held by the checkpoint")
                .containsExactly("meituan FENCE opened 31 since 1", "meituan CELL opened 31 since 1");
    }

    private void onRocksDbFromScratch() throws Exception {
        harness.close();
        harness = onRocksDb();
        harness.open();
    }

    /** A checkpoint as the job takes it (the barrier's flush first), then a new instance restored from it. */
    private void restartFromACheckpoint() throws Exception {
        harness.prepareSnapshotPreBarrier(1);
        var snapshot = harness.snapshot(1, 1);
        harness.close();
        harness = onRocksDb();
        harness.initializeState(snapshot);
        harness.open();
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, AreaDelta, OperatorSignal> onRocksDb()
            throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, AreaDelta, OperatorSignal> h =
                new KeyedOneInputStreamOperatorTestHarness<>(AccumulationMonitor.operator(Duration.ofMinutes(30)),
                        AreaDelta::key, Types.STRING);
        h.setStateBackend(new org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend());
        return h;
    }
}
