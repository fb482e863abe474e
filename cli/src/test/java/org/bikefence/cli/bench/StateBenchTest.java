package org.bikefence.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bikefence.decode.PositionDecoder;
import org.bikefence.geofence.FenceIndex;
import org.bikefence.geofence.FenceKind;
import org.bikefence.geofence.FenceSet;
import org.bikefence.geofence.GeoJsonFenceLoader;
import org.bikefence.model.BikePosition;
import org.bikefence.rules.RuleSet;
import org.bikefence.rules.RuleSetLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pure parts of bench state: its fleet, its rule set, its result file and lines. */
class StateBenchTest {
    private static final Path DEMO_FENCES = Path.of("../geo-fences/fences/huli-demo.geojson");
    private static final Path DISTRICT_RULES = Path.of("../scoring-rules/rulesets/huli.yaml");

    @TempDir
    Path tmp;

    private static List<FleetRounds.Position> round(FleetRounds fleet, int r) {
        List<FleetRounds.Position> out = new ArrayList<>();
        fleet.round(r, out::add);
        return out;
    }

    @Test
    void eachRoundIsOneReportPerBikeInEventTimeOrderAfterTheRoundBeforeAndDecodes() throws Exception {
        FenceSet fences = GeoJsonFenceLoader.load(DEMO_FENCES);
        long now = System.currentTimeMillis();
        long start = FleetRounds.startFor(now, 3);
        FleetRounds fleet = new FleetRounds(fences, 1_000, 5, start, 42);
        PositionDecoder decoder = new PositionDecoder(() -> now, 0);
        FenceIndex index = FenceIndex.build(fences);

        long lastTs = Long.MIN_VALUE;
        Map<String, BikePosition> firstRound = new HashMap<>();
        for (int r = 0; r < 3; r++) {
            List<FleetRounds.Position> records = round(fleet, r);
            assertThat(records).hasSize(1_000);
            Set<String> bikes = new HashSet<>();
            Map<String, Integer> perOperator = new HashMap<>();
            int riding = 0;
            for (FleetRounds.Position p : records) {
                BikePosition b = decoder.decode(p.value().getBytes(StandardCharsets.UTF_8));
                assertThat(p.key()).as(p.value()).isEqualTo(b.bikeId);
                assertThat(b.ts).isEqualTo(p.ts()).isGreaterThanOrEqualTo(lastTs).isBetween(start, now);
                lastTs = b.ts;
                bikes.add(b.bikeId);
                perOperator.merge(b.operator, 1, Integer::sum);
                if (b.state.name().equals("RIDING")) {
                    riding++;
                } else if (r == 0) {
                    assertThat(index.covering(b.lat, b.lng, FenceKind.OPERATING_AREA)).as("inside the area")
                            .isNotEmpty();
                }
                if (r == 0) {
                    firstRound.put(b.bikeId, b);
                } else if (!b.state.name().equals("RIDING") && !firstRound.get(b.bikeId).state.name().equals("RIDING")) {
                    assertThat(b.lat).as("a parked bike stays").isEqualTo(firstRound.get(b.bikeId).lat);
                }
            }
            assertThat(bikes).as("every bike once a round").hasSize(1_000);
            assertThat(perOperator).containsOnlyKeys("hello", "meituan", "qingju", "songguo", "xiangqi")
                    .allSatisfy((op, n) -> assertThat(n).isEqualTo(200));
            assertThat(riding).as("a tenth rides each round").isEqualTo(100);
            assertThat(firstRound.keySet()).isEqualTo(bikes);
        }
        assertThat(round(new FleetRounds(fences, 1_000, 5, start, 42), 1)).as("the same records for the same arguments")
                .isEqualTo(round(fleet, 1));
        assertThat(fleet.bikeId(6)).isEqualTo("MT-0000002");
        assertThatThrownBy(() -> new FleetRounds(fences, 10, 6, start, 42)).hasMessageContaining("operators must be 1..5");
    }

    @Test
    void coordinatesArePrintedWithSevenDecimalsAsFormatDoes() {
        for (double v : new double[] {24.4871234, 118.1, -0.00000004, 0, 179.99999996, -12.5000001, 3.14159265358}) {
            assertThat(FleetRounds.fixed7(new StringBuilder(), v).toString()).as("%s", v)
                    .isEqualTo(String.format(java.util.Locale.ROOT, "%.7f", v).replace("-0.0000000", "0.0000000"));
        }
        assertThat(new FleetRounds(fencesForIds(), 10, 1, 0, 1).bikeId(9_999_999)).isEqualTo("HL-10000000");
    }

    private static FenceSet fencesForIds() {
        return GeoJsonFenceLoader.load(DEMO_FENCES);
    }

