package org.bikefence.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.ParameterTool;
import org.bikefence.kafka.KafkaClientSecurity;

/**
 * The job's configuration, validated once: a Flink {@link Configuration} holding the {@link JobOptions}
 * that were given, read through the options (so an option not given has its documented default, which
 * runs the demo). Every error names the option and its value. Options come from {@code --key value}
 * arguments, falling back to environment variables ({@code influx.url} -> {@code BIKEFENCE_INFLUX_URL}).
 * Secrets are never options: the InfluxDB token and password are read from the environment or a file.
 */
public final class JobConfig {
    private static final String ENV_PREFIX = "BIKEFENCE_";
    /**
     * The project's {@code BIKEFENCE_*} variables that are not job options: compose's {@code .env} (ports, images, the
     * broker's external address and cluster id), the compose topics service's, and the other tools' own. Any other
     * {@code BIKEFENCE_*} variable is refused as an unknown option, so a misspelt one (the variable of
     * {@code kafka.bootstrap} for {@code kafka.bootstrap-servers}) stops the job instead of being ignored.
     */
    public static final Set<String> NOT_OPTIONS = Set.of(
            // docker/env.example: compose's own settings
            "BIKEFENCE_FLINK_UI_PORT", "BIKEFENCE_GRAFANA_PORT", "BIKEFENCE_INFLUX_PORT", "BIKEFENCE_PROMETHEUS_PORT",
            "BIKEFENCE_PUSH_PORT", "BIKEFENCE_JOB_IMAGE", "BIKEFENCE_INGEST_IMAGE", "BIKEFENCE_KAFKA_CLUSTER_ID",
            "BIKEFENCE_KAFKA_EXTERNAL_HOST", "BIKEFENCE_KAFKA_EXTERNAL_PORT",
            // compose's kafka and topics services
            "BIKEFENCE_KAFKA_EXTERNAL", "BIKEFENCE_TOPICS", "BIKEFENCE_KAFKA_USERS",
            // the other tools: stack traces, the report's browser, the adapters, real data for benchmarks, Grafana
            "BIKEFENCE_DEBUG", "BIKEFENCE_CHROMIUM", "BIKEFENCE_INGEST_CONFIG", "BIKEFENCE_REAL_DATA",
            "BIKEFENCE_PROMETHEUS_URL");
    /** What {@link ParameterTool} stores for a {@code --key} that has no value. */
    private static final String NO_VALUE = "__NO_VALUE_KEY";
    /** Options whose value must be a positive number. */
    private static final List<ConfigOption<? extends Number>> POSITIVE = List.of(JobOptions.MAX_OUT_OF_ORDER_MS,
            JobOptions.IDLENESS_MS, JobOptions.MAX_FUTURE_MS, JobOptions.MAX_BIKE_ID_LENGTH,
            JobOptions.MAX_RECORD_BYTES, JobOptions.NOW_SNAPSHOT_INTERVAL_MINUTES, JobOptions.NOW_CELL_MIN_BIKES,
            JobOptions.CHECKPOINT_INTERVAL_MS,
            JobOptions.PARALLELISM,
            JobOptions.MAX_PARALLELISM);

    private final Configuration given;

    private JobConfig(Configuration given) {
        this.given = given;
    }

    /** Parses {@code --key value} program arguments over environment variables over defaults. */
    public static JobConfig fromArgs(String[] args, Map<String, String> env) {
        Map<String, String> options = ParameterTool.fromArgs(args).toMap();
        options.forEach((k, v) -> {
            if (NO_VALUE.equals(v)) {
                throw new IllegalArgumentException("option '--" + k + "' has no value");
            }
        });
        return of(options, env);
    }

