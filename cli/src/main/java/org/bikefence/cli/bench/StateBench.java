package org.bikefence.cli.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.bikefence.config.JobOptions;
import org.bikefence.geofence.GeoJsonFenceLoader;
import org.bikefence.influx.InfluxSchema;
import org.bikefence.local.LocalInfluxd;
import org.bikefence.local.LocalKafka;
import org.bikefence.model.Topics;

/**
 * {@code bench state}: a large fleet ({@link FleetRounds}) through the full job on RocksDB (or the heap), measuring
 * what its keyed state costs. It starts a local broker and influxd, pre-loads all rounds of reports but the last,
 * and starts {@link StateRun} in a JVM of its own (same class path); when that run's first checkpoint is done it
 * sends the last round, so the run's second checkpoint is an incremental one after every bike reported once more.
 * It relays the run's progress lines and prints the result against the goals ({@link StateResult#lines}).
 */
public final class StateBench {
    static final String TOPIC = Topics.POSITIONS;
    static final long SEED = 42;
    static final String RUN = "state-run";
    /** Room above the 2 GB goal, so a run that needs more still ends and says how much. */
    static final List<String> CHILD_JVM = List.of("-Xmx4g");
    /** What the bench allows itself beyond the run's own limit (JVM and cluster start, the last checkpoint). */
    private static final long RUN_SLACK_MINUTES = 35;
    private static final long PROGRESS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** What to run; {@code root} is the project root, where the fences and rule set are. */
    public record Settings(int bikes, int operators, int reportsPerBike, int parallelism, String stateBackend,
            int partitions, long maxMinutes, Path workDir, Path root) {
        public long records() {
            return (long) bikes * reportsPerBike;
        }
    }

    private final Settings s;
    private final PrintWriter out;

    public StateBench(Settings settings, PrintWriter out) {
        this.s = settings;
        this.out = out;
    }

    /** Runs the benchmark and returns what the run measured (also printed). */
    public StateResult run() throws Exception {
        Path work = s.workDir().toAbsolutePath().normalize();
        for (String own : List.of("influxdb", RUN, "tmp")) {
            PipelineBench.deleteRecursively(work.resolve(own));
        }
        Path runDir = Files.createDirectories(work.resolve(RUN));
        Files.createDirectories(work.resolve("tmp"));
        Path fences = s.root().resolve(JobOptions.FENCES.defaultValue()).toAbsolutePath().normalize();
        Path rules = FleetRules.write(s.root().resolve(JobOptions.RULES.defaultValue()).toAbsolutePath().normalize(),
                s.bikes(), s.operators(), runDir.resolve("rules.yaml"));
        String classpath = PipelineBench.absolute(System.getProperty("bikefence.broker.classpath",
                System.getProperty("java.class.path")));
        say("bench state: %d bikes of %d operators, %d reports each (%d records), parallelism %d, state backend %s; "
                + "%d cores, load average %.2f", s.bikes(), s.operators(), s.reportsPerBike(), s.records(),
                s.parallelism(), s.stateBackend(), Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        long t0 = System.nanoTime();
        FleetRounds fleet = new FleetRounds(GeoJsonFenceLoader.load(fences), s.bikes(), s.operators(),
                FleetRounds.startFor(System.currentTimeMillis(), s.reportsPerBike()), SEED);
        say("placed %d bikes in %.1f s", s.bikes(), (System.nanoTime() - t0) / 1e9);
        try (LocalKafka kafka = LocalKafka.builder(work.resolve("kafka"), classpath).numPartitions(s.partitions())
                        // Event times are up to (reports + 1) rounds old: nothing may be deleted by age.
                        .serverProperty("log.retention.ms", "-1").start();
                LocalInfluxd influx = LocalInfluxd.start(work.resolve("influxdb"))) {
            kafka.createTopics(s.partitions(), TOPIC, Topics.POSITIONS_DLQ);
            String db = "bench_state";
            influx.createDatabase(db);
            long preloaded = send(kafka, fleet, 0, s.reportsPerBike() - 1);
            StateResult r = fork(work, runDir, classpath, kafka, influx.url(), db, fences, rules, fleet, preloaded);
            if (influx.rows(db, "SELECT count(*) FROM " + InfluxSchema.OPERATOR_MINUTE).isEmpty()) {
                throw new IllegalStateException("the run wrote no " + InfluxSchema.OPERATOR_MINUTE
                        + " points to InfluxDB database " + db);
            }
            for (String line : r.lines()) {
                say("%s", line);
            }
            return r;
        }
    }

    /** Sends rounds {@code from} (inclusive) to {@code to} (exclusive), keyed by bike; returns the records sent. */
    private long send(LocalKafka kafka, FleetRounds fleet, int from, int to) {
        long t0 = System.nanoTime();
        Properties props = kafka.producerProps();
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
        AtomicReference<Exception> failed = new AtomicReference<>();
        long[] sent = {0};
        long[] nextProgress = {t0 + PROGRESS_EVERY_NANOS};
        long n = (long) (to - from) * fleet.bikes();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (int round = from; round < to; round++) {
                fleet.round(round, p -> {
                    producer.send(new ProducerRecord<>(TOPIC, null, p.ts(), p.key().getBytes(StandardCharsets.UTF_8),
                            p.value().getBytes(StandardCharsets.UTF_8)), (meta, e) -> {
                                if (e != null) {
                                    failed.compareAndSet(null, e);
                                }
                            });
                    sent[0]++;
                    if (System.nanoTime() > nextProgress[0]) {
                        say("sending rounds %d-%d: %d of %d records", from + 1, to, sent[0], n);
                        nextProgress[0] += PROGRESS_EVERY_NANOS;
                    }
                });
            }
            producer.flush();
        }
        if (failed.get() != null) {
            throw new IllegalStateException("sending to " + TOPIC + " failed: " + failed.get(), failed.get());
        }
        say("sent round%s %d%s: %d records in %.1f s", to - from > 1 ? "s" : "", from + 1,
                to - from > 1 ? "-" + to : "", sent[0], (System.nanoTime() - t0) / 1e9);
        return sent[0];
    }

