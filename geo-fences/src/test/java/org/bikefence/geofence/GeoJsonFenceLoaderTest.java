package org.bikefence.geofence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bikefence.geofence.Fixtures.SQUARE;
import static org.bikefence.geofence.Fixtures.collection;
import static org.bikefence.geofence.Fixtures.feature;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.locationtech.jts.geom.MultiPolygon;

class GeoJsonFenceLoaderTest {

    @TempDir
    Path dir;

    private static final String GOOD_MULTIPOLYGON_WITH_HOLE = "{\"type\":\"MultiPolygon\","
            + "\"coordinates\":[[[[118.0,24.0],[118.01,24.0],[118.01,24.01],[118.0,24.01],[118.0,24.0]],"
            + "[[118.004,24.004],[118.004,24.006],[118.006,24.006],[118.006,24.004],[118.004,24.004]]],"
            + "[[[118.02,24.0],[118.03,24.0],[118.03,24.01],[118.02,24.0]]]]}";

    @Test
    void loadsAllPropertiesAndGeometries() throws IOException {
        Path file = write("good.geojson", collection(
                feature("\"id\":\"P1\",\"kind\":\"parking\",\"name\":\"停放区 P1\","
                        + "\"operators\":[\"op-a\",\"op-b\"],\"capacity\":12", SQUARE),
                feature("\"id\":\"N1\",\"kind\":\"no_park\"", GOOD_MULTIPOLYGON_WITH_HOLE)));

        FenceSet set = GeoJsonFenceLoader.load(file);

        assertThat(set.version()).isEqualTo("test-1");
        assertThat(set.fences()).extracting(Fence::id).containsExactly("P1", "N1");
        Fence parking = set.byId("P1").orElseThrow();
        assertThat(parking.kind()).isEqualTo(FenceKind.PARKING);
        assertThat(parking.name()).isEqualTo("停放区 P1");
        assertThat(parking.operators()).containsExactly("op-a", "op-b");
        assertThat(parking.capacity()).hasValue(12);
        assertThat(parking.geometry().getCoordinate().x).isEqualTo(118.1);
        assertThat(parking.geometry().getCoordinate().y).isEqualTo(24.5);
        Fence noPark = set.byId("N1").orElseThrow();
        assertThat(noPark.geometry()).isInstanceOf(MultiPolygon.class);
        assertThat(((org.locationtech.jts.geom.Polygon) noPark.geometry().getGeometryN(0))
                .getNumInteriorRing()).isEqualTo(1);
        assertThat(noPark.operators()).isEmpty();
        assertThat(noPark.capacity()).isEmpty();
        assertThat(noPark.name()).isEqualTo("N1");
    }

    @Test
    void acceptsTheFeatureIdMemberWhenPropertiesHaveNoId() {
        String json = collection("{\"type\":\"Feature\",\"id\":7,\"properties\":{\"kind\":\"no_park\"},"
                + "\"geometry\":" + SQUARE + "}");
        assertThat(load(json).byId("7")).isPresent();
    }

    @Test
    void missingIdNamesFileAndFeature() {
        assertFails("f.geojson", collection(
                feature("\"id\":\"A\",\"kind\":\"no_park\"", SQUARE),
                feature("\"kind\":\"no_park\"", SQUARE)))
                .hasMessage("f.geojson: feature #1 (no id): property \"id\": missing");
    }

    @Test
    void duplicateIdNamesBothFeatures() {
        assertFails("dup.geojson", collection(
                feature("\"id\":\"A\",\"kind\":\"no_park\"", SQUARE),
                feature("\"id\":\"B\",\"kind\":\"no_park\"", SQUARE),
                feature("\"id\":\"A\",\"kind\":\"parking\"", SQUARE)))
                .hasMessage("dup.geojson: feature #2 (id \"A\"): property \"id\": duplicate value"
                        + " \"A\" (first used by feature #0)");
    }

    @Test
    void unknownKindNamesValueAndAllowedKinds() {
        assertFails("k.geojson", collection(feature("\"id\":\"A\",\"kind\":\"noparking\"", SQUARE)))
                .hasMessage("k.geojson: feature #0 (id \"A\"): property \"kind\": unknown value"
                        + " \"noparking\"; allowed: no_park, parking, operating_area, key_control");
    }

    @Test
    void missingKindIsRejected() {
        assertFails("k.geojson", collection(feature("\"id\":\"A\"", SQUARE)))
                .hasMessageStartingWith("k.geojson: feature #0 (id \"A\"): property \"kind\": missing");
    }

    @Test
    void nonPolygonGeometryNamesItsType() {
        assertFails("g.geojson", collection(feature("\"id\":\"L\",\"kind\":\"no_park\"",
                "{\"type\":\"LineString\",\"coordinates\":[[118.1,24.5],[118.2,24.6]]}")))
                .hasMessage("g.geojson: feature #0 (id \"L\"): property \"geometry\": geometry type"
                        + " \"LineString\" is not a Polygon or MultiPolygon");
    }

    @Test
    void missingGeometryIsRejected() {
        assertFails("g.geojson", collection(
                "{\"type\":\"Feature\",\"properties\":{\"id\":\"A\",\"kind\":\"no_park\"},\"geometry\":null}"))
                .hasMessage("g.geojson: feature #0 (id \"A\"): property \"geometry\": missing");
    }

