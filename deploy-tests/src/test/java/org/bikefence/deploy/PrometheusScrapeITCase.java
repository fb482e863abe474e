package org.bikefence.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bikefence.config.JobConfig;
import org.bikefence.config.JobOptions;
import org.bikefence.job.JobMain;
import org.bikefence.local.LocalKafka;
import org.bikefence.testing.InfluxdExtension;
import org.bikefence.testing.KafkaExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The alert and recording rules against a real scrape: the job runs on a MiniCluster with Flink's Prometheus
 * reporter configured as docker/flink/cluster.yaml configures it, reading a real broker and writing a real
 * influxd; a GBFS adapter (IngestMain in its own JVM, --metrics-port) polls a feed served by the test into the
 * job's topic; Debian's prometheus scrapes both with the shipped rules loaded, and every Flink series a rule
 * reads, every recording rule and every query of the operations dashboard must return data (the dashboard's a
 * number, not NaN).
 */
@ExtendWith(KafkaExtension.class)
class PrometheusScrapeITCase {
    private static final int REPORTER_PORT = freePort();
    /** The sink's first batch waits for the first minute the watermark closes (up to a minute after the start). */
    private static final Duration DEADLINE = Duration.ofSeconds(150);
    private static final JsonMapper JSON = new JsonMapper();
    /** A metric selector: a flink_ name with its label matchers, as the rules write it. */
    private static final Pattern FLINK_SELECTOR = Pattern.compile("\\b(flink_[A-Za-z0-9_]+)(\\{[^}]*})?");
    /** The adapter's operator, as docker/prometheus/prometheus.yml labels the ingest targets. */
    private static final String OPERATOR = "hello";
    private static final int ADAPTER_METRICS_PORT = freePort();

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setConfiguration(reporterConfiguration())
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @RegisterExtension
    static final InfluxdExtension INFLUX = new InfluxdExtension();

    @TempDir
    Path tmp;

    /** The reporter settings of the job image, on a free port. */
    private static Configuration reporterConfiguration() {
        Map<String, String> cluster = DeployFiles.flatten(DeployFiles.yaml(DeployFiles.DOCKER.resolve("flink/cluster.yaml")));
        Configuration conf = new Configuration();
        cluster.forEach((k, v) -> {
            if (k.startsWith("metrics.reporter.")) {
                conf.setString(k, v);
            }
        });
        conf.setString("metrics.reporter.prom.port", String.valueOf(REPORTER_PORT));
        return conf;
    }

