package org.bikefence.geofence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;
import static org.bikefence.geofence.Fixtures.SQUARE;
import static org.bikefence.geofence.Fixtures.feature;
import static org.bikefence.geofence.TestFiles.fixture;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import org.bikefence.geofence.crs.Crs;
import org.junit.jupiter.api.Test;
import org.locationtech.jts.geom.Coordinate;

/** GeoJSON properties beyond the original slice: schedules, dates, crs, time zone, bounds, repair. */
class GeoJsonFenceRulesTest {

    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    private static final String BOW_TIE = "{\"type\":\"Polygon\",\"coordinates\":[[[118.0,24.0],"
            + "[118.002,24.002],[118.002,24.0],[118.0,24.002],[118.0,24.0]]]}";

    private static long shanghai(String local) {
        return LocalDateTime.parse(local).atZone(SHANGHAI).toInstant().toEpochMilli();
    }

    @Test
    void loadsSchedulesDatesGraceOperatorsAndTranslatedNames() {
        LoadResult result = GeoJsonFenceLoader.load(fixture("geojson/huli-rules.geojson"),
                LoadOptions.defaults());
        FenceSet set = result.fences();
        assertThat(set.version()).isEqualTo("huli-rules-test-1");
        assertThat(set.zone()).isEqualTo(SHANGHAI);
        assertThat(result.crs()).isEqualTo(Crs.WGS84);
        assertThat(result.warnings()).isEmpty();

        Fence school = set.byId("NP-SCHOOL").orElseThrow();
        assertThat(school.name()).isEqualTo("学校门口禁停区");
        assertThat(school.names()).containsEntry("en", "School gate no-park zone");
        assertThat(school.schedule().windows()).hasSize(2);
        assertThat(school.isActiveAt(shanghai("2026-03-02T08:00"))).as("Monday 08:00").isTrue();
        assertThat(school.isActiveAt(shanghai("2026-03-02T17:00"))).as("Monday 17:00").isTrue();
        assertThat(school.isActiveAt(shanghai("2026-03-02T12:00"))).as("Monday noon").isFalse();
        assertThat(school.isActiveAt(shanghai("2026-03-07T08:00"))).as("Saturday").isFalse();

        Fence night = set.byId("NP-NIGHT").orElseThrow();
        assertThat(night.schedule().windows().get(0).days())
                .containsExactlyInAnyOrder(DayOfWeek.FRIDAY, DayOfWeek.SATURDAY);
        assertThat(night.isActiveAt(shanghai("2026-03-07T05:00"))).as("Sat 05:00 after Fri night").isTrue();
        assertThat(night.isActiveAt(shanghai("2026-03-06T05:00"))).as("Fri 05:00").isFalse();

        Fence keyControl = set.byId("KC-1").orElseThrow();
        assertThat(keyControl.kind()).isEqualTo(FenceKind.KEY_CONTROL);
        assertThat(keyControl.graceMinutes()).hasValue(3);
        assertThat(keyControl.effectiveFrom()).contains(Instant.parse("2026-02-28T16:00:00Z"));
        assertThat(keyControl.effectiveUntil()).contains(Instant.parse("2026-05-31T16:00:00Z"));
        assertThat(keyControl.isActiveAt(shanghai("2026-02-28T23:59"))).isFalse();
        assertThat(keyControl.isActiveAt(shanghai("2026-03-01T00:00"))).isTrue();

        Fence parking = set.byId("P-1").orElseThrow();
        assertThat(parking.capacity()).hasValue(20);
        assertThat(parking.appliesTo("hello")).isTrue();
        assertThat(parking.appliesTo("qingju")).isFalse();

        assertThat(set.activeAt(shanghai("2026-03-02T12:00"))).extracting(Fence::id)
                .containsExactly("OA", "KC-1", "P-1");
    }

    @Test
    void gcj02FileLoadsToTheWgs84Square() {
        // The fixture holds the GCJ-02 image of the WGS84 square 118.100-118.101 E, 24.500-24.501 N.
        FenceSet set = GeoJsonFenceLoader.load(fixture("geojson/gcj02-square.geojson"));
        Coordinate[] c = set.byId("G1").orElseThrow().geometry().getCoordinates();
        double tolerance = 1e-6; // about 0.1 m
        assertThat(c[0].x).isCloseTo(118.100, within(tolerance));
        assertThat(c[0].y).isCloseTo(24.500, within(tolerance));
        assertThat(c[2].x).isCloseTo(118.101, within(tolerance));
        assertThat(c[2].y).isCloseTo(24.501, within(tolerance));
        assertThat(c[4]).isEqualTo(c[0]);
    }

