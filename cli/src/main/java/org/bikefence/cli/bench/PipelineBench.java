package org.bikefence.cli.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.bikefence.config.JobOptions;
import org.bikefence.geofence.FenceSet;
import org.bikefence.geofence.GeoJsonFenceLoader;
import org.bikefence.influx.InfluxSchema;
import org.bikefence.local.LocalInfluxd;
import org.bikefence.local.LocalKafka;
import org.bikefence.model.Topics;

/**
 * {@code bench pipeline}: pre-loads a topic on a local broker with synthetic positions, then runs each variant
 * ({@link Variant}) at each parallelism as a fresh job in a JVM of its own ({@link PipelineRun}, same class
 * path), prints one line per run and, last, the full/bare ratio per parallelism.
 */
public final class PipelineBench {
    static final String TOPIC = Topics.POSITIONS;
    static final long SEED = 42;
    private static final long RUN_TIMEOUT_MINUTES = 30;
    static final List<String> CHILD_JVM = List.of("-Xms1g", "-Xmx2g");

    /** What to run; {@code root} is the project root, where the fences and rule set are. */
    public record Settings(long records, int bikes, int partitions, List<Integer> parallelisms, int runsPerVariant,
            int warmupRuns, List<Variant> variants, Path workDir, Path jfrDir, Map<String, String> jobOptions,
            List<String> jvmOptions, boolean threadCpu, Path root) {}

    /** One planned run. */
    record Planned(Variant variant, int parallelism, int run) {
        String name() {
            return variant.label() + "-p" + parallelism + "-r" + run;
        }
    }

    private final Settings s;
    private final PrintWriter out;

    public PipelineBench(Settings settings, PrintWriter out) {
        this.s = settings;
        this.out = out;
    }

    /** Round by round, each round every parallelism in order, each parallelism every variant in order. */
    static List<Planned> plan(Settings s) {
        List<Planned> plan = new ArrayList<>();
        for (int r = 1; r <= s.runsPerVariant(); r++) {
            for (int p : s.parallelisms()) {
                for (Variant v : s.variants()) {
                    plan.add(new Planned(v, p, r));
                }
            }
        }
        return plan;
    }

    /** Runs the benchmark; the last line printed is {@link RunResult#ratioLine}. */
    public List<RunResult> run() throws Exception {
        Path work = s.workDir().toAbsolutePath().normalize();
        // Only what this benchmark keeps there (LocalKafka formats its own data directory afresh).
        for (String own : List.of("influxdb", "runs", "tmp", "checkpoints")) {
            deleteRecursively(work.resolve(own));
        }
        Files.createDirectories(work.resolve("runs"));
        Files.createDirectories(work.resolve("tmp"));
        Path fences = s.root().resolve(JobOptions.FENCES.defaultValue()).toAbsolutePath().normalize();
        Path rules = s.root().resolve(JobOptions.RULES.defaultValue()).toAbsolutePath().normalize();
        String classpath = absolute(System.getProperty("bikefence.broker.classpath",
                System.getProperty("java.class.path")));
        out.printf(Locale.ROOT, "bench pipeline: %d records of %d bikes, topic %s with %d partitions; %s; "
                + "%d cores, load average %.2f%n", s.records(), s.bikes(), TOPIC, s.partitions(),
                s.warmupRuns() == 0 ? "each run a fresh job in a fresh JVM"
                        : "each run a fresh job after " + s.warmupRuns() + " untimed run(s) of it in the same JVM",
                Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        List<RunResult> results = new ArrayList<>();
        try (LocalKafka kafka = LocalKafka.builder(work.resolve("kafka"), classpath).numPartitions(s.partitions())
                        // Event times are up to a day or more old: nothing may be deleted by age.
                        .serverProperty("log.retention.ms", "-1").start();
                LocalInfluxd influx = LocalInfluxd.start(work.resolve("influxdb"))) {
            kafka.createTopics(s.partitions(), TOPIC, Topics.POSITIONS_DLQ);
            preload(kafka, GeoJsonFenceLoader.load(fences));
            int i = 0;
            for (Planned p : plan(s)) {
                String db = "bench_" + (++i);
                influx.createDatabase(db);
                RunResult r = fork(p, work, classpath, kafka.bootstrapServers(), influx.url(), db, fences, rules);
                if (p.variant() == Variant.FULL
                        && influx.rows(db, "SELECT count(*) FROM " + InfluxSchema.OPERATOR_MINUTE).isEmpty()) {
                    throw new IllegalStateException("run " + p.name() + " wrote no " + InfluxSchema.OPERATOR_MINUTE
                            + " points to InfluxDB database " + db);
                }
                results.add(r);
                out.println(r.line());
                out.flush();
            }
        }
        out.println(RunResult.ratioLine(results, s.parallelisms()));
        out.flush();
        return results;
    }

    private void preload(LocalKafka kafka, FenceSet fences) {
        long t0 = System.nanoTime();
        Properties props = kafka.producerProps();
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
        AtomicReference<Exception> failed = new AtomicReference<>();
        long[] bytes = {0};
        long start = SyntheticPositions.startFor(System.currentTimeMillis(), s.records(), s.bikes());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            SyntheticPositions.generate(fences, s.records(), s.bikes(), start, SEED, r -> {
                byte[] value = r.value.getBytes(StandardCharsets.UTF_8);
                bytes[0] += value.length;
                producer.send(new ProducerRecord<>(TOPIC, null, r.ts, r.key.getBytes(StandardCharsets.UTF_8), value),
                        (meta, e) -> {
                            if (e != null) {
                                failed.compareAndSet(null, e);
                            }
                        });
            });
            producer.flush();
        }
        if (failed.get() != null) {
            throw new IllegalStateException("pre-loading " + TOPIC + " failed: " + failed.get(), failed.get());
        }
        out.printf(Locale.ROOT, "pre-loaded %d records (%.1f MB of JSON values) in %.1f s%n", s.records(),
                bytes[0] / 1e6, (System.nanoTime() - t0) / 1e9);
        out.flush();
    }

