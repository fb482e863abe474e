package org.bikefence.geofence.tool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bikefence.geofence.CsvReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13's acceptance check on the real files, when they are there (never copied into the repository; skipped
 * with a message otherwise): the GeoJSON and the MDS form of Louisville's no-ride zones classify the 32,962 real
 * trip ends alike, with the same count of no-park trip ends.
 */
class LouisvilleNoRideZonesTest {
    private static final Path DATA = Path.of(System.getProperty("bikefence.sharedData", "/work/shared/data"));
    private static final Path EXAMPLES = DATA.resolve("mds/2.0.2/geography/examples");
    private static final Path TRIPS = DATA.resolve("louisville-dockless-trips/Louisville-Dockless-Trips.csv");

    @TempDir
    Path dir;

    private static int run(String... args) {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        return FencesTool.run(args, new PrintStream(sink, true, StandardCharsets.UTF_8),
                new PrintStream(sink, true, StandardCharsets.UTF_8));
    }

    /** Each row's fence_kinds and its verdict with the zone's id left out. */
    private static List<String> kindsAndVerdicts(Path csv) throws IOException {
        try (CsvReader r = new CsvReader(Files.newBufferedReader(csv, StandardCharsets.UTF_8))) {
            List<String> out = new java.util.ArrayList<>();
            r.next();
            CsvReader.Row row;
            while ((row = r.next()) != null) {
                List<String> f = row.fields();
                out.add(f.get(f.size() - 2) + " " + f.get(f.size() - 1).replaceAll("no_park:[^;]*", "no_park:*"));
            }
            return out;
        }
    }

    @Test
    void theGeoJsonAndTheMdsFormClassifyTheRealTripEndsAlike() throws IOException {
        assumeTrue(Files.isRegularFile(TRIPS) && Files.isDirectory(EXAMPLES),
                "skipped: the Louisville data is not at " + DATA + " (-Dbikefence.sharedData=DIR)");
        Path a = dir.resolve("geojson.csv");
        Path b = dir.resolve("mds.csv");
        assertThat(run("classify", "--kind", "no_park", "--id-property", "FID", "--fences",
                EXAMPLES.resolve("no-ride-zone.geojson").toString(), "--points", TRIPS.toString(), "--lat-col",
                "EndLatitude", "--lng-col", "EndLongitude", "--out", a.toString())).isZero();
        assertThat(run("classify", "--fences", EXAMPLES.resolve("no-ride-zone.json").toString(), "--points",
                TRIPS.toString(), "--lat-col", "EndLatitude", "--lng-col", "EndLongitude", "--out", b.toString()))
                .isZero();
        List<String> geojson = kindsAndVerdicts(a);
        List<String> mds = kindsAndVerdicts(b);
        assertThat(geojson).hasSize(32_962);
        assertThat(mds).containsExactlyElementsOf(geojson);
        assertThat(geojson.stream().filter(s -> s.startsWith("no_park ")).count()).isEqualTo(37);
    }
}
