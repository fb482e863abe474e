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
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The {@code ./bikefence ingest} command: runs one operator's polling adapter, or the push endpoint, until
 * Ctrl-C (SIGTERM).
 *
 * <pre>
 * ingest gbfs --operator hello [--url URL] [--every 30s] [--crs GCJ02] [--freshness 2m] [--token-env VAR]
 * ingest mds  --operator meituan [same options]
 * ingest push [--port 18090]
 * ingest check                      validate the configuration and list the operators
 * common: --config FILE (default docker/ingest/operators.yaml, or $BIKEFENCE_INGEST_CONFIG),
 *         --kafka.bootstrap-servers, --influx.url, --influx.db
 * </pre>
 * Options override the file; an operator given only on the command line needs at least {@code --url}.
 */
public final class IngestMain {

    private static final Logger LOG = LogManager.getLogger(IngestMain.class);
    static final String DEFAULT_CONFIG = "docker/ingest/operators.yaml";
    private static final Map<String, String> OPERATOR_OPTIONS = Map.of("url", "url", "every", "every", "crs", "crs",
            "freshness", "freshness", "token-env", "token-env", "token-file", "token-file");
    private static final Map<String, String[]> GLOBAL_OPTIONS = Map.of(
            "kafka.bootstrap-servers", new String[] {"kafka", "bootstrap-servers"},
            "influx.url", new String[] {"influx", "url"},
            "influx.db", new String[] {"influx", "db"},
            "port", new String[] {"push", "port"});

    private IngestMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            System.out.println(usage());
            return;
        }
        String command = args[0];
        Map<String, String> options = options(args);
        String operator = options.remove("operator");
        IngestConfig config;
        try {
            config = config(command, operator, options, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("bikefence ingest: " + e.getMessage());
            System.exit(2);
            return;
        }
        switch (command) {
            case "check":
                config.operators().values().forEach(System.out::println);
                return;
            case "gbfs":
            case "mds":
                runPolling(config, config.operator(operator));
                return;
            case "push":
                runPush(config);
                return;
            default:
                throw new IllegalStateException(command);
        }
    }

    /** The configuration for a command: the file, then command-line overrides, validated. */
    static IngestConfig config(String command, String operator, Map<String, String> options, Map<String, String> env)
            throws IOException {
        if (!List.of("gbfs", "mds", "push", "check").contains(command)) {
            throw new IllegalArgumentException("unknown command '" + command + "'\n" + usage());
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
            throw new IllegalArgumentException("unknown option(s) " + options.keySet() + "\n" + usage());
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

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected '--option value', got '" + args[i] + "'\n" + usage());
            }
            options.put(args[i].substring(2), args[++i]);
        }
        return options;
    }

    static String usage() {
        return String.join("\n",
                "usage: ./bikefence ingest gbfs --operator ID [--url URL] [--every 30s] [--crs WGS84|GCJ02|BD09]",
                "                              [--freshness 2m] [--token-env VAR | --token-file FILE]",
                "       ./bikefence ingest mds  --operator ID [same options]",
                "       ./bikefence ingest push [--port 18090]",
                "       ./bikefence ingest check",
                "common: --config FILE (default " + DEFAULT_CONFIG + " or $BIKEFENCE_INGEST_CONFIG),",
                "        --kafka.bootstrap-servers HOST:PORT, --influx.url URL, --influx.db DB");
    }

    static PositionPublisher publisher(IngestConfig c, String clientId) {
        return new PositionPublisher(c.kafkaBootstrap(), c.positionsTopic(), c.dlqTopic(), c.kafkaTimeout(), clientId);
    }

    static FeedHealthWriter health(IngestConfig c, Function<String, String> env) {
        String password = c.influxPasswordEnv() == null ? null : env.apply(c.influxPasswordEnv());
        return FeedHealthWriter.v1(c.influxUrl(), c.influxDb(), c.influxUsername(), password);
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
                c.bounds(), c.maxFutureMs(), publisher, health, clock);
    }

    private static void runPolling(IngestConfig c, OperatorFeed feed) throws Exception {
        try (PositionPublisher publisher = publisher(c, "bikefence-ingest-" + feed.id());
                FeedHealthWriter health = health(c, System::getenv)) {
            PollingAdapter adapter =
                    pollingAdapter(c, feed, publisher, health, System::currentTimeMillis, System::getenv);
            Thread main = Thread.currentThread();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                adapter.stop();
                try {
                    main.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "ingest-shutdown"));
            LOG.info("ingest {}: Kafka {} -> {} (dead letters {}), health -> {} db {}", feed, c.kafkaBootstrap(),
                    c.positionsTopic(), c.dlqTopic(), c.influxUrl(), c.influxDb());
            adapter.run();
        }
    }

    private static void runPush(IngestConfig c) throws Exception {
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
