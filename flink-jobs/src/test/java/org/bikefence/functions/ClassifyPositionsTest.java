package org.bikefence.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.bikefence.geofence.Fence;
import org.bikefence.geofence.FenceIndex;
import org.bikefence.geofence.FenceKind;
import org.bikefence.geofence.FenceSet;
import org.bikefence.geofence.Schedule;
import org.bikefence.model.BikePosition;
import org.bikefence.model.BikeState;
import org.bikefence.model.ClassifiedPosition;
import org.junit.jupiter.api.Test;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.Polygon;

class ClassifyPositionsTest {
    private static final GeometryFactory GF = new GeometryFactory();
    private static final ZoneId XIAMEN = ZoneId.of("Asia/Shanghai");
    /** Monday 12 October 2026, 08:00 in Xiamen. */
    private static final long MONDAY_8AM = Instant.parse("2026-10-12T00:00:00Z").toEpochMilli();
    private static final long HOUR = 3_600_000L;

    private static Polygon square(double lng, double lat, double size) {
        return GF.createPolygon(new Coordinate[] {new Coordinate(lng, lat), new Coordinate(lng + size, lat),
            new Coordinate(lng + size, lat + size), new Coordinate(lng, lat + size), new Coordinate(lng, lat)});
    }

    private static final Fence AREA = Fence.builder("AREA", FenceKind.OPERATING_AREA, square(118.0, 24.4, 0.2))
            .build();
    /** A no-park zone in force on weekdays 07:00-09:00 only (a school gate at rush hour). */
    private static final Fence RUSH_HOUR = Fence.builder("NP-RUSH", FenceKind.NO_PARK, square(118.10, 24.50, 0.001))
            .schedule(Schedule.of(XIAMEN, List.of(Schedule.Window.of(
                    EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), LocalTime.of(7, 0), LocalTime.of(9, 0)))))
            .build();
    /** A key-control zone with a 3-minute grace, containing a parking fence. */
    private static final Fence KEY = Fence.builder("KC-1", FenceKind.KEY_CONTROL, square(118.12, 24.50, 0.002))
            .graceMinutes(3).build();
    private static final Fence BAY = Fence.builder("P-1", FenceKind.PARKING, square(118.1205, 24.5005, 0.0002))
            .build();
    /** A no-park zone that binds one operator only. */
    private static final Fence MEITUAN_ONLY = Fence.builder("NP-MT", FenceKind.NO_PARK, square(118.14, 24.50, 0.001))
            .operators(Set.of("meituan")).build();

    private final FenceIndex index = FenceIndex.build(new FenceSet("t-1", List.of(AREA, RUSH_HOUR, KEY, BAY,
            MEITUAN_ONLY)));

    private ClassifiedPosition at(String operator, double lat, double lng, long ts) {
        return ClassifyPositions.classify(index, new BikePosition(operator, "b", ts, lat, lng, BikeState.PARKED));
    }

    @Test
    void aScheduledZoneCountsOnlyWhileItIsInForce() {
        assertThat(at("hello", 24.5005, 118.1005, MONDAY_8AM).noParkFenceId).isEqualTo("NP-RUSH");
        assertThat(at("hello", 24.5005, 118.1005, MONDAY_8AM + 2 * HOUR).noParkFenceId).isNull();
        assertThat(at("hello", 24.5005, 118.1005, MONDAY_8AM + 5 * 24 * HOUR).noParkFenceId)
                .as("Saturday").isNull();
    }

    @Test
    void aPositionInAScheduledZoneCarriesTheZonesPeriodSoTheTrackerCanSwitchItWithoutAReport() {
        long sevenAm = MONDAY_8AM - HOUR;
        long nineAm = MONDAY_8AM + HOUR;
        ClassifiedPosition before = at("hello", 24.5005, 118.1005, MONDAY_8AM - 2 * HOUR);
        assertThat(before.noParkFenceId).isNull();
        assertThat(before.scheduledFenceId).isEqualTo("NP-RUSH");
        assertThat(List.of(before.scheduledFrom, before.scheduledUntil)).containsExactly(sevenAm, nineAm);
        ClassifiedPosition inside = at("hello", 24.5005, 118.1005, MONDAY_8AM);
        assertThat(inside.noParkFenceId).isEqualTo("NP-RUSH");
        assertThat(List.of(inside.scheduledFrom, inside.scheduledUntil)).containsExactly(sevenAm, nineAm);
        ClassifiedPosition fridayNoon = at("hello", 24.5005, 118.1005, MONDAY_8AM + 4 * 24 * HOUR + 4 * HOUR);
        assertThat(List.of(fridayNoon.scheduledFrom, fridayNoon.scheduledUntil)).as("next Monday, not Saturday")
                .containsExactly(sevenAm + 7 * 24 * HOUR, nineAm + 7 * 24 * HOUR);
        ClassifiedPosition permanent = at("hello", 24.5015, 118.1215, MONDAY_8AM);
        assertThat(permanent.noParkFenceId).isEqualTo("KC-1");
        assertThat(permanent.scheduledFenceId).isNull();
        assertThat(at("hello", 24.45, 118.05, MONDAY_8AM).scheduledFenceId).isNull();
    }

    @Test
    void aKeyControlZoneIsNoParkOutsideItsParkingFencesWithItsOwnGrace() {
        ClassifiedPosition outside = at("hello", 24.5015, 118.1215, MONDAY_8AM);
        assertThat(outside.noParkFenceId).isEqualTo("KC-1");
        assertThat(outside.noParkGraceMs).isEqualTo(3 * 60_000L);
        ClassifiedPosition inBay = at("hello", 24.5006, 118.1206, MONDAY_8AM);
        assertThat(inBay.noParkFenceId).isNull();
        assertThat(inBay.parkingFenceId).isEqualTo("P-1");
    }

    @Test
    void operatorScopedFencesBindOnlyTheirOperators() {
        assertThat(at("meituan", 24.5005, 118.1405, MONDAY_8AM).noParkFenceId).isEqualTo("NP-MT");
        assertThat(at("hello", 24.5005, 118.1405, MONDAY_8AM).noParkFenceId).isNull();
    }

    @Test
    void recordsTheFenceSetVersionAndTheOperatingArea() {
        ClassifiedPosition c = at("hello", 24.45, 118.05, MONDAY_8AM);
        assertThat(c.fenceSetVersion).isEqualTo("t-1");
        assertThat(c.inOperatingArea).isTrue();
        assertThat(at("hello", 24.70, 118.05, MONDAY_8AM).inOperatingArea).isFalse();
    }
}
