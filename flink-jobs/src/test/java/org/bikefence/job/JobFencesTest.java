package org.bikefence.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.streaming.util.BroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.bikefence.config.JobConfig;
import org.bikefence.functions.ClassifyPositions;
import org.bikefence.functions.ClassifyStaticFences;
import org.bikefence.geofence.FenceFileException;
import org.bikefence.geofence.crs.Crs;
import org.bikefence.geofence.tool.FencesTool;
import org.bikefence.model.BikePosition;
import org.bikefence.model.BikeState;
import org.bikefence.model.ClassifiedPosition;
import org.bikefence.model.FenceUpdate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job takes the fence files the fences tool takes, with the same options (issue 13 item 3): MDS geographies
 * with the kinds their geography_type names, plain GIS GeoJSON, GCJ-02 CSV, several files as one set.
 */
class JobFencesTest {
    private static final String RULES = "src/test/resources/rules/sim-huli.yaml";
    private static final String ZONE_ID = "e00535dd-0000-4b1b-920d-000000000001";
    private static final String AREA_ID = "e00535dd-0000-4b1b-920d-000000000002";

    @TempDir
    Path dir;

    private static String square(double minLng, double minLat, double maxLng, double maxLat) {
        return String.format(Locale.ROOT, "[[%s,%s],[%s,%s],[%s,%s],[%s,%s],[%s,%s]]", minLng, minLat, maxLng, minLat,
                maxLng, maxLat, minLng, maxLat, minLng, minLat);
    }

    private static String geography(String id, String type, String polygon) {
        return "{\"geography_id\":\"" + id + "\",\"geography_type\":\"" + type + "\",\"name\":\"" + type + "\","
                + "\"published_date\":1570035222868,\"geography_json\":{\"type\":\"FeatureCollection\",\"features\":"
                + "[{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":["
                + polygon + "]}}]}}";
    }

    private static JobConfig config(String... more) {
        String[] all = new String[more.length + 2];
        all[0] = "--rules";
        all[1] = RULES;
        System.arraycopy(more, 0, all, 2, more.length);
        return JobConfig.fromArgs(all, Map.of());
    }

    private static List<ClassifiedPosition> classifyStatic(JobSettings s, List<BikePosition> points) throws Exception {
        try (OneInputStreamOperatorTestHarness<BikePosition, ClassifiedPosition> h = ProcessFunctionTestHarnesses
                .forProcessFunction(new ClassifyStaticFences(s.fenceGeoJson(), s.fenceSource(), 9))) {
            for (BikePosition p : points) {
                h.processElement(p, p.ts);
            }
            return h.extractOutputValues();
        }
    }

    private static BikePosition at(double lat, double lng) {
        return new BikePosition("hello", "b", 1_767_225_600_000L, lat, lng, BikeState.PARKED);
    }

    @Test
    void anMdsGeographyFileTakesTheKindsItsTypesName() throws Exception {
        Path mds = Files.writeString(dir.resolve("geographies.json"), "{\"version\":\"2.0.0\",\"geographies\":["
                + geography(ZONE_ID, "no_ride_zone", square(118.100, 24.500, 118.101, 24.501)) + ","
                + geography(AREA_ID, "operating_area", square(118.09, 24.49, 118.12, 24.51)) + "]}");
        JobSettings s = JobMain.settings(config("--fences", mds.toString()));
        List<ClassifiedPosition> out = classifyStatic(s, List.of(at(24.5005, 118.1005), at(24.495, 118.11),
                at(24.48, 118.10)));
        assertThat(out).extracting(c -> c.noParkFenceId).containsExactly(ZONE_ID, null, null);
        assertThat(out).extracting(c -> c.inOperatingArea).containsExactly(true, true, false);
        assertThat(out.get(0).fenceSetVersion).isEqualTo("mds-2.0.0@geographies.json");
        // --fences.kind overrides the types, as --kind does in the tool
        JobSettings parking = JobMain.settings(config("--fences", mds.toString(), "--fences.kind", "parking"));
        List<ClassifiedPosition> asParking = classifyStatic(parking, List.of(at(24.5005, 118.1005)));
        assertThat(asParking).extracting(c -> c.parkingFenceId).containsExactly(ZONE_ID); // the smaller id wins
        assertThat(asParking).extracting(c -> c.noParkFenceId, c -> c.inOperatingArea)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(null, false));
    }

    @Test
    void anUnmappedGeographyTypeStopsTheJobAtSubmissionNamingTheTypeAndTheFile() throws Exception {
        Path mds = Files.writeString(dir.resolve("boundary.json"), "{\"geographies\":["
                + geography(AREA_ID, "municipal_boundary", square(118.09, 24.49, 118.12, 24.51)) + "]}");
        assertThatThrownBy(() -> JobMain.settings(config("--fences", mds.toString())))
                .isInstanceOf(FenceFileException.class)
                .hasMessageStartingWith(mds + ": feature #0 (id \"" + AREA_ID + "\"): property \"geography_type\": "
                        + "\"municipal_boundary\" names no fence kind");
        assertThat(JobMain.settings(config("--fences", mds + ":kind=operating_area")).fenceSource())
                .contains("boundary.json:kind=operating_area");
    }

