package org.bikefence.geofence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.bikefence.geofence.crs.Crs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plain GIS GeoJSON (no id, kind or version of bikefence's own) with --kind, --id-property, --name-property. */
class PlainGeoJsonTest {

    @TempDir
    Path dir;

    private Path noRide() {
        return FenceFilesSamples.write(dir, "no-ride-zone.geojson", FenceFilesSamples.noRideGeoJson());
    }

    @Test
    void withoutOptionsAGisExportIsRefusedForItsMissingIdKindAndVersion() {
        Path file = noRide();
        assertThatThrownBy(() -> FenceLoaders.load(file, LoadOptions.defaults()))
                .isInstanceOf(FenceFileException.class)
                .hasMessageContaining(file + ": property \"version\": missing")
                .hasMessageContaining(file + ": feature #0 (no id): property \"id\": missing")
                .hasMessageContaining("property \"kind\": missing; allowed: no_park, parking, operating_area, "
                        + "key_control; for a plain GIS file give the kind of all its features with --kind KIND");
    }

    @Test
    void loadsWithAKindAnIdPropertyAndANameProperty() {
        Path file = noRide();
        LoadResult r = FenceLoaders.load(file, LoadOptions.builder().kind(FenceKind.NO_PARK).idProperty("FID")
                .nameProperty("NAME").build());
        FenceSet set = r.fences();
        assertThat(set.fences()).extracting(Fence::id).containsExactly("1", "2");
        assertThat(set.fences()).extracting(Fence::kind).containsOnly(FenceKind.NO_PARK);
        assertThat(set.fences()).extracting(Fence::name).containsExactly("Zone A", "Zone B");
        assertThat(set.version()).matches("no-ride-zone\\.geojson@sha256:[0-9a-f]{12}");
        assertThat(r.format()).isEqualTo("geojson (plain)");
        assertThat(set.byId("1").orElseThrow().operators()).isEmpty();
    }

    @Test
    void idsDefaultToTheFeatureIndexQualifiedByTheFile() {
        FenceSet set = FenceLoaders.load(noRide(), LoadOptions.builder().kind(FenceKind.NO_PARK).build()).fences();
        assertThat(set.fences()).extracting(Fence::id).containsExactly("no-ride-zone#0", "no-ride-zone#1");
        assertThat(set.fences()).extracting(Fence::name).containsExactly("no-ride-zone#0", "no-ride-zone#1");
    }

    @Test
    void theContentHashVersionChangesWithTheContentAndTheVersionOptionWins() {
        LoadOptions o = LoadOptions.builder().kind(FenceKind.NO_PARK).build();
        String v1 = FenceLoaders.load(noRide(), o).fences().version();
        Path edited = FenceFilesSamples.write(dir, "no-ride-zone.geojson",
                FenceFilesSamples.noRideGeoJson().replace("Zone B", "Zone B2"));
        String v2 = FenceLoaders.load(edited, o).fences().version();
        assertThat(v2).isNotEqualTo(v1).startsWith("no-ride-zone.geojson@sha256:");
        assertThat(FenceLoaders.load(edited, o.toBuilder().version("louisville-2019-10").build()).fences()
                .version()).isEqualTo("louisville-2019-10");
    }

    @Test
    void aFeaturesOwnKindWinsOverTheOption() {
        Path file = FenceFilesSamples.write(dir, "mixed.geojson", FenceFilesSamples.noRideGeoJson()
                .replaceFirst("\"FID\":1,", "\"FID\":1,\"kind\":\"parking\","));
        FenceSet set = FenceLoaders.load(file, LoadOptions.builder().kind(FenceKind.NO_PARK).idProperty("FID")
                .build()).fences();
        assertThat(set.byId("1").orElseThrow().kind()).isEqualTo(FenceKind.PARKING);
        assertThat(set.byId("2").orElseThrow().kind()).isEqualTo(FenceKind.NO_PARK);
    }

    @Test
    void aMissingIdPropertyNamesTheFeatureAndTheProperty() {
        Path file = FenceFilesSamples.write(dir, "z.geojson", FenceFilesSamples.noRideGeoJson()
                .replace("\"FID\":2,", ""));
        assertThatThrownBy(() -> FenceLoaders.load(file, LoadOptions.builder().kind(FenceKind.NO_PARK)
                .idProperty("FID").build()))
                .hasMessage(file + ": feature #1 (no id): property \"FID\": missing (the id property chosen with"
                        + " --id-property)");
        assertThatThrownBy(() -> FenceLoaders.load(file, LoadOptions.builder().kind(FenceKind.NO_PARK)
                .idProperty("NAME").nameProperty("SHAPE_Area").build().toBuilder().idProperty("FID").build()))
                .hasMessageContaining("property \"FID\": missing");
    }

    @Test
    void aDistrictBoundaryInGcj02LoadsAsTheOperatingArea() {
        Path file = FenceFilesSamples.write(dir, "huli-boundary.geojson", FenceFilesSamples.boundaryGcj02());
        assertThatThrownBy(() -> FenceLoaders.load(file, LoadOptions.defaults()))
                .hasMessageContaining("property \"version\": missing");
        LoadResult r = FenceLoaders.load(file, LoadOptions.builder().kind(FenceKind.OPERATING_AREA)
                .idProperty("adcode").crs(Crs.GCJ02).build());
        Fence area = r.fences().fences().get(0);
        assertThat(area.id()).isEqualTo("350206");
        assertThat(area.name()).isEqualTo("湖里区");
        assertThat(area.kind()).isEqualTo(FenceKind.OPERATING_AREA);
        assertThat(r.crs()).isEqualTo(Crs.GCJ02);
        // converted: GCJ-02 is offset from WGS84 by hundreds of metres in Xiamen
        double[] wgs = Crs.GCJ02.toWgs84(24.4850, 118.0850);
        assertThat(area.geometry().getEnvelopeInternal().getMinX()).isCloseTo(wgs[1],
                org.assertj.core.api.Assertions.within(1e-5));
        assertThat(Math.abs(wgs[1] - 118.0850) + Math.abs(wgs[0] - 24.4850)).isGreaterThan(0.003);
    }

    @Test
    void aPlainFileTakesTheOperatorsOption() {
        FenceSet set = FenceLoaders.load(noRide(), LoadOptions.builder().kind(FenceKind.NO_PARK)
                .operators(java.util.Set.of("hello")).build()).fences();
        assertThat(set.fences()).allSatisfy(f -> assertThat(f.operators()).containsExactly("hello"));
    }
}
