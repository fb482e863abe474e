package org.bikefence.geofence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;

class FenceGeometryTest {

    private static final Fence HOLED = Fixtures.fence("holed", FenceKind.NO_PARK,
            "POLYGON ((118.0 24.0, 118.01 24.0, 118.01 24.01, 118.0 24.01, 118.0 24.0),"
                    + " (118.001 24.001, 118.009 24.001, 118.009 24.009, 118.001 24.009, 118.001 24.001))");

    @Test
    void randomPointInsideIsCoveredByTheFenceAndAvoidsItsHole() {
        Random rnd = new Random(7);
        for (int k = 0; k < 1_000; k++) {
            double[] latLng = FenceGeometry.randomPointInside(HOLED, rnd);
            assertThat(HOLED.geometry().covers(point(latLng))).isTrue();
        }
    }

    @Test
    void randomPointInsideIsDeterministicForASeed() {
        assertThat(FenceGeometry.randomPointInside(HOLED, new Random(5)))
                .containsExactly(FenceGeometry.randomPointInside(HOLED, new Random(5)));
    }

    @Test
    void randomPointOutsideIsInTheAreaButInNoFenceOfThatKind() {
        Fence area = Fixtures.fence("area", FenceKind.OPERATING_AREA,
                "POLYGON ((118.0 24.0, 118.01 24.0, 118.01 24.01, 118.0 24.01, 118.0 24.0))");
        Fence parking = Fixtures.fence("p", FenceKind.PARKING,
                "POLYGON ((118.0 24.0, 118.008 24.0, 118.008 24.01, 118.0 24.01, 118.0 24.0))");
        FenceIndex index = FenceIndex.build(new FenceSet("t", List.of(area, parking)));
        Random rnd = new Random(11);
        for (int k = 0; k < 1_000; k++) {
            double[] latLng = FenceGeometry.randomPointOutside(index, area.geometry(), FenceKind.PARKING, rnd);
            assertThat(area.geometry().covers(point(latLng))).isTrue();
            assertThat(parking.geometry().covers(point(latLng))).isFalse();
        }
    }

    @Test
    void randomPointOutsideGivesUpWhenFencesCoverTheWholeArea() {
        Fence area = Fixtures.fence("area", FenceKind.PARKING,
                "POLYGON ((118.0 24.0, 118.01 24.0, 118.01 24.01, 118.0 24.0))");
        FenceIndex index = FenceIndex.build(new FenceSet("t", List.of(area)));
        assertThatThrownBy(() -> FenceGeometry.randomPointOutside(index, area.geometry(),
                FenceKind.PARKING, new Random(1)))
                .isInstanceOf(IllegalStateException.class);
    }

    private static Geometry point(double[] latLng) {
        return GeoJsonFenceLoader.WGS84.createPoint(new Coordinate(latLng[1], latLng[0]));
    }
}
