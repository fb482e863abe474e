package org.bikefence.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.io.OutputStream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.bikefence.config.JobOptions;
import org.bikefence.geofence.GeoJsonFenceLoader;
import org.bikefence.simulator.FleetSimulator;
import org.bikefence.simulator.OperatorProfile;
import org.bikefence.simulator.SimRecord;
import org.bikefence.simulator.Switches;
import org.bikefence.testing.FlinkTestCluster;
import org.bikefence.testing.JobOutput;
import org.bikefence.testing.InfluxdExtension;
import org.bikefence.testing.NoKryo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replays of simulated days (dev-support's FleetSimulator, every switch on) on a MiniCluster into a real influxd,
 * compared measurement by measurement, row by row, tags and fields included: the output must not depend on when
 * the source happens to emit its watermarks (the end of the input included), nor, for files that each hold a
 * bike-hash bucket of the archive, on the parallelism that reads them.
 */
class ReplayPartitionedITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestCluster.twoSlots();

    /** Where the replays of this class checkpoint (a replay takes its checkpoint directory as an option). */
    private static final Path REPLAY_CHECKPOINTS = Path.of("target", "replay-partitioned-checkpoints").toAbsolutePath();

    @RegisterExtension
    static final InfluxdExtension INFLUX = new InfluxdExtension();

    static final String RULES = "src/test/resources/rules/sim-huli.yaml";
    static final String FENCES = "../geo-fences/fences/huli-demo.geojson";
    /** Midnight in Xiamen, 10 November 2026. */
    static final long START = Instant.parse("2026-11-09T16:00:00Z").toEpochMilli();
    static final long END = START + 24 * 3_600_000L;
    /** Flink's default auto-watermark interval. */
    static final Duration DEFAULT_INTERVAL = Duration.ofMillis(200);

    @TempDir
    Path tmp;

    @Test
    void filesOfBikeHashBucketsGiveTheSamePointsReadSeriallyInParallelAndAsOneFileInTimeOrder() throws Exception {
        Day day = bucketedDay(3);
        Path whole = day.whole();
        Path[] files = day.buckets();
        long records = day.records();
        int buckets = files.length;

        Map<String, List<String>> inOrder = replay("one_file", DEFAULT_INTERVAL, 1, false, whole);
        Map<String, List<String>> serial = replay("buckets_p1", DEFAULT_INTERVAL, 1, true, files);
        Map<String, List<String>> parallel = replay("buckets_p2", DEFAULT_INTERVAL, 2, true, files);

        System.out.printf("%,d records in %d files: %,d points%n", records, buckets, JobOutput.points(serial));
        assertThat(serial).as("measurements").containsKeys("violation", "operator_minute", "operator_month",
                "deduction", "accumulation");
        assertThat(JobOutput.difference(serial, "p=1", parallel, "p=2")
                + JobOutput.difference(inOrder, "one file", serial, "p=1")).as("differences").isEmpty();
    }

    /**
     * A key-partitioned replay at parallelism 2 (its first file gzip) loses its TaskManager once it has completed
     * a checkpoint, restarts from that checkpoint on a new one, and must leave the points of a replay without
     * failure.
     */
    @Test
    void aKeyPartitionedReplayRestoredFromACheckpointWritesThePointsOfOneWithoutFailure(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        Day day = bucketedDay(3);
        Map<String, List<String>> clean = replay("no_failure", DEFAULT_INTERVAL, 2, true, day.buckets());

        Path gz = tmp.resolve("bucket-0.jsonl.gz");
        try (OutputStream z = new GZIPOutputStream(Files.newOutputStream(gz))) {
            z.write(Files.readAllBytes(day.buckets()[0]));
        }
        Path[] files = {gz, day.buckets()[1], day.buckets()[2]};
        ExecutorService runner = Executors.newSingleThreadExecutor();
        try {
            Future<Map<String, List<String>>> restored = runner.submit(
                    () -> replay("restored", DEFAULT_INTERVAL, 2, true, files));
            JobID job = awaitCheckpoint(cluster, restored);
            cluster.terminateTaskManager(0).get(30, TimeUnit.SECONDS);
            cluster.startTaskManager();
            Map<String, List<String>> after = restored.get(10, TimeUnit.MINUTES);

            assertThat(cluster.getArchivedExecutionGraph(job).get(30, TimeUnit.SECONDS).getCheckpointStatsSnapshot()
                    .getLatestRestoredCheckpoint()).as("the checkpoint the replay restarted from").isNotNull();
            assertThat(JobOutput.difference(clean, "without failure", after, "restored from a checkpoint"))
                    .as("differences").isEmpty();
        } finally {
            runner.shutdownNow();
        }
    }

    /** The running replay's job, once it has completed a checkpoint (its {@code _metadata} is written). */
    private static JobID awaitCheckpoint(MiniCluster cluster, Future<?> replay) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline) {
            for (JobStatusMessage j : cluster.listJobs().get(30, TimeUnit.SECONDS)) {
                Path dir = REPLAY_CHECKPOINTS.resolve(j.getJobId().toHexString());
                if (j.getJobState() == JobStatus.RUNNING && Files.isDirectory(dir)) {
                    try (var chk = Files.list(dir)) {
                        if (chk.anyMatch(c -> Files.exists(c.resolve("_metadata")))) {
                            return j.getJobId();
                        }
                    }
                }
            }
            if (replay.isDone()) {
                replay.get();
                throw new AssertionError("the replay ended before it completed a checkpoint");
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        throw new AssertionError("the replay completed no checkpoint within 5 minutes");
    }

    /**
     * Zombies whose deadline passes before the archive ends, though no report of theirs comes after it: the
     * simulated fleet's first reports (each bike parked), then one bike reporting every ten minutes for nine days. The
     * live job's watermark passes the seven-day deadlines; a replay's must too, however seldom its source emits
     * watermarks (before, whatever the periodic emitter had reached when the input ran out decided it).
     */
    @Test
    void aReplayWritesTheSamePointsWhetherItsWatermarksComeEveryMillisecondOrOnlyAtTheEnd(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        List<SimRecord> first = new ArrayList<>();
        simulate(sim -> sim.advanceTo(START + 5 * 60_000L, first::add));
        Path file = tmp.resolve("zombies.jsonl");
        long parked = 0;
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (SimRecord r : first) {
                if (seen.add(r.key)) {
                    line(out).accept(r);
                    parked += r.value.contains("\"state\":\"parked\"") ? 1 : 0;
                }
            }
            // The clock: the last of those reports (the scripted bikes' history starts days before the others).
            SimRecord clock = first.get(first.size() - 1);
            for (long t = clock.ts + 600_000L; t <= clock.ts + 9 * 24 * 3_600_000L; t += 600_000L) {
                out.write(clock.value.replace("\"ts\":" + clock.ts + ",", "\"ts\":" + t + ","));
                out.write('\n');
            }
        }

        Map<String, List<String>> often = replay("wm_often", Duration.ofMillis(1), 1, false, file);
        Map<String, List<String>> atEnd = replay("wm_at_end", Duration.ofHours(1), 1, false, file);

        // Every bike parked in its only report (and the clock bike) stood still for seven days within the input.
        assertThat(often.get("violation")).as("zombie violations").filteredOn(row -> row.contains(" type=zombie"))
                .hasSizeGreaterThanOrEqualTo((int) parked);
        assertThat(JobOutput.difference(often, "watermarks every ms", atEnd, "watermark at the end only"))
                .as("differences").isEmpty();
        // A replay takes no fence updates, so classification has no second input that could hold the positions'
        // watermark back: with an empty fence-update source, a replay read before that source had ended lost every
        // watermark but the last (about one replay in four, repeated in one warm JVM; rarely on a cold one).
        for (JobStatusMessage j : cluster.listJobs().get(30, TimeUnit.SECONDS)) {
            var graph = cluster.getArchivedExecutionGraph(j.getJobId()).get(30, TimeUnit.SECONDS);
            List<String> vertices = new ArrayList<>();
            graph.getVerticesTopologically().forEach(v -> vertices.add(v.getName()));
            assertThat(vertices).as("the tasks of %s", j.getJobName()).noneMatch(n -> n.contains("geofences"));
        }
    }

    /** A simulated day as one file in time order and as bike-hash bucket files. */
    record Day(Path whole, Path[] buckets, long records) {}

    private Day bucketedDay(int buckets) throws IOException {
        Path whole = tmp.resolve("whole.jsonl");
        List<Path> parts = new ArrayList<>();
        List<BufferedWriter> outs = new ArrayList<>();
        long records;
        try (BufferedWriter all = Files.newBufferedWriter(whole, StandardCharsets.UTF_8)) {
            for (int b = 0; b < buckets; b++) {
                parts.add(tmp.resolve("bucket-" + b + ".jsonl"));
                outs.add(Files.newBufferedWriter(parts.get(b), StandardCharsets.UTF_8));
            }
            Consumer<SimRecord> toAll = line(all);
            records = simulate(sim -> sim.advanceTo(END, r -> {
                toAll.accept(r);
                // The bucket of the record's key, the bike id: each bike's records stay in one file, in order.
                line(outs.get(Math.floorMod(r.key.hashCode(), buckets))).accept(r);
            }));
        } finally {
            for (BufferedWriter w : outs) {
                w.close();
            }
        }
        for (Path p : parts) {
            assertThat(Files.size(p)).as(p.toString()).isPositive();
        }
        return new Day(whole, parts.toArray(new Path[0]), records);
    }

    /** The simulated day, every switch on, given to {@code run}; returns how many records it produced. */
    private static long simulate(Consumer<FleetSimulator> run) throws IOException {
        // No bad records: a dead letter counts at the wall-clock time of its rejection, not in the replayed days.
        Switches every = Switches.builder().zombies(1).longFaulty(1).noParkStays(3).outOfArea(2).piles(1).silent(1)
                .badPerMille(0).build();
        List<OperatorProfile> operators = OperatorProfile.demo().stream().map(o -> o.withSwitches(every)).toList();
        FleetSimulator sim = new FleetSimulator(GeoJsonFenceLoader.load(Path.of(FENCES)), operators, 15, START, 7, 0);
        run.accept(sim);
        return sim.produced();
    }

    private static Consumer<SimRecord> line(BufferedWriter out) {
        return r -> {
            try {
                out.write(r.value);
                out.write('\n');
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
    }

    /** Replays the files into a new database and returns its measurements. */
    private Map<String, List<String>> replay(String name, Duration watermarkInterval, int parallelism,
            boolean partitioned, Path... files) throws Exception {
        String db = name + "_" + System.nanoTime();
        INFLUX.influxd().createDatabase(db);
        List<String> args = new ArrayList<>();
        args.add("--from");
        for (Path f : files) {
            args.add(f.toString());
        }
        args.addAll(List.of(
                "--checkpoint-dir", REPLAY_CHECKPOINTS.toString(),
                "--dlq", tmp.resolve(name + "-dlq.jsonl").toString(),
                "--progress", "off",
                "--" + JobOptions.FENCES.key(), FENCES,
                "--" + JobOptions.RULES.key(), RULES,
                "--" + JobOptions.CHECKPOINT_INTERVAL_MS.key(), "1000",
                "--" + JobOptions.PARALLELISM.key(), Integer.toString(parallelism),
                "--influx.url", INFLUX.influxd().url(),
                "--influx.db", db));
        if (partitioned) {
            args.add("--key-partitioned");
        }
        StreamExecutionEnvironment env = NoKryo.environment();
        env.getConfig().setAutoWatermarkInterval(watermarkInterval.toMillis());
        long t0 = System.nanoTime();
        Replay.Result r = Replay.run(ReplayCommand.parse(args.toArray(new String[0])), Map.of(), env,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false);
        System.out.printf("%s: %,d records in %.1f s%n", name, r.records(), (System.nanoTime() - t0) / 1e9);
        return JobOutput.measurements(INFLUX.influxd(), db);
    }
}
