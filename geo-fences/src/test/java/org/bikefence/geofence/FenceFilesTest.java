package org.bikefence.geofence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bikefence.geofence.crs.Crs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several files, each with its own options, as one fence set; and the set written back as one GeoJSON file. */
class FenceFilesTest {

    @TempDir
    Path dir;

    @Test
    void parsesFileSpecsWithTheirOwnOptions() {
        assertThat(FenceFiles.parse("a.geojson")).isEqualTo(FenceFiles.Entry.of("a.geojson"));
        FenceFiles.Entry e = FenceFiles.parse("zones.geojson:kind=no_park,id-property=FID,operators=hello,meituan,"
                + "bounds=24.2,24.95,117.85,118.5");
        assertThat(e.file()).isEqualTo("zones.geojson");
        assertThat(e.options()).containsExactly(Map.entry("kind", "no_park"), Map.entry("id-property", "FID"),
                Map.entry("operators", "hello,meituan"), Map.entry("bounds", "24.2,24.95,117.85,118.5"));
        assertThat(FenceFiles.parse(e.spec())).isEqualTo(e);
        // a colon not followed by key= is part of the file name
        assertThat(FenceFiles.parse("C:\\fences\\a.geojson").file()).isEqualTo("C:\\fences\\a.geojson");
        assertThat(FenceFiles.parse("C:\\f\\a.json:version=v1:2").options()).containsExactly(
                Map.entry("version", "v1:2"));
        assertThat(FenceFiles.parseList("a.geojson:kind=parking; b.csv ;")).extracting(FenceFiles.Entry::file)
                .containsExactly("a.geojson", "b.csv");
    }

    @Test
    void aBadSpecIsOneLineNamingItAndTheKey() {
        assertThatThrownBy(() -> FenceFiles.parse("a.geojson:knd=no_park"))
                .hasMessage("fence file 'a.geojson:knd=no_park': unknown option 'knd'; known: kind, crs, id-property, "
                        + "name-property, version, operators, vehicle-types, gbfs-restrictions-win, zone, repair, bounds");
        assertThatThrownBy(() -> FenceFiles.parse("a.geojson:kind=no_park,kind=parking"))
                .hasMessage("fence file 'a.geojson:kind=no_park,kind=parking': option 'kind' given twice");
        FenceFiles.Entry bad = FenceFiles.parse("a.geojson:kind=noparking");
        assertThatThrownBy(() -> FenceFiles.options(bad, LoadOptions.defaults()))
                .hasMessage("fence file 'a.geojson:kind=noparking': option 'kind' = 'noparking': unknown fence kind "
                        + "\"noparking\"; allowed: no_park, parking, operating_area, key_control");
        assertThatThrownBy(() -> FenceFiles.options(FenceFiles.parse("b.csv:crs=UTM"), LoadOptions.defaults()))
                .hasMessageStartingWith("fence file 'b.csv:crs=UTM': option 'crs' = 'UTM': unknown coordinate system");
        assertThatThrownBy(() -> FenceFiles.options(FenceFiles.parse("b.csv:repair=maybe"), LoadOptions.defaults()))
                .hasMessage("fence file 'b.csv:repair=maybe': option 'repair' = 'maybe': expected true or false");
    }

    /** The district boundary as the operating area + the city's parking CSV + a plain no-park GeoJSON. */
    private List<FenceFiles.Entry> districtSet() {
        Path boundary = FenceFilesSamples.write(dir, "huli-boundary.geojson", FenceFilesSamples.boundaryGcj02());
        Path noRide = FenceFilesSamples.write(dir, "no-ride-zone.geojson", FenceFilesSamples.noRideGeoJson());
        return FenceFiles.parseList(boundary + ":kind=operating_area,crs=GCJ02,id-property=adcode;"
                + TestFiles.fixture("city/parking.csv") + ";"
                + noRide + ":kind=no_park,id-property=FID,name-property=NAME");
    }

    @Test
    void severalFilesWithTheirOwnOptionsMakeOneFenceSet() {
        FenceFiles.FenceSetFiles loaded = FenceFiles.load(districtSet(), LoadOptions.builder().operators(
                java.util.Set.of("hello")).build(), null);
        FenceSet set = loaded.fences();
        assertThat(set.ofKind(FenceKind.OPERATING_AREA)).extracting(Fence::id).containsExactly("350206");
        assertThat(set.ofKind(FenceKind.PARKING)).hasSize(3);
        assertThat(set.ofKind(FenceKind.NO_PARK)).extracting(Fence::id).containsExactly("1", "2");
        assertThat(loaded.files()).extracting(l -> l.result().crs()).containsExactly(Crs.GCJ02, Crs.WGS84, Crs.WGS84);
        // the options for all files apply where the file has none of its own
        assertThat(set.byId("2").orElseThrow().operators()).containsExactly("hello");
        assertThat(set.version()).matches("huli-boundary\\.geojson@sha256:\\p{XDigit}{12}\\+parking\\.csv@sha256:"
                + "\\p{XDigit}{12}\\+no-ride-zone\\.geojson@sha256:\\p{XDigit}{12}");
        assertThat(FenceFiles.load(districtSet(), LoadOptions.defaults(), "huli-2026-12").fences().version())
                .isEqualTo("huli-2026-12");
        // the verdict of a point in a no-park zone inside the district
        Verdict v = FenceIndex.build(set).verdictAtAnyTime(24.5005, 118.1005, "hello");
        assertThat(v.zoneId()).isEqualTo("1");
        assertThat(v.inOperatingArea()).isTrue();
    }

