package org.bikefence.geofence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bikefence.geofence.TestFiles.fixture;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.locationtech.jts.geom.Polygon;

class MdsGeographyLoaderTest {

    private static final String NO_RIDE = "0c3e4b4a-3a8d-4c39-9a53-2f1c1f6a0001";
    private static final String AREA = "0c3e4b4a-3a8d-4c39-9a53-2f1c1f6a0002";
    private static final String STOPS = "0c3e4b4a-3a8d-4c39-9a53-2f1c1f6a0003";

    @TempDir
    Path dir;

    @Test
    void loadsGeographiesByIdWithNamesDatesAndMergedPolygons() {
        MdsGeographyLoader.Geographies g = MdsGeographyLoader.load(fixture("mds/geographies.json"),
                LoadOptions.defaults());
        assertThat(g.version()).isEqualTo("2.0.0");
        assertThat(g.byId().keySet()).containsExactly(NO_RIDE, AREA, STOPS);
        MdsGeography noRide = g.get(NO_RIDE).orElseThrow();
        assertThat(noRide.name()).isEqualTo("Zhongshan Park no-ride zone");
        assertThat(noRide.type()).isEqualTo("policy_zone");
        assertThat(noRide.effective()).contains(Instant.ofEpochMilli(1772323200000L));
        assertThat(noRide.retire()).contains(Instant.ofEpochMilli(1787875200000L));
        // Two overlapping features become one polygon.
        assertThat(g.get(AREA).orElseThrow().geometry().orElseThrow()).isInstanceOf(Polygon.class);
        assertThat(g.get(STOPS).orElseThrow().geometry()).isEmpty();
        assertThat(g.warnings()).singleElement().asString().contains("(id \"" + STOPS
                + "\", name \"Preferred parking stops\"): 1 of 1 features are not polygons");
    }

    @Test
    void chosenGeographiesBecomeFencesOfTheGivenKinds() {
        MdsGeographyLoader.Geographies g = MdsGeographyLoader.load(fixture("mds/geographies.json"),
                LoadOptions.defaults());
        FenceSet set = MdsGeographyLoader.toFenceSet(g, Map.of(NO_RIDE, FenceKind.NO_PARK,
                AREA, FenceKind.OPERATING_AREA), "policy-7", LoadOptions.defaults());
        assertThat(set.version()).isEqualTo("policy-7");
        assertThat(set.fences()).extracting(Fence::id).containsExactly(NO_RIDE, AREA);
        Fence noRide = set.byId(NO_RIDE).orElseThrow();
        assertThat(noRide.kind()).isEqualTo(FenceKind.NO_PARK);
        assertThat(noRide.name()).isEqualTo("Zhongshan Park no-ride zone");
        assertThat(noRide.isActiveAt(1787875200000L)).as("retired").isFalse();
        assertThat(FenceIndex.build(set).covering(24.5005, 118.1005)).hasSize(2);
    }

    @Test
    void unknownIdsAndPointOnlyGeographiesCannotBeFences() {
        MdsGeographyLoader.Geographies g = MdsGeographyLoader.load(fixture("mds/geographies.json"),
                LoadOptions.defaults());
        assertThatThrownBy(() -> MdsGeographyLoader.toFenceSet(g, Map.of(STOPS, FenceKind.PARKING,
                "nope", FenceKind.NO_PARK), "v", LoadOptions.defaults()))
                .hasMessageContaining("2 problems")
                .hasMessageContaining("feature #2 (id \"" + STOPS + "\"): property"
                        + " \"geography_json\": has no Polygon or MultiPolygon features, so it"
                        + " cannot be a parking fence")
                .hasMessageContaining("property \"geography_id\": no geography with this id");
    }

    @Test
    void mds1WrappedGeographiesAndBadPolygonsAreReported() {
        Path file = TestFiles.write(dir, "geographies.json", "{\"version\":\"1.2.0\","
                + "\"geographies\":[{\"version\":\"1.2.0\",\"geography\":{\"geography_id\":\"g1\","
                + "\"name\":\"Bad\",\"published_date\":1,\"geography_json\":{\"type\":"
                + "\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{},"
                + "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[118.0,24.0],[118.002,24.002],"
                + "[118.002,24.0],[118.0,24.002],[118.0,24.0]]]}}]}}}]}");
        assertThatThrownBy(() -> MdsGeographyLoader.load(file, LoadOptions.defaults()))
                .hasMessageStartingWith(file + ": feature #0 (id \"g1\"): property"
                        + " \"geography_json feature #0\": invalid polygon: Self-intersection");
        MdsGeographyLoader.Geographies repaired = MdsGeographyLoader.load(file,
                LoadOptions.builder().repair(true).build());
        assertThat(repaired.get("g1").orElseThrow().geometry()).isPresent();
        assertThat(repaired.repairs()).hasSize(1);
    }

    @Test
    void facadeNeedsAKindForMdsGeographiesWhoseTypeNamesNone() {
        Path file = fixture("mds/geographies.json");
        // policy_zone names no fence kind (issue 13: the types that do decide, see MdsGeographyKindsTest)
        assertThatThrownBy(() -> FenceLoaders.load(file, LoadOptions.defaults()))
                .hasMessage(file + ": feature #0 (id \"" + NO_RIDE + "\"): property \"geography_type\": "
                        + "\"policy_zone\" names no fence kind; mapped: " + String.join(", ",
                                MdsGeographyLoader.KIND_OF_TYPE.keySet())
                        + "; choose the kind with --kind KIND (or FILE:kind=KIND)");
        LoadResult result = FenceLoaders.load(file, LoadOptions.builder()
                .kind(FenceKind.NO_PARK).build());
        assertThat(result.format()).isEqualTo("mds");
        assertThat(result.fences().fences()).extracting(Fence::id).containsExactly(NO_RIDE, AREA);
        assertThat(result.warnings()).anySatisfy(w -> assertThat(w).contains(STOPS));
    }
}
