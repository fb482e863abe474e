package org.bikefence.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.bikefence.influx.InfluxPoint;
import org.bikefence.influx.InfluxSchema;
import org.bikefence.model.AreaDelta;
import org.bikefence.model.OperatorMinute;
import org.bikefence.model.OperatorSignal;
import org.bikefence.model.ViolationEvent;
import org.junit.jupiter.api.Test;

class NowSnapshotsTest {
    private static final long MIN = 60_000L;
    private static final long DAY = 24 * 60 * MIN;
    private static final long FIVE = 5 * MIN;
    /** A 5-minute boundary. */
    private static final long T = Instant.parse("2026-11-10T00:00:00Z").toEpochMilli();
    private static final String OP = "meituan";

    private static KeyedTwoInputStreamOperatorTestHarness<String, NowChange, OperatorMinute, InfluxPoint> harness(
            long intervalMs) throws Exception {
        return harness(intervalMs, null);
    }

    /** @param restoreFrom a snapshot of an earlier harness to start from, or null */
    private static KeyedTwoInputStreamOperatorTestHarness<String, NowChange, OperatorMinute, InfluxPoint> harness(
            long intervalMs, org.apache.flink.runtime.checkpoint.OperatorSubtaskState restoreFrom) throws Exception {
        KeyedTwoInputStreamOperatorTestHarness<String, NowChange, OperatorMinute, InfluxPoint> h =
                new KeyedTwoInputStreamOperatorTestHarness<>(NowSnapshots.operator(intervalMs, 1),
                        c -> c.operator, m -> m.operator, Types.STRING);
        if (restoreFrom != null) {
            h.initializeState(restoreFrom);
        }
        h.open();
        return h;
    }

    /** A record of the change at its own time, as the tracker emits a violation at its opening or closing. */
    private static StreamRecord<NowChange> change(NowChange c) {
        return new StreamRecord<>(c, c.at);
    }

    private static ViolationEvent zombie(String bike, long openedAt) {
        return ViolationEvent.opened(ViolationEvent.Type.ZOMBIE, OP, bike, null, 24.5, 118.1, openedAt - 7 * DAY,
                openedAt, null);
    }

    /** OperatorMetrics' minute that passes the boundaries {@code from} to {@code to} (one run, same figures). */
    private static StreamRecord<OperatorMinute> boundaries(long from, long to) {
        OperatorMinute m = new OperatorMinute(OP, to, 1, 0, 0, 0);
        long[] g = new long[OperatorMinute.NOW_GROUP];
        g[OperatorMinute.NOW_FROM] = from;
        g[OperatorMinute.NOW_TO] = to;
        m.nowSnapshots = g;
        return new StreamRecord<>(m, to + MIN - 1);
    }

    /** The minute's occupancy point of one operator in a fence, as AccumulationMonitor writes it at the minute's end. */
    private static StreamRecord<NowChange> fence(String id, long bikes, long minute) {
        return new StreamRecord<>(NowChange.ofOccupancy(
                InfluxSchema.fenceOperatorOccupancy(id, OP, bikes, 10, minute)), minute + MIN - 1);
    }

    private static List<String> points(
            KeyedTwoInputStreamOperatorTestHarness<String, NowChange, OperatorMinute, InfluxPoint> h) {
        List<String> out = new ArrayList<>();
        for (InfluxPoint p : h.extractOutputValues()) {
            out.add(describe(p));
        }
        out.sort(null);
        return out;
    }

    private static String describe(InfluxPoint p) {
        String what = p.tags().containsKey(InfluxSchema.TAG_BIKE_ID) ? p.tags().get(InfluxSchema.TAG_BIKE_ID)
                : p.tags().getOrDefault(InfluxSchema.TAG_FENCE_ID,
                        p.tags().getOrDefault(InfluxSchema.TAG_AREA_ID, p.tags().get(InfluxSchema.TAG_CELL)));
        Object value = p.fields().containsKey(InfluxSchema.FIELD_BIKES) ? p.fields().get(InfluxSchema.FIELD_BIKES)
                : p.fields().get(InfluxSchema.FIELD_STATUS);
        return "+" + (p.timeMs() - T) / MIN + "m " + p.measurement() + " " + what + " " + value;
    }

    /** The minute's occupancy point of one operator in an H3 cell. */
    private static StreamRecord<NowChange> cell(String id, long bikes, long minute) {
        return new StreamRecord<>(NowChange.ofOccupancy(
                InfluxSchema.cellOperatorOccupancy(id, OP, bikes, 24.5, 118.1, minute)), minute + MIN - 1);
    }

