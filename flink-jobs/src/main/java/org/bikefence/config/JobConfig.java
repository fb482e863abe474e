package org.bikefence.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bikefence.model.Topics;

/**
 * The job's configuration, validated once: every option has a documented default that runs the demo,
 * and every error names the option and its value. Options come from {@code --key value} arguments,
 * falling back to environment variables ({@code influx.url} -> {@code BIKEFENCE_INFLUX_URL}).
 * Secrets are never options: the InfluxDB token and password are read from the environment or a file.
 */
public final class JobConfig {
    public static final String KAFKA_BOOTSTRAP = "kafka.bootstrap-servers";
    public static final String KAFKA_POSITIONS_TOPIC = "kafka.positions-topic";
    public static final String KAFKA_DLQ_TOPIC = "kafka.dlq-topic";
    public static final String KAFKA_FENCES_TOPIC = "kafka.fences-topic";
    public static final String KAFKA_VIOLATIONS_TOPIC = "kafka.violations-topic";
    public static final String KAFKA_GROUP_ID = "kafka.group-id";
    public static final String KAFKA_STARTING_OFFSETS = "kafka.starting-offsets";
    public static final String KAFKA_BOUNDED = "kafka.bounded";
    public static final String FENCES = "fences";
    public static final String RULES = "rules";
    public static final String MAX_OUT_OF_ORDER_MS = "watermark.max-out-of-order-ms";
    public static final String IDLENESS_MS = "watermark.idleness-ms";
    public static final String MAX_FUTURE_MS = "decode.max-future-ms";
    public static final String CHECKPOINT_INTERVAL_MS = "checkpoint.interval-ms";
    public static final String PARALLELISM = "parallelism";

    /** The defaults, which run the demo from the repository root. */
    public static final Map<String, String> DEFAULTS;

    static {
        Map<String, String> d = new TreeMap<>();
        d.put(KAFKA_BOOTSTRAP, "127.0.0.1:19092");
        d.put(KAFKA_POSITIONS_TOPIC, Topics.POSITIONS);
        d.put(KAFKA_DLQ_TOPIC, Topics.POSITIONS_DLQ);
        d.put(KAFKA_FENCES_TOPIC, Topics.GEOFENCES);
        d.put(KAFKA_VIOLATIONS_TOPIC, Topics.VIOLATIONS);
        d.put(KAFKA_GROUP_ID, "bikefence");
        d.put(KAFKA_STARTING_OFFSETS, "committed");
        d.put(KAFKA_BOUNDED, "false");
        d.put(FENCES, "geo-fences/fences/huli-demo.geojson");
        d.put(RULES, "scoring-rules/rulesets/huli.yaml");
        d.put(MAX_OUT_OF_ORDER_MS, "30000");
        d.put(IDLENESS_MS, "60000");
        d.put(MAX_FUTURE_MS, "600000");
        d.put(CHECKPOINT_INTERVAL_MS, "10000");
        d.put(PARALLELISM, "1");
        d.put("influx.url", "http://127.0.0.1:18086");
        d.put("influx.api", "v1");
        d.put("influx.db", "bikefence");
        DEFAULTS = Collections.unmodifiableMap(d);
    }

    private final Map<String, String> values;

    private JobConfig(Map<String, String> values) {
        this.values = values;
    }

    /** Parses {@code --key value} pairs over environment variables over defaults. */
    public static JobConfig fromArgs(String[] args, Map<String, String> env) {
        Map<String, String> v = new TreeMap<>(DEFAULTS);
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (e.getKey().startsWith("BIKEFENCE_")) {
                v.put(envToKey(e.getKey()), e.getValue());
            }
        }
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("expected an option '--key value', got '" + a + "'");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option '" + a + "' has no value");
            }
            v.put(a.substring(2), args[++i]);
        }
        JobConfig c = new JobConfig(v);
        c.validate();
        return c;
    }

    private static String envToKey(String env) {
        // BIKEFENCE_INFLUX_URL -> influx.url ; BIKEFENCE_KAFKA_BOOTSTRAP_SERVERS -> kafka.bootstrap-servers
        String s = env.substring("BIKEFENCE_".length()).toLowerCase(java.util.Locale.ROOT);
        int firstUnderscore = s.indexOf('_');
        if (firstUnderscore < 0) {
            return s;
        }
        return s.substring(0, firstUnderscore) + "." + s.substring(firstUnderscore + 1).replace('_', '-');
    }

    private void validate() {
        List<String> problems = new ArrayList<>();
        for (String k : List.of(MAX_OUT_OF_ORDER_MS, IDLENESS_MS, MAX_FUTURE_MS, CHECKPOINT_INTERVAL_MS, PARALLELISM)) {
            try {
                if (Long.parseLong(values.get(k)) <= 0) {
                    problems.add("option '" + k + "' must be positive, was '" + values.get(k) + "'");
                }
            } catch (NumberFormatException e) {
                problems.add("option '" + k + "' must be an integer, was '" + values.get(k) + "'");
            }
        }
        String offsets = values.get(KAFKA_STARTING_OFFSETS);
        if (!List.of("committed", "earliest", "latest").contains(offsets)) {
            problems.add("option '" + KAFKA_STARTING_OFFSETS + "' must be committed, earliest or latest, was '"
                    + offsets + "'");
        }
        if (!List.of("true", "false").contains(values.get(KAFKA_BOUNDED))) {
            problems.add("option '" + KAFKA_BOUNDED + "' must be true or false, was '" + values.get(KAFKA_BOUNDED) + "'");
        }
        if (!Files.isRegularFile(Path.of(values.get(RULES))) && !Files.isDirectory(Path.of(values.get(RULES)))) {
            problems.add("option '" + RULES + "': no rule-set file or directory '" + values.get(RULES)
                    + "' (working directory " + Path.of("").toAbsolutePath() + ")");
        }
        for (String k : List.of(FENCES)) {
            if (!Files.isRegularFile(Path.of(values.get(k)))) {
                problems.add("option '" + k + "': file '" + values.get(k) + "' does not exist (working directory "
                        + Path.of("").toAbsolutePath() + ")");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid configuration:\n  " + String.join("\n  ", problems));
        }
    }

    public String get(String key) {
        return values.get(key);
    }

    public long getLong(String key) {
        return Long.parseLong(values.get(key));
    }

    public Duration getMillis(String key) {
        return Duration.ofMillis(getLong(key));
    }

    public boolean getBoolean(String key) {
        return Boolean.parseBoolean(values.get(key));
    }

    public Path path(String key) {
        return Path.of(values.get(key));
    }

    public byte[] readFile(String key) {
        try {
            return Files.readAllBytes(path(key));
        } catch (IOException e) {
            throw new IllegalArgumentException("option '" + key + "': cannot read '" + values.get(key) + "': " + e, e);
        }
    }

    /** The options of one prefix, e.g. all {@code influx.*} for the sink. */
    public Map<String, String> withPrefix(String prefix) {
        Map<String, String> m = new TreeMap<>();
        values.forEach((k, val) -> {
            if (k.startsWith(prefix)) {
                m.put(k, val);
            }
        });
        return m;
    }

    /** All effective options, for the startup log (contains no secrets by construction). */
    public Map<String, String> asMap() {
        return Collections.unmodifiableMap(values);
    }
}
