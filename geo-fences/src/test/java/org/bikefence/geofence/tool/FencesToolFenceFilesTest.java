package org.bikefence.geofence.tool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bikefence.geofence.FenceFilesSamples;
import org.bikefence.geofence.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fences check|classify} on plain GIS files, MDS geographies and several files with their own options. */
class FencesToolFenceFilesTest {

    @TempDir
    Path dir;

    private record Run(int status, String out, String err) {}

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = FencesTool.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Trip ends in, near and outside the two zones. */
    private Path points() {
        return TestFiles.write(dir, "trip-ends.csv", "trip,lat,lng\n"
                + "t1,24.5005,118.1005\n" // zone A
                + "t2,24.5010,118.1010\n" // zone A's corner (on the edge counts as inside)
                + "t3,24.4955,118.1055\n" // zone B
                + "t4,24.5020,118.1005\n" // north of A
                + "t5,24.4800,118.1000\n" // nowhere
                + "t6,24.4951,118.1059\n"); // zone B
    }

    private static List<String> column(String csv, int fromEnd) {
        return csv.lines().skip(1).map(l -> {
            String[] f = l.split(",", -1);
            return f[f.length - fromEnd];
        }).toList();
    }

    @Test
    void theGeoJsonAndTheMdsFormOfTheSameZonesClassifyAlike() throws IOException {
        Path geojson = TestFiles.write(dir, "no-ride-zone.geojson", FenceFilesSamples.noRideGeoJson());
        Path mds = TestFiles.write(dir, "no-ride-zone.json", FenceFilesSamples.noRideMds("no_ride_zone"));
        Path a = dir.resolve("a.csv");
        Path b = dir.resolve("b.csv");
        Run plain = run("classify", "--kind", "no_park", "--id-property", "FID",
                "--fences", geojson.toString(), "--points", points().toString(), "--out", a.toString());
        Run md = run("classify", "--fences", mds.toString(), "--points", points().toString(), "--out",
                b.toString());
        assertThat(plain.status()).as(plain.err()).isZero();
        assertThat(md.status()).as(md.err()).isZero();
        assertThat(plain.out()).contains("  in no_park          4\n");
        assertThat(md.out()).contains("  in no_park          4\n");
        String pa = Files.readString(a);
        String pb = Files.readString(b);
        assertThat(column(pa, 2)).containsExactly("no_park", "no_park", "no_park", "", "", "no_park");
        assertThat(column(pb, 2)).isEqualTo(column(pa, 2));
        assertThat(column(pa, 3)).containsExactly("1", "1", "2", "", "", "2");
        // the verdict says the same kind of zone, each by its own ids
        assertThat(column(pa, 1)).containsExactly("no_park:1;outside_area", "no_park:1;outside_area",
                "no_park:2;outside_area", "outside_area", "outside_area", "no_park:2;outside_area");
        assertThat(column(pb, 1).stream().map(v -> v.replace("e00535dd-0000-4b1b-920d-000000000001", "Z")))
                .containsExactly("no_park:Z;outside_area", "no_park:Z;outside_area", "no_park:Z;outside_area",
                        "outside_area", "outside_area", "no_park:Z;outside_area");
    }

    @Test
    void severalFilesEachWithItsOwnOptionsClassifyAsOneSet() {
        Path boundary = TestFiles.write(dir, "huli-boundary.geojson", FenceFilesSamples.boundaryGcj02());
        Path geojson = TestFiles.write(dir, "no-ride-zone.geojson", FenceFilesSamples.noRideGeoJson());
        Run r = run("classify", "--fences", boundary + ":kind=operating_area,crs=GCJ02,id-property=adcode",
                TestFiles.fixture("city/parking.csv").toString(),
                "--fences", geojson + ":kind=no_park,id-property=FID,name-property=NAME",
                "--fences-version", "huli-2026-12", "--points", TestFiles.write(dir, "p.csv", "lat,lng\n"
                        + "24.50003,118.10002\n" // a parking bay of the CSV, inside zone A
                        + "24.5005,118.1005\n24.4955,118.1055\n24.5020,118.1005\n"
                        + "24.4800,118.1000\n").toString()); // south of the district
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(column(r.out(), 1)).containsExactly("no_park:1;parking:湖里大道0_L_T0001;in_area",
                "no_park:1;in_area", "no_park:2;in_area", "in_area", "outside_area");
        assertThat(r.err()).contains("(version huli-2026-12)").contains("  in operating_area   4\n")
                .contains("  in parking          1\n");
    }

    @Test
    void checkTakesEachFilesOptions() {
        Path boundary = TestFiles.write(dir, "huli-boundary.geojson", FenceFilesSamples.boundaryGcj02());
        Path mds = TestFiles.write(dir, "no-ride-zone.json", FenceFilesSamples.noRideMds("no_ride_zone"));
        Run r = run("check", boundary + ":kind=operating_area,crs=GCJ02,id-property=adcode", mds.toString());
        assertThat(r.status()).as(r.out()).isZero();
        assertThat(r.out()).contains("  format    geojson (plain)\n").contains("  crs       GCJ02 (converted to WGS84)\n")
                .contains("  fences    1: operating_area 1\n").contains("  fences    1: no_park 1\n")
                .endsWith("2 files checked: 2 valid, 0 invalid\n");
    }

    @Test
    void errorsNameTheFileTheFeatureThePropertyAndTheValue() {
        Path geojson = TestFiles.write(dir, "zones.geojson", FenceFilesSamples.noRideGeoJson().replace("\"FID\":2,", ""));
        Run missing = run("classify", "--kind", "no_park", "--id-property", "FID", "--fences", geojson.toString(),
                "--points", points().toString());
        assertThat(missing.status()).isEqualTo(FencesTool.INVALID);
        assertThat(missing.err()).isEqualTo("fences: " + geojson + ": feature #1 (no id): property \"FID\": missing "
                + "(the id property chosen with --id-property)\n");

        Run noKind = run("classify", "--fences", TestFiles.write(dir, "z.geojson", FenceFilesSamples.noRideGeoJson())
                .toString(), "--points", points().toString());
        assertThat(noKind.status()).isEqualTo(FencesTool.INVALID);
        assertThat(noKind.err()).contains("feature #0 (no id): property \"kind\": missing; allowed: no_park, parking, "
                + "operating_area, key_control; for a plain GIS file give the kind of all its features with --kind KIND");

        Path slow = TestFiles.write(dir, "slow-ride-zone.json", FenceFilesSamples.noRideMds("slow_ride_zone"));
        Run unmapped = run("classify", "--fences", slow.toString(), "--points", points().toString());
        assertThat(unmapped.status()).isEqualTo(FencesTool.INVALID);
        assertThat(unmapped.err()).startsWith("fences: " + slow + ": feature #0 (id \"e00535dd-0000-4b1b-920d-"
                + "000000000001\"): property \"geography_type\": \"slow_ride_zone\" names no fence kind");

        Run key = run("classify", "--fences", geojson + ":knd=no_park", "--points", points().toString());
        assertThat(key.status()).isEqualTo(FencesTool.USAGE);
        assertThat(key.err()).startsWith("fences classify: fence file '" + geojson + ":knd=no_park': unknown option 'knd'; known: kind,"
                + " crs, id-property");
        assertThat(key.err().lines().count()).isEqualTo(1);

        Run value = run("check", geojson + ":kind=noparking");
        assertThat(value.status()).isEqualTo(FencesTool.USAGE);
        assertThat(value.err()).startsWith("fences check: fence file '" + geojson + ":kind=noparking': option 'kind' = 'noparking':"
                + " unknown fence kind \"noparking\"");
    }
}