    private StateResult fork(Path work, Path runDir, String classpath, LocalKafka kafka, String influxUrl, String db,
            Path fences, Path rules, FleetRounds fleet, long preloaded) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(CHILD_JVM);
        cmd.add("-Djava.io.tmpdir=" + work.resolve("tmp"));
        cmd.addAll(List.of("-cp", classpath, StateRun.class.getName(),
                "--bootstrap", kafka.bootstrapServers(), "--topic", TOPIC, "--group", "bench-state",
                "--influx-url", influxUrl, "--influx-db", db, "--fences", fences.toString(),
                "--rules", rules.toString(), "--parallelism", Integer.toString(s.parallelism()),
                "--state-backend", s.stateBackend(), "--bikes", Integer.toString(s.bikes()),
                "--preloaded", Long.toString(preloaded), "--total", Long.toString(s.records()),
                "--dir", runDir.toString(), "--max-minutes", Long.toString(s.maxMinutes())));
        Path log = runDir.resolve("run.log");
        Process child = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true).start();
        Thread relay = relay(child, log);
        try {
            long limit = s.maxMinutes() + RUN_SLACK_MINUTES;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(limit);
            Path ready = runDir.resolve(StateRun.READY_FOR_LAST_ROUND);
            boolean lastRoundSent = false;
            while (!child.waitFor(200, TimeUnit.MILLISECONDS)) {
                if (!lastRoundSent && Files.exists(ready)) {
                    send(kafka, fleet, s.reportsPerBike() - 1, s.reportsPerBike());
                    lastRoundSent = true;
                }
                if (System.nanoTime() > deadline) {
                    child.destroyForcibly();
                    throw new IllegalStateException("the run took more than " + limit + " minutes; its log: " + log);
                }
            }
        } catch (InterruptedException e) {
            child.destroyForcibly();
            throw e;
        }
        relay.join(TimeUnit.SECONDS.toMillis(10));
        Path result = runDir.resolve("result.properties");
        if (child.exitValue() != 0 || !Files.isRegularFile(result)) {
            throw new IllegalStateException("the run failed (exit " + child.exitValue() + "): "
                    + cause(log) + " (its log: " + log + ")");
        }
        return StateResult.parse(Files.readString(result, StandardCharsets.UTF_8));
    }

    /** The last exception message in the run's log (the reason it stopped), or its last line. */
    static String cause(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        for (int i = lines.size() - 1; i >= 0; i--) {
            String l = lines.get(i);
            int at = l.indexOf("Exception: ");
            if (at >= 0 && !l.startsWith("\t")) {
                return l.substring(at + "Exception: ".length());
            }
        }
        return lines.isEmpty() ? "no output" : lines.get(lines.size() - 1);
    }

    /** Copies the run's output to its log and shows its {@link StateRun#SAY} lines. */
    private Thread relay(Process child, Path log) {
        Thread t = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8)); Writer w = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
                String line;
                while ((line = in.readLine()) != null) {
                    w.write(line);
                    w.write('\n');
                    if (line.startsWith(StateRun.SAY)) {
                        w.flush();
                        say("%s", line.substring(StateRun.SAY.length()));
                    }
                }
            } catch (IOException e) {
                say("reading the run's output failed: %s", e);
            }
        }, "state-run-output");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private synchronized void say(String format, Object... args) {
        out.println(String.format(Locale.ROOT, format, args));
        out.flush();
    }
}
