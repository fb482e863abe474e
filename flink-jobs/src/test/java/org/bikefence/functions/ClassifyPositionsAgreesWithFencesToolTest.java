package org.bikefence.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.streaming.util.BroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.bikefence.geofence.tool.FencesTool;
import org.bikefence.model.BikePosition;
import org.bikefence.model.BikeState;
import org.bikefence.model.ClassifiedPosition;
import org.bikefence.model.FenceUpdate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The people who maintain fence files check them with {@code fences classify}; the job must reach the same
 * verdict for the same points. A grid over every precedence case, for three operators at three times of day,
 * goes through both: the tool's {@code verdict} column and what ClassifyPositions emits must agree row by row.
 */
class ClassifyPositionsAgreesWithFencesToolTest {

    /** Every precedence case: no-park over parking, key-control outside parking, schedules, operator scopes. */
    private static final String FENCES = """
            {"type": "FeatureCollection", "version": "agree-1", "timeZone": "Asia/Shanghai", "features": [
              %s, %s, %s, %s, %s, %s, %s
            ]}""".formatted(
            feature("\"id\": \"OA\", \"kind\": \"operating_area\"", 118.09, 24.49, 118.12, 24.51),
            feature("\"id\": \"NP-1\", \"kind\": \"no_park\"", 118.100, 24.500, 118.101, 24.501),
            feature("\"id\": \"P-NP\", \"kind\": \"parking\", \"capacity\": 10", 118.1003, 24.5003, 118.1007, 24.5007),
            feature("\"id\": \"KC-1\", \"kind\": \"key_control\", \"graceMinutes\": 3", 118.104, 24.500, 118.106,
                    24.502),
            feature("\"id\": \"P-KC\", \"kind\": \"parking\", \"operators\": [\"hello\"]", 118.1045, 24.5005,
                    118.1050, 24.5010),
            feature("\"id\": \"NP-RUSH\", \"kind\": \"no_park\", \"schedule\": {\"days\": [\"MON\", \"TUE\","
                    + " \"WED\", \"THU\", \"FRI\"], \"start\": \"07:00\", \"end\": \"09:00\"}", 118.108, 24.500,
                    118.109, 24.501),
            feature("\"id\": \"NP-MT\", \"kind\": \"no_park\", \"operators\": [\"meituan\"]", 118.110, 24.500,
                    118.111, 24.501));

    private static String feature(String properties, double minLng, double minLat, double maxLng, double maxLat) {
        return ("{\"type\": \"Feature\", \"properties\": {%s}, \"geometry\": {\"type\": \"Polygon\", \"coordinates\":"
                + " [[[%s, %s], [%s, %s], [%s, %s], [%s, %s], [%s, %s]]]}}").formatted(properties, minLng, minLat,
                maxLng, minLat, maxLng, maxLat, minLng, maxLat, minLng, minLat);
    }

    /** Monday 2 March 2026 at 08:00, 12:00 and 23:00 in Xiamen. */
    private static final List<Long> TIMES = List.of(Instant.parse("2026-03-02T00:00:00Z").toEpochMilli(),
            Instant.parse("2026-03-02T04:00:00Z").toEpochMilli(), Instant.parse("2026-03-02T15:00:00Z").toEpochMilli());
    private static final List<String> OPERATORS = List.of("hello", "meituan", "didi");

    @TempDir
    Path dir;

    @Test
    void theJobReachesTheToolsVerdictForEveryPoint() throws Exception {
        List<BikePosition> points = new ArrayList<>();
        StringBuilder csv = new StringBuilder("operator,lat,lng,ts\n");
        for (int i = 0; i <= 104; i++) {
            for (int j = 0; j <= 8; j++) {
                double lng = 118.099 + i * 0.00025;
                double lat = 24.4995 + j * 0.00025;
                for (String operator : OPERATORS) {
                    for (long ts : TIMES) {
                        points.add(new BikePosition(operator, "b", ts, lat, lng, BikeState.PARKED));
                        csv.append(operator).append(',').append(lat).append(',').append(lng).append(',').append(ts)
                                .append('\n');
                    }
                }
            }
        }
        Path fences = Files.writeString(dir.resolve("agree.geojson"), FENCES);
        Path pointsFile = Files.writeString(dir.resolve("points.csv"), csv);
        Path out = dir.resolve("out.csv");

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = FencesTool.run(new String[] {"classify", "--fences", fences.toString(), "--points",
            pointsFile.toString(), "--time-col", "ts", "--out", out.toString()},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
        List<String> rows = Files.readAllLines(out, StandardCharsets.UTF_8);
        assertThat(rows.get(0)).endsWith(",verdict");
        List<String> toolVerdicts = rows.subList(1, rows.size()).stream()
                .map(r -> r.substring(r.lastIndexOf(',') + 1)).toList();

        List<String> jobVerdicts = new ArrayList<>();
        try (BroadcastOperatorTestHarness<BikePosition, FenceUpdate, ClassifiedPosition> harness =
                ProcessFunctionTestHarnesses.forBroadcastProcessFunction(
                        new ClassifyPositions(FENCES.getBytes(StandardCharsets.UTF_8), "agree.geojson", 9),
                        ClassifyPositions.FENCE_STATE)) {
            for (BikePosition p : points) {
                harness.processElement(p, p.ts);
            }
            for (ClassifiedPosition c : harness.extractOutputValues()) {
                assertThat(c.fenceSetVersion).isEqualTo("agree-1");
                jobVerdicts.add(summary(c));
            }
        }

        assertThat(jobVerdicts).hasSize(points.size());
        assertThat(toolVerdicts).containsExactlyElementsOf(jobVerdicts);
        Set<String> seen = new LinkedHashSet<>(jobVerdicts);
        assertThat(seen).as("the grid meets every precedence case").contains(
                "no_park:NP-1;in_area", "no_park:NP-1;parking:P-NP;in_area", "key_control:KC-1;in_area",
                "parking:P-KC;in_area", "no_park:NP-RUSH;in_area", "no_park:NP-MT;in_area", "in_area",
                "outside_area");
    }

    /**
     * The job's decision in the tool's notation; the zone's kind is not in a ClassifiedPosition, so it is
     * told by its id, which this fence set chooses to start with the kind's initials.
     */
    private static String summary(ClassifiedPosition c) {
        StringBuilder sb = new StringBuilder();
        if (c.noParkFenceId != null) {
            sb.append(c.noParkFenceId.startsWith("KC-") ? "key_control:" : "no_park:").append(c.noParkFenceId)
                    .append(';');
        }
        if (c.parkingFenceId != null) {
            sb.append("parking:").append(c.parkingFenceId).append(';');
        }
        return sb.append(c.inOperatingArea ? "in_area" : "outside_area").toString();
    }
}