    @Test
    void localDateTimesAreReadInTheFileTimeZone() {
        FenceSet set = load("{\"type\":\"FeatureCollection\",\"version\":\"v\",\"timeZone\":\"UTC\","
                + "\"features\":[" + feature("\"id\":\"A\",\"kind\":\"no_park\","
                        + "\"effectiveFrom\":\"2026-03-01T08:00\"", SQUARE) + "]}");
        assertThat(set.zone()).isEqualTo(ZoneId.of("UTC"));
        assertThat(set.byId("A").orElseThrow().effectiveFrom())
                .contains(Instant.parse("2026-03-01T08:00:00Z"));
    }

    @Test
    void badScheduleNamesFeatureAndValue() {
        assertThatThrownBy(() -> load(collection(feature("\"id\":\"S\",\"kind\":\"no_park\","
                + "\"schedule\":{\"days\":[\"MON\",\"MOX\"],\"start\":\"07:00\",\"end\":\"09:00\"}",
                SQUARE))))
                .hasMessage("t.geojson: feature #0 (id \"S\"): property \"schedule\": \"days\":"
                        + " \"MOX\" is not a day of the week (MON..SUN, MONDAY..SUNDAY or ISO 1..7)");
        assertThatThrownBy(() -> load(collection(feature("\"id\":\"S\",\"kind\":\"no_park\","
                + "\"schedule\":{\"start\":\"7:00\",\"end\":\"09:00\"}", SQUARE))))
                .hasMessage("t.geojson: feature #0 (id \"S\"): property \"schedule\": \"start\":"
                        + " expected a time \"HH:mm\" (00:00-23:59), got \"7:00\"");
        assertThatThrownBy(() -> load(collection(feature("\"id\":\"S\",\"kind\":\"no_park\","
                + "\"schedule\":{\"start\":\"09:00\",\"end\":\"09:00\"}", SQUARE))))
                .hasMessageContaining("property \"schedule\": window 09:00-09:00 is empty");
    }

    @Test
    void badEffectiveDatesNameTheValue() {
        assertThatThrownBy(() -> load(collection(feature("\"id\":\"E\",\"kind\":\"no_park\","
                + "\"effectiveFrom\":\"2026-13-01\"", SQUARE))))
                .hasMessageStartingWith("t.geojson: feature #0 (id \"E\"): property"
                        + " \"effectiveFrom\": \"2026-13-01\" is not an ISO instant");
        assertThatThrownBy(() -> load(collection(feature("\"id\":\"E\",\"kind\":\"no_park\","
                + "\"effectiveFrom\":\"2026-06-01\",\"effectiveUntil\":\"2026-03-01\"", SQUARE))))
                .hasMessage("t.geojson: feature #0 (id \"E\"): property \"effectiveUntil\":"
                        + " \"2026-03-01\" is not after effectiveFrom \"2026-06-01\"");
    }

    @Test
    void unknownCrsAndTimeZoneAreRejected() {
        assertThatThrownBy(() -> load("{\"type\":\"FeatureCollection\",\"version\":\"v\","
                + "\"crs\":\"EPSG:3857\",\"timeZone\":\"Mars/Olympus\",\"features\":[]}"))
                .hasMessageContaining("2 problems")
                .hasMessageContaining("t.geojson: property \"crs\": unknown coordinate system"
                        + " 'EPSG:3857'")
                .hasMessageContaining("t.geojson: property \"timeZone\": unknown time zone"
                        + " \"Mars/Olympus\"");
    }

    @Test
    void listsEveryProblemInOneException() {
        FenceFileException e = catchThrowableOfType(FenceFileException.class, () -> load(collection(
                feature("\"id\":\"A\",\"kind\":\"noparking\"", SQUARE),
                feature("\"id\":\"B\",\"kind\":\"no_park\",\"capacity\":-1", BOW_TIE),
                feature("\"id\":\"A\",\"kind\":\"parking\"", SQUARE))));
        assertThat(e.totalProblems()).isEqualTo(4);
        assertThat(e.problems()).extracting(FenceFileException.Problem::property)
                .containsExactly("kind", "capacity", "geometry", "id");
        assertThat(e.getMessage()).startsWith("t.geojson: 4 problems\n")
                .contains("\n  t.geojson: feature #1 (id \"B\"): property \"geometry\": invalid"
                        + " polygon: Self-intersection at [118.001, 24.001]")
                .contains("\n  t.geojson: feature #2 (id \"A\"): property \"id\": duplicate value");
    }

