package org.bikefence.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamingJobGraphGenerator;
import org.apache.flink.util.InstantiationUtil;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.bikefence.config.JobConfig;
import org.bikefence.geofence.tool.CliSupport;
import org.bikefence.influx.InfluxPreflightException;
import org.bikefence.ingest.FeedHealthWriter;
import org.bikefence.ingest.IngestConfig;
import org.bikefence.ingest.IngestMain;
import org.bikefence.ingest.PositionPublisher;
import org.bikefence.ingest.push.PushEndpoint;
import org.bikefence.job.BikefenceJob;
import org.bikefence.job.JobMain;
import org.bikefence.kafka.KafkaClientSecurity;
import org.bikefence.local.LocalInfluxd;
import org.bikefence.testing.SaslSslKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import picocli.CommandLine;

/**
 * Issue 12, secured connections, end to end on loopback: a broker with a SASL_SSL listener (certificate made by
 * keytool, SCRAM-SHA-512 user made by the broker's storage tool) and an influxd with {@code auth-enabled}. The push
 * adapter, the fence publisher and the job (MiniCluster, bounded: its Kafka sources, both Kafka sinks and the
 * InfluxDB sink) connect with the passwords from files; a wrong password fails with one line; and no secret is in
 * the logs, the job graph, the configurations or the messages of the failed logins.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecuredConnectionsITCase {

    private static final String POSITIONS = "sec-positions";
    private static final String DLQ = "sec-positions-dlq";
    private static final String FENCES_TOPIC = "sec-geofences";
    private static final String VIOLATIONS = "sec-violations";
    private static final String INFLUX_USER = "bikefence";
    private static final String DB = "bikefence_secured";
    private static final String PUSH_TOKEN = "qj-secured-push-token-8d1f";
    private static final Path FENCES = Path.of("../geo-fences/fences/huli-demo.geojson");
    private static final Path RULES = Path.of("../scoring-rules/rulesets/huli.yaml");
    private static final Path PUBLISHED_FENCES = Path.of("../flink-jobs/src/test/resources/fences/it-fences.geojson");

    private static Path dir;
    private static SaslSslKafka kafka;
    private static LocalInfluxd influxd;
    private static String influxPassword;
    private static Path influxPasswordFile;
    private static Path influxWrongPasswordFile;
    private static final Capture LOGS = new Capture();
    /** Messages and stack traces of every failure the tests provoked, searched for secrets at the end. */
    private static final List<String> FAILURES = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        Path module = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
        dir = module.resolve("target").resolve("secured-" + ProcessHandle.current().pid());
        Files.createDirectories(dir);
        LOGS.install();
        kafka = SaslSslKafka.start(dir.resolve("kafka"), System.getProperty("java.class.path"));
        kafka.kafka().createTopics(2, POSITIONS, DLQ, VIOLATIONS);
        kafka.kafka().createTopics(1, FENCES_TOPIC);
        influxPassword = "influx-" + Long.toHexString(Double.doubleToLongBits(Math.random())) + "-pw";
        influxd = LocalInfluxd.startWithAuth(dir.resolve("influxd"), INFLUX_USER, influxPassword);
        influxd.createDatabase(DB);
        influxPasswordFile = Files.writeString(dir.resolve("influx_password"), influxPassword + "\n");
        influxWrongPasswordFile = Files.writeString(dir.resolve("influx_wrong_password"), influxPassword + "-no\n");
        Files.writeString(dir.resolve("qingju.token"), PUSH_TOKEN);
    }

    @AfterAll
    static void stop() {
        LOGS.remove();
        if (influxd != null) {
            influxd.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private static IngestConfig ingestConfig(Path kafkaPasswordFile, Path influxPasswordFile) throws Exception {
        Map<String, String> k = kafka.clientOptions(kafkaPasswordFile);
        return IngestConfig.parse(String.join("\n",
                "kafka:",
                "  bootstrap-servers: " + k.get("kafka.bootstrap-servers"),
                "  positions-topic: " + POSITIONS,
                "  dlq-topic: " + DLQ,
                "  timeout: 20s",
                "  security-protocol: SASL_SSL",
                "  username: " + SaslSslKafka.USER,
                "  password-file: " + kafkaPasswordFile,
                "  truststore: " + kafka.truststore(),
                "  truststore-password-file: " + kafka.truststorePasswordFile(),
                "influx: {url: '" + influxd.url() + "', db: " + DB + ", username: " + INFLUX_USER + ", password-file: "
                        + influxPasswordFile + "}",
                "push: {port: 0}",
                "operators:",
                "  - {id: qingju, kind: push, crs: WGS84, token-file: " + dir.resolve("qingju.token") + "}"));
    }

    @Test
    @Order(1)
    void thePushAdapterPublishesOverSaslSslAndWritesFeedHealthWithAuthentication() throws Exception {
        IngestConfig config = ingestConfig(kafka.passwordFile(), influxPasswordFile);
        IngestMain.checkKafka(config, System::getenv);
        long now = System.currentTimeMillis();
        StringBuilder batch = new StringBuilder("[");
        for (int i = 0; i < 5; i++) {
            batch.append(i == 0 ? "" : ",").append("{\"operator\":\"qingju\",\"bikeId\":\"qj-sec-").append(i)
                    .append("\",\"ts\":").append(now - 120_000 + i * 1000)
                    .append(",\"lat\":24.48,\"lng\":").append(118.09 + i * 0.001).append(",\"state\":\"parked\"}");
        }
        batch.append(']');
        try (PositionPublisher publisher = IngestMain.publisher(config, "sec-push");
                FeedHealthWriter health = IngestMain.health(config, System::getenv);
                PushEndpoint endpoint = IngestMain.pushEndpoint(config, publisher, health, System::currentTimeMillis,
                        System::getenv).start()) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + endpoint.port() + "/v1/positions"))
                    .header("Authorization", "Bearer " + PUSH_TOKEN)
                    .timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofString(batch.toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        assertThat(read(POSITIONS, 5)).hasSize(5);
        List<List<Object>> health = influxd.rows(DB, "SELECT \"records\" FROM \"feed_health\" WHERE \"operator\" = 'qingju'");
        assertThat(health).as("feed_health written with basic auth").hasSize(1);
        assertThat(health.get(0).get(1)).isEqualTo(5L);
    }

    @Test
    @Order(2)
    void theFencePublisherPublishesOverSaslSsl() throws Exception {
        Run run = publish(kafka.passwordFile());
        assertThat(run.status).as(run.err).isZero();
        assertThat(run.out).contains("published");
        List<ConsumerRecord<byte[], byte[]>> fences = read(FENCES_TOPIC, 1);
        assertThat(new String(fences.get(0).value(), StandardCharsets.UTF_8))
                .isEqualTo(Files.readString(PUBLISHED_FENCES));
    }

    @Test
    @Order(3)
    void theJobReadsAndWritesKafkaOverSaslSslAndInfluxDbWithAuthenticationWithoutASecretInItsGraph() throws Exception {
        // A record the job must dead-letter: its dead-letter sink writes over SASL_SSL too.
        Properties p = KafkaClientSecurity.fromOptions(kafka.clientOptions()).applyTo(new Properties());
        p.putAll(kafka.kafka().producerProps());
        p.put("bootstrap.servers", kafka.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            producer.send(new ProducerRecord<>(POSITIONS, "bad".getBytes(StandardCharsets.UTF_8),
                    "not json".getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
        }
        JobConfig config = jobConfig(kafka.passwordFile(), influxPasswordFile);
        assertThat(JobMain.checkInflux(config, true).message()).contains(DB);

        Configuration flink = new Configuration();
        flink.set(CoreOptions.TMP_DIRS, Files.createDirectories(dir.resolve("flink-tmp")).toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, flink);
        JobMain.configure(env, config);
        BikefenceJob job = JobMain.create(config);
        job.build(env);
        JobGraph graph = StreamingJobGraphGenerator.createJobGraph(env.getStreamGraph(false));
        byte[] serialized = InstantiationUtil.serializeObject(graph);
        String graphText = new String(serialized, StandardCharsets.ISO_8859_1);
        // The search would find a string in there: the password file's name is in the graph, its content is not.
        assertThat(graphText).contains(kafka.passwordFile().toString()).contains(influxPasswordFile.toString());
        assertNoSecret("the serialized job graph", graphText);
        assertNoSecret("the job's global parameters", String.valueOf(env.getConfig().getGlobalJobParameters().toMap()));
        assertNoSecret("the Flink configuration", String.valueOf(env.getConfiguration().toMap()));
        assertNoSecret("the job configuration", config.configuration().toMap() + " " + config.asMap());

        env.execute("bikefence-secured");

        List<ConsumerRecord<byte[], byte[]>> dead = read(DLQ, 1);
        assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("not json");
        List<String> measurements = new ArrayList<>();
        for (List<Object> row : influxd.rows(DB, "SHOW MEASUREMENTS")) {
            measurements.add(String.valueOf(row.get(0)));
        }
        assertThat(measurements).as("written by the job's InfluxDB sink with basic auth")
                .contains("fence_set", "operator_minute");
        assertThat(influxd.rows(DB, "SELECT \"fences\" FROM \"fence_set\" WHERE \"status\" = 'accepted'"))
                .as("the fence update published over SASL_SSL, read by the job's fence source").isNotEmpty();
    }

    @Test
    @Order(4)
    void aWrongKafkaPasswordFailsWithOneLineInTheJobTheAdapterAndThePublisher() throws Exception {
        JobConfig job = jobConfig(kafka.wrongPasswordFile(), influxPasswordFile);
        assertThatThrownBy(() -> JobMain.create(job))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> {
                    FAILURES.add(trace(e));
                    assertOneLine(e.getMessage());
                    assertThat(e.getMessage()).startsWith("option 'kafka.bootstrap-servers': cannot list topics at '"
                                    + kafka.bootstrapServers() + "'")
                            .contains("Kafka refused the login of user 'bikefence' (SCRAM-SHA-512")
                            .contains("invalid credentials");
                });

        IngestConfig adapter = ingestConfig(kafka.wrongPasswordFile(), influxPasswordFile);
        assertThatThrownBy(() -> IngestMain.checkKafka(adapter, System::getenv))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> {
                    FAILURES.add(trace(e));
                    assertOneLine(e.getMessage());
                    assertThat(e.getMessage()).startsWith("Kafka at " + kafka.bootstrapServers()
                            + ": Kafka refused the login of user 'bikefence' (SCRAM-SHA-512");
                });

        Run run = publish(kafka.wrongPasswordFile());
        FAILURES.add(run.err);
        assertThat(run.status).isEqualTo(1);
        assertOneLine(run.err.strip());
        assertThat(run.err.strip()).startsWith("publish: Kafka at " + kafka.bootstrapServers()
                + ": Kafka refused the login of user 'bikefence'");

        Run missing = publish(dir.resolve("no-such-password-file"));
        assertThat(missing.status).isEqualTo(1);
        assertThat(missing.err.strip()).isEqualTo("publish: option 'kafka.password-file': cannot read file "
                + dir.resolve("no-such-password-file") + " (NoSuchFileException)");
    }

    @Test
    @Order(5)
    void aWrongInfluxDbPasswordFailsWithOneLine() {
        JobConfig job = jobConfig(kafka.passwordFile(), influxWrongPasswordFile);
        assertThatThrownBy(() -> JobMain.checkInflux(job, true))
                .isInstanceOf(InfluxPreflightException.class)
                .satisfies(e -> {
                    FAILURES.add(trace(e));
                    assertOneLine(e.getMessage());
                    assertThat(e.getMessage()).contains("HTTP 401").contains("check user 'bikefence'");
                });
    }

    @Test
    @Order(7)
    void theReportReadsInfluxDbWithThePasswordFromAFileAndAWrongOneIsOneLine() throws Exception {
        java.time.YearMonth month = java.time.YearMonth.now(java.time.ZoneId.of("Asia/Shanghai"));
        String[] common = {"--month", month.toString(), "--influx.url", influxd.url(), "--influx.db", DB,
            "--influx.username", INFLUX_USER, "--rules", RULES.toString(), "--no-pdf",
            "--out", dir.resolve("report").toString()};
        Run wrong = report(common, influxWrongPasswordFile);
        FAILURES.add(wrong.err);
        assertThat(wrong.status).as(wrong.err).isEqualTo(1);
        assertOneLine(wrong.err.strip());
        assertThat(wrong.err.strip()).startsWith("bikefence report: InfluxDB at " + influxd.url())
                .contains("HTTP 401").contains("check user 'bikefence'");
        Run right = report(common, influxPasswordFile);
        // Past authentication: the report (0) or "no assessment yet for this month" (3), never a refusal (1).
        assertThat(right.status).as(right.err).isIn(0, 3);
        assertThat(right.err).doesNotContain("refused");
    }

    @Test
    @Order(6)
    void theReplayWritesToInfluxDbWithThePasswordFromAFile() throws Exception {
        Path input = dir.resolve("replay.jsonl");
        long ts = System.currentTimeMillis() - 3_600_000;
        Files.writeString(input, "{\"operator\":\"qingju\",\"bikeId\":\"qj-replay-1\",\"ts\":" + ts
                + ",\"lat\":24.48,\"lng\":118.09,\"state\":\"parked\"}\n");
        String db = DB + "_replay";
        List<String> args = new ArrayList<>(List.of("--from", input.toString(), "--dlq", dir.resolve("replay-dlq.jsonl")
                        .toString(), "--checkpoint-dir", dir.resolve("replay-checkpoints").toString(), "--progress", "off",
                "--fences", FENCES.toString(), "--rules", RULES.toString(), "--influx.url", influxd.url(),
                "--influx.db", db, "--influx.create-db", "true", "--influx.username", INFLUX_USER));
        StringWriter wrongErr = new StringWriter();
        List<String> wrongArgs = new ArrayList<>(args);
        wrongArgs.addAll(List.of("--influx.password-file", influxWrongPasswordFile.toString()));
        CommandLine wrong = org.bikefence.replay.ReplayCommand.commandLine();
        wrong.setErr(new PrintWriter(wrongErr, true));
        assertThat(wrong.execute(wrongArgs.toArray(String[]::new))).as(wrongErr.toString()).isEqualTo(1);
        FAILURES.add(wrongErr.toString());
        assertOneLine(wrongErr.toString().strip());
        assertThat(wrongErr.toString()).contains("HTTP 401");

        StringWriter err = new StringWriter();
        args.addAll(List.of("--influx.password-file", influxPasswordFile.toString()));
        CommandLine right = org.bikefence.replay.ReplayCommand.commandLine();
        right.setErr(new PrintWriter(err, true));
        assertThat(right.execute(args.toArray(String[]::new))).as(err.toString()).isZero();
        assertThat(influxd.rows(db, "SHOW MEASUREMENTS")).as("written by the replay with basic auth").isNotEmpty();
    }

    private static Run report(String[] common, Path passwordFile) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(common),
                java.util.stream.Stream.of("--influx.password-file", passwordFile.toString())).toArray(String[]::new);
        org.bikefence.report.ReportOptions options = org.bikefence.report.ReportCommand.parse(args);
        int status = new org.bikefence.report.MonthlyReport(options, java.time.Clock.systemUTC(),
                new java.io.PrintStream(out, true, StandardCharsets.UTF_8),
                new java.io.PrintStream(err, true, StandardCharsets.UTF_8)).run();
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    @Order(8)
    void noSecretInTheLogsOrTheFailures() {
        String logs = LOGS.text();
        // The capture works: Kafka's clients logged their configuration (with the secrets hidden) and the logins.
        assertThat(logs).contains("sasl.jaas.config = [hidden]").contains("bikefence configuration:")
                .contains(kafka.bootstrapServers());
        assertNoSecret("the logs", logs);
        assertThat(FAILURES).hasSizeGreaterThanOrEqualTo(6);
        assertNoSecret("the failures' messages and stack traces", String.join("\n", FAILURES));
    }

    // ---- helpers ----

    private static JobConfig jobConfig(Path kafkaPasswordFile, Path influxPassword) {
        Map<String, String> o = new LinkedHashMap<>(kafka.clientOptions(kafkaPasswordFile));
        o.put("kafka.positions-topic", POSITIONS);
        o.put("kafka.dlq-topic", DLQ);
        o.put("kafka.fences-topic", FENCES_TOPIC);
        o.put("kafka.violations-topic", VIOLATIONS);
        o.put("kafka.transactional-id-prefix", "sec-" + System.nanoTime());
        o.put("kafka.group-id", "sec-" + System.nanoTime());
        o.put("kafka.starting-offsets", "earliest");
        o.put("kafka.bounded", "true");
        o.put("fences", FENCES.toString());
        o.put("rules", RULES.toString());
        o.put("state.backend", "hashmap");
        o.put("checkpoint.interval-ms", "2000");
        o.put("influx.url", influxd.url());
        o.put("influx.db", DB);
        o.put("influx.username", INFLUX_USER);
        o.put("influx.password-file", influxPassword.toString());
        return JobConfig.of(o, Map.of());
    }

    private record Run(int status, String out, String err) {}

    private static Run publish(Path passwordFile) {
        StringWriter err = new StringWriter();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream stdout = System.out;
        int status;
        CommandLine cl = CliSupport.configure(new CommandLine(new FencePublisher.Publish()));
        cl.setErr(new PrintWriter(err, true));
        System.setOut(new java.io.PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            status = cl.execute("--bootstrap", kafka.bootstrapServers(), "--topic", FENCES_TOPIC,
                    "--kafka.security-protocol", "SASL_SSL", "--kafka.username", SaslSslKafka.USER,
                    "--kafka.password-file", passwordFile.toString(),
                    "--kafka.truststore", kafka.truststore().toString(),
                    "--kafka.truststore-password-file", kafka.truststorePasswordFile().toString(),
                    PUBLISHED_FENCES.toString());
        } finally {
            System.setOut(stdout);
        }
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString());
    }

    private static List<ConsumerRecord<byte[], byte[]>> read(String topic, int atLeast) {
        Properties p = KafkaClientSecurity.fromOptions(kafka.clientOptions()).applyTo(new Properties());
        p.putAll(kafka.kafka().consumerProps("sec-read-" + System.nanoTime()));
        p.put("bootstrap.servers", kafka.bootstrapServers());
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (records.size() < atLeast && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        assertThat(records).as("records on %s", topic).hasSizeGreaterThanOrEqualTo(atLeast);
        return records;
    }

    private static void assertNoSecret(String where, String text) {
        Map<String, String> secrets = Map.of("the Kafka password", kafka.password(),
                "the truststore password", kafka.truststorePassword(),
                "the InfluxDB password", influxPassword,
                "the push token", PUSH_TOKEN);
        secrets.forEach((what, secret) -> assertThat(text).as("%s in %s", what, where).doesNotContain(secret));
    }

    private static void assertOneLine(String message) {
        assertThat(message).isNotBlank().doesNotContain("\n").doesNotContain("\r");
    }

    private static String trace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    /** Every log event of the test JVM at INFO and above, with its stack trace, kept in memory. */
    private static final class Capture extends AbstractAppender {
        private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
        private Level rootLevel;
        private org.apache.logging.log4j.core.Appender console;

        Capture() {
            super("secured-connections-capture", null, null, true, Property.EMPTY_ARRAY);
        }

        @Override
        public void append(LogEvent event) {
            StringBuilder b = new StringBuilder(event.getLoggerName()).append(' ')
                    .append(event.getMessage().getFormattedMessage());
            if (event.getThrown() != null) {
                b.append('\n').append(trace(event.getThrown()));
            }
            lines.add(b.toString());
        }

        void install() {
            LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
            start();
            LoggerConfig root = ctx.getConfiguration().getRootLogger();
            rootLevel = root.getLevel();
            // Everything at INFO reaches the capture (Kafka's clients log their configuration there; events of other
            // loggers reach it through the root); the console keeps showing warnings only.
            console = ctx.getConfiguration().getAppender("console");
            if (console != null) {
                root.removeAppender("console");
                root.addAppender(console, Level.WARN, null);
            }
            root.addAppender(this, Level.INFO, null);
            root.setLevel(Level.INFO);
            ctx.updateLoggers();
        }

        void remove() {
            LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
            LoggerConfig root = ctx.getConfiguration().getRootLogger();
            root.removeAppender(getName());
            if (console != null) {
                root.removeAppender("console");
                root.addAppender(console, null, null);
            }
            if (rootLevel != null) {
                root.setLevel(rootLevel);
            }
            ctx.updateLoggers();
            stop();
        }

        String text() {
            return String.join("\n", lines);
        }
    }
}
