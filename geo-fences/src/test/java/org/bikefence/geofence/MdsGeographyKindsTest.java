package org.bikefence.geofence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MDS geographies take their kind from geography_type where it names one; --kind overrides. */
class MdsGeographyKindsTest {

    @TempDir
    Path dir;

    @Test
    void typesThatNameAKindMap() {
        assertThat(MdsGeographyLoader.kindOfType("no_ride_zone")).contains(FenceKind.NO_PARK);
        assertThat(MdsGeographyLoader.kindOfType("no_parking_zone")).contains(FenceKind.NO_PARK);
        assertThat(MdsGeographyLoader.kindOfType("No-Parking Zone")).contains(FenceKind.NO_PARK);
        assertThat(MdsGeographyLoader.kindOfType("operating_area")).contains(FenceKind.OPERATING_AREA);
        assertThat(MdsGeographyLoader.kindOfType("stop")).contains(FenceKind.PARKING);
        assertThat(MdsGeographyLoader.kindOfType("parking_zone")).contains(FenceKind.PARKING);
        assertThat(MdsGeographyLoader.kindOfType("municipal_boundary")).isEmpty();
        assertThat(MdsGeographyLoader.kindOfType("slow_ride_zone")).isEmpty();
        assertThat(MdsGeographyLoader.kindOfType(null)).isEmpty();
    }

    @Test
    void aNoRideZoneGeographyIsANoParkFenceWithoutAKind() {
        Path file = FenceFilesSamples.write(dir, "no-ride-zone.json", FenceFilesSamples.noRideMds("no_ride_zone"));
        LoadResult r = FenceLoaders.load(file, LoadOptions.defaults());
        assertThat(r.format()).isEqualTo("mds");
        assertThat(r.fences().fences()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(FenceKind.NO_PARK);
            assertThat(f.id()).isEqualTo("e00535dd-0000-4b1b-920d-000000000001");
            assertThat(f.name()).isEqualTo("No Ride Zones");
        });
    }

    @Test
    void theKindOptionOverridesTheType() {
        Path file = FenceFilesSamples.write(dir, "z.json", FenceFilesSamples.noRideMds("no_ride_zone"));
        LoadResult r = FenceLoaders.load(file, LoadOptions.builder().kind(FenceKind.KEY_CONTROL).build());
        assertThat(r.fences().fences()).extracting(Fence::kind).containsExactly(FenceKind.KEY_CONTROL);
    }

    @Test
    void anUnmappedOrMissingTypeIsAnErrorNamingTheTypeAndTheFile() {
        Path slow = FenceFilesSamples.write(dir, "slow.json", FenceFilesSamples.noRideMds("slow_ride_zone"));
        assertThatThrownBy(() -> FenceLoaders.load(slow, LoadOptions.defaults()))
                .isInstanceOf(FenceFileException.class)
                .hasMessageStartingWith(slow + ": feature #0 (id \"e00535dd-0000-4b1b-920d-000000000001\"): property"
                        + " \"geography_type\": \"slow_ride_zone\" names no fence kind; mapped: no_parking_zone")
                .hasMessageEndingWith("; choose the kind with --kind KIND (or FILE:kind=KIND)");
        Path untyped = FenceFilesSamples.write(dir, "untyped.json", FenceFilesSamples.noRideMds(null));
        assertThatThrownBy(() -> FenceLoaders.load(untyped, LoadOptions.defaults()))
                .hasMessageStartingWith(untyped + ": feature #0 (id \"e00535dd-0000-4b1b-920d-000000000001\"): "
                        + "property \"geography_type\": missing; mapped: ");
        assertThat(FenceLoaders.load(slow, LoadOptions.builder().kind(FenceKind.NO_PARK).build()).fences()
                .size()).isEqualTo(1);
    }

    @Test
    void theFixturesMappedTypesBecomeTheirKinds() {
        // operating_area and stop map; the fixture's policy_zone does not, so it needs the per-id kinds
        LoadResult r = FenceLoaders.load(TestFiles.fixture("mds/geographies.json"), LoadOptions.builder()
                .mdsKinds(java.util.Map.of("0c3e4b4a-3a8d-4c39-9a53-2f1c1f6a0002", FenceKind.OPERATING_AREA))
                .build());
        assertThat(r.fences().fences()).extracting(Fence::kind).containsExactly(FenceKind.OPERATING_AREA);
    }
}
