package org.bikefence.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bikefence.geofence.crs.Crs;
import org.bikefence.kafka.KafkaClientSecurity;
import org.bikefence.model.DemoEndpoints;
import org.bikefence.model.Topics;

/**
 * The adapters' configuration, read once from one YAML file (see {@code docker/ingest/operators.yaml}) and
 * validated: every error names the key and its value. Every key has a default that runs against the demo's
 * Kafka and influxd; secrets are only referenced ({@code token-env}, {@code token-file}, {@code password-env},
 * {@code password-file}): a literal {@code password} or {@code token} is refused.
 */
public record IngestConfig(
        String kafkaBootstrap,
        String positionsTopic,
        String dlqTopic,
        Duration kafkaTimeout,
        KafkaClientSecurity kafkaSecurity,
        String influxUrl,
        String influxDb,
        String influxUsername,
        String influxPasswordEnv,
        String influxPasswordFile,
        String influxApi,
        String influxOrg,
        String influxBucket,
        String influxTokenEnv,
        String influxTokenFile,
        CityBounds bounds,
        long maxFutureMs,
        Duration backoffInitial,
        Duration backoffMax,
        Duration fetchTimeout,
        String pushHost,
        int pushPort,
        String pushPath,
        int pushMaxBodyBytes,
        double pushRateLimit,
        int pushBurst,
        Map<String, OperatorFeed> operators) {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> TOP_KEYS = Set.of("kafka", "influx", "city-bounds", "max-future", "backoff",
            "fetch-timeout", "push", "operators");
    private static final Set<String> KAFKA_KEYS = Set.of("bootstrap-servers", "positions-topic", "dlq-topic",
            "timeout", "security-protocol", "sasl-mechanism", "username", "password-env", "password-file",
            "truststore", "truststore-type", "truststore-password-env", "truststore-password-file",
            // refused below with their own message
            "password", "truststore-password");
    private static final Set<String> INFLUX_KEYS = Set.of("url", "db", "username", "password-env",
            "password-file", "api", "org", "bucket", "token-env", "token-file",
            // refused below with their own message
            "password", "token");
    private static final Set<String> PUSH_KEYS = Set.of("host", "port", "path", "max-body-bytes",
            "rate-limit", "burst");
    private static final Set<String> OPERATOR_KEYS = Set.of("id", "kind", "url", "crs", "token-env", "token-file",
            "every", "freshness");

    public IngestConfig {
        operators = Collections.unmodifiableMap(new LinkedHashMap<>(operators));
    }

    /** Reads a YAML config file. */
    public static IngestConfig load(Path file) throws IOException {
        return fromTree(YAML.readTree(file.toFile()), file.toString());
    }

    /** Parses YAML text (for tests and for a config given inline). */
    public static IngestConfig parse(String yaml) throws IOException {
        return fromTree(YAML.readTree(yaml), "<inline>");
    }

    /** The tree of a YAML file, so that command-line options can override keys before validation. */
    public static ObjectNode readTree(Path file) throws IOException {
        JsonNode n = YAML.readTree(file.toFile());
        if (n == null || n.isMissingNode() || n.isNull()) {
            return YAML.createObjectNode();
        }
        if (!n.isObject()) {
            throw new IllegalArgumentException(file + ": the config must be a YAML mapping");
        }
        return (ObjectNode) n;
    }

    public static ObjectNode emptyTree() {
        return YAML.createObjectNode();
    }

    public static IngestConfig fromTree(JsonNode root, String origin) {
        if (root == null || root.isNull() || root.isMissingNode()) {
            root = YAML.createObjectNode();
        }
        List<String> problems = new ArrayList<>();
        unknownKeys(root, TOP_KEYS, "", problems);
        JsonNode kafka = root.path("kafka");
        JsonNode influx = root.path("influx");
        JsonNode push = root.path("push");
        unknownKeys(kafka, KAFKA_KEYS, "kafka.", problems);
        unknownKeys(influx, INFLUX_KEYS, "influx.", problems);
        unknownKeys(push, PUSH_KEYS, "push.", problems);
        for (String secret : List.of("password", "truststore-password")) {
            if (kafka.has(secret)) {
                problems.add(KafkaClientSecurity.secretRefused("kafka." + secret));
            }
        }
        for (String secret : List.of("password", "token")) {
            if (influx.has(secret)) {
                problems.add("option 'influx." + secret + "' is not accepted: give the secret through 'influx."
                        + secret + "-env' (an environment variable) or 'influx." + secret + "-file'");
            }
        }
        KafkaClientSecurity security = KafkaClientSecurity.plaintext();
        try {
            Map<String, String> securityOptions = new LinkedHashMap<>();
            for (String key : KafkaClientSecurity.KEYS) {
                String v = text(kafka, key.substring("kafka.".length()), null);
                if (v != null) {
                    securityOptions.put(key, v);
                }
            }
            security = KafkaClientSecurity.fromOptions(securityOptions);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        String influxApi = text(influx, "api", "v1");
        if (!influxApi.equals("v1") && !influxApi.equals("v2")) {
            problems.add("influx.api must be v1 or v2, was '" + influxApi + "'");
        }
        if (influx.has("password-env") && influx.has("password-file")) {
            problems.add("influx.password-env and influx.password-file exclude each other");
        }
        if (influx.has("token-env") && influx.has("token-file")) {
            problems.add("influx.token-env and influx.token-file exclude each other");
        }
        if (influxApi.equals("v2")) {
            for (String key : List.of("org", "bucket")) {
                if (text(influx, key, null) == null) {
                    problems.add("influx." + key + " is required with influx.api v2");
                }
            }
            if (!influx.has("token-env") && !influx.has("token-file")) {
                problems.add("influx.token-env or influx.token-file is required with influx.api v2");
            }
        }
        JsonNode box = root.path("city-bounds");
        CityBounds bounds = CityBounds.XIAMEN;
        if (!box.isMissingNode()) {
            try {
                bounds = new CityBounds(num(box, "min-lat", problems), num(box, "max-lat", problems),
                        num(box, "min-lng", problems), num(box, "max-lng", problems));
            } catch (IllegalArgumentException e) {
                problems.add("city-bounds: " + e.getMessage());
            }
        }
        Map<String, OperatorFeed> operators = new LinkedHashMap<>();
        JsonNode ops = root.path("operators");
        if (!ops.isMissingNode() && !ops.isArray()) {
            problems.add("operators must be a list");
        }
        for (JsonNode op : ops) {
            unknownKeys(op, OPERATOR_KEYS, "operators[" + op.path("id").asText("?") + "].", problems);
            try {
                OperatorFeed f = new OperatorFeed(
                        text(op, "id", null),
                        OperatorFeed.Kind.parse(text(op, "kind", "")),
                        text(op, "url", null),
                        Crs.parse(text(op, "crs", "WGS84")),
                        text(op, "token-env", null),
                        text(op, "token-file", null),
                        duration(text(op, "every", "30s"), "every"),
                        duration(text(op, "freshness", "120s"), "freshness"));
                if (operators.put(f.id(), f) != null) {
                    problems.add("operator id '" + f.id() + "' is configured twice");
                }
            } catch (IllegalArgumentException e) {
                problems.add("operators[" + op.path("id").asText("?") + "]: " + e.getMessage());
            }
        }
        IngestConfig c = null;
        try {
            c = new IngestConfig(
                    text(kafka, "bootstrap-servers", DemoEndpoints.KAFKA_BOOTSTRAP),
                    text(kafka, "positions-topic", Topics.POSITIONS),
                    text(kafka, "dlq-topic", Topics.POSITIONS_DLQ),
                    duration(text(kafka, "timeout", "10s"), "kafka.timeout"),
                    security,
                    text(influx, "url", DemoEndpoints.INFLUX_URL),
                    text(influx, "db", "bikefence"),
                    text(influx, "username", null),
                    text(influx, "password-env", null),
                    text(influx, "password-file", null),
                    influxApi,
                    text(influx, "org", null),
                    text(influx, "bucket", null),
                    text(influx, "token-env", null),
                    text(influx, "token-file", null),
                    bounds,
                    duration(text(root, "max-future", "10m"), "max-future").toMillis(),
                    duration(text(root.path("backoff"), "initial", "1s"), "backoff.initial"),
                    duration(text(root.path("backoff"), "max", "5m"), "backoff.max"),
                    duration(text(root, "fetch-timeout", "20s"), "fetch-timeout"),
                    text(push, "host", "0.0.0.0"),
                    (int) longValue(text(push, "port", "18090"), "push.port", 0, 65535),
                    text(push, "path", "/v1/positions"),
                    (int) longValue(text(push, "max-body-bytes", "1048576"), "push.max-body-bytes", 1,
                            Integer.MAX_VALUE),
                    rate(text(push, "rate-limit", "20"), "push.rate-limit"),
                    (int) longValue(text(push, "burst", "40"), "push.burst", 1, 1_000_000),
                    operators);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid ingest configuration " + origin + ":\n  - "
                    + String.join("\n  - ", problems));
        }
        return c;
    }

    /** The operator's feed or a message listing the configured ids. */
    public OperatorFeed operator(String id) {
        OperatorFeed f = operators.get(id);
        if (f == null) {
            throw new IllegalArgumentException("no operator '" + id + "' in the configuration; configured: "
                    + operators.keySet());
        }
        return f;
    }

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    /** {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, {@code 1d}, or ISO-8601 {@code PT30S}. */
    public static Duration duration(String s, String key) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        Matcher m = DURATION.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            switch (m.group(2)) {
                case "ms":
                    return Duration.ofMillis(n);
                case "s":
                    return Duration.ofSeconds(n);
                case "m":
                    return Duration.ofMinutes(n);
                case "h":
                    return Duration.ofHours(n);
                default:
                    return Duration.ofDays(n);
            }
        }
        try {
            return Duration.parse(s.trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(key + " must be a duration like 500ms, 30s, 2m, 1h or PT30S, was '"
                    + s + "'");
        }
    }

    /** Requests per second; 0 switches the limit off. */
    private static double rate(String s, String key) {
        try {
            double v = Double.parseDouble(s.trim());
            if (!(v >= 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException(key + " must be a number of requests per second >= 0 (0: no limit), "
                        + "was '" + s + "'");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number of requests per second >= 0 (0: no limit), "
                    + "was '" + s + "'");
        }
    }

    private static long longValue(String s, String key, long min, long max) {
        try {
            long v = Long.parseLong(s.trim());
            if (v < min || v > max) {
                throw new IllegalArgumentException(key + " must be in [" + min + ", " + max + "], was " + v);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, was '" + s + "'");
        }
    }

    private static String text(JsonNode n, String key, String dflt) {
        JsonNode v = n.path(key);
        if (v.isMissingNode() || v.isNull()) {
            return dflt;
        }
        if (v.isContainerNode()) {
            throw new IllegalArgumentException(key + " must be a single value, was " + v);
        }
        return v.asText();
    }

    private static double num(JsonNode n, String key, List<String> problems) {
        JsonNode v = n.path(key);
        if (!v.isNumber()) {
            problems.add("city-bounds." + key + " must be a number, was " + (v.isMissingNode() ? "missing" : v));
            return Double.NaN;
        }
        return v.asDouble();
    }

    private static void unknownKeys(JsonNode n, Set<String> known, String prefix, List<String> problems) {
        if (!n.isObject()) {
            return;
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!known.contains(k)) {
                problems.add("unknown key '" + prefix + k + "' (known: " + known + ")");
            }
        }
    }
}
