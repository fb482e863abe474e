package org.bikefence.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bikefence.decode.PositionDecoder;
import org.bikefence.geofence.FenceSet;
import org.bikefence.geofence.GeoJsonFenceLoader;
import org.bikefence.model.BikePosition;
import org.bikefence.simulator.SimRecord;
import org.junit.jupiter.api.Test;

/** The pure parts of bench pipeline: its input, its plan, its output lines. */
class PipelineBenchTest {
    private static final Path DEMO_FENCES = Path.of("../geo-fences/fences/huli-demo.geojson");

    private static RunResult run(Variant v, int p, long millis) {
        return new RunResult(v, p, 1, 1_000_000, millis);
    }

    @Test
    void theLastLineIsFullOverBarePerParallelismWithTwoDecimals() {
        List<RunResult> results = List.of(run(Variant.BARE, 1, 1_658), run(Variant.DECODE, 1, 4_000),
                run(Variant.FULL, 1, 8_696), run(Variant.BARE, 2, 1_887), run(Variant.FULL, 2, 12_500));
        // 115,000 / 603,136 = 0.1907; 80,000 / 529,942 = 0.1510
        assertThat(RunResult.ratioLine(results, List.of(1, 2))).isEqualTo("full/bare p=1 = 0.19, p=2 = 0.15");
        assertThat(RunResult.ratioLine(results, List.of(1))).isEqualTo("full/bare p=1 = 0.19");
        assertThat(RunResult.ratioLine(List.of(run(Variant.FULL, 1, 1_000), run(Variant.BARE, 1, 1_000)),
                List.of(1))).isEqualTo("full/bare p=1 = 1.00");
        assertThat(RunResult.ratioLine(List.of(run(Variant.FULL, 1, 1_000)), List.of(1, 2)))
                .as("a ratio without bare").isEqualTo("full/bare p=1 = n/a, p=2 = n/a");
    }

    @Test
    void theRatioTakesTheMedianOfEachVariantsRuns() {
        List<RunResult> odd = List.of(run(Variant.BARE, 1, 1_000), run(Variant.BARE, 1, 4_000),
                run(Variant.BARE, 1, 2_000));
        assertThat(RunResult.median(odd, Variant.BARE, 1)).hasValue(500_000.0);
        List<RunResult> even = List.of(run(Variant.BARE, 1, 1_000), run(Variant.BARE, 1, 2_000));
        assertThat(RunResult.median(even, Variant.BARE, 1)).hasValue(750_000.0);
        assertThat(RunResult.median(even, Variant.BARE, 2)).isEmpty();
        assertThat(RunResult.median(even, Variant.FULL, 1)).isEmpty();
    }

    @Test
    void aRunLineNamesVariantParallelismRecordsSecondsAndRate() {
        assertThat(new RunResult(Variant.DECODE, 2, 3, 1_000_000, 2_500).line())
                .isEqualTo("decode p=2  run 3  records 1000000  seconds 2.500  records/s 400000");
        assertThat(new RunResult(Variant.FULL, 1, 1, 10, 0).recordsPerSecond()).isZero();
    }