    @Test
    void aCellIsInTheSnapshotsWhileItHasTheFewestBikesACellNeedsAndOnceMoreWithWhatItFellTo() throws Exception {
        var h = new KeyedTwoInputStreamOperatorTestHarness<>(NowSnapshots.operator(FIVE, 5), (NowChange c) -> c.operator,
                (OperatorMinute m) -> m.operator, Types.STRING);
        h.open();
        h.processElement1(cell("C-FEW", 2, T + MIN));
        h.processElement1(cell("C-PILE", 6, T + MIN));
        h.processElement1(cell("C-PILE", 3, T + 7 * MIN));
        h.processElement1(fence("P-1", 1, T + MIN));
        h.processElement2(boundaries(T + FIVE, T + 3 * FIVE));
        h.processBothWatermarks(new Watermark(T + 3 * FIVE + MIN - 1));
        assertThat(points(h)).as("2 bikes are no pile; 6 are, until they fall to 3; fences have no minimum")
                .containsExactly("+10m cell_operator_now C-PILE 3", "+10m fence_operator_now P-1 1",
                        "+15m fence_operator_now P-1 1", "+5m cell_operator_now C-PILE 6",
                        "+5m fence_operator_now P-1 1");
        h.close();
        assertThatThrownBy(() -> new NowSnapshots(FIVE, 0)).hasMessageContaining("at least 1");
    }

    @Test
    void aViolationOpenForFiveWeeksIsInTheLastSnapshot() throws Exception {
        var h = harness(FIVE);
        h.processElement1(change(NowChange.of(zombie("MT-Z", T + MIN))));
        long end = T + 35 * DAY;
        h.processElement2(boundaries(T + FIVE, end));
        h.processBothWatermarks(new Watermark(end + MIN - 1));

        List<InfluxPoint> out = new ArrayList<>(h.extractOutputValues());
        assertThat(out).as("one point per 5 minutes for 5 weeks").hasSize((int) (35 * DAY / FIVE));
        InfluxPoint last = out.stream().max(java.util.Comparator.comparingLong(InfluxPoint::timeMs)).orElseThrow();
        assertThat(last.timeMs()).isEqualTo(end);
        assertThat(last.measurement()).isEqualTo(InfluxSchema.VIOLATION_NOW);
        assertThat(last.tags()).containsEntry("bike_id", "MT-Z").containsEntry("type", "zombie")
                .containsEntry("operator", OP);
        assertThat(last.fields()).containsEntry("status", "open").containsEntry("opened_at", T + MIN)
                .containsEntry("open_s", (end - T - MIN) / 1000L).containsEntry("lat", 24.5);
        // What a checkpoint holds (the open items are on the heap between barriers).
        h.prepareSnapshotPreBarrier(1L);
        assertThat(h.numKeyedStateEntries()).as("the open violation and the last snapshot time").isEqualTo(2);
        h.close();
    }

    @Test
    void aViolationClosedAtABoundaryIsNotInItsSnapshotWhichWritesItsEndOnce() throws Exception {
        var h = harness(FIVE);
        ViolationEvent opened = zombie("MT-Z", T + MIN);
        h.processElement1(change(NowChange.of(opened)));
        h.processElement1(change(NowChange.of(opened.closedAt(T + 2 * FIVE))));
        h.processElement2(boundaries(T + FIVE, T + 4 * FIVE));
        h.processBothWatermarks(new Watermark(T + 4 * FIVE + MIN - 1));
        assertThat(points(h)).containsExactly(
                "+10m violation_now MT-Z closed",
                "+5m violation_now MT-Z open");
        assertThat(h.numKeyedStateEntries()).as("only the last snapshot time").isEqualTo(1);
        h.close();
    }

    @Test
    void aViolationOfAForgottenBikeLeavesTheViewAsUntrackedOnce() throws Exception {
        var h = harness(FIVE);
        ViolationEvent opened = zombie("MT-Z", T + MIN);
        h.processElement1(change(NowChange.of(opened)));
        h.processElement1(change(NowChange.untracked(opened.closedAt(T + 2 * FIVE + MIN))));
        h.processElement2(boundaries(T + FIVE, T + 5 * FIVE));
        h.processBothWatermarks(new Watermark(T + 5 * FIVE + MIN - 1));
        assertThat(points(h)).containsExactly(
                "+10m violation_now MT-Z open",
                "+15m violation_now MT-Z untracked",
                "+5m violation_now MT-Z open");
        assertThat(h.numKeyedStateEntries()).as("only the last snapshot time").isEqualTo(1);
        h.close();
    }