    @Test
    void selfIntersectingPolygonReportsReasonAndLocation() {
        String bowTie = "{\"type\":\"Polygon\",\"coordinates\":[[[118.0,24.0],[118.002,24.002],"
                + "[118.002,24.0],[118.0,24.002],[118.0,24.0]]]}";
        assertFails("bow.geojson", collection(feature("\"id\":\"BT\",\"kind\":\"no_park\"", bowTie)))
                .hasMessageStartingWith("bow.geojson: feature #0 (id \"BT\"): property \"geometry\":"
                        + " invalid polygon: Self-intersection at [118.001, 24.001]");
    }

    @Test
    void holeOutsideShellIsInvalid() {
        String badHole = "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1],[0,0]],"
                + "[[2,2],[3,2],[3,3],[2,2]]]}";
        assertFails("h.geojson", collection(feature("\"id\":\"H\",\"kind\":\"no_park\"", badHole)))
                .hasMessageContaining("feature #0 (id \"H\"): property \"geometry\": invalid polygon:"
                        + " Hole lies outside shell at [2, 2]");
    }

    @Test
    void ringWithFewerThanThreeDistinctVerticesIsRejected() {
        String degenerate = "{\"type\":\"Polygon\",\"coordinates\":[[[118.0,24.0],[118.1,24.1],"
                + "[118.0,24.0],[118.0,24.0]]]}";
        assertFails("d.geojson", collection(feature("\"id\":\"D\",\"kind\":\"no_park\"", degenerate)))
                .hasMessage("d.geojson: feature #0 (id \"D\"): property \"geometry\": outer ring has 2"
                        + " distinct vertices, at least 3 are needed");
    }

    @Test
    void unclosedRingIsRejectedNamingBothEnds() {
        String open = "{\"type\":\"Polygon\",\"coordinates\":[[[118.0,24.0],[118.1,24.1],[118.1,24.0],"
                + "[118.2,24.0]]]}";
        assertFails("o.geojson", collection(feature("\"id\":\"O\",\"kind\":\"no_park\"", open)))
                .hasMessage("o.geojson: feature #0 (id \"O\"): property \"geometry\": outer ring is"
                        + " not closed: first vertex [118, 24] differs from last vertex [118.2, 24]");
    }

    @Test
    void swappedLatLngOutOfRangeIsRejected() {
        String swapped = "{\"type\":\"Polygon\",\"coordinates\":[[[24.5,118.1],[24.6,118.1],"
                + "[24.6,118.2],[24.5,118.1]]]}";
        assertFails("s.geojson", collection(feature("\"id\":\"S\",\"kind\":\"no_park\"", swapped)))
                .hasMessageContaining("property \"geometry\": coordinate [24.5, 118.1] is not a valid"
                        + " [longitude, latitude]")
                .hasMessageContaining("the file seems to give [latitude, longitude]");
    }

    @Test
    void badCapacityAndOperatorsNameTheValue() {
        assertFails("c.geojson", collection(
                feature("\"id\":\"C\",\"kind\":\"parking\",\"capacity\":\"ten\"", SQUARE)))
                .hasMessage("c.geojson: feature #0 (id \"C\"): property \"capacity\": expected a"
                        + " non-negative integer, got \"ten\"");
        assertFails("c.geojson", collection(
                feature("\"id\":\"C\",\"kind\":\"parking\",\"capacity\":2.5", SQUARE)))
                .hasMessageEndingWith("got 2.5");
        assertFails("o.geojson", collection(
                feature("\"id\":\"O\",\"kind\":\"parking\",\"operators\":\"op-a\"", SQUARE)))
                .hasMessage("o.geojson: feature #0 (id \"O\"): property \"operators\": expected an"
                        + " array of strings, got \"op-a\"");
    }

    @Test
    void missingVersionIsRejected() {
        assertFails("v.geojson", "{\"type\":\"FeatureCollection\",\"features\":[]}")
                .hasMessageStartingWith("v.geojson: property \"version\": missing");
    }

    @Test
    void malformedJsonReportsLine() {
        assertFails("j.geojson", "{\"type\":\"FeatureCollection\",\n\"version\":}")
                .hasMessageStartingWith("j.geojson: not valid JSON:")
                .hasMessageContaining("line 2");
    }

    @Test
    void duplicateJsonKeysAreRejected() {
        assertFails("k.geojson", collection(
                feature("\"id\":\"A\",\"kind\":\"no_park\",\"kind\":\"parking\"", SQUARE)))
                .hasMessageContaining("Duplicate field 'kind'");
    }

    @Test
    void missingFileNamesTheFile() {
        Path missing = dir.resolve("nope.geojson");
        assertThatThrownBy(() -> GeoJsonFenceLoader.load(missing))
                .isInstanceOf(FenceFileException.class)
                .hasMessageStartingWith(missing + ": cannot read file");
    }

    @Test
    void exceptionExposesWhereTheProblemIs() {
        FenceFileException e = (FenceFileException) org.assertj.core.api.Assertions.catchThrowable(
                () -> load(collection(feature("\"id\":\"A\",\"kind\":\"x\"", SQUARE))));
        assertThat(e.source()).isEqualTo("test.geojson");
        assertThat(e.featureIndex()).isZero();
        assertThat(e.featureId()).isEqualTo("A");
        assertThat(e.property()).isEqualTo("kind");
    }

    private Path write(String name, String json) throws IOException {
        return Files.writeString(dir.resolve(name), json, StandardCharsets.UTF_8);
    }

    private static FenceSet load(String json) {
        return GeoJsonFenceLoader.load(
                new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "test.geojson");
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertFails(String sourceName,
            String json) {
        return assertThatThrownBy(() -> GeoJsonFenceLoader.load(
                        new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), sourceName))
                .isInstanceOf(FenceFileException.class);
    }
}