    @Test
    void severalFilesWithTheirOptionsReachTheToolsVerdicts() throws Exception {
        // The district boundary (GCJ-02, plain GIS), the city's parking CSV in GCJ-02 (fences.crs for all files
        // that cannot say), and a plain no-park GeoJSON whose CRS84 member says WGS84.
        Path boundary = Files.writeString(dir.resolve("huli-boundary.geojson"), "{\"type\":\"FeatureCollection\","
                + "\"features\":[{\"type\":\"Feature\",\"properties\":{\"adcode\":350206,\"name\":\"湖里区\"},"
                + "\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":[[" + square(118.085, 24.485, 118.125,
                24.515) + "]]}}]}");
        double[] gcj = Crs.GCJ02 == null ? null : gcj02(24.5003, 118.1003);
        Path csv = Files.writeString(dir.resolve("parking.csv"), "FENCE_ID,FENCE_LOC\nP-1,\""
                + square(gcj[1] - 0.0002, gcj[0] - 0.0002, gcj[1] + 0.0002, gcj[0] + 0.0002).replaceAll("^\\[|\\]$", "")
                + "\"\n");
        Path zones = Files.writeString(dir.resolve("no-ride.geojson"), "{\"type\":\"FeatureCollection\",\"crs\":"
                + "{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:OGC:1.3:CRS84\"}},\"features\":["
                + "{\"type\":\"Feature\",\"properties\":{\"FID\":1,\"NAME\":\"A\"},\"geometry\":{\"type\":\"Polygon\","
                + "\"coordinates\":[" + square(118.100, 24.500, 118.101, 24.501) + "]}}]}");
        String spec = boundary + ":kind=operating_area,id-property=adcode;" + csv + ";" + zones
                + ":kind=no_park,id-property=FID,name-property=NAME";

        List<BikePosition> points = new ArrayList<>();
        StringBuilder pointsCsv = new StringBuilder("lat,lng\n");
        for (int i = 0; i <= 40; i++) {
            for (int j = 0; j <= 40; j++) {
                double lat = 24.4995 + i * 0.0001;
                double lng = 118.0995 + j * 0.0001;
                points.add(at(lat, lng));
                pointsCsv.append(lat).append(',').append(lng).append('\n');
            }
        }
        points.add(at(24.48, 118.10));
        pointsCsv.append("24.48,118.10\n");
        Path pointsFile = Files.writeString(dir.resolve("points.csv"), pointsCsv);
        Path out = dir.resolve("out.csv");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = FencesTool.run(new String[] {"classify", "--fences-crs", "GCJ02", "--fences", spec,
            "--points", pointsFile.toString(), "--out", out.toString()},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
        List<String> tool = Files.readAllLines(out).stream().skip(1).map(r -> r.substring(r.lastIndexOf(',') + 1))
                .map(v -> v.replace("\"", "")).toList();

        JobSettings s = JobMain.settings(config("--fences", spec, "--fences.crs", "GCJ02"));
        List<String> job = new ArrayList<>();
        try (BroadcastOperatorTestHarness<BikePosition, FenceUpdate, ClassifiedPosition> h = ProcessFunctionTestHarnesses
                .forBroadcastProcessFunction(new ClassifyPositions(s.fenceGeoJson(), s.fenceSource(), 9),
                        ClassifyPositions.FENCE_STATE)) {
            for (BikePosition p : points) {
                h.processElement(p, p.ts);
            }
            for (ClassifiedPosition c : h.extractOutputValues()) {
                job.add((c.noParkFenceId == null ? "" : "no_park:" + c.noParkFenceId + ";")
                        + (c.parkingFenceId == null ? "" : "parking:" + c.parkingFenceId + ";")
                        + (c.inOperatingArea ? "in_area" : "outside_area"));
            }
        }
        assertThat(job).containsExactlyElementsOf(tool);
        assertThat(job).contains("no_park:1;parking:P-1;in_area", "no_park:1;in_area", "in_area", "outside_area");
        assertThat(job.stream().filter(v -> v.contains("parking:P-1")).count()).as("the GCJ-02 bay, converted")
                .isBetween(9L, 25L);
        // without fences.crs the CSV is read as WGS84: its bay lies hundreds of metres away
        JobSettings wgs = JobMain.settings(config("--fences", spec));
        assertThat(classifyStatic(wgs, List.of(at(24.5003, 118.1003)))).extracting(c -> c.parkingFenceId)
                .containsOnlyNulls();
    }

    /** WGS84 -> GCJ-02 by inverting Crs.GCJ02.toWgs84 (a few fixed-point steps; the offset is smooth). */
    private static double[] gcj02(double lat, double lng) {
        double gLat = lat;
        double gLng = lng;
        for (int i = 0; i < 10; i++) {
            double[] w = Crs.GCJ02.toWgs84(gLat, gLng);
            gLat += lat - w[0];
            gLng += lng - w[1];
        }
        return new double[] {gLat, gLng};
    }

    @Test
    void badFenceOptionsAreOneLineNamingTheOptionAndTheValue() {
        Path fences = Path.of("src/test/resources/fences/it-fences.geojson");
        assertThatThrownBy(() -> config("--fences", fences.toString(), "--fences.kind", "noparking"))
                .hasMessageContaining("option 'fences.kind' = 'noparking': unknown fence kind \"noparking\"; allowed: "
                        + "no_park, parking, operating_area, key_control");
        assertThatThrownBy(() -> config("--fences", fences + ":knd=no_park"))
                .hasMessageContaining("option 'fences': fence file '" + fences + ":knd=no_park': unknown option 'knd';"
                        + " known: kind, crs");
        assertThatThrownBy(() -> config("--fences", fences + ":crs=UTM"))
                .hasMessageContaining("option 'fences': fence file '" + fences + ":crs=UTM': option 'crs' = 'UTM': "
                        + "unknown coordinate system 'UTM'");
        assertThatThrownBy(() -> config("--fences", fences + ";no/such.csv"))
                .hasMessageContaining("option 'fences': file 'no/such.csv' does not exist");
    }
}