    @Test
    void aViolationOpenAndClosedBetweenTwoSnapshotsWritesNothing() throws Exception {
        var h = harness(FIVE);
        ViolationEvent opened = zombie("MT-Z", T + MIN);
        h.processElement1(change(NowChange.of(opened)));
        h.processElement1(change(NowChange.of(opened.closedAt(T + 4 * MIN))));
        h.processElement2(boundaries(T + FIVE, T + 2 * FIVE));
        h.processBothWatermarks(new Watermark(T + 2 * FIVE + MIN - 1));
        assertThat(points(h)).isEmpty();
        h.close();
    }

    /**
     * Runs the records in the given order; with {@code watermarksBetween}, both watermarks follow each boundary (the
     * order the job sees them in when nothing is late), otherwise only the final one.
     */
    private static List<String> run(List<StreamRecord<?>> records, boolean watermarksBetween) throws Exception {
        var h = harness(FIVE);
        for (StreamRecord<?> r : records) {
            if (r.getValue() instanceof NowChange c) {
                h.processElement1(new StreamRecord<>(c, r.getTimestamp()));
            } else {
                h.processElement2(new StreamRecord<>((OperatorMinute) r.getValue(), r.getTimestamp()));
                if (watermarksBetween) {
                    h.processBothWatermarks(new Watermark(r.getTimestamp()));
                }
            }
        }
        h.processBothWatermarks(new Watermark(Long.MAX_VALUE));
        List<String> out = points(h);
        h.close();
        return out;
    }

    /** Half an hour of one operator: a no-park violation, a pile in P-S and its accumulation event, in time order. */
    private static List<StreamRecord<?>> halfAnHour() {
        ViolationEvent np = ViolationEvent.opened(ViolationEvent.Type.NO_PARK, OP, "MT-N", "NP-1", 24.5, 118.1,
                T - 10 * MIN, T + 2 * MIN, "v1");
        OperatorSignal acc = OperatorSignal.accumulation(OP, AreaDelta.Area.FENCE, "P-S", true, T + 6 * MIN,
                T + 6 * MIN);
        OperatorSignal cleared = OperatorSignal.accumulation(OP, AreaDelta.Area.FENCE, "P-S", false, T + 6 * MIN,
                T + 21 * MIN);
        return List.of(
                change(NowChange.of(np)),
                fence("P-S", 3, T + 3 * MIN),
                boundaries(T + FIVE, T + FIVE),
                fence("P-S", 12, T + 6 * MIN),
                new StreamRecord<>(NowChange.ofAccumulation(acc), acc.ts),
                boundaries(T + 2 * FIVE, T + 2 * FIVE),
                change(NowChange.of(np.closedAt(T + 14 * MIN))),
                fence("P-S", 8, T + 20 * MIN),
                new StreamRecord<>(NowChange.ofAccumulation(cleared), cleared.ts),
                boundaries(T + 3 * FIVE, T + 5 * FIVE),
                fence("P-S", 0, T + 26 * MIN),
                boundaries(T + 6 * FIVE, T + 7 * FIVE));
    }

    @Test
    void outOfOrderArrivalAcrossTheTwoInputsGivesTheSameOutput() throws Exception {
        List<String> expected = run(halfAnHour(), true);
        assertThat(expected).containsExactly(
                "+10m accumulation_now P-S open",
                "+10m fence_operator_now P-S 12",
                "+10m violation_now MT-N open",
                "+15m accumulation_now P-S open",
                "+15m fence_operator_now P-S 12",
                "+15m violation_now MT-N closed",
                "+20m accumulation_now P-S open",
                "+20m fence_operator_now P-S 8",
                "+25m accumulation_now P-S cleared",
                "+25m fence_operator_now P-S 8",
                "+30m fence_operator_now P-S 0",
                "+5m fence_operator_now P-S 3",
                "+5m violation_now MT-N open");

        // Every boundary first, then the changes (later than some boundaries, before the watermark passes them).
        List<StreamRecord<?>> boundariesFirst = new ArrayList<>();
        halfAnHour().stream().filter(r -> r.getValue() instanceof OperatorMinute).forEach(boundariesFirst::add);
        halfAnHour().stream().filter(r -> r.getValue() instanceof NowChange).forEach(boundariesFirst::add);
        assertThat(run(boundariesFirst, false)).isEqualTo(expected);

        // The changes in reverse order (but a violation's opening before its closing, as the tracker sends them),
        // then the boundaries.
        List<StreamRecord<?>> hour = halfAnHour();
        List<StreamRecord<?>> changesReversed = new ArrayList<>();
        for (int i = hour.size() - 1; i > 0; i--) {
            if (hour.get(i).getValue() instanceof NowChange) {
                changesReversed.add(hour.get(i));
            }
        }
        changesReversed.add(0, hour.get(0));
        hour.stream().filter(r -> r.getValue() instanceof OperatorMinute).forEach(changesReversed::add);
        assertThat(run(changesReversed, false)).isEqualTo(expected);
    }

