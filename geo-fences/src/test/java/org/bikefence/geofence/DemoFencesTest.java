package org.bikefence.geofence;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.geom.prep.PreparedGeometry;
import org.locationtech.jts.geom.prep.PreparedGeometryFactory;

class DemoFencesTest {

    private static final Path COMMITTED = Path.of(DemoFences.DEFAULT_FILE);
    private static final double M_PER_DEG_LAT = 110_574;
    private static final double M_PER_DEG_LNG = 111_320 * Math.cos(Math.toRadians(24.5));

    private static FenceSet demo;

    @BeforeAll
    static void load() {
        demo = GeoJsonFenceLoader.load(COMMITTED);
    }

    @Test
    void committedFileIsExactlyWhatTheGeneratorProduces() throws IOException {
        // If this fails after changing DemoFences, rerun its main and commit the file.
        assertThat(Files.readString(COMMITTED, StandardCharsets.UTF_8)).isEqualTo(DemoFences.render());
    }

    @Test
    void shipsTheCommittedFileOnTheClasspath() {
        FenceSet shipped = DemoFences.load();
        assertThat(shipped.version()).isEqualTo(demo.version());
        assertThat(shipped.fences()).containsExactlyElementsOf(demo.fences());
    }

    @Test
    void generatorIsDeterministic() {
        assertThat(DemoFences.render()).isEqualTo(DemoFences.render());
    }

    @Test
    void hasOneOperatingAreaOverNorthernXiamenIsland() {
        assertThat(demo.version()).isEqualTo("huli-demo-1");
        List<Fence> areas = demo.ofKind(FenceKind.OPERATING_AREA);
        assertThat(areas).hasSize(1);
        Envelope env = areas.get(0).geometry().getEnvelopeInternal();
        assertThat(env.getMinY()).isBetween(24.465, 24.48);
        assertThat(env.getMaxY()).isBetween(24.55, 24.565);
        assertThat(env.getMinX()).isBetween(118.055, 118.07);
        assertThat(env.getMaxX()).isBetween(118.19, 118.205);
    }

    @Test
    void hasSyntheticBilingualNoParkZonesOfTheRequestedSizes() {
        List<Fence> zones = demo.ofKind(FenceKind.NO_PARK);
        assertThat(zones).hasSizeBetween(8, 12);
        for (Fence zone : zones) {
            assertThat(zone.name()).contains("(synthetic)").containsPattern("\\p{IsHan}");
            assertThat(acrossMetres(zone.geometry())).isBetween(20.0, 150.0);
            assertThat(zone.geometry().getNumPoints() - 1).isBetween(8, 30);
        }
    }

    @Test
    void hasSmallParkingBaysWithCapacitiesThatNeverTouchNoParkZones() {
        List<Fence> bays = demo.ofKind(FenceKind.PARKING);
        assertThat(bays).hasSizeBetween(300, 500);
        PreparedGeometry area = PreparedGeometryFactory.prepare(
                demo.ofKind(FenceKind.OPERATING_AREA).get(0).geometry());
        List<PreparedGeometry> zones = demo.ofKind(FenceKind.NO_PARK).stream()
                .map(f -> PreparedGeometryFactory.prepare(f.geometry())).toList();
        for (Fence bay : bays) {
            assertThat(bay.name()).isEqualTo("停放区 " + bay.id() + " / Parking " + bay.id());
            assertThat(bay.capacity().orElseThrow()).isBetween(5, 30);
            Polygon rectangle = (Polygon) bay.geometry();
            assertThat(rectangle.getNumPoints()).isEqualTo(5);
            double[] sides = sidesMetres(rectangle);
            assertThat(Math.min(sides[0], sides[1])).isBetween(1.9, 3.1);
            assertThat(Math.max(sides[0], sides[1])).isBetween(4.9, 15.1);
            assertThat(area.covers(bay.geometry())).as(bay.id()).isTrue();
            assertThat(zones).noneMatch(z -> z.intersects(bay.geometry()));
        }
    }

    private static double acrossMetres(Geometry g) {
        Envelope e = g.getEnvelopeInternal();
        return Math.max(e.getWidth() * M_PER_DEG_LNG, e.getHeight() * M_PER_DEG_LAT);
    }

    private static double[] sidesMetres(Polygon p) {
        var c = p.getExteriorRing().getCoordinates();
        return new double[] {metres(c[0], c[1]), metres(c[1], c[2])};
    }

    private static double metres(org.locationtech.jts.geom.Coordinate a,
            org.locationtech.jts.geom.Coordinate b) {
        return Math.hypot((a.x - b.x) * M_PER_DEG_LNG, (a.y - b.y) * M_PER_DEG_LAT);
    }
}