    @Test
    void syntheticPositionsAreExactlyNContractRecordsKeyedByBikeThatDecode() throws Exception {
        FenceSet fences = GeoJsonFenceLoader.load(DEMO_FENCES);
        long now = System.currentTimeMillis();
        long start = SyntheticPositions.startFor(now, 5_000, 300);
        List<SimRecord> records = new ArrayList<>();
        SyntheticPositions.generate(fences, 5_000, 300, start, 42, records::add);

        assertThat(records).hasSize(5_000);
        PositionDecoder decoder = new PositionDecoder(() -> now, 0);
        Set<String> bikes = new HashSet<>();
        Set<String> operators = new HashSet<>();
        long lastTs = Long.MIN_VALUE;
        for (SimRecord r : records) {
            BikePosition p = decoder.decode(r.value.getBytes(StandardCharsets.UTF_8));
            assertThat(r.key).as(r.value).isEqualTo(p.bikeId);
            assertThat(p.ts).as("no record after now, none before the start").isBetween(start, now);
            assertThat(r.ts).isEqualTo(p.ts).isGreaterThanOrEqualTo(lastTs);
            assertThat(r.bad).isFalse();
            lastTs = p.ts;
            bikes.add(p.bikeId);
            operators.add(p.operator);
        }
        assertThat(bikes).hasSizeBetween(290, 300);
        assertThat(operators).containsExactlyInAnyOrder("hello", "meituan", "qingju");

        List<SimRecord> again = new ArrayList<>();
        SyntheticPositions.generate(fences, 5_000, 300, start, 42, again::add);
        assertThat(again).extracting(r -> r.value).as("the same records for the same arguments")
                .containsExactlyElementsOf(records.stream().map(r -> r.value).toList());
        assertThatThrownBy(() -> SyntheticPositions.generate(fences, 0, 300, start, 42, r -> {}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void thePlanInterleavesVariantsWithinEachParallelismRoundByRound() {
        PipelineBench.Settings s = new PipelineBench.Settings(10, 2, 2, List.of(1, 2), 2, 0,
                List.of(Variant.BARE, Variant.FULL), Path.of("w"), null, Map.of(), List.of(), false, Path.of("."));
        assertThat(PipelineBench.plan(s)).extracting(PipelineBench.Planned::name).containsExactly(
                "bare-p1-r1", "full-p1-r1", "bare-p2-r1", "full-p2-r1",
                "bare-p1-r2", "full-p1-r2", "bare-p2-r2", "full-p2-r2");
    }

    @Test
    void theRunsGetAnAbsoluteClassPath() {
        String cp = String.join(File.pathSeparator, "cli/target/classes", "/opt/x.jar", "");
        assertThat(PipelineBench.absolute(cp)).isEqualTo(String.join(File.pathSeparator,
                Path.of("cli/target/classes").toAbsolutePath().toString(), "/opt/x.jar"));
    }

    @Test
    void variantsByLabel() {
        assertThat(Variant.of("decode")).isEqualTo(Variant.DECODE);
        assertThat(Variant.of("classify")).isEqualTo(Variant.CLASSIFY);
        assertThat(Variant.of("keyed")).isEqualTo(Variant.KEYED);
        assertThat(PipelineRun.lastStep(Variant.KEYED)).isEqualTo("keyed-by-bike");
        assertThat(PipelineRun.lastStep(Variant.FULL)).isNull();
        assertThat(Variant.FULL.label()).isEqualTo("full");
        assertThatThrownBy(() -> Variant.of("fast")).hasMessageContaining("'fast'").hasMessageContaining("bare");
    }

    @Test
    void hotMethodsByThreadSelfAndFirstProjectFrame() {
        List<HotMethods.Sample> samples = List.of(
                new HotMethods.Sample("decode", List.of("a.Json.parse", "org.bikefence.decode.D.decode", "c.Task.run")),
                new HotMethods.Sample("decode", List.of("a.Json.parse", "org.bikefence.decode.D.decode", "c.Task.run")),
                new HotMethods.Sample("classify", List.of("d.H3.cell", "org.bikefence.geofence.H.cell",
                        "org.bikefence.functions.C.process", "c.Task.run")),
                new HotMethods.Sample("sink", List.of("e.Kryo.write", "c.Task.run")));
        assertThat(HotMethods.top(samples, 2, HotMethods::self)).containsExactly(
                new HotMethods.Hot("a.Json.parse", 2, 50.0), new HotMethods.Hot("d.H3.cell", 1, 25.0));
        assertThat(HotMethods.top(samples, 5, HotMethods::underProject)).as("the nearest project frame counts")
                .containsExactly(new HotMethods.Hot("org.bikefence.decode.D.decode", 2, 50.0),
                        new HotMethods.Hot(HotMethods.NO_PROJECT_FRAME, 1, 25.0),
                        new HotMethods.Hot("org.bikefence.geofence.H.cell", 1, 25.0));
        assertThat(HotMethods.top(samples, 1, HotMethods.Sample::thread))
                .containsExactly(new HotMethods.Hot("decode", 2, 50.0));
        assertThat(samples.stream().map(HotMethods::selfPackage).toList())
                .containsExactly("a", "a", "d", "e");
        assertThat(HotMethods.selfPackage(new HotMethods.Sample("t",
                List.of("com.esotericsoftware.kryo.io.Input.readAscii_slow")))).isEqualTo("com.esotericsoftware.kryo.io");
        assertThat(HotMethods.selfPackage(new HotMethods.Sample("t",
                List.of("java.util.HashMap.putVal")))).isEqualTo("java.util");
        assertThat(HotMethods.threadName("classify-fences -> (a, b) (1/1)#1")).isEqualTo("classify-fences -> (a, b) (1/1)");
        assertThat(HotMethods.report(samples, 1)).contains("4 execution samples", "| 1 | `decode` | 2 | 50.0 |",
                "| 1 | `a.Json.parse` | 2 | 50.0 |", "| 1 | `org.bikefence.decode.D.decode` | 2 | 50.0 |");
    }
}