    @Test
    void problemsBeyondTheLimitAreCounted() {
        String[] bad = new String[5];
        for (int i = 0; i < bad.length; i++) {
            bad[i] = feature("\"id\":\"X" + i + "\",\"kind\":\"nope\"", SQUARE);
        }
        FenceFileException e = catchThrowableOfType(FenceFileException.class,
                () -> GeoJsonFenceLoader.load(stream(collection(bad)), "t.geojson",
                        LoadOptions.builder().maxProblems(2).build()));
        assertThat(e.problems()).hasSize(2);
        assertThat(e.totalProblems()).isEqualTo(5);
        assertThat(e.getMessage()).endsWith("... and 3 more not listed (limit 2)");
    }

    @Test
    void vertexOutsideCityBoundsIsRejected() {
        String shanghai = "{\"type\":\"Polygon\",\"coordinates\":[[[121.47,31.23],[121.48,31.23],"
                + "[121.48,31.24],[121.47,31.23]]]}";
        assertThatThrownBy(() -> GeoJsonFenceLoader.load(stream(collection(
                feature("\"id\":\"SH\",\"kind\":\"no_park\"", shanghai))), "t.geojson",
                LoadOptions.builder().cityBounds(Bounds.XIAMEN).build()))
                .hasMessage("t.geojson: feature #0 (id \"SH\"): property \"geometry\": coordinate"
                        + " [121.47, 31.23] (WGS84) lies outside the city bounds lat 24.2..24.95,"
                        + " lng 117.85..118.5");
    }

    @Test
    void swappedLatLngInsideTheBoxIsSaidExplicitly() {
        // In range either way round, so only the city box can tell.
        String swapped = "{\"type\":\"Polygon\",\"coordinates\":[[[24.5,18.1],[24.6,18.1],"
                + "[24.6,18.2],[24.5,18.1]]]}";
        Bounds box = new Bounds(24.4, 24.7, 18.0, 18.3);
        assertThatThrownBy(() -> GeoJsonFenceLoader.load(stream(collection(
                feature("\"id\":\"S\",\"kind\":\"no_park\"", swapped))), "t.geojson",
                LoadOptions.builder().cityBounds(box).build()))
                .hasMessageContaining("coordinate [24.5, 18.1] (WGS84) lies outside the city bounds")
                .hasMessageEndingWith("swapped it would be inside: the file seems to give"
                        + " [latitude, longitude] where [longitude, latitude] is expected");
    }

    @Test
    void invalidPolygonIsRejectedUnlessRepairIsAsked() {
        String json = collection(feature("\"id\":\"BT\",\"kind\":\"no_park\"", BOW_TIE));
        assertThatThrownBy(() -> load(json))
                .hasMessageContaining("invalid polygon: Self-intersection at [118.001, 24.001]"
                        + " (LoadOptions.repair / --repair would fix it");

        LoadResult repaired = GeoJsonFenceLoader.load(stream(json), "t.geojson",
                LoadOptions.builder().repair(true).build());
        Fence fence = repaired.fences().byId("BT").orElseThrow();
        assertThat(fence.geometry().isValid()).isTrue();
        assertThat(fence.geometry().getNumGeometries()).isEqualTo(2);
        assertThat(repaired.repairs()).singleElement().asString()
                .startsWith("t.geojson: feature #0 (id \"BT\"): repaired invalid polygon:"
                        + " Self-intersection at [118.001, 24.001] with GeometryFixer: 2 polygon(s)");
    }

    @Test
    void repairClosesAnUnclosedRing() {
        String open = "{\"type\":\"Polygon\",\"coordinates\":[[[118.0,24.0],[118.1,24.0],[118.1,24.1]]]}";
        String json = collection(feature("\"id\":\"O\",\"kind\":\"no_park\"", open));
        assertThatThrownBy(() -> load(json)).hasMessageContaining("outer ring is not closed");
        LoadResult result = GeoJsonFenceLoader.load(stream(json), "t.geojson",
                LoadOptions.builder().repair(true).build());
        assertThat(result.fences().byId("O").orElseThrow().geometry().getNumPoints()).isEqualTo(4);
        assertThat(result.repairs()).singleElement().asString()
                .contains("(id \"O\"): closed outer ring by repeating its first vertex [118, 24]");
    }

    @Test
    void collinearRingHasZeroArea() {
        String flat = "{\"type\":\"Polygon\",\"coordinates\":[[[118.0,24.0],[118.1,24.1],"
                + "[118.2,24.2],[118.0,24.0]]]}";
        assertThatThrownBy(() -> load(collection(feature("\"id\":\"F\",\"kind\":\"no_park\"", flat))))
                .hasMessage("t.geojson: feature #0 (id \"F\"): property \"geometry\": polygon has"
                        + " zero area (its vertices lie on one line)");
    }

    private static String collection(String... features) {
        return Fixtures.collection(features);
    }

    private static ByteArrayInputStream stream(String json) {
        return new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8));
    }

    private static FenceSet load(String json) {
        return GeoJsonFenceLoader.load(stream(json), "t.geojson");
    }
}