    @Test
    void theRuleSetAdmitsTheFleetsOperatorsEachWithItsShareAsQuota() {
        RuleSet rules = RuleSetLoader.load(FleetRules.write(DISTRICT_RULES, 1_000_000, 5, tmp.resolve("r/rules.yaml")));
        assertThat(rules.operators()).containsOnlyKeys("hello", "meituan", "qingju", "songguo", "xiangqi");
        assertThat(rules.operators().values()).allSatisfy(q -> assertThat(q.fleetQuota()).isEqualTo(200_000));
        RuleSet district = RuleSetLoader.load(DISTRICT_RULES);
        assertThat(rules.city()).as("the rest is the district's").isEqualTo(district.city());
        assertThat(rules.district()).isEqualTo(district.district());
        assertThat(rules.timeZone()).isEqualTo(district.timeZone());
    }

    private static StateResult result(long fullMs, long laterMs, long laterSize, long heap) {
        return new StateResult(1_000_000, 3_000_000, 0, "EmbeddedRocksDBStateBackend", "FileSystemCheckpointStorage",
                new StateResult.Checkpoint(1, fullMs, 150_000_000, 150_000_000),
                new StateResult.Checkpoint(2, laterMs, laterSize, 40_500_000), heap, 3_400_000_000L);
    }

    @Test
    void theLinesShowEachFigureAgainstItsGoal() {
        assertThat(result(12_400, 6_100, 187_300_000, 812_000_000L).lines()).containsExactly(
                "state backend EmbeddedRocksDBStateBackend, checkpoint storage FileSystemCheckpointStorage; "
                        + "3000000 records read, 0 dead letters",
                "checkpointed bytes per bike: 187.3 B (full size 187.3 MB / 1000000 bikes)  goal <= 300 B: met",
                "first full checkpoint: 12.4 s (150.0 MB)  goal <= 30 s: met",
                "incremental checkpoint after one more report per bike: 6.1 s (40.5 MB uploaded, full size 187.3 MB)  "
                        + "goal <= 10 s: met",
                "heap used after GC: 812.0 MB  goal <= 2 GB: met  (process RSS 3.4 GB, with RocksDB's native memory)");
        List<String> missed = result(30_001, 10_001, 300_000_001, (2L << 30) + 1).lines();
        assertThat(missed.subList(1, 5)).allSatisfy(line -> assertThat(line).contains(": MISSED")
                .doesNotContain(": met"));
        assertThat(StateResult.size(999)).isEqualTo("999 B");
        assertThat(StateResult.size(1_500)).isEqualTo("1.5 kB");
    }

    @Test
    void aTimeoutNamesTheBusiestTaskThreadWithItsFrameOfBikefence() throws Exception {
        java.util.concurrent.CountDownLatch busy = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread t = new Thread(() -> spin(busy, stop), "bike-tracker -> (violation-points) (1/2)#0");
        t.start();
        try {
            busy.await();
            List<String> lines = StateRun.busiestThreads(3);
            assertThat(lines).isNotEmpty();
            assertThat(lines.get(0)).startsWith("bike-tracker -> (violation-points) (1/2)#0: ")
                    .contains(" s CPU, at ").contains(", in org.bikefence.cli.bench.StateBenchTest.spin(");
        } finally {
            stop.set(true);
            t.join();
        }
    }

    private static void spin(java.util.concurrent.CountDownLatch busy, java.util.concurrent.atomic.AtomicBoolean stop) {
        long cpu0 = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        double x = 0;
        while (!stop.get()) {
            x += Math.sqrt(x + 1);
            if (busy.getCount() > 0
                    && java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu0 > 3e8) {
                busy.countDown();
            }
        }
        assertThat(x).isPositive();
    }

    @Test
    void aFailedRunIsReportedByTheLastExceptionInItsLog() throws Exception {
        Path log = tmp.resolve("run.log");
        java.nio.file.Files.writeString(log, "bench-state| first checkpoint triggered\n"
                + "java.lang.IllegalStateException: stopped after 12 minutes: the tracker has 5 of 9 records\n"
                + "\tat org.bikefence.cli.bench.StateRun.awaitRecords(StateRun.java:1)\n");
        assertThat(StateBench.cause(log)).isEqualTo("stopped after 12 minutes: the tracker has 5 of 9 records");
        java.nio.file.Files.writeString(log, "one\nlast line\n");
        assertThat(StateBench.cause(log)).isEqualTo("last line");
    }

    @Test
    void theResultFileReadsBackAndAMissingKeyIsNamed() {
        StateResult r = result(12_400, 6_100, 187_300_000, 812_000_000L);
        assertThat(StateResult.parse(r.toProperties())).isEqualTo(r);
        String withoutHeap = r.toProperties().replaceAll("(?m)^heapAfterGcBytes=.*\\n", "");
        assertThatThrownBy(() -> StateResult.parse(withoutHeap)).hasMessage("bench state result: no 'heapAfterGcBytes'");
        assertThatThrownBy(() -> StateResult.parse(r.toProperties().replace("later.durationMs=6100", "later.durationMs=x")))
                .hasMessage("bench state result: 'later.durationMs' is not a number: 'x'");
    }
}