    @Test
    void aNewViolationOfTheSameSeriesKeepsItsOpenPointWhereTheOldOneEnds() throws Exception {
        var h = harness(FIVE);
        ViolationEvent first = zombie("MT-Z", T + MIN);
        h.processElement1(change(NowChange.of(first)));
        h.processElement2(boundaries(T + FIVE, T + FIVE));
        h.processElement1(change(NowChange.of(first.closedAt(T + 6 * MIN))));
        h.processElement1(change(NowChange.of(zombie("MT-Z", T + 7 * MIN))));
        h.processElement2(boundaries(T + 2 * FIVE, T + 2 * FIVE));
        h.processBothWatermarks(new Watermark(T + 2 * FIVE + MIN - 1));
        assertThat(points(h)).containsExactly("+10m violation_now MT-Z open", "+5m violation_now MT-Z open");
        assertThat(h.extractOutputValues()).filteredOn(p -> p.timeMs() == T + 2 * FIVE).singleElement()
                .satisfies(p -> assertThat(p.fields()).containsEntry("opened_at", T + 7 * MIN));
        h.close();
    }

    @Test
    void aLongerIntervalTakesOnlyItsMultiplesOfTheBoundaries() throws Exception {
        var h = harness(15 * MIN);
        h.processElement1(change(NowChange.of(zombie("MT-Z", T + MIN))));
        h.processElement2(boundaries(T + FIVE, T + 12 * FIVE));
        h.processBothWatermarks(new Watermark(Long.MAX_VALUE));
        assertThat(points(h)).containsExactly("+15m violation_now MT-Z open", "+30m violation_now MT-Z open",
                "+45m violation_now MT-Z open", "+60m violation_now MT-Z open");
        h.close();
        assertThatThrownBy(() -> new NowSnapshots(7 * MIN)).hasMessageContaining("multiple of 5 minutes");
    }

    @Test
    void aSnapshotWaitsForTheWatermarkOfBothInputs() throws Exception {
        var h = harness(FIVE);
        h.processElement1(change(NowChange.of(zombie("MT-Z", T + MIN))));
        h.processElement2(boundaries(T + FIVE, T + FIVE));
        h.processWatermark2(new Watermark(T + 3 * FIVE));
        h.processWatermark1(new Watermark(T + FIVE + MIN - 2));
        assertThat(points(h)).as("a change at the boundary may still come on the first input").isEmpty();
        h.processElement1(fence("P-S", 4, T + FIVE));
        h.processWatermark1(new Watermark(T + FIVE + MIN - 1));
        assertThat(points(h)).containsExactly("+5m fence_operator_now P-S 4", "+5m violation_now MT-Z open");
        h.close();
    }

    @Test
    void aRestoreFromACheckpointBetweenABoundaryAndItsSnapshotGivesTheUninterruptedOutput() throws Exception {
        List<String> uninterrupted = run(halfAnHour(), false);
        // Fresh records: the function keeps (and updates) the changes it is given, as Flink hands it copies.
        List<StreamRecord<?>> records = halfAnHour();

        var h = harness(FIVE);
        int half = records.size() / 2;
        for (StreamRecord<?> r : records.subList(0, half)) {
            feed(h, r);
        }
        // As the job takes a checkpoint: the changes gathered on the heap are written before the barrier.
        h.prepareSnapshotPreBarrier(1L);
        org.apache.flink.runtime.checkpoint.OperatorSubtaskState state = h.snapshot(1L, 1L);
        h.close();
        var restored = harness(FIVE, state);
        for (StreamRecord<?> r : records.subList(half, records.size())) {
            feed(restored, r);
        }
        restored.processBothWatermarks(new Watermark(Long.MAX_VALUE));
        assertThat(points(restored)).as("waiting changes, open entries and timers come back")
                .isEqualTo(uninterrupted);
        restored.close();
    }

    private static void feed(KeyedTwoInputStreamOperatorTestHarness<String, NowChange, OperatorMinute, InfluxPoint> h,
            StreamRecord<?> r) throws Exception {
        if (r.getValue() instanceof NowChange c) {
            h.processElement1(new StreamRecord<>(c, r.getTimestamp()));
        } else {
            h.processElement2(new StreamRecord<>((OperatorMinute) r.getValue(), r.getTimestamp()));
        }
    }
}
