package org.bikefence.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.bikefence.influx.InfluxSchema;
import org.bikefence.model.DemoEndpoints;
import org.bikefence.config.JobConfig;
import org.bikefence.config.JobOptions;
import org.bikefence.config.LocalRuntime;
import org.bikefence.geofence.FenceSet;
import org.bikefence.geofence.GeoJsonFenceLoader;
import org.bikefence.job.BikefenceJob;
import org.bikefence.job.JobMain;
import org.bikefence.model.Topics;
import org.bikefence.local.LocalInfluxd;
import org.bikefence.local.LocalKafka;
import org.bikefence.simulator.FleetSimulator;
import org.bikefence.simulator.OperatorProfile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./bikefence demo}: a real Kafka broker and influxd, the simulated fleet, the Flink job with its
 * web UI, and a live scoreboard read back from InfluxDB.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs the whole pipeline on this machine with a live scoreboard.",
            "Starts Kafka and influxd, runs the fleet simulator and the Flink job (web UI on localhost), and prints "
                    + "a live per-operator scoreboard. Ctrl-C stops everything; the data stays in InfluxDB."})
public final class Demo implements Callable<Integer> {
    private static final ZoneId XIAMEN = ZoneId.of("Asia/Shanghai");
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(XIAMEN);
    /** How long the job may take to end once cancelled before the broker and influxd are stopped anyway. */
    private static final Duration JOB_STOP_TIMEOUT = Duration.ofSeconds(6);

    @Spec
    CommandSpec spec;

    @Option(names = "--duration", paramLabel = "D", defaultValue = "10m",
            description = "how long to run, e.g. 90s, 10m, 1h (default: ${DEFAULT-VALUE})")
    Duration duration;

    @Option(names = "--bikes", paramLabel = "N", defaultValue = "2000",
            description = "simulated bikes, split over 3 operators (default: ${DEFAULT-VALUE})")
    int bikes;

    @Option(names = "--speedup", paramLabel = "X", defaultValue = "60",
            description = "simulated seconds per real second (default: ${DEFAULT-VALUE})")
    double speedup;

