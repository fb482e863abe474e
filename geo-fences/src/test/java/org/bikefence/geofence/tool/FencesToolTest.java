package org.bikefence.geofence.tool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bikefence.geofence.TestFiles.fixture;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bikefence.geofence.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FencesToolTest {

    @TempDir
    Path dir;

    /** Output of one in-process run. */
    private record Run(int status, String out, String err) {}

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = FencesTool.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8));
    }

    private static String f(String fixture) {
        return fixture(fixture).toString();
    }

    @Test
    void checkSummarisesValidFilesAndExitsZero() {
        Run r = run("check", f("geojson/huli-rules.geojson"), f("city/parking.csv"));
        assertThat(r.status()).isEqualTo(FencesTool.OK);
        assertThat(r.out())
                .contains("== " + f("geojson/huli-rules.geojson") + ": OK")
                .contains("  version   huli-rules-test-1\n")
                .contains("  crs       WGS84\n")
                .contains("  zone      Asia/Shanghai\n")
                .contains("  fences    5: no_park 2, parking 1, operating_area 1, key_control 1\n")
                .contains("  timed     3 with a schedule or effective period\n")
                .contains("  fences    3: parking 3\n")
                .contains("  area      total 6,769,872 m2, median 11,226.6 m2\n")
                .contains("  area      total 68 m2, median 20.2 m2\n")
                .endsWith("2 files checked: 2 valid, 0 invalid\n");
    }

    @Test
    void checkListsProblemsOfAnInvalidFileAndExitsNonZero() {
        Run r = run("check", "--bounds", "xiamen", f("city/parking.csv"), f("city/bad.csv"));
        assertThat(r.status()).isEqualTo(FencesTool.INVALID);
        assertThat(r.out())
                .contains("== " + f("city/bad.csv") + ": INVALID (9 problems)\n")
                .contains("  " + f("city/bad.csv") + ": line 10 (id \"SHANGHAI\"): property"
                        + " \"FENCE_LOC\": coordinate [121.47, 31.23] (WGS84) lies outside the city"
                        + " bounds")
                .endsWith("2 files checked: 1 valid, 1 invalid\n");
    }

    @Test
    void checkReportsGbfsWarningsAndConvertedCrs() {
        Run gbfs = run("check", f("gbfs/zones-v3.json"));
        assertThat(gbfs.status()).isZero();
        assertThat(gbfs.out()).contains("  format    gbfs\n")
                .contains("  warnings  3\n")
                .contains("geometry is null; zone skipped");
        Run gcj = run("check", f("geojson/gcj02-square.geojson"));
        assertThat(gcj.out()).contains("  crs       GCJ02 (converted to WGS84)\n");
    }

    @Test
    void checkWithRepairListsTheRepairs() {
        Path file = TestFiles.write(dir, "bowtie.csv", "FENCE_ID,FENCE_LOC\nBT,\"[118.100,24.500],"
                + "[118.102,24.502],[118.102,24.500],[118.100,24.502],[118.100,24.500]\"\n");
        assertThat(run("check", file.toString()).status()).isEqualTo(FencesTool.INVALID);
        Run r = run("check", "--repair", file.toString());
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("  repairs   1\n    " + file + ": line 2 (id \"BT\"):"
                + " repaired invalid polygon: Self-intersection at [118.101, 24.501]");
    }

    @Test
    void classifyAddsFenceColumnsAndSummarises() throws IOException {
        Path out = dir.resolve("out.csv");
        Run r = run("classify", "--fences", f("geojson/huli-rules.geojson"), "--points",
                f("points/points.csv"), "--out", out.toString());
        assertThat(r.status()).isZero();
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        assertThat(lines).containsExactly(
                "BIKE_ID,LATITUDE,LONGITUDE,TIME,fence_ids,fence_kinds,verdict",
                "b1,24.5005,118.1005,2026-03-02 08:00:00,NP-SCHOOL;OA,no_park;operating_area,"
                        + "no_park:NP-SCHOOL;in_area",
                "b2,24.5005,118.1025,2026-03-05 23:30:00,NP-NIGHT;OA,no_park;operating_area,"
                        + "no_park:NP-NIGHT;in_area",
                // P-1 binds two operators only, and these points name none.
                "b3,24.50005,118.1061,2026-03-07 12:00:00,OA;P-1,operating_area;parking,in_area",
                "b4,24.48,118.10,2026-03-07 12:00:00,,,outside_area",
                "b5,abc,118.10,2026-03-07 12:00:00,,,",
                "b6,24.5005,,2026-03-07 12:00:00,,,",
                "\"b7, with comma\",95,118.10,2026-03-07 12:00:00,,,",
                "b8,24.5005,118.1045,2026-03-02 12:00:00,KC-1;OA,key_control;operating_area,"
                        + "key_control:KC-1;in_area");
        assertThat(r.out())
                .contains("points: 8 rows, 5 classified, 3 skipped")
                .contains("  in no_park          2\n")
                .contains("  in parking          1\n")
                .contains("  in operating_area   4\n")
                .contains("  in key_control      1\n")
                .contains("  in no fence         1\n")
                .contains("  line 6: column \"LATITUDE\" = \"abc\": not a number\n")
                .contains("  line 7: column \"LONGITUDE\" is empty\n")
                .contains("  line 8: column \"LATITUDE\" = \"95\": outside [-90, 90]\n");
    }

    @Test
    void classifyAtRowTimesCountsOnlyFencesInForce() throws IOException {
        Path out = dir.resolve("timed.csv");
        Run r = run("classify", "--fences", f("geojson/huli-rules.geojson"), "--points",
                f("points/points.csv"), "--time-col", "TIME", "--out", out.toString());
        assertThat(r.status()).isZero();
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        // Thursday 23:30: the Friday/Saturday night zone is not in force.
        assertThat(lines.get(2)).endsWith(",OA,operating_area,in_area");
        assertThat(lines.get(1)).endsWith(",NP-SCHOOL;OA,no_park;operating_area,no_park:NP-SCHOOL;in_area");
        assertThat(r.out()).contains("  in no_park          1\n");
    }

    @Test
    void classifyConvertsGcj02PointsAndWritesCsvToStdoutWithoutOut() {
        // GCJ-02 image of WGS84 24.5005, 118.1005 (inside NP-SCHOOL).
        Path points = TestFiles.write(dir, "gcj.csv", "id,lat,lng\np1,24.497851748,118.105475054\n");
        Run r = run("classify", "--fences", f("geojson/huli-rules.geojson"), "--points",
                points.toString(), "--crs", "GCJ02");
        assertThat(r.status()).isZero();
        assertThat(r.out()).isEqualTo("id,lat,lng,fence_ids,fence_kinds,verdict\n"
                + "p1,24.497851748,118.105475054,NP-SCHOOL;OA,no_park;operating_area,"
                + "no_park:NP-SCHOOL;in_area\n");
        assertThat(r.err()).contains("points: 1 rows, 1 classified, 0 skipped");
    }

    @Test
    void classifyGivesTheVerdictForTheOperatorColumnAtTheRowTime() {
        // Monday 2 March 2026: 08:00 in the school zone's hours, 12:00 out of them; KC-1 from 1 March.
        Path points = TestFiles.write(dir, "ops.csv", "Operator,lat,lng,ts\n"
                + "hello,24.50005,118.1061,2026-03-02 12:00\n"
                + "didi,24.50005,118.1061,2026-03-02 12:00\n"
                + "meituan,24.5005,118.1005,2026-03-02 08:00\n"
                + "meituan,24.5005,118.1005,2026-03-02 12:00\n"
                + "hello,24.5005,118.1045,2026-03-02 12:00\n"
                + "hello,24.5005,118.1045,2026-02-28 12:00\n"
                + "hello,24.48,118.10,2026-03-02 12:00\n");
        Run r = run("classify", "--fences", f("geojson/huli-rules.geojson"), "--points",
                points.toString(), "--time-col", "ts");
        assertThat(r.status()).isZero();
        assertThat(r.out().lines().map(l -> l.substring(l.lastIndexOf(',') + 1)).toList())
                .containsExactly("verdict", "parking:P-1;in_area", "in_area",
                        "no_park:NP-SCHOOL;in_area", "in_area", "key_control:KC-1;in_area", "in_area",
                        "outside_area");
    }

    @Test
    void classifyPrintsProgressEveryHundredThousandRows() throws IOException {
        StringBuilder sb = new StringBuilder("lat,lng\n");
        for (int i = 0; i < FencesTool.PROGRESS_EVERY; i++) {
            sb.append("24.5005,118.1005\n");
        }
        Path points = TestFiles.write(dir, "many.csv", sb.toString());
        Run r = run("classify", "--fences", f("geojson/huli-rules.geojson"), "--points",
                points.toString(), "--out", dir.resolve("many-out.csv").toString());
        assertThat(r.err()).containsPattern("classify: 100,000 rows, [0-9,]+ rows/s");
        assertThat(r.out()).contains("  in no_park          100000\n");
    }

    @Test
    void classifyRefusesInvalidFencesAndUnknownColumns() {
        Run bad = run("classify", "--fences", f("city/bad.csv"), "--points", f("points/points.csv"));
        assertThat(bad.status()).isEqualTo(FencesTool.INVALID);
        assertThat(bad.err()).contains("bad.csv: 8 problems");
        Run column = run("classify", "--fences", f("city/parking.csv"), "--points",
                f("points/points.csv"), "--lat-col", "Y");
        assertThat(column.status()).isEqualTo(FencesTool.USAGE);
        assertThat(column.err()).contains("no column \"Y\" in header [BIKE_ID, LATITUDE,"
                + " LONGITUDE, TIME]; name it with --lat-col");
    }

    @Test
    void classifyRefusesDuplicateIdsAcrossFenceFiles() {
        Run r = run("classify", "--fences", f("city/parking.csv"), f("city/parking.csv"),
                "--points", f("points/points.csv"));
        assertThat(r.status()).isEqualTo(FencesTool.INVALID);
        assertThat(r.err()).contains("is in both");
    }

    @Test
    void unknownCommandOrOptionIsAUsageError() {
        assertThat(run("frobnicate").status()).isEqualTo(FencesTool.USAGE);
        Run r = run("check", "--crs", "NAD27", "x.csv");
        assertThat(r.status()).isEqualTo(FencesTool.USAGE);
        assertThat(r.err()).contains("unknown coordinate system 'NAD27'");
        assertThat(run().status()).isEqualTo(FencesTool.USAGE);
        assertThat(run("--help").status()).isZero();
    }
}