    private RunResult fork(Planned p, Path work, String classpath, String bootstrap, String influxUrl, String db,
            Path fences, Path rules) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(CHILD_JVM);
        cmd.addAll(s.jvmOptions());
        cmd.add("-Djava.io.tmpdir=" + work.resolve("tmp"));
        Path jfr = null;
        if (s.jfrDir() != null) {
            Path dir = Files.createDirectories(s.jfrDir().toAbsolutePath());
            jfr = dir.resolve(p.name() + ".jfr");
            cmd.add("-XX:StartFlightRecording=settings=profile,jdk.ExecutionSample#period=1ms,filename=" + jfr);
        }
        Path result = work.resolve("runs").resolve(p.name() + ".result");
        cmd.addAll(List.of("-cp", classpath, PipelineRun.class.getName(),
                "--variant", p.variant().label(), "--parallelism", Integer.toString(p.parallelism()),
                "--bootstrap", bootstrap, "--topic", TOPIC, "--group", "bench-" + p.name(),
                "--influx-url", influxUrl, "--influx-db", db, "--fences", fences.toString(),
                "--rules", rules.toString(), "--checkpoints", work.resolve("checkpoints").resolve(p.name()).toString(),
                "--result", result.toString(), "--warmup-runs", Integer.toString(s.warmupRuns())));
        s.jobOptions().forEach((k, v) -> cmd.addAll(List.of("--job-option", k + "=" + v)));
        Path threads = work.resolve("runs").resolve(p.name() + ".threads");
        if (s.threadCpu()) {
            cmd.addAll(List.of("--thread-cpu", threads.toString()));
        }
        Path log = work.resolve("runs").resolve(p.name() + ".log");
        Process child = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        try {
            if (!child.waitFor(RUN_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                child.destroyForcibly();
                throw new IllegalStateException("run " + p.name() + " took more than " + RUN_TIMEOUT_MINUTES
                        + " minutes; its log: " + log);
            }
        } catch (InterruptedException e) {
            child.destroyForcibly();
            throw e;
        }
        if (child.exitValue() != 0 || !Files.isRegularFile(result)) {
            throw new IllegalStateException("run " + p.name() + " failed (exit " + child.exitValue() + "); its log "
                    + log + " ends:\n" + tail(log, 20));
        }
        String[] fields = Files.readString(result, StandardCharsets.UTF_8).trim().split(" ");
        RunResult r = new RunResult(p.variant(), p.parallelism(), p.run(), Long.parseLong(fields[0]),
                Long.parseLong(fields[1]));
        if (r.records() != s.records()) {
            throw new IllegalStateException("run " + p.name() + " read " + r.records() + " records; the topic holds "
                    + s.records() + " (log: " + log + ")");
        }
        if (s.threadCpu()) {
            out.println("  " + p.name() + " " + ThreadCpu.line(ThreadCpu.read(threads), 10));
        }
        if (jfr != null) {
            Path hot = jfr.resolveSibling(p.name() + ".hot.md");
            Files.writeString(hot, HotMethods.report(HotMethods.samples(jfr), 15), StandardCharsets.UTF_8);
        }
        return r;
    }

    /** The class path with each entry absolute: the runs start in the work directory. */
    static String absolute(String classpath) {
        List<String> entries = new ArrayList<>();
        for (String e : classpath.split(java.io.File.pathSeparator)) {
            if (!e.isEmpty()) {
                entries.add(Path.of(e).toAbsolutePath().normalize().toString());
            }
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    static String tail(Path file, int lines) throws IOException {
        List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.delete(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
