package org.bikefence.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.bikefence.geofence.tool.CliSupport;
import org.bikefence.kafka.KafkaClientSecurity;
import org.bikefence.ingest.gbfs.GbfsReader;
import org.bikefence.ingest.mds.MdsParser;
import org.bikefence.ingest.mds.MdsReader;
import org.bikefence.ingest.push.PushEndpoint;
import org.bikefence.ingest.push.TokenBucketLimiter;
import org.bikefence.model.DemoEndpoints;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code ingest} command: runs one operator's polling adapter, or the push endpoint, until Ctrl-C (SIGTERM);
 * {@code ingest check} validates the configuration and lists the operators. The ingest image runs this main;
 * the {@code bikefence} CLI mounts the same command. Options override the configuration file; an operator given
 * only on the command line needs at least {@code --url}.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = {"Operator feed adapters into Kafka bike-positions.",
            "Configuration: docker/ingest/operators.yaml.",
            "Options override the configuration file; an operator given only on the command line needs --url."},
        subcommands = {IngestMain.Gbfs.class, IngestMain.Mds.class, IngestMain.Push.class, IngestMain.Check.class})
public final class IngestMain implements Callable<Integer> {

    private static final Logger LOG = LogManager.getLogger(IngestMain.class);
    static final String DEFAULT_CONFIG = "docker/ingest/operators.yaml";
    private static final Map<String, String> OPERATOR_OPTIONS = Map.of("url", "url", "every", "every", "crs", "crs",
            "freshness", "freshness", "token-env", "token-env", "token-file", "token-file");
    private static final Map<String, String[]> GLOBAL_OPTIONS = Map.of(
            "kafka.bootstrap-servers", new String[] {"kafka", "bootstrap-servers"},
            "influx.url", new String[] {"influx", "url"},
            "influx.db", new String[] {"influx", "db"},
            "port", new String[] {"push", "port"});

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        int status = CliSupport.execute(new IngestMain(), args);
        // A clean stop (SIGTERM) returns 0: exiting from here would wait for the shutdown hook that waits for us.
        if (status != 0) {
            System.exit(status);
        }
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "a command is needed: "
                + String.join(", ", spec.subcommands().keySet()));
    }

    /** The options every ingest command shares: where the configuration is and what overrides it. */
    static final class Common {
        @Option(names = "--config", paramLabel = "FILE", defaultValue = "${env:BIKEFENCE_INGEST_CONFIG:-"
                + DEFAULT_CONFIG + "}", description = "the adapters' YAML configuration; $BIKEFENCE_INGEST_CONFIG when set "
                + "(default: ${DEFAULT-VALUE})")
        String config;

        @Option(names = "--kafka.bootstrap-servers", paramLabel = "HOST:PORT",
                description = "Kafka brokers (default: the file's kafka.bootstrap-servers, else "
                        + DemoEndpoints.KAFKA_BOOTSTRAP + ")")
        String kafkaBootstrap;

        @Option(names = "--influx.url", paramLabel = "URL",
                description = "InfluxDB for feed health (default: the file's influx.url, else "
                        + DemoEndpoints.INFLUX_URL + ")")
        String influxUrl;

        @Option(names = "--influx.db", paramLabel = "DB",
                description = "InfluxDB database (default: the file's influx.db, else bikefence)")
        String influxDb;

        Map<String, String> options() {
            Map<String, String> o = new LinkedHashMap<>();
            o.put("config", config);
            put(o, "kafka.bootstrap-servers", kafkaBootstrap);
            put(o, "influx.url", influxUrl);
            put(o, "influx.db", influxDb);
            return o;
        }
    }

    /** The options of a polled operator, each overriding its entry in the file. */
    static final class OperatorOptions {
        @Option(names = "--operator", paramLabel = "ID", required = true,
                description = "operator id, as in the file's operators list (default: none, required)")
        String operator;

        @Option(names = "--url", paramLabel = "URL",
                description = "feed URL: gbfs.json / free_bike_status.json, or the MDS vehicles endpoint "
                        + "(default: the file's url)")
        String url;

        @Option(names = "--every", paramLabel = "DURATION",
                description = "polling interval, e.g. 30s (default: the file's every, else 30s)")
        String every;

        @Option(names = "--crs", paramLabel = "WGS84|GCJ02|BD09",
                description = "coordinate system of the feed (default: the file's crs, else WGS84)")
        String crs;

        @Option(names = "--freshness", paramLabel = "DURATION",
                description = "positions older than this count as stale in feed health "
                        + "(default: the file's freshness, else 120s)")
        String freshness;

        @Option(names = "--token-env", paramLabel = "VAR",
                description = "environment variable holding the feed's bearer token (default: the file's token-env)")
        String tokenEnv;

        @Option(names = "--token-file", paramLabel = "FILE",
                description = "file holding the feed's bearer token (default: the file's token-file)")
        String tokenFile;

        @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "9250",
                description = "port of the adapter's Prometheus /metrics, on all interfaces (default: ${DEFAULT-VALUE};"
                        + " 0: none)")
        int metricsPort;

        void addTo(Map<String, String> o) {
            put(o, "url", url);
            put(o, "every", every);
            put(o, "crs", crs);
            put(o, "freshness", freshness);
            put(o, "token-env", tokenEnv);
            put(o, "token-file", tokenFile);
        }
    }

    private static void put(Map<String, String> o, String key, String value) {
        if (value != null) {
            o.put(key, value);
        }
    }

    /** The validated configuration; a configuration problem is a usage error naming the key and value. */
    static IngestConfig config(CommandSpec spec, String command, String operator, Map<String, String> options) {
        try {
            return config(command, operator, options, System.getenv());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage().replace(":\n  - ", ": ")
                    .replace("\n  - ", "; "));
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "cannot read " + options.get("config") + ": "
                    + e.getMessage());
        }
    }

    @Command(name = "gbfs", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Polls one operator's GBFS feed into Kafka until Ctrl-C.")
    static final class Gbfs implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        OperatorOptions op;
        @Mixin
        Common common;

        @Override
        public Integer call() throws Exception {
            return polling(spec, "gbfs", op, common);
        }
    }

    @Command(name = "mds", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Polls one operator's MDS vehicles endpoint into Kafka until Ctrl-C.")
    static final class Mds implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        OperatorOptions op;
        @Mixin
        Common common;

        @Override
        public Integer call() throws Exception {
            return polling(spec, "mds", op, common);
        }
    }

    private static int polling(CommandSpec spec, String kind, OperatorOptions op, Common common) throws Exception {
        Map<String, String> options = common.options();
        op.addTo(options);
        IngestConfig config = config(spec, kind, op.operator, options);
        if (op.metricsPort < 0 || op.metricsPort > 65_535) {
            throw new ParameterException(spec.commandLine(), "--metrics-port must be 0-65535, was " + op.metricsPort);
        }
        runPolling(config, config.operator(op.operator), op.metricsPort);
        return 0;
    }

    @Command(name = "push", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Serves the push endpoint for the push operators of the configuration until Ctrl-C.")
    static final class Push implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--port", paramLabel = "PORT",
                description = "HTTP port of the push endpoint (default: the file's push.port, else 18090)")
        String port;

        @Mixin
        Common common;

        @Override
        public Integer call() throws Exception {
            Map<String, String> options = common.options();
            put(options, "port", port);
            runPush(config(spec, "push", null, options));
            return 0;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Validates the configuration and lists the operators.")
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        Common common;

        @Override
        public Integer call() {
            config(spec, "check", null, common.options()).operators().values()
                    .forEach(spec.commandLine().getOut()::println);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    /** The configuration for a command: the file, then command-line overrides, validated. */
    static IngestConfig config(String command, String operator, Map<String, String> options, Map<String, String> env)
            throws IOException {
        if (!List.of("gbfs", "mds", "push", "check").contains(command)) {
            throw new IllegalArgumentException("unknown command '" + command + "'");
        }
        String file = options.remove("config");
        if (file == null) {
            file = env.getOrDefault("BIKEFENCE_INGEST_CONFIG", DEFAULT_CONFIG);
        }
        Path path = Path.of(file);
        ObjectNode tree;
        if (Files.isRegularFile(path)) {
            tree = IngestConfig.readTree(path);
        } else if (options.containsKey("url") || command.equals("push")) {
            tree = IngestConfig.emptyTree();
        } else {
            throw new IllegalArgumentException("configuration file " + path.toAbsolutePath() + " not found"
                    + " (give --config FILE, or --url for an operator of the command line only)");
        }
        for (Map.Entry<String, String[]> g : GLOBAL_OPTIONS.entrySet()) {
            String v = options.remove(g.getKey());
            if (v != null) {
                ObjectNode section = tree.has(g.getValue()[0]) && tree.get(g.getValue()[0]).isObject()
                        ? (ObjectNode) tree.get(g.getValue()[0]) : tree.putObject(g.getValue()[0]);
                section.put(g.getValue()[1], v);
            }
        }
        if (command.equals("gbfs") || command.equals("mds")) {
            if (operator == null) {
                throw new IllegalArgumentException(command + " needs --operator ID");
            }
            ObjectNode op = operatorNode(tree, operator, command);
            for (Map.Entry<String, String> o : OPERATOR_OPTIONS.entrySet()) {
                String v = options.remove(o.getKey());
                if (v != null) {
                    op.put(o.getValue(), v);
                }
            }
        }
        if (!options.isEmpty()) {
            throw new IllegalArgumentException("unknown option(s) " + options.keySet());
        }
        IngestConfig config = IngestConfig.fromTree(tree, path.toString());
        if (operator != null && config.operator(operator).kind().wireName().equals(command) == false) {
            throw new IllegalArgumentException("operator " + operator + " is configured as kind "
                    + config.operator(operator).kind().wireName() + ", not " + command);
        }
        return config;
    }

    private static ObjectNode operatorNode(ObjectNode tree, String id, String kind) {
        JsonNode ops = tree.get("operators");
        ArrayNode list = ops != null && ops.isArray() ? (ArrayNode) ops : tree.putArray("operators");
        for (JsonNode op : list) {
            if (id.equals(op.path("id").asText(null)) && op.isObject()) {
                return (ObjectNode) op;
            }
        }
        ObjectNode op = list.addObject();
        op.put("id", id);
        op.put("kind", kind);
        return op;
    }

    /** The adapter's Kafka producer, connecting with the configuration's security settings. */
    public static PositionPublisher publisher(IngestConfig c, String clientId) {
        return new PositionPublisher(c.kafkaBootstrap(), c.kafkaSecurity(), c.positionsTopic(), c.dlqTopic(),
                c.kafkaTimeout(), clientId);
    }

    /**
     * Checks at start that the Kafka secrets are readable here and that the brokers accept the login: a wrong
     * password or truststore is one line and stops the adapter, rather than retried polls. Brokers that do not
     * answer in time are only a warning (an adapter may start before its brokers and retries its publishes).
     *
     * @throws IllegalArgumentException one line naming the option, the variable or file, or the refused login
     */
    public static void checkKafka(IngestConfig c, Function<String, String> env) {
        KafkaClientSecurity security = c.kafkaSecurity();
        security.checkHere(env);
        String notAnswered = security.checkLogin(c.kafkaBootstrap(), java.time.Duration.ofSeconds(10));
        if (notAnswered != null) {
            LOG.warn("Kafka at {} did not answer at start ({}); publishing is retried", c.kafkaBootstrap(),
                    notAnswered);
        }
    }

    /**
     * The {@code feed_health} writer: v1 with basic auth ({@code influx.username}, the password from
     * {@code influx.password-env} or {@code -file}), or v2 with a token ({@code influx.token-env} or {@code -file}).
     *
     * @throws IllegalArgumentException naming the option and the variable or file when a secret cannot be read
     */
    public static FeedHealthWriter health(IngestConfig c, Function<String, String> env) {
        if (c.influxApi().equals("v2")) {
            String token = secret("influx.token", c.influxTokenEnv(), c.influxTokenFile(), env);
            return FeedHealthWriter.v2(c.influxUrl(), c.influxOrg(), c.influxBucket(), token);
        }
        String password = secret("influx.password", c.influxPasswordEnv(), c.influxPasswordFile(), env);
        if (c.influxUsername() != null && password == null) {
            throw new IllegalArgumentException("influx.username " + c.influxUsername()
                    + " needs influx.password-env or influx.password-file");
        }
        return FeedHealthWriter.v1(c.influxUrl(), c.influxDb(), c.influxUsername(), password);
    }

    /** The secret from the variable or file; null when neither is configured. Never names the value. */
    private static String secret(String key, String variable, String file, Function<String, String> env) {
        if (variable != null) {
            String v = env.apply(variable);
            if (v == null || v.isEmpty()) {
                throw new IllegalArgumentException(key + "-env: environment variable " + variable + " is not set");
            }
            return v;
        }
        if (file != null) {
            try {
                String v = Files.readString(Path.of(file)).strip();
                if (v.isEmpty()) {
                    throw new IllegalArgumentException(key + "-file: file " + file + " is empty");
                }
                return v;
            } catch (IOException e) {
                throw new IllegalArgumentException(key + "-file: cannot read " + file + " ("
                        + e.getClass().getSimpleName() + ")");
            }
        }
        return null;
    }

    /** The polling adapter of a GBFS or MDS operator. */
    public static PollingAdapter pollingAdapter(IngestConfig c, OperatorFeed feed, PositionPublisher publisher,
            FeedHealthWriter health, LongSupplier clock, Function<String, String> env) throws IOException {
        String token = feed.token(env);
        FeedReader reader;
        if (feed.kind() == OperatorFeed.Kind.GBFS) {
            reader = new GbfsReader(feed.url(), new HttpFetcher(c.fetchTimeout(), token, "application/json"));
        } else {
            reader = new MdsReader(feed.url(), new HttpFetcher(c.fetchTimeout(), token, MdsParser.ACCEPT));
        }
        return new PollingAdapter(feed, reader,
                new PositionNormalizer(feed.id(), feed.crs(), c.bounds(), clock, c.maxFutureMs()),
                publisher, health, clock, new Backoff(c.backoffInitial(), c.backoffMax()));
    }

    /** The push endpoint for every push operator of the configuration (not started). */
    public static PushEndpoint pushEndpoint(IngestConfig c, PositionPublisher publisher, FeedHealthWriter health,
            LongSupplier clock, Function<String, String> env) throws IOException {
        Map<String, OperatorFeed> push = new LinkedHashMap<>();
        Map<String, String> tokens = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (OperatorFeed f : c.operators().values()) {
            if (f.kind() == OperatorFeed.Kind.PUSH) {
                try {
                    tokens.put(f.id(), f.token(env));
                    push.put(f.id(), f);
                } catch (IOException e) {
                    problems.add(e.getMessage());
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new IOException("push tokens missing: " + String.join("; ", problems));
        }
        if (push.isEmpty()) {
            throw new IllegalArgumentException("no operator of kind push is configured");
        }
        return new PushEndpoint(c.pushHost(), c.pushPort(), c.pushPath(), c.pushMaxBodyBytes(), push, tokens,
                c.bounds(), c.maxFutureMs(), publisher, health, clock,
                new TokenBucketLimiter(c.pushRateLimit(), c.pushBurst(), System::nanoTime));
    }

    private static void runPolling(IngestConfig c, OperatorFeed feed, int metricsPort) throws Exception {
        checkKafka(c, System::getenv);
        try (PositionPublisher publisher = publisher(c, "bikefence-ingest-" + feed.id());
                FeedHealthWriter health = health(c, System::getenv)) {
            PollingAdapter adapter =
                    pollingAdapter(c, feed, publisher, health, System::currentTimeMillis, System::getenv);
            com.sun.net.httpserver.HttpServer metrics = null;
            if (metricsPort > 0) {
                try {
                    metrics = AdapterMetrics.serve(metricsPort, adapter::metricsText);
                } catch (java.net.BindException e) {
                    throw new IllegalArgumentException("--metrics-port " + metricsPort + ": port in use (" + e.getMessage()
                            + "); give another or 0 for none");
                }
                LOG.info("ingest {}: metrics on http://0.0.0.0:{}/metrics", feed.id(), metricsPort);
            }
            Thread main = Thread.currentThread();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                adapter.stop();
                try {
                    main.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "ingest-shutdown"));
            LOG.info("ingest {}: Kafka {} ({}) -> {} (dead letters {}), health -> {} db {}", feed, c.kafkaBootstrap(),
                    c.kafkaSecurity(), c.positionsTopic(), c.dlqTopic(), c.influxUrl(), c.influxDb());
            try {
                adapter.run();
            } finally {
                if (metrics != null) {
                    metrics.stop(0);
                }
            }
        }
    }

    private static void runPush(IngestConfig c) throws Exception {
        checkKafka(c, System::getenv);
        PositionPublisher publisher = publisher(c, "bikefence-ingest-push");
        FeedHealthWriter health = health(c, System::getenv);
        PushEndpoint endpoint = pushEndpoint(c, publisher, health, System::currentTimeMillis, System::getenv).start();
        Object done = new Object();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            endpoint.close();
            publisher.close();
            synchronized (done) {
                done.notifyAll();
            }
        }, "ingest-shutdown"));
        synchronized (done) {
            done.wait();
        }
    }
}
