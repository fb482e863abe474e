package org.bikefence.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.bikefence.bike.TrackerSettings;
import org.bikefence.geofence.Fence;
import org.bikefence.geofence.FenceIndex;
import org.bikefence.geofence.FenceKind;
import org.bikefence.geofence.FenceSet;
import org.bikefence.geofence.Schedule;
import org.bikefence.model.BikePosition;
import org.bikefence.model.BikeState;
import org.bikefence.model.ClassifiedPosition;
import org.bikefence.model.ViolationEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.Polygon;

/**
 * The bike tracker opens and closes violations of scheduled zones at the zones' period start (plus grace) and end,
 * for bikes that do not report again: positions classified against real fences, then the tracker's timers.
 */
class BikeTrackerScheduledZonesTest {
    private static final ZoneId XIAMEN = ZoneId.of("Asia/Shanghai");
    private static final GeometryFactory GF = new GeometryFactory();
    private static final EnumSet<DayOfWeek> EVERY_DAY = EnumSet.allOf(DayOfWeek.class);
    private static final TrackerSettings SETTINGS = TrackerSettings.defaults(Duration.ofMinutes(10));

    /** A school gate: no parking 08:00-10:00 every day. */
    private static final double SCHOOL_LAT = 24.5005;
    private static final double SCHOOL_LNG = 118.1005;
    /** A night market: no parking 22:00-02:00. */
    private static final double MARKET_LAT = 24.5005;
    private static final double MARKET_LNG = 118.1105;
    /** A key-control zone in force 08:00-10:00 with its own 3-minute grace. */
    private static final double KEY_LAT = 24.5005;
    private static final double KEY_LNG = 118.1205;

    private static final Fence SCHOOL = zone("NP-SCHOOL", FenceKind.NO_PARK, SCHOOL_LNG, SCHOOL_LAT, daily(8, 10));
    private static final Fence MARKET = zone("NP-MARKET", FenceKind.NO_PARK, MARKET_LNG, MARKET_LAT, daily(22, 2));
    private static final Fence KEY = Fence.builder("KC-1", FenceKind.KEY_CONTROL, square(KEY_LNG, KEY_LAT))
            .schedule(daily(8, 10)).graceMinutes(3).build();
    private static final Fence AREA = Fence.builder("AREA", FenceKind.OPERATING_AREA,
            GF.createPolygon(new Coordinate[] {new Coordinate(118.0, 24.4), new Coordinate(118.2, 24.4),
                new Coordinate(118.2, 24.6), new Coordinate(118.0, 24.6), new Coordinate(118.0, 24.4)})).build();

    private static final FenceIndex FENCES = FenceIndex.build(new FenceSet("v1", List.of(AREA, SCHOOL, MARKET, KEY)));

    private KeyedOneInputStreamOperatorTestHarness<String, ClassifiedPosition, ViolationEvent> harness;

    private static Schedule daily(int startHour, int endHour) {
        return Schedule.of(XIAMEN, List.of(Schedule.Window.of(EVERY_DAY, LocalTime.of(startHour, 0),
                LocalTime.of(endHour, 0))));
    }

    /** A square of about 100 m around the point. */
    private static Polygon square(double lng, double lat) {
        double h = 0.0005;
        return GF.createPolygon(new Coordinate[] {new Coordinate(lng - h, lat - h), new Coordinate(lng + h, lat - h),
            new Coordinate(lng + h, lat + h), new Coordinate(lng - h, lat + h), new Coordinate(lng - h, lat - h)});
    }

    private static Fence zone(String id, FenceKind kind, double lng, double lat, Schedule schedule) {
        return Fence.builder(id, kind, square(lng, lat)).schedule(schedule).build();
    }

    /** Monday 12 October 2026 (and the days after), local time in Xiamen. */
    private static long at(String hhmm) {
        return at("2026-10-12", hhmm);
    }

    private static long at(String date, String hhmm) {
        return LocalDateTime.parse(date + "T" + hhmm).atZone(XIAMEN).toInstant().toEpochMilli();
    }