    @Test
    void aFilesOwnOptionThatItsFormatIgnoresIsAnError() {
        String csv = TestFiles.fixture("city/parking.csv").toString();
        assertThatThrownBy(() -> FenceFiles.load(FenceFiles.parseList(csv + ":id-property=FID"),
                LoadOptions.defaults(), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fence file '" + csv + ":id-property=FID': option 'id-property' does not apply to a "
                        + "city-csv file");
        String gbfs = TestFiles.fixture("gbfs/zones-v3.json").toString();
        assertThatThrownBy(() -> FenceFiles.load(FenceFiles.parseList(gbfs + ":kind=no_park"),
                LoadOptions.defaults(), null))
                .hasMessage("fence file '" + gbfs + ":kind=no_park': option 'kind' does not apply to a gbfs file");
        // the same options for all files apply where they fit
        assertThat(FenceFiles.load(FenceFiles.parseList(csv + ";" + gbfs), LoadOptions.builder().idProperty("FID")
                .kind(FenceKind.PARKING).build(), null).fences().size()).isPositive();
    }

    @Test
    void anIdInTwoFilesNamesBoth() {
        Path a = FenceFilesSamples.write(dir, "a.geojson", FenceFilesSamples.noRideGeoJson());
        Path b = FenceFilesSamples.write(dir, "b.geojson", FenceFilesSamples.noRideGeoJson());
        assertThatThrownBy(() -> FenceFiles.load(List.of(FenceFiles.Entry.of(a.toString()),
                FenceFiles.Entry.of(b.toString())), LoadOptions.builder().kind(FenceKind.NO_PARK).idProperty("FID")
                .build(), null))
                .isInstanceOf(FenceFileException.class)
                .hasMessage(b + ": property \"id\": fence id \"1\" is in both " + a + " and " + b
                        + "; ids must be unique across the files of a fence set (choose the id property with "
                        + "id-property=NAME)");
        // by default the index ids are qualified by the file, so two plain files do not collide
        assertThat(FenceFiles.load(List.of(FenceFiles.Entry.of(a.toString()), FenceFiles.Entry.of(b.toString())),
                LoadOptions.builder().kind(FenceKind.NO_PARK).build(), null).fences().size()).isEqualTo(4);
    }

    @Test
    void aCombinedSetWrittenAsGeoJsonReadsBackTheSameWithDefaultOptions() {
        FenceSet set = FenceFiles.load(districtSet(), LoadOptions.defaults(), null).fences();
        byte[] bytes = FenceSetGeoJson.writeChecked(set, "district (3 files)");
        FenceSet back = FenceLoaders.load(bytes, "district (3 files)", LoadOptions.defaults()).fences();
        assertThat(FenceSetGeoJson.differences(set, back)).isEmpty();
        assertThat(back.version()).isEqualTo(set.version());
        assertThat(back.byId("1").orElseThrow().name()).isEqualTo("Zone A");
    }

    @Test
    void everyPropertyOfTheRulesFixtureSurvivesWriting() {
        FenceSet set = FenceLoaders.load(TestFiles.fixture("geojson/huli-rules.geojson"), LoadOptions.defaults())
                .fences();
        FenceSet back = FenceLoaders.load(FenceSetGeoJson.write(set), "x", LoadOptions.defaults()).fences();
        assertThat(FenceSetGeoJson.differences(set, back)).isEmpty();
        assertThat(set.fences()).anySatisfy(f -> assertThat(f.schedule().isAlways()).isFalse());
        for (Fence f : set.fences()) {
            Fence g = back.byId(f.id()).orElseThrow();
            assertThat(g.names()).as(f.id()).isEqualTo(f.names());
            assertThat(g.schedule()).as(f.id()).isEqualTo(f.schedule());
        }
        FenceSet demo = DemoFences.load();
        assertThat(FenceSetGeoJson.differences(demo, FenceLoaders.load(FenceSetGeoJson.write(demo), "demo",
                LoadOptions.defaults()).fences())).isEmpty();
    }

    @Test
    void schedulesInAnotherZoneThanTheSetsAreRefused() {
        Path shanghai = TestFiles.fixture("geojson/huli-rules.geojson");
        Path other = FenceFilesSamples.write(dir, "ny.geojson", new String(FenceSetGeoJson.write(
                FenceLoaders.load(shanghai, LoadOptions.defaults()).fences()), java.nio.charset.StandardCharsets.UTF_8)
                .replace("\"timeZone\":\"Asia/Shanghai\"", "\"timeZone\":\"America/New_York\""));
        assertThatThrownBy(() -> FenceFiles.load(List.of(FenceFiles.Entry.of(TestFiles.fixture("city/parking.csv")
                .toString()), FenceFiles.parse(other + ":version=ny")), LoadOptions.defaults(), null))
                .hasMessageContaining("property \"schedule\": in time zone America/New_York, but the fence set is in "
                        + "Asia/Shanghai");
    }
}