    @Option(names = "--bad-per-mille", paramLabel = "N", defaultValue = "2",
            description = "invalid records per thousand, sent to the DLQ, 0..1000 (default: ${DEFAULT-VALUE})")
    double badPerMille;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
            description = "simulator seed; same seed, same records (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--kafka-port", paramLabel = "P", defaultValue = "" + DemoEndpoints.KAFKA_PORT,
            description = "Kafka broker port on 127.0.0.1 (default: ${DEFAULT-VALUE})")
    int kafkaPort;

    @Option(names = "--influx-port", paramLabel = "P", defaultValue = "" + DemoEndpoints.INFLUX_PORT,
            description = "influxd HTTP port on 127.0.0.1 (default: ${DEFAULT-VALUE})")
    int influxPort;

    @Option(names = "--web-port", paramLabel = "P", defaultValue = "" + DemoEndpoints.FLINK_WEB_PORT,
            description = "Flink web UI port (default: ${DEFAULT-VALUE})")
    int webPort;

    @Option(names = "--work-dir", paramLabel = "DIR", defaultValue = ".run",
            description = "where Kafka and InfluxDB keep their files (default: ${DEFAULT-VALUE})")
    Path workDir;

    @Option(names = "--every", paramLabel = "D", defaultValue = "5s",
            description = "scoreboard refresh interval (default: ${DEFAULT-VALUE})")
    Duration every;

    @Option(names = "--gbfs-operator", paramLabel = "OP",
            description = "take operator OP (hello, meituan, qingju) through a GBFS feed polled by the ingest "
                    + "adapter every 2 s, instead of writing its positions to Kafka directly (default: none)")
    String gbfsOperator;

    /** Where {@code config.yaml} is read from; the demo runs from the repository root. */
    Path flinkConfDir = LocalRuntime.CONF_DIR;

    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final AtomicLong simClock = new AtomicLong();
    private LocalKafka kafka;
    private Admin admin;
    private LocalInfluxd influx;
    /** The rule set the job runs (today's version), for the assessment's labels. */
    private org.bikefence.rules.RuleSet rules;
    private JobClient job;
    private Thread simulatorThread;
    private FleetSimulator simulator;
    private long lastSent;
    private GbfsDemoFeed gbfsFeed;
    private org.bikefence.ingest.PollingAdapter gbfsAdapter;
    private long lastBoardNanos = System.nanoTime();

    /** {@code demo [options]}; {@code --help} lists them. */
    public static void main(String[] args) {
        System.exit(org.bikefence.geofence.tool.CliSupport.execute(new Demo(), args));
    }

    @Override
    public Integer call() throws Exception {
        if (bikes <= 0) {
            throw new ParameterException(spec.commandLine(), "option '--bikes' must be positive, was " + bikes);
        }
        if (!(speedup > 0)) {
            throw new ParameterException(spec.commandLine(), "option '--speedup' must be positive, was " + speedup);
        }
        if (badPerMille < 0 || badPerMille > 1000) {
            throw new ParameterException(spec.commandLine(),
                    "option '--bad-per-mille' must be within 0..1000, was " + badPerMille);
        }
        if (duration.isNegative() || duration.isZero() || every.isNegative() || every.isZero()) {
            throw new ParameterException(spec.commandLine(), "options '--duration' and '--every' must be positive");
        }
        run();
        return 0;
    }

    private void run() throws Exception {
        // Ctrl-C, kill and a closed terminal stop everything in order (job, broker, influxd) before the JVM's
        // shutdown starts; the hook covers every other way out. Kafka and influxd run in sessions of their own
        // (dev-support OwnSession), so the terminal's SIGINT reaches only this JVM.
        installSignalHandlers();
        Runtime.getRuntime().addShutdownHook(new Thread(this::shutdown, "demo-shutdown"));
        try {
            start();
        } catch (Exception | Error e) {
            shutdown();
            throw e;
        }
    }

    private void start() throws Exception {
        long t0 = System.nanoTime();
        Path work = workDir.toAbsolutePath();
        Files.createDirectories(work);

        for (int[] p : new int[][] {{kafkaPort, 0}, {influxPort, 1}, {webPort, 2}}) {
            requireFreePort(p[0], new String[] {"--kafka-port", "--influx-port", "--web-port"}[p[1]]);
        }
        // Kafka starts fresh each run (the simulator replays from scratch), so do the checkpoints of its offsets;
        // InfluxDB keeps its data.
        deleteRecursively(work.resolve("kafka"));
        deleteRecursively(checkpointDir());
        String brokerClasspath = System.getProperty("bikefence.broker.classpath", System.getProperty("java.class.path"));
        say("starting Kafka (KRaft, own JVM) on 127.0.0.1:%d ...", kafkaPort);
        kafka = LocalKafka.builder(work.resolve("kafka"), brokerClasspath).port(kafkaPort).numPartitions(2).start();
        kafka.createTopics(2, Topics.POSITIONS, Topics.POSITIONS_DLQ);
        kafka.createTopics(1, Topics.GEOFENCES, Topics.RULESETS);
        kafka.createTopics(2, Topics.VIOLATIONS);
        java.util.Properties adminProps = kafka.producerProps();
        adminProps.put("request.timeout.ms", "3000");
        adminProps.put("default.api.timeout.ms", "5000");
        admin = Admin.create(adminProps);
        say("Kafka ready in %.1f s", kafka.startupTime().toMillis() / 1000.0);

        say("starting influxd on 127.0.0.1:%d (data in %s) ...", influxPort, work.resolve("influxdb"));
        influx = LocalInfluxd.start(work.resolve("influxdb"), influxPort);
        say("influxd ready in %.1f s", influx.startupTime().toMillis() / 1000.0);

        JobConfig config = JobConfig.fromArgs(new String[] {
            "--" + JobOptions.KAFKA_BOOTSTRAP.key(), kafka.bootstrapServers(),
            "--" + JobOptions.KAFKA_STARTING_OFFSETS.key(), "earliest",
            // Live rule-set versions: ./bikefence rules publish FILE.yaml while the demo runs.
            "--" + JobOptions.KAFKA_RULESETS_TOPIC.key(), Topics.RULESETS,
            "--" + JobOptions.CHECKPOINT_INTERVAL_MS.key(), "5000",
            "--" + JobOptions.PARALLELISM.key(), "2",
            "--influx.url", influx.url(),
            "--influx.flush-interval-ms", "1000",
        }, Map.of());
        // The job's own check: influxd answers, and the default database is created when it is new.
        JobMain.checkInflux(config, true);
        BikefenceJob pipeline = JobMain.create(config);
        rules = JobMain.settings(config).rules();
        StreamExecutionEnvironment env = environment(config);
        pipeline.build(env);
        job = env.executeAsync("bikefence demo");
        say("Flink job %s running (state backend %s, checkpoints in %s); web UI http://localhost:%d", job.getJobID(),
                env.getConfiguration().get(StateBackendOptions.STATE_BACKEND), checkpointDir(), webPort);
        say("ready in %.1f s; while it runs: influx -port %d -database bikefence -execute "
                + "'SELECT count(*) FROM violation'", (System.nanoTime() - t0) / 1e9, influx.port());

        FenceSet fences = GeoJsonFenceLoader.load(config.path(JobOptions.FENCES));
        long simSpanMs = (long) (duration.toMillis() * speedup);
        // The simulated day ends at the wall clock, so no report is ever in the future.
        long simStart = (System.currentTimeMillis() - simSpanMs) / 60_000L * 60_000L;
        simulator = new FleetSimulator(fences, OperatorProfile.demo(), bikes, simStart, seed,
                badPerMille);
        if (gbfsOperator != null) {
            startGbfsFeed(simSpanMs);
        }
        simulatorThread = new Thread(() -> simulate(simStart), "fleet-simulator");
        simulatorThread.setDaemon(true);
        simulatorThread.start();

        long deadline = System.nanoTime() + duration.toNanos();
        while (!stopping.get() && System.nanoTime() < deadline) {
            if (stopped.await(every.toMillis(), TimeUnit.MILLISECONDS)) {
                break;
            }
            if (job.getJobStatus().get().isGloballyTerminalState()) {
                say("the Flink job ended: %s", job.getJobStatus().get());
                break;
            }
            printScoreboard(t0);
        }
        if (stopping.get()) {
            // A signal is stopping everything, and its handler exits the JVM with the signal's status when that
            // is done: returning from here would race it with exit status 0.
            new CountDownLatch(1).await();
        }
        printScoreboard(t0);
        say("done; to query the kept data later: ./bikefence influxd --port %d, then influx -port %d "
                + "-database bikefence", influx.port(), influx.port());
        shutdown();
        System.exit(0);
    }

    /**
     * Replaces the JVM's handlers of SIGINT, SIGTERM and SIGHUP, which would start the shutdown hooks at once, all
     * together: Flink's own hooks (deleting its blob and temporary directories) would then run while the job still
     * writes. The handler first stops everything in order ({@link #shutdown()}), then exits with 128 + the signal
     * number, as a shell reports a process ended by a signal. A second Ctrl-C while stopping exits at once (the
     * hooks still stop Kafka and influxd). Where a signal cannot be handled (-Xrs), the shutdown hook does it all.
     */
    private void installSignalHandlers() {
        for (String name : List.of("INT", "TERM", "HUP")) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> {
                    if (stopping.get()) {
                        Runtime.getRuntime().exit(128 + signal.getNumber());
                    }
                    shutdown();
                    Runtime.getRuntime().exit(128 + signal.getNumber());
                });
            } catch (IllegalArgumentException notHere) {
                // This JVM keeps the signal for itself: the shutdown hook stops everything.
            }
        }
    }

    /**
     * The local Flink's settings: {@code docker/flink/config.yaml} (RocksDB, incremental checkpoints), the web UI
     * port, and checkpoints as files under the work directory: keyed state outgrows the JobManager's 5 MB
     * in-memory checkpoints from a few thousand bikes on.
     */
    Configuration flinkConfiguration() {
        Configuration conf = LocalRuntime.load(flinkConfDir);
        conf.set(RestOptions.PORT, webPort);
        conf.addAll(LocalRuntime.checkpointsIn(checkpointDir()));
        return conf;
    }

    /** The demo's Flink with the job's settings, ready for {@code pipeline.build(env)}. */
    StreamExecutionEnvironment environment(JobConfig config) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(flinkConfiguration());
        JobMain.configure(env, config);
        LocalRuntime.requireDurableCheckpointStorage(env.getConfiguration(), "the demo's Flink configuration");
        return env;
    }

    private Path checkpointDir() {
        return workDir.toAbsolutePath().resolve("checkpoints");
    }

    /**
     * Serves the chosen operator's bikes as a GBFS feed and polls it with the ingest adapter, as a city
     * would take an operator that only publishes GBFS.
     */
    private void startGbfsFeed(long simSpanMs) throws IOException {
        OperatorProfile profile = OperatorProfile.demo().stream()
                .filter(p -> p.name().equals(gbfsOperator)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("--gbfs-operator: no simulated operator '"
                        + gbfsOperator + "' (hello, meituan, qingju)"));
        gbfsFeed = new GbfsDemoFeed(profile.name(), simClock::get);
        // The simulated day runs behind the wall clock by up to its whole span: only positions older than
        // that count as stale in feed health.
        org.bikefence.ingest.OperatorFeed feed = new org.bikefence.ingest.OperatorFeed(profile.name(),
                org.bikefence.ingest.OperatorFeed.Kind.GBFS, gbfsFeed.url(),
                org.bikefence.geofence.crs.Crs.parse(profile.crs()), null, null, java.time.Duration.ofSeconds(2),
                java.time.Duration.ofMillis(simSpanMs + 600_000L));
        gbfsAdapter = new org.bikefence.ingest.PollingAdapter(feed,
                new org.bikefence.ingest.gbfs.GbfsReader(feed.url(),
                        new org.bikefence.ingest.HttpFetcher(java.time.Duration.ofSeconds(5), null, "application/json")),
                new org.bikefence.ingest.PositionNormalizer(feed.id(), feed.crs(),
                        org.bikefence.ingest.CityBounds.XIAMEN, System::currentTimeMillis, 600_000L),
                new org.bikefence.ingest.PositionPublisher(kafka.bootstrapServers(), Topics.POSITIONS,
                        Topics.POSITIONS_DLQ, java.time.Duration.ofSeconds(10), "demo-gbfs-" + feed.id()),
                org.bikefence.ingest.FeedHealthWriter.v1(influx.url(), "bikefence", null, null),
                System::currentTimeMillis,
                new org.bikefence.ingest.Backoff(java.time.Duration.ofMillis(500), java.time.Duration.ofSeconds(10)));
        Thread t = new Thread(gbfsAdapter, "gbfs-adapter-" + feed.id());
        t.setDaemon(true);
        t.start();
        say("operator %s goes through GBFS: %s polled every 2 s; feed health in measurement feed_health",
                feed.id(), gbfsFeed.url());
    }

    private void simulate(long simStart) {
        java.util.Properties props = kafka.producerProps();
        props.put("linger.ms", "20");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            long realStart = System.nanoTime();
            while (!stopping.get()) {
                long simNow = simStart + (long) ((System.nanoTime() - realStart) / 1e6 * speedup);
                simClock.set(simNow);
                simulator.advanceTo(simNow, r -> {
                    if (gbfsFeed != null && gbfsFeed.owns(r)) {
                        gbfsFeed.accept(r);
                    } else {
                        // The record reaches Kafka at its simulated time: the simulated feed is punctual, so
                        // the late-record metric reflects the simulator, not the demo's time compression.
                        producer.send(new ProducerRecord<>(Topics.POSITIONS, null, r.ts,
                                r.key.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                                r.value.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                    }
                });
                producer.flush();
                try {
                    Thread.sleep(100); // pacing the simulated clock, not synchronisation
                } catch (InterruptedException e) {
                    return;
                }
            }
        } catch (RuntimeException e) {
            if (!stopping.get()) {
                say("simulator failed: %s", e);
            }
        }
    }

    private void printScoreboard(long t0) {
        try {
            JsonNode scores = influx.query("bikefence", "SELECT last(" + InfluxSchema.FIELD_SCORE + ") AS score, last("
                    + InfluxSchema.FIELD_NO_PARK_VIOLATIONS + ") AS violations, last(" + InfluxSchema.FIELD_DAY
                    + ") AS day FROM " + InfluxSchema.OPERATOR_SCORE + " GROUP BY " + InfluxSchema.TAG_OPERATOR);
            JsonNode minutes = influx.query("bikefence", "SELECT last(" + InfluxSchema.FIELD_BIKES_SEEN + ") AS seen, last("
                    + InfluxSchema.FIELD_BIKES_IN_NO_PARK + ") AS in_no_park FROM " + InfluxSchema.OPERATOR_MINUTE
                    + " GROUP BY " + InfluxSchema.TAG_OPERATOR);
            Map<String, double[]> rows = new TreeMap<>();
            Map<String, String> days = new TreeMap<>();
            for (JsonNode s : series(scores)) {
                String op = s.path("tags").path(InfluxSchema.TAG_OPERATOR).asText();
                JsonNode v = s.path("values").path(0);
                rows.computeIfAbsent(op, k -> new double[4])[0] = v.path(1).asDouble();
                rows.get(op)[1] = v.path(2).asDouble();
                days.put(op, v.path(3).asText());
            }
            for (JsonNode s : series(minutes)) {
                String op = s.path("tags").path(InfluxSchema.TAG_OPERATOR).asText();
                JsonNode v = s.path("values").path(0);
                double[] r = rows.computeIfAbsent(op, k -> new double[4]);
                r[2] = v.path(1).asDouble();
                r[3] = v.path(2).asDouble();
            }
            double elapsed = (System.nanoTime() - t0) / 1e9;
            long[] dlqAndLag = dlqAndLag();
            long sent = simulator == null ? 0 : simulator.produced();
            double rate = (sent - lastSent) / ((System.nanoTime() - lastBoardNanos) / 1e9);
            lastSent = sent;
            lastBoardNanos = System.nanoTime();
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "%n== bikefence scoreboard 实时考核  sim %s  |  %,d events sent "
                    + "(%,d bad, %,.0f/s), DLQ %,d, job lag %,d (committed at checkpoints)  |  %.0f s ==%n",
                    CLOCK.format(Instant.ofEpochMilli(simClock.get())), sent,
                    simulator == null ? 0 : simulator.producedBad(), rate, dlqAndLag[0], dlqAndLag[1], elapsed));
            b.append(String.format(Locale.ROOT, "%-10s %-11s %12s %22s %18s %22s%n", "operator", "day 日期",
                    "score 得分", "no-park violations 违停", "bikes seen 车辆/min", "in no-park 禁停区内/min"));
            rows.forEach((op, r) -> b.append(String.format(Locale.ROOT, "%-10s %-11s %12.2f %22.0f %18.0f %22.0f%n",
                    op, days.getOrDefault(op, "-"), r[0], r[1], r[2], r[3])));
            if (rows.isEmpty()) {
                b.append("(no scores in InfluxDB yet: the first minute windows close once the watermark passes them)\n");
            }
            b.append(AssessmentBoard.render(AssessmentBoard.read(influx, "bikefence", rules.timeZone()), rules));
            System.out.print(b);
        } catch (IOException | RuntimeException e) {
            say("scoreboard query failed: %s", e.getMessage());
        }
    }

    /** Records in the dead-letter topic, and how far the job's committed offsets trail the positions topic. */
    private long[] dlqAndLag() {
        try {
            Map<TopicPartition, OffsetSpec> req = new java.util.HashMap<>();
            for (String topic : List.of(Topics.POSITIONS_DLQ, Topics.POSITIONS)) {
                TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames()
                        .get(5, TimeUnit.SECONDS).get(topic);
                d.partitions().forEach(p -> req.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            }
            var ends = admin.listOffsets(req).all().get(5, TimeUnit.SECONDS);
            var committed = admin.listConsumerGroupOffsets(JobOptions.KAFKA_GROUP_ID.defaultValue())
                    .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
            long dlq = 0;
            long lag = 0;
            for (var e : ends.entrySet()) {
                if (e.getKey().topic().equals(Topics.POSITIONS_DLQ)) {
                    dlq += e.getValue().offset();
                } else {
                    var c = committed.get(e.getKey());
                    lag += e.getValue().offset() - (c == null ? 0 : c.offset());
                }
            }
            return new long[] {dlq, lag};
        } catch (Exception e) {
            return new long[] {-1, -1};
        }
    }

    private static List<JsonNode> series(JsonNode result) {
        List<JsonNode> out = new ArrayList<>();
        result.path("results").path(0).path("series").forEach(out::add);
        return out;
    }

    /**
     * Stops everything this demo started, in the order that loses nothing and logs no failure: the simulator, the
     * Flink job (cancelled, and awaited until it is CANCELED: its writers close while InfluxDB and Kafka still
     * answer), then the broker, then influxd. Called once; a second caller (the shutdown hook after a signal)
     * waits until the first is done.
     */
    private void shutdown() {
        if (!stopping.compareAndSet(false, true)) {
            try {
                finished.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        long t0 = System.nanoTime();
        stopped.countDown();
        try {
            say("stopping: simulator, Flink job, Kafka, influxd ...");
            if (simulatorThread != null) {
                // It sees `stopping` within its 100 ms pace and closes its producer while the broker is up; an
                // interrupt would make that close log an error with a stack trace.
                simulatorThread.join(2_000);
                if (simulatorThread.isAlive()) {
                    simulatorThread.interrupt();
                }
            }
            if (gbfsAdapter != null) {
                gbfsAdapter.stop();
            }
            if (gbfsFeed != null) {
                gbfsFeed.close();
            }
            if (job != null) {
                stopJob();
            }
            if (admin != null) {
                admin.close(java.time.Duration.ofSeconds(2));
            }
            if (kafka != null) {
                kafka.close();
            }
            if (influx != null) {
                influx.close();
            }
            say("stopped in %.1f s; InfluxDB data kept in %s", (System.nanoTime() - t0) / 1e9,
                    workDir.resolve("influxdb").toAbsolutePath());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            finished.countDown();
        }
    }

    /**
     * Cancels the job and waits (bounded) for its end, so nothing writes once the services stop. The local
     * cluster shuts itself down when its job ends, so the end is read from the job's result, not its status.
     */
    private void stopJob() {
        long deadline = System.nanoTime() + JOB_STOP_TIMEOUT.toNanos();
        try {
            job.cancel().get(JOB_STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // Already ending (or ended): its result below says when.
        }
        try {
            job.getJobExecutionResult().get(Math.max(deadline - System.nanoTime(), 0), TimeUnit.NANOSECONDS);
            say("Flink job finished");
        } catch (java.util.concurrent.ExecutionException cancelled) {
            // The result of a cancelled job is a JobCancellationException: the expected end.
            say("Flink job CANCELED");
        } catch (java.util.concurrent.TimeoutException e) {
            say("the Flink job did not stop within %d s; stopping Kafka and influxd anyway",
                    JOB_STOP_TIMEOUT.toSeconds());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void requireFreePort(int port, String option) {
        try (java.net.ServerSocket s = new java.net.ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new java.net.InetSocketAddress("127.0.0.1", port));
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " on 127.0.0.1 is in use (another demo still running?); "
                    + "stop it or choose another with " + option);
        }
    }

    private static void say(String fmt, Object... args) {
        System.out.println("[demo] " + String.format(Locale.ROOT, fmt, args));
    }

    private static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}