    /**
     * The configuration from options given by key (without {@code --}), over the {@code BIKEFENCE_*}
     * environment variables, over defaults. Unknown keys are rejected; so are {@code BIKEFENCE_*} environment
     * variables that map to no option, but for the project's others ({@link #NOT_OPTIONS}).
     */
    public static JobConfig of(Map<String, String> options, Map<String, String> env) {
        Map<String, String> values = new TreeMap<>();
        TreeSet<String> unknown = new TreeSet<>();
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (!e.getKey().startsWith(ENV_PREFIX)) {
                continue;
            }
            String key = envToKey(e.getKey());
            refuseSecret(key);
            if (JobOptions.byKey(key).isPresent()) {
                values.put(key, e.getValue());
            } else if (!NOT_OPTIONS.contains(e.getKey())) {
                unknown.add(key + " (environment variable " + e.getKey() + ")");
            }
        }
        for (Map.Entry<String, String> e : options.entrySet()) {
            refuseSecret(e.getKey());
            if (JobOptions.byKey(e.getKey()).isEmpty()) {
                unknown.add(e.getKey());
            }
            values.put(e.getKey(), e.getValue());
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown option(s) " + unknown + "; known: "
                    + JobOptions.ALL.stream().map(ConfigOption::key).toList());
        }
        JobConfig c = new JobConfig(Configuration.fromMap(values));
        c.validate(values);
        return c;
    }

    private static void refuseSecret(String key) {
        if (JobOptions.FORBIDDEN.contains(key)) {
            throw new IllegalArgumentException(JobOptions.secretRefused(key));
        }
    }

    private static String envToKey(String env) {
        // BIKEFENCE_INFLUX_URL -> influx.url ; BIKEFENCE_KAFKA_BOOTSTRAP_SERVERS -> kafka.bootstrap-servers
        String s = env.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT);
        int firstUnderscore = s.indexOf('_');
        if (firstUnderscore < 0) {
            return s;
        }
        return s.substring(0, firstUnderscore) + "." + s.substring(firstUnderscore + 1).replace('_', '-');
    }

    private void validate(Map<String, String> raw) {
        List<String> problems = new ArrayList<>();
        List<String> unparsable = new ArrayList<>();
        for (ConfigOption<?> o : JobOptions.ALL) {
            if (!raw.containsKey(o.key())) {
                continue;
            }
            try {
                given.get(o);
            } catch (IllegalArgumentException e) {
                unparsable.add(o.key());
                problems.add("option '" + o.key() + "' must be " + typeName(o) + ", was '" + raw.get(o.key()) + "'");
            }
        }
        for (ConfigOption<? extends Number> o : POSITIVE) {
            if (!unparsable.contains(o.key()) && given.get(o).longValue() <= 0) {
                problems.add("option '" + o.key() + "' must be positive, was '" + raw.get(o.key()) + "'");
            }
        }
        String now = JobOptions.NOW_SNAPSHOT_INTERVAL_MINUTES.key();
        if (!unparsable.contains(now) && given.get(JobOptions.NOW_SNAPSHOT_INTERVAL_MINUTES) > 0
                && given.get(JobOptions.NOW_SNAPSHOT_INTERVAL_MINUTES) % 5 != 0) {
            problems.add("option '" + now + "' must be a multiple of 5, was '" + raw.get(now) + "'");
        }
        if (!unparsable.contains(JobOptions.MAX_PARALLELISM.key()) && !unparsable.contains(JobOptions.PARALLELISM.key())) {
            int max = get(JobOptions.MAX_PARALLELISM);
            if (max > JobOptions.UPPER_MAX_PARALLELISM) {
                problems.add("option '" + JobOptions.MAX_PARALLELISM.key() + "' must be at most "
                        + JobOptions.UPPER_MAX_PARALLELISM + ", was '" + max + "'");
            } else if (max > 0 && get(JobOptions.PARALLELISM) > max) {
                problems.add("option '" + JobOptions.PARALLELISM.key() + "' must not exceed '"
                        + JobOptions.MAX_PARALLELISM.key() + "' (" + max + "), was '" + get(JobOptions.PARALLELISM)
                        + "'");
            }
        }
        String offsets = get(JobOptions.KAFKA_STARTING_OFFSETS);
        if (!JobOptions.STARTING_OFFSETS.contains(offsets)) {
            problems.add("option '" + JobOptions.KAFKA_STARTING_OFFSETS.key()
                    + "' must be committed, earliest or latest, was '" + offsets + "'");
        }
        String backend = get(JobOptions.STATE_BACKEND);
        if (!JobOptions.STATE_BACKENDS.contains(backend)) {
            problems.add("option '" + JobOptions.STATE_BACKEND.key() + "' must be rocksdb or hashmap, was '" + backend
                    + "'");
        }
        try {
            kafkaSecurity();
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        String rules = get(JobOptions.RULES);
        if (!Files.isRegularFile(Path.of(rules)) && !Files.isDirectory(Path.of(rules))) {
            problems.add("option '" + JobOptions.RULES.key() + "': no rule-set file or directory '" + rules
                    + "' (working directory " + Path.of("").toAbsolutePath() + ")");
        }
        // The fence files and their options: what can be told without reading them (JobFences reads them).
        org.bikefence.geofence.LoadOptions fenceOptions = org.bikefence.geofence.LoadOptions.defaults();
        try {
            fenceOptions = JobFences.loadOptions(this);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        try {
            for (org.bikefence.geofence.FenceFiles.Entry e : JobFences.entries(this)) {
                try {
                    org.bikefence.geofence.FenceFiles.options(e, fenceOptions);
                } catch (IllegalArgumentException bad) {
                    problems.add("option '" + JobOptions.FENCES.key() + "': " + bad.getMessage());
                }
                if (!Files.isRegularFile(e.path())) {
                    problems.add("option '" + JobOptions.FENCES.key() + "': file '" + e.file()
                            + "' does not exist (working directory " + Path.of("").toAbsolutePath() + ")");
                }
            }
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid configuration:\n  " + String.join("\n  ", problems));
        }
    }

    private static String typeName(ConfigOption<?> o) {
        return o.defaultValue() instanceof Boolean ? "true or false" : "an integer";
    }

    /**
     * How the job's Kafka clients connect ({@code kafka.security-protocol} and the options after it), validated;
     * its properties hold references to the secrets, never their values.
     */
    public KafkaClientSecurity kafkaSecurity() {
        Map<String, String> raw = given.toMap();
        Map<String, String> options = new TreeMap<>();
        for (String key : KafkaClientSecurity.KEYS) {
            if (raw.containsKey(key)) {
                options.put(key, raw.get(key));
            }
        }
        return KafkaClientSecurity.fromOptions(options);
    }

    /** The option's value: as given, or its default (null for an option without one that was not given). */
    public <T> T get(ConfigOption<T> option) {
        return given.get(option);
    }

    /** Whether the option was given (as an argument or an environment variable), not taken from its default. */
    public boolean isGiven(ConfigOption<?> option) {
        return given.contains(option);
    }

    /** A millisecond option as a duration. */
    public Duration getMillis(ConfigOption<Long> option) {
        return Duration.ofMillis(get(option));
    }

    public Path path(ConfigOption<String> option) {
        return Path.of(get(option));
    }

    public byte[] readFile(ConfigOption<String> option) {
        try {
            return Files.readAllBytes(path(option));
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "option '" + option.key() + "': cannot read '" + get(option) + "': " + e, e);
        }
    }

    /** The options that were given, as a Flink configuration (a copy); read it through {@link JobOptions}. */
    public Configuration configuration() {
        return new Configuration(given);
    }

    /** All effective options, for the startup log (contains no secrets by construction). */
    public Map<String, String> asMap() {
        Map<String, String> m = new TreeMap<>();
        for (ConfigOption<?> o : JobOptions.ALL) {
            Object v = given.get(o);
            if (v != null) {
                m.put(o.key(), String.valueOf(v));
            }
        }
        return Collections.unmodifiableMap(m);
    }
}
