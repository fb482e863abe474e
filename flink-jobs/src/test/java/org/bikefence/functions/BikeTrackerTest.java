package org.bikefence.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.bikefence.bike.TrackerSettings;
import org.bikefence.model.BikePosition;
import org.bikefence.model.BikeState;
import org.bikefence.model.ClassifiedPosition;
import org.bikefence.model.OperatorSignal;
import org.bikefence.model.ViolationEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BikeTrackerTest {
    private static final Duration GRACE = Duration.ofMinutes(10);
    private static final long MIN = 60_000L;
    private static final long PARKS_AT = Instant.parse("2026-10-12T00:00:00Z").toEpochMilli();
    private static final long GRACE_ENDS = PARKS_AT + GRACE.toMillis();
    private static final String ZONE = "NP-01";
    private static final String OTHER_ZONE = "NP-02";
    private static final java.time.ZoneId XIAMEN = java.time.ZoneId.of("Asia/Shanghai");
    private static final long DAY = 24 * 60 * MIN;

    private KeyedOneInputStreamOperatorTestHarness<String, ClassifiedPosition, ViolationEvent> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = newHarness();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, ClassifiedPosition, ViolationEvent> newHarness()
            throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, ClassifiedPosition, ViolationEvent> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new BikeTracker(TrackerSettings.defaults(GRACE), XIAMEN), BikeTracker::bikeKey, Types.STRING);
        h.open();
        return h;
    }

    static ClassifiedPosition aReport(String bike, long ts, BikeState state, String noParkZone) {
        return new ClassifiedPosition(new BikePosition("meituan", bike, ts, 24.5, 118.1, state), noParkZone, null, true, "v1");
    }

    static ClassifiedPosition parkedIn(String bike, long ts, String zone) {
        return aReport(bike, ts, BikeState.PARKED, zone);
    }

    static ClassifiedPosition riding(String bike, long ts) {
        return aReport(bike, ts, BikeState.RIDING, null);
    }

    private void send(ClassifiedPosition p) throws Exception {
        harness.processElement(new StreamRecord<>(p, p.ts));
    }

    private List<ViolationEvent> output() {
        return new ArrayList<>(harness.extractOutputValues());
    }

    @Test
    void opensOnlyWhenTheWatermarkPassesTheEndOfTheGracePeriod() throws Exception {
        send(parkedIn("b1", PARKS_AT, ZONE));
        harness.processWatermark(new Watermark(GRACE_ENDS - 1));
        assertThat(output()).isEmpty();

        harness.processWatermark(new Watermark(GRACE_ENDS));
        assertThat(output()).singleElement().satisfies(v -> {
            assertThat(v.kind).isEqualTo(ViolationEvent.Kind.OPENED);
            assertThat(v.bikeId).isEqualTo("b1");
            assertThat(v.fenceId).isEqualTo(ZONE);
            assertThat(v.parkedSince).isEqualTo(PARKS_AT);
            assertThat(v.openedAt).isEqualTo(GRACE_ENDS);
        });
        assertThat(harness.extractOutputStreamRecords()).singleElement()
                .satisfies(r -> assertThat(r.getTimestamp()).isEqualTo(GRACE_ENDS));
    }

    @Test
    void doesNotOpenWhenTheBikeRidesAwayWithinTheGracePeriod() throws Exception {
        send(parkedIn("b1", PARKS_AT, ZONE));
        send(riding("b1", PARKS_AT + 9 * MIN));
        harness.processWatermark(new Watermark(PARKS_AT + 60 * MIN));
        assertThat(output()).isEmpty();
    }

    @Test
    void aBikeLeavingExactlyAtTheEndOfGraceWasNotParkedLongerThanGrace() throws Exception {
        send(parkedIn("b1", PARKS_AT, ZONE));
        send(riding("b1", GRACE_ENDS));
        harness.processWatermark(new Watermark(PARKS_AT + 60 * MIN));
        assertThat(output()).isEmpty();
    }

    @Test
    void closesViolationWhenBikeRidesAwayAndKeepsItsDuration() throws Exception {
        send(parkedIn("b1", PARKS_AT, ZONE));
        send(parkedIn("b1", PARKS_AT + 5 * MIN, ZONE));
        send(riding("b1", PARKS_AT + 25 * MIN));
        harness.processWatermark(new Watermark(PARKS_AT + 60 * MIN));

        assertThat(output()).extracting(v -> v.kind).containsExactly(
                ViolationEvent.Kind.OPENED, ViolationEvent.Kind.CLOSED);
        ViolationEvent closed = output().get(1);
        assertThat(closed.openedAt).isEqualTo(GRACE_ENDS);
        assertThat(closed.closedAt).isEqualTo(PARKS_AT + 25 * MIN);
        assertThat(closed.durationMs()).isEqualTo(15 * MIN);
    }

    @Test
    void closesViolationWhenBikeIsParkedOutsideTheZone() throws Exception {
        send(parkedIn("b1", PARKS_AT, ZONE));
        send(parkedIn("b1", PARKS_AT + 30 * MIN, null));
        harness.processWatermark(new Watermark(PARKS_AT + 60 * MIN));
        assertThat(output()).extracting(v -> v.kind + "@" + v.eventTime()).containsExactly(
                "OPENED@" + GRACE_ENDS, "CLOSED@" + (PARKS_AT + 30 * MIN));
    }

    @Test
    void aFaultyBikeInTheZoneCountsAsStanding() throws Exception {
        send(aReport("b1", PARKS_AT, BikeState.FAULTY, ZONE));
        harness.processWatermark(new Watermark(GRACE_ENDS));
        assertThat(output()).extracting(v -> v.kind).containsExactly(ViolationEvent.Kind.OPENED);
    }

    @Test
    void movingToAnotherZoneClosesTheViolationAndRestartsTheGracePeriod() throws Exception {
        send(parkedIn("b1", PARKS_AT, ZONE));
        send(parkedIn("b1", PARKS_AT + 20 * MIN, OTHER_ZONE));
        harness.processWatermark(new Watermark(PARKS_AT + 29 * MIN));
        assertThat(output()).extracting(v -> v.kind + " " + v.fenceId).containsExactly(
                "OPENED " + ZONE, "CLOSED " + ZONE);
        harness.processWatermark(new Watermark(PARKS_AT + 30 * MIN));
        assertThat(output()).extracting(v -> v.kind + " " + v.fenceId + "@" + v.eventTime()).containsExactly(
                "OPENED " + ZONE + "@" + GRACE_ENDS,
                "CLOSED " + ZONE + "@" + (PARKS_AT + 20 * MIN),
                "OPENED " + OTHER_ZONE + "@" + (PARKS_AT + 30 * MIN));
    }

    @Test
    void outOfOrderReportsWithinTheBoundGiveTheInOrderResult() throws Exception {
        List<ClassifiedPosition> inOrder = List.of(
                parkedIn("b1", PARKS_AT, ZONE),
                parkedIn("b2", PARKS_AT + MIN, ZONE),
                riding("b1", PARKS_AT + 8 * MIN),
                parkedIn("b1", PARKS_AT + 9 * MIN, ZONE),
                parkedIn("b2", PARKS_AT + 12 * MIN, ZONE),
                riding("b2", PARKS_AT + 14 * MIN),
                parkedIn("b1", PARKS_AT + 21 * MIN, null));
        // Same reports, each displaced by less than the 5-minute out-of-orderness bound.
        List<ClassifiedPosition> shuffled = List.of(
                parkedIn("b2", PARKS_AT + MIN, ZONE),
                parkedIn("b1", PARKS_AT, ZONE),
                parkedIn("b1", PARKS_AT + 9 * MIN, ZONE),
                riding("b1", PARKS_AT + 8 * MIN),
                riding("b2", PARKS_AT + 14 * MIN),
                parkedIn("b2", PARKS_AT + 12 * MIN, ZONE),
                parkedIn("b1", PARKS_AT + 21 * MIN, null));

        List<String> expected = runWithBoundedWatermarks(inOrder);
        List<String> actual = runWithBoundedWatermarks(shuffled);
        assertThat(expected).containsExactly(
                "OPENED b2@" + (PARKS_AT + 11 * MIN),
                "CLOSED b2@" + (PARKS_AT + 14 * MIN),
                "OPENED b1@" + (PARKS_AT + 19 * MIN),
                "CLOSED b1@" + (PARKS_AT + 21 * MIN));
        assertThat(actual).isEqualTo(expected);
    }

    private static List<String> runWithBoundedWatermarks(List<ClassifiedPosition> reports) throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, ClassifiedPosition, ViolationEvent> h = newHarness()) {
            long maxTs = Long.MIN_VALUE;
            for (ClassifiedPosition p : reports) {
                h.processElement(new StreamRecord<>(p, p.ts));
                maxTs = Math.max(maxTs, p.ts);
                h.processWatermark(new Watermark(maxTs - 5 * MIN - 1));
            }
            h.processWatermark(new Watermark(PARKS_AT + 120 * MIN));
            List<String> out = new ArrayList<>();
            for (ViolationEvent v : h.extractOutputValues()) {
                out.add(v.kind + " " + v.bikeId + "@" + v.eventTime());
            }
            return out;
        }
    }

    @Test
    void reportsBehindTheWatermarkAreLateAndGoToTheSideOutput() throws Exception {
        harness.processWatermark(new Watermark(PARKS_AT + 30 * MIN));
        send(parkedIn("b1", PARKS_AT, ZONE));
        harness.processWatermark(new Watermark(PARKS_AT + 60 * MIN));
        assertThat(output()).isEmpty();
        assertThat(harness.getSideOutput(BikeTracker.LATE_POSITIONS)).singleElement()
                .satisfies(r -> assertThat(r.getValue().bikeId).isEqualTo("b1"));
    }

    @Test
    void endOfInputOpensOnlyViolationsTheBikesOwnReportsProve() throws Exception {
        send(parkedIn("b1", PARKS_AT, ZONE));
        send(parkedIn("b2", PARKS_AT, ZONE));
        send(parkedIn("b2", PARKS_AT + 12 * MIN, ZONE));
        harness.processWatermark(new Watermark(PARKS_AT));
        harness.processWatermark(Watermark.MAX_WATERMARK);
        assertThat(output()).extracting(v -> v.kind + " " + v.bikeId).containsExactly("OPENED b2");
    }

    @Test
    void waitingReportsAreOnTheHeapAndOnlyTheTrackIsInState() throws Exception {
        send(parkedIn("b1", PARKS_AT, ZONE));
        send(riding("b1", PARKS_AT + 30 * MIN));
        assertThat(harness.numKeyedStateEntries()).as("nothing written per report").isZero();
        harness.processWatermark(new Watermark(PARKS_AT + 60 * MIN));
        assertThat(harness.numKeyedStateEntries()).as("the track is held on the heap until the barrier").isZero();
        harness.prepareSnapshotPreBarrier(1);
        // The bike's track (with what it was counted for), written once for both reports.
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        assertThat(harness.numEventTimeTimers()).as("one timer per bike: riding, so its expiry").isEqualTo(1);
    }

    @Test
    void beyondTheCapIdleTracksAreWrittenBackAtTheWatermarkAndBikesWithWaitingReportsDoNotCount() throws Exception {
        for (int cap : new int[] {2, 3}) {
            harness.close();
            harness = new KeyedOneInputStreamOperatorTestHarness<>(
                    new BikeTracker(TrackerSettings.defaults(GRACE), XIAMEN).maxHeldTracks(cap), BikeTracker::bikeKey,
                    Types.STRING);
            harness.open();
            for (String bike : List.of("b1", "b2", "b3")) {
                send(riding(bike, PARKS_AT));
            }
            // Two more bikes whose reports the watermark does not pass: held, but not idle.
            send(riding("b4", PARKS_AT + 60 * MIN));
            send(riding("b5", PARKS_AT + 60 * MIN));
            harness.processWatermark(new Watermark(PARKS_AT + MIN));
            assertThat(harness.numKeyedStateEntries()).as("cap %d: 3 idle tracks", cap).isEqualTo(cap < 3 ? 3 : 0);
        }
    }

    @Test
    void aCheckpointHoldsTheWaitingReportsAndARestoreResumesWithThem() throws Exception {
        send(parkedIn("b1", PARKS_AT, ZONE));
        send(parkedIn("b2", PARKS_AT + MIN, ZONE));
        harness.processWatermark(new Watermark(PARKS_AT - 1));
        harness.prepareSnapshotPreBarrier(1);
        var snapshot = harness.snapshot(1, 1);
        assertThat(harness.numKeyedStateEntries()).as("the two waiting reports").isEqualTo(2);
        harness.close();

        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new BikeTracker(TrackerSettings.defaults(GRACE), XIAMEN), BikeTracker::bikeKey, Types.STRING);
        harness.initializeState(snapshot);
        harness.open();
        harness.processWatermark(new Watermark(GRACE_ENDS + MIN));
        assertThat(output()).extracting(v -> v.kind + " " + v.bikeId + "@" + v.eventTime()).containsExactlyInAnyOrder(
                "OPENED b1@" + GRACE_ENDS, "OPENED b2@" + (GRACE_ENDS + MIN));
        harness.prepareSnapshotPreBarrier(2);
        harness.snapshot(2, 2);
        assertThat(harness.numKeyedStateEntries()).as("the two tracks; the spilled reports are gone").isEqualTo(2);
    }

    private List<String> signals() {
        List<String> out = new ArrayList<>();
        for (var r : harness.getSideOutput(BikeTracker.SIGNALS)) {
            OperatorSignal s = r.getValue();
            out.add(s.bikeId + "@" + (s.ts - PARKS_AT) / MIN + " " + s.kind + ":" + s.firsts);
        }
        return out;
    }

    @Test
    void everyReportLeavesAsASignalInEventTimeOrderWithWhatItIsTheFirstOf() throws Exception {
        send(riding("b1", PARKS_AT + 2 * MIN));
        send(riding("b1", PARKS_AT + MIN));
        send(riding("b1", PARKS_AT + MIN + 1));
        send(riding("b1", PARKS_AT));
        assertThat(signals()).as("older than one received: out of order at once, counted nowhere else")
                .containsExactly("b1@1 OUT_OF_ORDER:0", "b1@1 OUT_OF_ORDER:0", "b1@0 OUT_OF_ORDER:0");
        harness.processWatermark(new Watermark(PARKS_AT + 10 * MIN));
        int minuteDayMonth = OperatorSignal.FIRST_OF_MINUTE | OperatorSignal.FIRST_OF_DAY
                | OperatorSignal.FIRST_OF_MONTH;
        assertThat(signals()).containsExactly("b1@1 OUT_OF_ORDER:0", "b1@1 OUT_OF_ORDER:0", "b1@0 OUT_OF_ORDER:0",
                "b1@0 POSITION:" + minuteDayMonth,
                "b1@1 POSITION:" + OperatorSignal.FIRST_OF_MINUTE,
                "b1@1 POSITION:0",
                "b1@2 POSITION:" + OperatorSignal.FIRST_OF_MINUTE);
    }

    @Test
    void aViolationAndTheFactsOfAReportFollowItsPositionSignal() throws Exception {
        send(riding("b1", PARKS_AT - MIN));
        send(parkedIn("b1", PARKS_AT, ZONE));
        harness.processWatermark(new Watermark(GRACE_ENDS));
        assertThat(signals()).extracting(s -> s.substring(s.indexOf(' ') + 1, s.indexOf(':')))
                .containsExactly("POSITION", "POSITION", "FACT", "FACT", "VIOLATION");
        assertThat(harness.getSideOutput(BikeTracker.SIGNALS)).extracting(r -> r.getValue().kind == OperatorSignal.Kind.FACT
                ? r.getValue().fact.kind.name() : r.getValue().kind.name())
                .containsExactly("POSITION", "POSITION", "RIDE_ENDED", "STANDING_STARTED", "VIOLATION");
    }

    @Test
    void aLateReportIsStillARecordOfTheBikesMonth() throws Exception {
        harness.processWatermark(new Watermark(PARKS_AT + 30 * MIN));
        send(parkedIn("b1", PARKS_AT, ZONE));
        assertThat(signals()).containsExactly("b1@0 POSITION:" + (OperatorSignal.FIRST_OF_MINUTE
                | OperatorSignal.FIRST_IN_NO_PARK_OF_MINUTE | OperatorSignal.FIRST_OF_DAY
                | OperatorSignal.FIRST_OF_MONTH));
    }

    @Test
    void aBikeSilentPastTheHorizonIsForgottenAndItsMonthOnceTheMonthCanNoLongerCount() throws Exception {
        send(riding("b1", PARKS_AT - MIN));
        send(aReport("b1", PARKS_AT, BikeState.PARKED, null));
        harness.processWatermark(new Watermark(PARKS_AT + 7 * DAY + MIN));
        assertThat(output()).as("standing for 7 days: a zombie").extracting(v -> v.type + " " + v.kind)
                .containsExactly("ZOMBIE OPENED");
        harness.prepareSnapshotPreBarrier(1);
        assertThat(harness.numKeyedStateEntries()).as("track (with what it was counted for)")
                .isEqualTo(1);

        long horizon = TrackerSettings.defaults(GRACE).expiryHorizonMs();
        assertThat(horizon).as("the zombie period plus a day").isEqualTo(8 * DAY);
        harness.processWatermark(new Watermark(PARKS_AT + horizon + 60 * MIN));
        harness.prepareSnapshotPreBarrier(2);
        assertThat(harness.numKeyedStateEntries()).as("only what the bike was counted for in October").isEqualTo(1);

        // Back in October: a new track, but not a new bike of the month.
        send(riding("b1", PARKS_AT + 10 * DAY));
        harness.processWatermark(new Watermark(PARKS_AT + 10 * DAY + MIN));
        assertThat(signals()).last().isEqualTo("b1@" + 10 * DAY / MIN + " POSITION:"
                + (OperatorSignal.FIRST_OF_MINUTE | OperatorSignal.FIRST_OF_DAY));

        // Silent again until December begins: nothing of October can count any more, and nothing is left.
        harness.processWatermark(new Watermark(Instant.parse("2026-12-02T00:00:00Z").toEpochMilli()));
        harness.prepareSnapshotPreBarrier(3);
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void aBikeForgottenWhileStandingEndsItsStandingPeriodAtTheExpiry() throws Exception {
        send(riding("b1", PARKS_AT - MIN));
        send(aReport("b1", PARKS_AT, BikeState.PARKED, null));
        long horizon = TrackerSettings.defaults(GRACE).expiryHorizonMs();
        long expiry = PARKS_AT + horizon;
        harness.processWatermark(new Watermark(expiry + 60 * MIN));

        assertThat(harness.getSideOutput(BikeTracker.FACTS))
                .filteredOn(r -> r.getValue().kind == org.bikefence.model.BikeFact.Kind.STANDING_ENDED)
                .as("the standing period ends with the track, at its expiry").singleElement().satisfies(r -> {
                    assertThat(r.getTimestamp()).isEqualTo(expiry);
                    assertThat(r.getValue().ts).isEqualTo(expiry);
                    assertThat(r.getValue().durationMs).isEqualTo(horizon);
                    assertThat(r.getValue().bikeId).isEqualTo("b1");
                });
        long starts = 0;
        long ends = 0;
        for (var r : harness.getSideOutput(BikeTracker.SIGNALS)) {
            OperatorSignal s = r.getValue();
            if (s.kind == OperatorSignal.Kind.FACT) {
                starts += s.fact.kind == org.bikefence.model.BikeFact.Kind.STANDING_STARTED ? 1 : 0;
                ends += s.fact.kind == org.bikefence.model.BikeFact.Kind.STANDING_ENDED ? 1 : 0;
            }
        }
        assertThat(ends).as("standing ends signalled, so the bikes standing go back to 0").isEqualTo(starts)
                .isEqualTo(1);
        assertThat(output()).as("the zombie stays open (nobody saw it end)")
                .extracting(v -> v.type + " " + v.kind).containsExactly("ZOMBIE OPENED");
        ViolationEvent opened = output().get(0);
        assertThat(harness.getSideOutput(BikeTracker.UNTRACKED)).as("but it leaves the now view at the expiry")
                .singleElement().satisfies(r -> {
                    assertThat(r.getTimestamp()).isEqualTo(expiry);
                    ViolationEvent v = r.getValue();
                    assertThat(v.kind).isEqualTo(ViolationEvent.Kind.CLOSED);
                    assertThat(v.closedAt).isEqualTo(expiry);
                    assertThat(v.openedAt).isEqualTo(opened.openedAt);
                    assertThat(v.parkedSince).isEqualTo(opened.parkedSince);
                    assertThat(v.type).isEqualTo(opened.type);
                    assertThat(v.bikeId).isEqualTo(opened.bikeId);
                    assertThat(NowChange.of(v).id()).as("it ends the now item the opening started")
                            .isEqualTo(NowChange.of(opened).id());
                });
        assertThat(harness.getSideOutput(BikeTracker.SIGNALS)).as("and the operator's open counts")
                .filteredOn(r -> r.getValue().kind == OperatorSignal.Kind.UNTRACKED).singleElement()
                .satisfies(r -> {
                    assertThat(r.getTimestamp()).isEqualTo(expiry);
                    assertThat(r.getValue().violation.type).isEqualTo(ViolationEvent.Type.ZOMBIE);
                    assertThat(r.getValue().violation.closedAt).isEqualTo(expiry);
                });
    }

    @Test
    void atTheEndOfABoundedInputABikeStandingIsForgottenWithoutAStandingEnd() throws Exception {
        send(aReport("b1", PARKS_AT, BikeState.PARKED, null));
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        assertThat(harness.getSideOutput(BikeTracker.FACTS))
                .as("an expiry reached only by the jump to +infinity is proven by no report")
                .noneMatch(r -> r.getValue().kind == org.bikefence.model.BikeFact.Kind.STANDING_ENDED);
    }

    @Test
    void atTheEndOfABoundedInputAnOpenViolationStaysInTheNowView() throws Exception {
        send(riding("b1", PARKS_AT - MIN));
        send(aReport("b1", PARKS_AT, BikeState.PARKED, null));
        harness.processWatermark(new Watermark(PARKS_AT + 7 * DAY + MIN));
        assertThat(output()).extracting(v -> v.type + " " + v.kind).containsExactly("ZOMBIE OPENED");
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        assertThat(harness.getSideOutput(BikeTracker.UNTRACKED))
                .as("an expiry reached only by the jump to +infinity is proven by no report").isNull();
    }

    @Test
    void aBikeForgottenAfterRidingAwayHasNoSecondStandingEnd() throws Exception {
        send(aReport("b1", PARKS_AT, BikeState.PARKED, null));
        send(riding("b1", PARKS_AT + MIN));
        harness.processWatermark(new Watermark(PARKS_AT + 10 * DAY));
        assertThat(harness.getSideOutput(BikeTracker.FACTS))
                .filteredOn(r -> r.getValue().kind == org.bikefence.model.BikeFact.Kind.STANDING_ENDED)
                .extracting(r -> r.getValue().ts).containsExactly(PARKS_AT + MIN);
    }
}
