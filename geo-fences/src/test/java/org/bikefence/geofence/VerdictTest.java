package org.bikefence.geofence;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VerdictTest {
    private static final ZoneId XIAMEN = ZoneId.of("Asia/Shanghai");
    /** Monday 12 October 2026, 08:00 in Xiamen. */
    private static final long MONDAY_8AM = Instant.parse("2026-10-12T00:00:00Z").toEpochMilli();
    private static final long HOUR = 3_600_000L;
    private static final long MINUTE = 60_000L;

    /** A square of {@code size} degrees with its south-west corner at (lng, lat). */
    private static String square(double lng, double lat, double size) {
        return String.format(java.util.Locale.ROOT, "POLYGON ((%s %s, %s %s, %s %s, %s %s, %s %s))", lng, lat,
                lng + size, lat, lng + size, lat + size, lng, lat + size, lng, lat);
    }

    private static Fence.Builder fence(String id, FenceKind kind, double lng, double lat, double size) {
        return Fence.builder(id, kind, Fixtures.wkt(square(lng, lat, size)));
    }

    private static final Schedule WEEKDAY_RUSH = Schedule.of(XIAMEN, List.of(Schedule.Window.of(
            EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), LocalTime.of(7, 0), LocalTime.of(9, 0))));
    private static final Schedule NIGHTS = Schedule.of(XIAMEN, List.of(Schedule.Window.of(
            EnumSet.allOf(DayOfWeek.class), LocalTime.of(22, 0), LocalTime.of(6, 0))));

    private static final Fence AREA = fence("AREA", FenceKind.OPERATING_AREA, 118.0, 24.4, 0.2).build();
    /** A no-park zone with a parking bay inside it. */
    private static final Fence NO_PARK = fence("NP-1", FenceKind.NO_PARK, 118.10, 24.50, 0.001).build();
    private static final Fence BAY_IN_NO_PARK = fence("P-NP", FenceKind.PARKING, 118.1002, 24.5002, 0.0002)
            .capacity(12).build();
    /** A key-control zone with a 3-minute grace: a parking bay, a night-only bay and a no-park zone in it. */
    private static final Fence KEY = fence("KC-1", FenceKind.KEY_CONTROL, 118.12, 24.50, 0.004).graceMinutes(3)
            .build();
    private static final Fence BAY_IN_KEY = fence("P-KC", FenceKind.PARKING, 118.1205, 24.5005, 0.0002).build();
    private static final Fence NIGHT_BAY_IN_KEY = fence("P-KC-NIGHT", FenceKind.PARKING, 118.1215, 24.5005, 0.0002)
            .schedule(NIGHTS).build();
    private static final Fence NO_PARK_IN_KEY = fence("NP-KC", FenceKind.NO_PARK, 118.1225, 24.5025, 0.0005)
            .build();
    /** A school gate: no parking on weekdays 07:00-09:00 only. */
    private static final Fence RUSH_HOUR = fence("NP-RUSH", FenceKind.NO_PARK, 118.14, 24.50, 0.001)
            .schedule(WEEKDAY_RUSH).build();
    /** A key-control zone that takes effect on 1 November 2026. */
    private static final Fence FROM_NOVEMBER = fence("KC-NOV", FenceKind.KEY_CONTROL, 118.16, 24.50, 0.001)
            .effectiveFrom(Instant.parse("2026-10-31T16:00:00Z")).build();
    /** Two overlapping no-park zones, listed largest id first. */
    private static final Fence OVERLAP_B = fence("NP-B", FenceKind.NO_PARK, 118.18, 24.50, 0.001).build();
    private static final Fence OVERLAP_A = fence("NP-A", FenceKind.NO_PARK, 118.1805, 24.5005, 0.001)
            .graceMinutes(5).build();
    /** Binds one operator only. */
    private static final Fence MEITUAN_ONLY = fence("NP-MT", FenceKind.NO_PARK, 118.05, 24.45, 0.001)
            .operators(Set.of("meituan")).build();
    /** An operating area extension granted to one operator. */
    private static final Fence HELLO_AREA = fence("AREA-HL", FenceKind.OPERATING_AREA, 118.3, 24.4, 0.1)
            .operators(Set.of("hello")).build();

    private static final FenceIndex INDEX = FenceIndex.build(new FenceSet("v-7", List.of(OVERLAP_B, AREA, NO_PARK,
            BAY_IN_NO_PARK, KEY, BAY_IN_KEY, NIGHT_BAY_IN_KEY, NO_PARK_IN_KEY, RUSH_HOUR, FROM_NOVEMBER, OVERLAP_A,
            MEITUAN_ONLY, HELLO_AREA)));

    private static Verdict at(double lat, double lng, long epochMs) {
        return INDEX.verdict(lat, lng, "hello", epochMs);
    }

    @Test
    void aNoParkZoneWinsOverTheParkingBayInsideIt() {
        Verdict v = at(24.5003, 118.1003, MONDAY_8AM);
        assertThat(v.zone()).isEqualTo(NO_PARK);
        assertThat(v.parking()).as("still reported, for accumulation").isEqualTo(BAY_IN_NO_PARK);
        assertThat(v.parkingCapacity()).isEqualTo(12);
        assertThat(v.summary()).isEqualTo("no_park:NP-1;parking:P-NP;in_area");
    }

    @Test
    void aNoParkZoneWinsOverTheKeyControlZoneAroundIt() {
        Verdict v = at(24.5027, 118.1227, MONDAY_8AM);
        assertThat(v.zoneId()).isEqualTo("NP-KC");
        assertThat(v.zoneGraceMs()).as("the no-park zone's grace, the rule set's").isZero();
    }

    @Test
    void aKeyControlZoneBindsOutsideItsParkingBaysWithItsOwnGrace() {
        Verdict outside = at(24.5015, 118.1235, MONDAY_8AM);
        assertThat(outside.zone()).isEqualTo(KEY);
        assertThat(outside.zoneGraceMs()).isEqualTo(3 * MINUTE);
        assertThat(outside.parking()).isNull();
        assertThat(outside.summary()).isEqualTo("key_control:KC-1;in_area");

        Verdict inBay = at(24.5006, 118.1206, MONDAY_8AM);
        assertThat(inBay.zone()).isNull();
        assertThat(inBay.zoneGraceMs()).isZero();
        assertThat(inBay.parking()).isEqualTo(BAY_IN_KEY);
        assertThat(inBay.parkingCapacity()).as("the bay does not say").isZero();
        assertThat(inBay.summary()).isEqualTo("parking:P-KC;in_area");
    }

    @Test
    void aParkingBayOutOfHoursDoesNotLiftTheKeyControlZone() {
        assertThat(at(24.5006, 118.1216, MONDAY_8AM).zoneId()).isEqualTo("KC-1");
        Verdict night = at(24.5006, 118.1216, MONDAY_8AM + 15 * HOUR);
        assertThat(night.zoneId()).isNull();
        assertThat(night.parkingId()).isEqualTo("P-KC-NIGHT");
    }

    @Test
    void aScheduledZoneBindsOnlyInItsWindows() {
        assertThat(at(24.5005, 118.1405, MONDAY_8AM).zoneId()).isEqualTo("NP-RUSH");
        assertThat(at(24.5005, 118.1405, MONDAY_8AM - 61 * MINUTE).zoneId()).as("06:59").isNull();
        assertThat(at(24.5005, 118.1405, MONDAY_8AM + HOUR).zoneId()).as("09:00, the end is exclusive").isNull();
        assertThat(at(24.5005, 118.1405, MONDAY_8AM + 5 * 24 * HOUR).zoneId()).as("Saturday").isNull();
        assertThat(INDEX.verdictAtAnyTime(24.5005, 118.1405, "hello").zoneId())
                .as("without a time every fence counts").isEqualTo("NP-RUSH");
    }

    @Test
    void aZoneBindsOnlyFromItsEffectiveDate() {
        long november = Instant.parse("2026-10-31T16:00:00Z").toEpochMilli();
        assertThat(at(24.5005, 118.1605, november - 1).zoneId()).isNull();
        assertThat(at(24.5005, 118.1605, november).zoneId()).isEqualTo("KC-NOV");
    }

    @Test
    void ofOverlappingZonesTheSmallestIdWinsWhateverTheOrder() {
        Verdict v = at(24.5008, 118.1808, MONDAY_8AM);
        assertThat(v.zoneId()).isEqualTo("NP-A");
        assertThat(v.zoneGraceMs()).isEqualTo(5 * MINUTE);
        List<Fence> covering = new ArrayList<>(INDEX.covering(24.5008, 118.1808));
        Collections.reverse(covering);
        assertThat(Verdict.decide(covering, "hello", MONDAY_8AM, "v-7")).isEqualTo(v);
    }

    @Test
    void operatorScopedFencesBindOnlyTheirOperators() {
        assertThat(INDEX.verdict(24.4505, 118.0505, "meituan", MONDAY_8AM).zoneId()).isEqualTo("NP-MT");
        assertThat(INDEX.verdict(24.4505, 118.0505, "hello", MONDAY_8AM).zoneId()).isNull();
        assertThat(INDEX.verdict(24.45, 118.35, "hello", MONDAY_8AM).inOperatingArea()).isTrue();
        assertThat(INDEX.verdict(24.45, 118.35, "meituan", MONDAY_8AM).inOperatingArea()).isFalse();
    }

    @Test
    void outsideEveryAreaAndWithoutAreasAPointIsOutsideTheArea() {
        Verdict far = at(24.7, 118.05, MONDAY_8AM);
        assertThat(far).isEqualTo(new Verdict(null, null, false, "v-7"));
        assertThat(far.summary()).isEqualTo("outside_area");
        FenceIndex noAreas = FenceIndex.build(new FenceSet("bays-only", List.of(BAY_IN_KEY)));
        Verdict bay = noAreas.verdict(24.5006, 118.1206, "hello", MONDAY_8AM);
        assertThat(bay.summary()).isEqualTo("parking:P-KC;outside_area");
        assertThat(bay.fenceSetVersion()).isEqualTo("bays-only");
    }

    @Test
    void recordsTheFenceSetVersion() {
        assertThat(at(24.45, 118.02, MONDAY_8AM)).isEqualTo(new Verdict(null, null, true, "v-7"));
        assertThat(at(24.45, 118.02, MONDAY_8AM).summary()).isEqualTo("in_area");
    }
}
