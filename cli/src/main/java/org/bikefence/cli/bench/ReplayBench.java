package org.bikefence.cli.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.bikefence.config.JobOptions;
import org.bikefence.geofence.GeoJsonFenceLoader;
import org.bikefence.influx.InfluxSchema;
import org.bikefence.local.LocalInfluxd;

/**
 * {@code bench replay}: writes synthetic positions ({@link SyntheticPositions}, the same records as
 * {@code bench pipeline} pre-loads) into files by bike-hash bucket, then replays them once with {@code ./bikefence
 * replay}'s own code and environment ({@link ReplayBenchRun}, a JVM of its own, as {@code bench pipeline} runs each
 * job) into a local influxd, prints records/s and checks what InfluxDB holds: every record and every bike counted
 * in {@code operator_metrics}, no dead letter.
 */
public final class ReplayBench {
    private static final long RUN_TIMEOUT_MINUTES = 60;

    /** What to run; {@code root} is the project root, where the fences, rule set and Flink config are. */
    public record Settings(long records, int bikes, int files, int parallelism, Path workDir, Path root) {}

    /** What a run measured. */
    public record Result(long records, long jobMillis, long wallMillis, long points) {
        public double recordsPerSecond() {
            return records * 1000.0 / Math.max(jobMillis, 1);
        }
    }

    private final Settings s;
    private final PrintWriter out;

    public ReplayBench(Settings settings, PrintWriter out) {
        this.s = settings;
        this.out = out;
    }

