package org.bikefence.geofence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.bikefence.geofence.TestFiles.fixture;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GbfsGeofencingLoaderTest {

    @TempDir
    Path dir;

    @Test
    void v3ZonesMapToNoParkParkingAndOperatingArea() {
        Path file = fixture("gbfs/zones-v3.json");
        LoadResult result = GbfsGeofencingLoader.load(file, LoadOptions.builder()
                .operators(Set.of("hello")).build());
        FenceSet set = result.fences();
        assertThat(result.format()).isEqualTo("gbfs");
        assertThat(set.version()).isEqualTo("gbfs-3.0@2026-03-01T08:00:00+08:00");
        assertThat(set.fences()).extracting(Fence::id, Fence::kind).containsExactly(
                org.assertj.core.groups.Tuple.tuple("zone-0", FenceKind.NO_PARK),
                org.assertj.core.groups.Tuple.tuple("zone-1", FenceKind.PARKING),
                org.assertj.core.groups.Tuple.tuple("zone-2", FenceKind.OPERATING_AREA));
        Fence metro = set.byId("zone-0").orElseThrow();
        assertThat(metro.name()).as("zh preferred").isEqualTo("地铁口禁停");
        assertThat(metro.names()).containsEntry("en", "Metro exit no-park");
        assertThat(metro.appliesTo("meituan")).isFalse();
        Fence station = set.byId("zone-1").orElseThrow();
        assertThat(station.effectiveFrom()).contains(Instant.parse("2026-02-28T16:00:00Z"));
        assertThat(station.effectiveUntil()).contains(Instant.parse("2026-08-31T16:00:00Z"));
    }

    @Test
    void earlierZoneTakesPrecedenceWhereZonesOverlap() {
        Path file = fixture("gbfs/zones-v3.json");
        LoadResult result = GbfsGeofencingLoader.load(file, LoadOptions.defaults());
        FenceIndex index = FenceIndex.build(result.fences());
        // Inside the earlier no-park zone, which the later service area also covers.
        assertThat(index.covering(24.5005, 118.1005)).extracting(Fence::id).containsExactly("zone-0");
        assertThat(index.covering(24.4995, 118.0995)).extracting(Fence::id).containsExactly("zone-2");
        Fence area = result.fences().byId("zone-2").orElseThrow();
        double full = 0.003 * 0.003;
        assertThat(area.geometry().getArea()).isCloseTo(full - 0.001 * 0.001, within(1e-12));
        assertThat(result.warnings()).anySatisfy(w -> assertThat(w).isEqualTo(file
                + ": feature #2 (id \"zone-2\"): 11227 m2 of this operating_area zone lies under"
                + " earlier zone(s) #0 (no_park), whose rules take precedence there; that part is"
                + " excluded"));
    }

    @Test
    void restrictionsWinKeepsEveryZoneWhole() {
        Path file = fixture("gbfs/zones-v2.3.json");
        LoadResult literal = GbfsGeofencingLoader.load(file, LoadOptions.defaults());
        assertThat(holes(literal.fences().byId("zone-1").orElseThrow()))
                .as("later city area loses the earlier pedestrian street").isEqualTo(1);
        LoadResult whole = GbfsGeofencingLoader.load(file, LoadOptions.builder()
                .gbfsRestrictionsWin(true).build());
        assertThat(holes(whole.fences().byId("zone-1").orElseThrow()))
                .isZero();
        assertThat(whole.warnings()).isEmpty();
        assertThat(FenceIndex.build(whole.fences()).covering(24.5005, 118.1005))
                .extracting(Fence::id).containsExactly("zone-0", "zone-1");
    }

    @Test
    void noParkZoneListedAfterTheOperatingAreaIsVoidedWithAHint() {
        Path file = TestFiles.write(dir, "z.json", "{\"version\":\"2.3\",\"last_updated\":1,"
                + "\"ttl\":0,\"data\":{\"geofencing_zones\":{\"type\":\"FeatureCollection\","
                + "\"features\":[" + zone("City", true, 118.09, 24.49, 118.12, 24.51) + ","
                + zone("Park", false, 118.100, 24.500, 118.101, 24.501) + "]}}}");
        LoadResult result = GbfsGeofencingLoader.load(file, LoadOptions.defaults());
        assertThat(result.fences().byId("zone-1")).isEmpty();
        assertThat(result.warnings()).singleElement().asString().endsWith("no_park zone lies"
                + " wholly under earlier zone(s) #0 (operating_area), whose rules take precedence;"
                + " skipped (if the feed lists its operating area first,"
                + " LoadOptions.gbfsRestrictionsWin / --gbfs-restrictions-win keeps it)");
    }

    private static int holes(Fence fence) {
        return ((org.locationtech.jts.geom.Polygon) fence.geometry().getGeometryN(0))
                .getNumInteriorRing();
    }

    private static String zone(String name, boolean rideAllowed, double lng0, double lat0,
            double lng1, double lat1) {
        return "{\"type\":\"Feature\",\"properties\":{\"name\":\"" + name + "\",\"rules\":[{"
                + "\"ride_allowed\":" + rideAllowed + ",\"ride_through_allowed\":true}]},"
                + "\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":[[[[" + lng0 + ","
                + lat0 + "],[" + lng1 + "," + lat0 + "],[" + lng1 + "," + lat1 + "],[" + lng0 + ","
                + lat1 + "],[" + lng0 + "," + lat0 + "]]]]}}";
    }

    @Test
    void nullGeometryIsAWarningNotAFailure() {
        Path file = fixture("gbfs/zones-v3.json");
        LoadResult result = GbfsGeofencingLoader.load(file, LoadOptions.defaults());
        assertThat(result.fences().byId("zone-3")).isEmpty();
        assertThat(result.warnings()).contains(file
                + ": feature #3 (name \"Hubs without geometry\"): geometry is null; zone skipped");
        assertThat(result.warnings()).anySatisfy(w -> assertThat(w)
                .startsWith(file + ": global_rules: ride_end_allowed = false outside every zone"));
    }

    @Test
    void vehicleTypesChooseWhichRuleDecides() {
        Path file = fixture("gbfs/zones-v3.json");
        FenceSet mopeds = GbfsGeofencingLoader.load(file, LoadOptions.builder()
                .vehicleTypeIds(Set.of("moped")).build()).fences();
        assertThat(mopeds.byId("zone-1").orElseThrow().kind()).isEqualTo(FenceKind.NO_PARK);
        FenceSet bikes = GbfsGeofencingLoader.load(file, LoadOptions.builder()
                .vehicleTypeIds(Set.of("bike")).build()).fences();
        assertThat(bikes.byId("zone-1").orElseThrow().kind()).isEqualTo(FenceKind.PARKING);
    }

    @Test
    void v23RideAllowedFalseIsNoParkAndPosixTimesAreRead() {
        Path file = fixture("gbfs/zones-v2.3.json");
        LoadResult result = GbfsGeofencingLoader.load(file, LoadOptions.defaults());
        Fence street = result.fences().byId("zone-0").orElseThrow();
        assertThat(street.kind()).isEqualTo(FenceKind.NO_PARK);
        assertThat(street.name()).isEqualTo("Pedestrian street");
        assertThat(street.effectiveFrom()).contains(Instant.ofEpochSecond(1772323200L));
        assertThat(street.isActiveAt(Instant.ofEpochSecond(1772323199L).toEpochMilli())).isFalse();
        assertThat(result.fences().byId("zone-1").orElseThrow().kind())
                .isEqualTo(FenceKind.OPERATING_AREA);
        assertThat(result.fences().version()).isEqualTo("gbfs-2.3@1772323200");
    }

    @Test
    void missingRequiredRuleFieldAndBadGeometryAreAllListed() {
        Path file = TestFiles.write(dir, "geofencing_zones.json", "{\"version\":\"3.0\","
                + "\"last_updated\":\"2026-03-01T00:00:00Z\",\"ttl\":0,\"data\":{\"geofencing_zones\":"
                + "{\"type\":\"FeatureCollection\",\"features\":["
                + "{\"type\":\"Feature\",\"properties\":{\"rules\":[{\"ride_allowed\":false}]},"
                + "\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":[[[[118.1,24.5],"
                + "[118.2,24.5],[118.2,24.6],[118.1,24.5]]]]}},"
                + "{\"type\":\"Feature\",\"properties\":{\"start\":\"yesterday\"},"
                + "\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":[[[[118.1,24.5],"
                + "[118.2,24.5],[118.2,24.6]]]]}}]}}}");
        assertThatThrownBy(() -> GbfsGeofencingLoader.load(file, LoadOptions.defaults()))
                .hasMessageStartingWith(file + ": 3 problems")
                .hasMessageContaining(file + ": feature #0 (id \"zone-0\"): property \"rules\":"
                        + " rule: \"ride_end_allowed\" is missing (required in GBFS 3.x)")
                .hasMessageContaining(file + ": feature #1 (id \"zone-1\"): property \"start\":"
                        + " \"yesterday\" is not an ISO instant")
                .hasMessageContaining(file + ": feature #1 (id \"zone-1\"): property \"geometry\":"
                        + " outer ring is not closed");
    }

    @Test
    void notAGbfsFileIsFatal() {
        Path file = TestFiles.write(dir, "x.json", "{\"data\":{}}");
        assertThatThrownBy(() -> GbfsGeofencingLoader.load(file, LoadOptions.defaults()))
                .hasMessage(file + ": property \"data.geofencing_zones\": missing: not a GBFS"
                        + " geofencing_zones.json");
    }
}