    @BeforeEach
    void setUp() throws Exception {
        harness = open(null, false);
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, ClassifiedPosition, ViolationEvent> open(
            OperatorSubtaskState restore, boolean rocksDb) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, ClassifiedPosition, ViolationEvent> h =
                new KeyedOneInputStreamOperatorTestHarness<>(new BikeTracker(SETTINGS, XIAMEN), BikeTracker::bikeKey,
                        Types.STRING);
        if (rocksDb) {
            h.setStateBackend(new EmbeddedRocksDBStateBackend());
        }
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    private void send(FenceIndex fences, String bike, long ts, BikeState state, double lat, double lng)
            throws Exception {
        ClassifiedPosition p = ClassifyPositions.classify(fences,
                new BikePosition("meituan", bike, ts, lat, lng, state));
        harness.processElement(new StreamRecord<>(p, ts));
    }

    private void parks(String bike, long ts, double lat, double lng) throws Exception {
        send(FENCES, bike, ts, BikeState.PARKED, lat, lng);
    }

    private void watermark(long ts) throws Exception {
        harness.processWatermark(new Watermark(ts));
    }

    /** The violations so far as "KIND fence since..opened[-closed] @record time". */
    private List<String> violations() {
        List<String> out = new ArrayList<>();
        for (StreamRecord<? extends ViolationEvent> r : harness.extractOutputStreamRecords()) {
            ViolationEvent v = r.getValue();
            out.add(v.kind + " " + v.fenceId + " " + hhmm(v.parkedSince) + ".." + hhmm(v.openedAt)
                    + (v.kind == ViolationEvent.Kind.CLOSED ? "-" + hhmm(v.closedAt) : "") + " @" + hhmm(r.getTimestamp()));
        }
        return out;
    }

    private static String hhmm(long ts) {
        return java.time.Instant.ofEpochMilli(ts).atZone(XIAMEN).toLocalDateTime().toString().substring(5);
    }

    @Test
    void aBikeParkedAtSevenInAZoneInForceFromEightToTenIsInViolationAtTenPastEightAndFreeAtTen() throws Exception {
        parks("b1", at("07:00"), SCHOOL_LAT, SCHOOL_LNG);
        watermark(at("08:09"));
        assertThat(violations()).isEmpty();
        assertThat(harness.numEventTimeTimers()).as("one timer, at the window's start plus the grace").isEqualTo(1);

        watermark(at("08:10"));
        assertThat(violations()).containsExactly("OPENED NP-SCHOOL 10-12T08:00..10-12T08:10 @10-12T08:10");

        watermark(at("09:59"));
        assertThat(violations()).hasSize(1);
        watermark(at("12:00"));
        assertThat(violations()).containsExactly("OPENED NP-SCHOOL 10-12T08:00..10-12T08:10 @10-12T08:10",
                "CLOSED NP-SCHOOL 10-12T08:00..10-12T08:10-10-12T10:00 @10-12T10:00");
    }

    @Test
    void oneWatermarkFarPastTheWindowStillGivesBothAtTheirTimes() throws Exception {
        parks("b1", at("07:00"), SCHOOL_LAT, SCHOOL_LNG);
        watermark(at("2026-10-12", "23:00"));
        assertThat(violations()).containsExactly("OPENED NP-SCHOOL 10-12T08:00..10-12T08:10 @10-12T08:10",
                "CLOSED NP-SCHOOL 10-12T08:00..10-12T08:10-10-12T10:00 @10-12T10:00");
    }

    @Test
    void aWindowAcrossMidnightOpensInTheEveningAndClosesNextMorning() throws Exception {
        parks("b1", at("21:00"), MARKET_LAT, MARKET_LNG);
        watermark(at("2026-10-13", "06:00"));
        assertThat(violations()).containsExactly("OPENED NP-MARKET 10-12T22:00..10-12T22:10 @10-12T22:10",
                "CLOSED NP-MARKET 10-12T22:00..10-12T22:10-10-13T02:00 @10-13T02:00");
    }

    @Test
    void aBikeParkedAfterMidnightInsideTheNightWindowClosesAtTwo() throws Exception {
        parks("b1", at("2026-10-13", "00:30"), MARKET_LAT, MARKET_LNG);
        watermark(at("2026-10-13", "06:00"));
        assertThat(violations()).containsExactly("OPENED NP-MARKET 10-13T00:30..10-13T00:40 @10-13T00:40",
                "CLOSED NP-MARKET 10-13T00:30..10-13T00:40-10-13T02:00 @10-13T02:00");
    }

    @Test
    void aBikeThatLeavesBeforeTheWindowStartsGetsNothing() throws Exception {
        parks("b1", at("07:00"), SCHOOL_LAT, SCHOOL_LNG);
        send(FENCES, "b1", at("07:50"), BikeState.RIDING, SCHOOL_LAT, SCHOOL_LNG);
        send(FENCES, "b1", at("07:55"), BikeState.PARKED, 24.45, 118.05);
        watermark(at("12:00"));
        assertThat(violations()).isEmpty();
    }

    @Test
    void aReportInsideTheWindowWorksAsBefore() throws Exception {
        parks("b1", at("08:30"), SCHOOL_LAT, SCHOOL_LNG);
        send(FENCES, "b1", at("09:15"), BikeState.RIDING, SCHOOL_LAT, SCHOOL_LNG);
        parks("b2", at("08:30"), SCHOOL_LAT, SCHOOL_LNG);
        watermark(at("12:00"));
        assertThat(violations()).containsExactlyInAnyOrder(
                "OPENED NP-SCHOOL 10-12T08:30..10-12T08:40 @10-12T08:40",
                "OPENED NP-SCHOOL 10-12T08:30..10-12T08:40 @10-12T08:40",
                "CLOSED NP-SCHOOL 10-12T08:30..10-12T08:40-10-12T09:15 @10-12T09:15",
                "CLOSED NP-SCHOOL 10-12T08:30..10-12T08:40-10-12T10:00 @10-12T10:00");
    }

    @Test
    void aBikeStillStandingAtItsNextReportIsToldTheNextDaysWindow() throws Exception {
        parks("b1", at("07:00"), SCHOOL_LAT, SCHOOL_LNG);
        parks("b1", at("11:00"), SCHOOL_LAT, SCHOOL_LNG);
        watermark(at("2026-10-13", "12:00"));
        assertThat(violations()).containsExactly("OPENED NP-SCHOOL 10-12T08:00..10-12T08:10 @10-12T08:10",
                "CLOSED NP-SCHOOL 10-12T08:00..10-12T08:10-10-12T10:00 @10-12T10:00",
                "OPENED NP-SCHOOL 10-13T08:00..10-13T08:10 @10-13T08:10",
                "CLOSED NP-SCHOOL 10-13T08:00..10-13T08:10-10-13T10:00 @10-13T10:00");
    }

    @Test
    void aScheduledKeyControlZoneOpensWithItsOwnGrace() throws Exception {
        parks("b1", at("07:00"), KEY_LAT, KEY_LNG);
        watermark(at("12:00"));
        assertThat(violations()).containsExactly("OPENED KC-1 10-12T08:00..10-12T08:03 @10-12T08:03",
                "CLOSED KC-1 10-12T08:00..10-12T08:03-10-12T10:00 @10-12T10:00");
    }

    @Test
    void aFenceSetReplacedWhileTheWindowIsOpenCountsFromTheBikesNextReport() throws Exception {
        // v2 shortens the school's window to 08:00-09:00 and drops the night market.
        Fence shorter = zone("NP-SCHOOL", FenceKind.NO_PARK, SCHOOL_LNG, SCHOOL_LAT, daily(8, 9));
        FenceIndex v2 = FenceIndex.build(new FenceSet("v2", List.of(AREA, shorter, KEY)));
        parks("b1", at("07:00"), SCHOOL_LAT, SCHOOL_LNG);
        parks("b2", at("07:00"), SCHOOL_LAT, SCHOOL_LNG);
        parks("b3", at("2026-10-12", "21:00"), MARKET_LAT, MARKET_LNG);
        watermark(at("08:20"));
        // The set is replaced at 08:20. b1 reports under v2 and is told the shorter window; b2 stays silent and
        // keeps the window v1 told it.
        send(v2, "b1", at("08:30"), BikeState.PARKED, SCHOOL_LAT, SCHOOL_LNG);
        // b3 reports under v2 before its window: the zone has gone, so nothing is pending any more.
        send(v2, "b3", at("2026-10-12", "21:30"), BikeState.PARKED, MARKET_LAT, MARKET_LNG);
        watermark(at("2026-10-13", "06:00"));
        List<String> v = violations();
        assertThat(v).containsExactlyInAnyOrder(
                "OPENED NP-SCHOOL 10-12T08:00..10-12T08:10 @10-12T08:10",
                "OPENED NP-SCHOOL 10-12T08:00..10-12T08:10 @10-12T08:10",
                "CLOSED NP-SCHOOL 10-12T08:00..10-12T08:10-10-12T09:00 @10-12T09:00",
                "CLOSED NP-SCHOOL 10-12T08:00..10-12T08:10-10-12T10:00 @10-12T10:00");
        List<String> closedAtNine = new ArrayList<>();
        for (StreamRecord<? extends ViolationEvent> r : harness.extractOutputStreamRecords()) {
            if (r.getValue().kind == ViolationEvent.Kind.CLOSED && r.getValue().closedAt == at("09:00")) {
                closedAtNine.add(r.getValue().bikeId);
            }
        }
        assertThat(closedAtNine).containsExactly("b1");
    }

    @Test
    void aCheckpointHoldsTheToldWindowOnTheHeapAndOnRocksDb() throws Exception {
        for (boolean rocksDb : new boolean[] {false, true}) {
            harness.close();
            harness = open(null, rocksDb);
            parks("b1", at("07:00"), SCHOOL_LAT, SCHOOL_LNG);
            watermark(at("07:30"));
            harness.prepareSnapshotPreBarrier(1);
            OperatorSubtaskState snapshot = harness.snapshot(1, 1);
            harness.close();

            harness = open(snapshot, rocksDb);
            watermark(at("12:00"));
            assertThat(violations()).as("rocksDb=%s", rocksDb).containsExactly(
                    "OPENED NP-SCHOOL 10-12T08:00..10-12T08:10 @10-12T08:10",
                    "CLOSED NP-SCHOOL 10-12T08:00..10-12T08:10-10-12T10:00 @10-12T10:00");
        }
    }

    @Test
    void theEndOfABoundedInputOpensNothingTheStreamHadNotReachedYet() throws Exception {
        // As for every deadline: a watermark that jumps to the end of input is no proof the bike still stood there.
        parks("b1", at("07:00"), SCHOOL_LAT, SCHOOL_LNG);
        watermark(at("07:30"));
        harness.processWatermark(Watermark.MAX_WATERMARK);
        assertThat(violations()).isEmpty();
    }
}