    /** Generates the files, runs the replay, checks InfluxDB; the last line printed is the figure. */
    public Result run() throws Exception {
        Path work = s.workDir().toAbsolutePath().normalize();
        for (String own : List.of("influxdb", "runs", "tmp", "checkpoints", "files")) {
            PipelineBench.deleteRecursively(work.resolve(own));
        }
        for (String dir : List.of("runs", "tmp", "files")) {
            Files.createDirectories(work.resolve(dir));
        }
        Path fences = s.root().resolve(JobOptions.FENCES.defaultValue()).toAbsolutePath().normalize();
        Path rules = s.root().resolve(JobOptions.RULES.defaultValue()).toAbsolutePath().normalize();
        out.printf(Locale.ROOT, "bench replay: %,d records of %,d bikes in %d file(s) by bike-hash bucket, "
                + "parallelism %d; %d cores, load average %.2f%n", s.records(), s.bikes(), s.files(), s.parallelism(),
                Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        out.flush();
        List<Path> files = new ArrayList<>();
        long bikes = generate(work.resolve("files"), fences, files);

        try (LocalInfluxd influx = LocalInfluxd.start(work.resolve("influxdb"))) {
            String db = "bench_replay";
            influx.createDatabase(db);
            String classpath = PipelineBench.absolute(System.getProperty("bikefence.broker.classpath",
                    System.getProperty("java.class.path")));
            long[] measured = fork(work, classpath, influx.url(), db, fences, rules, files);
            Result r = check(influx, db, measured, bikes, work);
            out.printf(Locale.ROOT, "replay p=%d, %d file(s): %,d records in %.1f s job time (%.1f s wall): "
                    + "%,.0f records/s%n", s.parallelism(), s.files(), r.records(), r.jobMillis() / 1000.0,
                    r.wallMillis() / 1000.0, r.recordsPerSecond());
            out.flush();
            return r;
        }
    }

    /** Writes the records into the bucket files; returns how many distinct bikes they come from. */
    private long generate(Path dir, Path fences, List<Path> files) throws IOException {
        long t0 = System.nanoTime();
        List<BufferedWriter> writers = new ArrayList<>();
        Set<String> bikes = new HashSet<>();
        long[] bytes = {0};
        try {
            for (int i = 0; i < s.files(); i++) {
                Path f = dir.resolve(String.format(Locale.ROOT, "bucket-%02d.jsonl", i));
                files.add(f);
                writers.add(Files.newBufferedWriter(f, StandardCharsets.UTF_8));
            }
            long start = SyntheticPositions.startFor(System.currentTimeMillis(), s.records(), s.bikes());
            SyntheticPositions.generate(GeoJsonFenceLoader.load(fences), s.records(), s.bikes(), start,
                    PipelineBench.SEED, r -> {
                        bikes.add(r.key);
                        try {
                            BufferedWriter w = writers.get(Math.floorMod(r.key.hashCode(), s.files()));
                            w.write(r.value);
                            w.write('\n');
                            bytes[0] += r.value.length() + 1;
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
        } finally {
            for (BufferedWriter w : writers) {
                w.close();
            }
        }
        out.printf(Locale.ROOT, "wrote %,d records (%.1f MB) of %,d bikes in %.1f s%n", s.records(), bytes[0] / 1e6,
                bikes.size(), (System.nanoTime() - t0) / 1e9);
        out.flush();
        return bikes.size();
    }

    private long[] fork(Path work, String classpath, String influxUrl, String db, Path fences, Path rules,
            List<Path> files) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(PipelineBench.CHILD_JVM);
        cmd.add("-Djava.io.tmpdir=" + work.resolve("tmp"));
        Path result = work.resolve("runs").resolve("replay.result");
        cmd.addAll(List.of("-cp", classpath, ReplayBenchRun.class.getName(),
                "--parallelism", Integer.toString(s.parallelism()), "--influx-url", influxUrl, "--influx-db", db,
                "--fences", fences.toString(), "--rules", rules.toString(),
                "--conf-dir", s.root().resolve("docker/flink").toAbsolutePath().normalize().toString(),
                "--checkpoints", work.resolve("checkpoints").toString(),
                "--dlq", work.resolve("runs").resolve("replay-dlq.jsonl").toString(), "--result", result.toString()));
        files.forEach(f -> cmd.add(f.toString()));
        Path log = work.resolve("runs").resolve("replay.log");
        long t0 = System.nanoTime();
        Process child = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        try {
            if (!child.waitFor(RUN_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                child.destroyForcibly();
                throw new IllegalStateException("the replay took more than " + RUN_TIMEOUT_MINUTES
                        + " minutes; its log: " + log);
            }
        } catch (InterruptedException e) {
            child.destroyForcibly();
            throw e;
        }
        long wall = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        if (child.exitValue() != 0 || !Files.isRegularFile(result)) {
            throw new IllegalStateException("the replay failed (exit " + child.exitValue() + "); its log " + log
                    + " ends:\n" + PipelineBench.tail(log, 30));
        }
        String[] f = Files.readString(result, StandardCharsets.UTF_8).trim().split(" ");
        return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), wall};
    }

    /** Checks the run against what was generated and what InfluxDB holds; fails with what differs. */
    private Result check(LocalInfluxd influx, String db, long[] measured, long bikes, Path work) throws IOException {
        long records = measured[0];
        long deadLetters = measured[2];
        Map<String, Long> points = new LinkedHashMap<>();
        for (List<Object> m : influx.rows(db, "SHOW MEASUREMENTS")) {
            String name = String.valueOf(m.get(0));
            long n = 0;
            for (List<Object> row : influx.rows(db, "SELECT count(*) FROM \"" + name + "\"")) {
                for (Object v : row.subList(1, row.size())) {
                    n = Math.max(n, v instanceof Number num ? num.longValue() : 0);
                }
            }
            points.put(name, n);
        }
        long counted = sum(influx, db, InfluxSchema.FIELD_RECORDS);
        long bikesCounted = sum(influx, db, InfluxSchema.FIELD_BIKES);
        out.printf(Locale.ROOT, "points: %s; operator_metrics: %,d records, %,d bikes; %,d dead letters%n", points,
                counted, bikesCounted, deadLetters);
        List<String> wrong = new ArrayList<>();
        if (records != s.records()) {
            wrong.add("the source emitted " + records + " records of " + s.records());
        }
        if (deadLetters != 0) {
            wrong.add(deadLetters + " dead letters (the synthetic records are all valid): " + work.resolve("runs"));
        }
        if (counted != s.records()) {
            wrong.add("operator_metrics counts " + counted + " records of " + s.records());
        }
        if (bikesCounted != bikes) {
            wrong.add("operator_metrics counts " + bikesCounted + " bikes of " + bikes);
        }
        for (String m : List.of(InfluxSchema.OPERATOR_MINUTE, InfluxSchema.OPERATOR_METRICS)) {
            if (points.getOrDefault(m, 0L) == 0) {
                wrong.add("no " + m + " points");
            }
        }
        if (!wrong.isEmpty()) {
            throw new IllegalStateException("bench replay: " + String.join("; ", wrong));
        }
        return new Result(records, measured[1], measured[3], points.values().stream().mapToLong(Long::longValue).sum());
    }

    /** The sum over operators and months of an {@code operator_metrics} field (its latest value per series). */
    private static long sum(LocalInfluxd influx, String db, String field) throws IOException {
        List<List<Object>> rows = influx.rows(db, "SELECT sum(\"" + field + "\") FROM \""
                + InfluxSchema.OPERATOR_METRICS + "\"");
        return rows.isEmpty() || !(rows.get(0).get(1) instanceof Number n) ? 0 : n.longValue();
    }
}