    @Test
    void everyFlinkSeriesTheRulesReadIsScrapedFromTheRunningJob(@InjectClusterClient ClusterClient<?> client)
            throws Exception {
        LocalKafka kafka = KafkaExtension.kafka();
        String positions = "scrape-positions-" + System.nanoTime();
        String dlq = positions + "-dlq";
        kafka.createTopics(2, positions, dlq);
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 20; i++) {
                producer.send(new ProducerRecord<>(positions, "bike-" + i, "not a position " + i)).get();
            }
        }
        JobConfig config = JobConfig.fromArgs(new String[] {
            "--" + JobOptions.KAFKA_BOOTSTRAP.key(), kafka.bootstrapServers(),
            "--" + JobOptions.KAFKA_POSITIONS_TOPIC.key(), positions,
            "--" + JobOptions.KAFKA_DLQ_TOPIC.key(), dlq,
            "--" + JobOptions.KAFKA_FENCES_TOPIC.key(), "",
            "--" + JobOptions.KAFKA_VIOLATIONS_TOPIC.key(), "",
            "--" + JobOptions.KAFKA_STARTING_OFFSETS.key(), "earliest",
            "--" + JobOptions.FENCES.key(), DeployFiles.ROOT.resolve("geo-fences/fences/huli-demo.geojson").toString(),
            "--" + JobOptions.RULES.key(), DeployFiles.ROOT.resolve("scoring-rules/rulesets/huli.yaml").toString(),
            "--" + JobOptions.INFLUX_URL.key(), INFLUX.influxd().url(),
            "--" + JobOptions.INFLUX_DB.key(), INFLUX.database(),
            "--" + JobOptions.CHECKPOINT_INTERVAL_MS.key(), "1000",
            "--" + JobOptions.PARALLELISM.key(), "2",
            // The adapter's positions close a minute (so the sink writes a batch) soon after it passes.
            "--" + JobOptions.MAX_OUT_OF_ORDER_MS.key(), "1000",
            "--" + JobOptions.IDLENESS_MS.key(), "2000",
        }, Map.of());

        ExecutorService runner = Executors.newSingleThreadExecutor();
        Process prometheus = null;
        Process adapter = null;
        HttpServer feed = gbfsFeed();
        try {
            StreamExecutionEnvironment env = JobMain.configure(StreamExecutionEnvironment.getExecutionEnvironment(), config);
            Future<?> job = runner.submit(() -> JobMain.create(config).execute(env));
            adapter = startAdapter(feed, kafka.bootstrapServers(), positions, dlq);

            int webPort = freePort();
            prometheus = startPrometheus(webPort);
            Map<String, String> missing = new LinkedHashMap<>();
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            do {
                assertThat(job.isDone()).as("the job ended: %s", job.isDone() ? failure(job) : "").isFalse();
                assertThat(prometheus.isAlive()).as("prometheus exited, log: %s", tmp.resolve("prometheus.log"))
                        .isTrue();
                assertThat(adapter.isAlive()).as("the adapter exited, log: %s", tmp.resolve("adapter.log")).isTrue();
                missing.clear();
                for (String query : queries()) {
                    JsonNode result = query(webPort, query);
                    if (result == null || result.isEmpty()) {
                        missing.put(query, String.valueOf(result));
                    }
                }
                for (String query : dashboardQueries()) {
                    JsonNode result = query(webPort, query);
                    if (result != null && !result.isEmpty() && !hasNumber(result)) {
                        missing.put(query, "only NaN: " + result);
                    }
                }
                if (missing.isEmpty()) {
                    break;
                }
                Thread.sleep(500);   // polling interval of the deadline loop, not a synchronisation
            } while (System.nanoTime() < deadline);
            for (String query : new ArrayList<>(missing.keySet())) {
                // What the scrape has under that name instead: the label sets say which matcher is wrong.
                Matcher m = FLINK_SELECTOR.matcher(query);
                if (m.matches() && m.group(2) != null) {
                    missing.put(query, "series of " + m.group(1) + ": " + query(webPort, m.group(1)).findValues("metric"));
                }
                m.reset();
                while (m.find()) {
                    String suffix = m.group(1).substring(m.group(1).lastIndexOf('_') + 1);
                    missing.put(query, missing.get(query) + "; names ending in " + suffix + ": "
                            + query(webPort, "group by (__name__) ({__name__=~\"flink_.*" + suffix + "\"})")
                                    .findValues("metric"));
                }
            }
            assertThat(missing).as("queries of docker/prometheus/rules/bikefence-alerts.yml and the operations dashboard "
                    + "without data after %s (reporter on port %d, adapter on %d; Prometheus log %s, adapter log %s)",
                    DEADLINE, REPORTER_PORT, ADAPTER_METRICS_PORT, tmp.resolve("prometheus.log"),
                    tmp.resolve("adapter.log")).isEmpty();

            // The two panels that read what only a running adapter and written batches give.
            JsonNode freshness = query(webPort, panelQuery("Feed freshness per operator"));
            assertThat(freshness.findValuesAsString("operator")).as("feed freshness per operator").contains(OPERATOR);
            double age = freshness.get(0).path("value").get(1).asDouble();
            assertThat(age).as("age of the newest position the adapter published (the feed serves positions of now)")
                    .isBetween(0.0, 60.0);
            JsonNode p99 = query(webPort, panelQuery("InfluxDB write latency"));
            assertThat(p99.get(0).path("value").get(1).asDouble()).as("p99 write latency of the sink, ms").isNotNaN()
                    .isGreaterThanOrEqualTo(0.0);
            assertThat(query(webPort, "sum(flink_taskmanager_job_task_operator_writeLatencyMs_count)").get(0)
                    .path("value").get(1).asDouble()).as("batches in the latency histogram").isPositive();
        } finally {
            if (adapter != null) {
                adapter.destroy();
                adapter.waitFor(30, TimeUnit.SECONDS);
            }
            feed.stop(0);
            for (JobStatusMessage j : client.listJobs().get(30, TimeUnit.SECONDS)) {
                if (!j.getJobState().isGloballyTerminalState()) {
                    client.cancel(j.getJobId()).get(30, TimeUnit.SECONDS);
                }
            }
            runner.shutdown();
            runner.awaitTermination(60, TimeUnit.SECONDS);
            if (prometheus != null) {
                prometheus.destroy();
                prometheus.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Every Flink selector the rules use, and every recording rule (whose expression must give a value). */
    private static Set<String> queries() {
        Set<String> queries = new LinkedHashSet<>();
        Map<String, Object> rules = DeployFiles.yaml(DeployFiles.DOCKER.resolve("prometheus/rules/bikefence-alerts.yml"));
        for (Object g : DeployFiles.list(rules, "groups")) {
            for (Object r : DeployFiles.list((Map<String, Object>) g, "rules")) {
                Map<?, ?> rule = (Map<?, ?>) r;
                Matcher m = FLINK_SELECTOR.matcher(String.valueOf(rule.get("expr")));
                while (m.find()) {
                    queries.add(m.group());
                }
                if (rule.containsKey("record")) {
                    queries.add(String.valueOf(rule.get("record")));
                }
            }
        }
        assertThat(queries).as("the rules read Flink's metrics").hasSizeGreaterThan(3);
        // The adapters' series the rules read.
        queries.add("bikefence_feed_freshest_age_seconds");
        queries.add("up{job=\"ingest\"} == 1");
        queries.addAll(dashboardQueries());
        return queries;
    }

    /** Every query of the operations dashboard, as Grafana sends it (no template variables in it). */
    private static Set<String> dashboardQueries() {
        Set<String> queries = new LinkedHashSet<>();
        for (OperationsDashboard.Query q : OperationsDashboard.load().queries()) {
            queries.add(q.expr());
        }
        return queries;
    }

    /** The second query (B: p99) or only query of the dashboard panel whose title contains {@code title}. */
    private static String panelQuery(String title) {
        List<OperationsDashboard.Query> of = OperationsDashboard.load().queries().stream()
                .filter(q -> q.panel().contains(title)).toList();
        assertThat(of).as("queries of the panel '%s'", title).isNotEmpty();
        return of.get(Math.min(1, of.size() - 1)).expr();
    }

    private static boolean hasNumber(JsonNode vector) {
        for (JsonNode sample : vector) {
            String v = sample.path("value").path(1).asText();
            if (!v.equals("NaN") && !v.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /**
     * A GBFS 2.3 free_bike_status feed on loopback: three Huli bikes whose positions are reported at the moment
     * of each request, each a little further along, so every poll publishes and the feed stays fresh.
     */
    private static HttpServer gbfsFeed() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/gbfs/free_bike_status.json", exchange -> {
            long now = System.currentTimeMillis() / 1000;
            StringBuilder bikes = new StringBuilder();
            for (int i = 0; i < 3; i++) {
                double lat = 24.505 + i * 0.004 + (now % 100) * 1e-5;
                bikes.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT,
                        "{\"bike_id\": \"scrape-%d\", \"lat\": %.6f, \"lon\": %.6f, \"is_reserved\": false,"
                                + " \"is_disabled\": false, \"last_reported\": %d}", i, lat, 118.14 + i * 0.004, now));
            }
            byte[] body = ("{\"last_updated\": " + now + ", \"ttl\": 0, \"version\": \"2.3\", \"data\": {\"bikes\": ["
                    + bikes + "]}}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return server;
    }

    /**
     * {@code ingest gbfs} as the ingest image runs it (IngestMain, its own JVM, this test's classpath), polling the
     * feed every second into the job's topics, /metrics on a free port.
     */
    private Process startAdapter(HttpServer feed, String bootstrap, String positions, String dlq) throws IOException {
        Path config = tmp.resolve("operators.yaml");
        Files.writeString(config, String.join("\n",
                "kafka: {bootstrap-servers: '" + bootstrap + "', positions-topic: " + positions + ", dlq-topic: " + dlq + "}",
                "influx: {url: '" + INFLUX.influxd().url() + "', db: " + INFLUX.database() + "}",
                "city-bounds: {min-lat: 24.2, max-lat: 24.95, min-lng: 117.85, max-lng: 118.5}",
                "operators:",
                "  - {id: " + OPERATOR + ", kind: gbfs, url: 'http://127.0.0.1:" + feed.getAddress().getPort()
                        + "/gbfs/free_bike_status.json', crs: GCJ02, every: 1s}",
                ""));
        Path javaTmp = Files.createDirectories(tmp.resolve("adapter-tmp"));
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + javaTmp, "-cp", System.getProperty("java.class.path"),
                "org.bikefence.ingest.IngestMain", "gbfs", "--config", config.toString(), "--operator", OPERATOR,
                "--metrics-port", String.valueOf(ADAPTER_METRICS_PORT));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(tmp.resolve("adapter.log").toFile())
                .start();
    }

    private Process startPrometheus(int webPort) throws IOException {
        String binary = DeployFiles.tool("prometheus", "prometheus");
        Path rules = DeployFiles.DOCKER.resolve("prometheus/rules/bikefence-alerts.yml");
        Path config = tmp.resolve("prometheus.yml");
        Files.writeString(config, String.join("\n",
                "global: {scrape_interval: 1s, evaluation_interval: 1s}",
                "rule_files: ['" + rules + "']",
                "scrape_configs:",
                "  - job_name: flink",
                "    static_configs: [{targets: ['127.0.0.1:" + REPORTER_PORT + "']}]",
                // As docker/prometheus/prometheus.yml labels an adapter's target.
                "  - job_name: ingest",
                "    metrics_path: /metrics",
                "    static_configs: [{targets: ['127.0.0.1:" + ADAPTER_METRICS_PORT + "'],"
                        + " labels: {operator: " + OPERATOR + ", kind: gbfs}}]",
                ""));
        List<String> command = new ArrayList<>(List.of(binary, "--config.file=" + config,
                "--storage.tsdb.path=" + tmp.resolve("data"), "--web.listen-address=127.0.0.1:" + webPort));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("prometheus.log").toFile()).start();
    }

    /** The result vector of an instant query, or null while Prometheus does not answer. */
    private static JsonNode query(int port, String promql) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + port + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return null;
            }
            return JSON.readTree(r.body()).path("data").path("result");
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String failure(Future<?> job) {
        try {
            job.get();
            return "finished";
        } catch (Exception e) {
            return e.toString();
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
