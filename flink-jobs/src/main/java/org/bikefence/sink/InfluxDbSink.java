package org.bikefence.sink;

import org.bikefence.influx.WriteRetrier;
import org.bikefence.influx.V2WriteClient;
import org.bikefence.influx.V1HttpWriteClient;
import org.bikefence.influx.Secret;
import org.bikefence.influx.InfluxWriteClient;
import org.bikefence.influx.InfluxPoint;
import org.bikefence.influx.InfluxPreflight;


import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.bikefence.config.JobOptions;

/**
 * Flink Sink V2 that writes {@link InfluxPoint}s to InfluxDB 1.x ({@code /write}) or 2.x
 * ({@code /api/v2/write}), at least once: buffered points are written on size, on time and at every
 * checkpoint, and a failed write fails the job. See the package documentation for the guarantees.
 */
public final class InfluxDbSink implements Sink<InfluxPoint> {

    private static final long serialVersionUID = 1L;

    /** Which HTTP write API to speak. */
    public enum ApiVersion {
        /** {@code POST /write?db=..&precision=ms}, optional basic auth (InfluxDB 1.x, also 2.x/3.x compat). */
        V1,
        /** {@code POST /api/v2/write?org=..&bucket=..&precision=ms} with a token (InfluxDB 2.x). */
        V2
    }

    public static final int DEFAULT_BATCH_SIZE = JobOptions.INFLUX_BATCH_SIZE.defaultValue();
    public static final Duration DEFAULT_FLUSH_INTERVAL =
            Duration.ofMillis(JobOptions.INFLUX_FLUSH_INTERVAL_MS.defaultValue());
    public static final int DEFAULT_MAX_RETRIES = JobOptions.INFLUX_MAX_RETRIES.defaultValue();
    public static final Duration DEFAULT_INITIAL_BACKOFF =
            Duration.ofMillis(JobOptions.INFLUX_INITIAL_BACKOFF_MS.defaultValue());

    private static final String URL = JobOptions.INFLUX_URL.key();
    private static final String API = JobOptions.INFLUX_API.key();
    private static final String DATABASE = JobOptions.INFLUX_DB.key();
    private static final String RETENTION_POLICY = JobOptions.INFLUX_RP.key();
    private static final String USERNAME = JobOptions.INFLUX_USERNAME.key();
    private static final String PASSWORD_ENV = JobOptions.INFLUX_PASSWORD_ENV.key();
    private static final String ORG = JobOptions.INFLUX_ORG.key();
    private static final String BUCKET = JobOptions.INFLUX_BUCKET.key();
    private static final String TOKEN_ENV = JobOptions.INFLUX_TOKEN_ENV.key();
    private static final String BATCH_SIZE = JobOptions.INFLUX_BATCH_SIZE.key();
    private static final String FLUSH_INTERVAL_MS = JobOptions.INFLUX_FLUSH_INTERVAL_MS.key();
    private static final String MAX_RETRIES = JobOptions.INFLUX_MAX_RETRIES.key();
    private static final String INITIAL_BACKOFF_MS = JobOptions.INFLUX_INITIAL_BACKOFF_MS.key();

    private final String url;
    private final ApiVersion apiVersion;
    private final String database;
    private final String retentionPolicy;
    private final String username;
    private final Secret password;
    private final String org;
    private final String bucket;
    private final Secret token;
    private final int batchSize;
    private final Duration flushInterval;
    private final int maxRetries;
    private final Duration initialBackoff;

    private InfluxDbSink(Builder b) {
        this.url = V1HttpWriteClient.stripTrailingSlash(b.url);
        this.apiVersion = b.apiVersion;
        this.database = b.database;
        this.retentionPolicy = b.retentionPolicy;
        this.username = b.username;
        this.password = b.password;
        this.org = b.org;
        this.bucket = b.bucket;
        this.token = b.token;
        this.batchSize = b.batchSize;
        this.flushInterval = b.flushInterval;
        this.maxRetries = b.maxRetries;
        this.initialBackoff = b.initialBackoff;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a sink from the {@code influx.*} {@link JobOptions} in a Flink configuration, with their
     * defaults where not set; other keys are ignored, unknown {@code influx.*} keys (typos) and literal
     * secrets ({@code influx.token}, {@code influx.password}) are rejected.
     */
    public static InfluxDbSink fromConfig(Configuration cfg) {
        Map<String, String> raw = cfg.toMap();
        TreeSet<String> unknown = new TreeSet<>();
        for (String key : raw.keySet()) {
            if (JobOptions.FORBIDDEN.contains(key)) {
                throw new IllegalArgumentException(JobOptions.secretRefused(key));
            }
            if (key.startsWith(JobOptions.INFLUX_PREFIX) && JobOptions.byKey(key).isEmpty()) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            List<String> known = JobOptions.ALL.stream().map(ConfigOption::key)
                    .filter(k -> k.startsWith(JobOptions.INFLUX_PREFIX)).toList();
            throw new IllegalArgumentException("unknown InfluxDB sink option(s) " + unknown + "; known: " + known);
        }
        Builder b = builder().url(cfg.get(JobOptions.INFLUX_URL));
        String api = cfg.get(JobOptions.INFLUX_API);
        ApiVersion version;
        try {
            version = ApiVersion.valueOf(api.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("option '" + API + "' must be v1 or v2, was '" + api + "'");
        }
        b.apiVersion(version);
        // The database default is a v1 default: a v2 sink names a bucket instead, and refuses a database.
        b.database(version == ApiVersion.V1 ? cfg.get(JobOptions.INFLUX_DB)
                        : cfg.getOptional(JobOptions.INFLUX_DB).orElse(null))
                .retentionPolicy(cfg.get(JobOptions.INFLUX_RP))
                .username(cfg.get(JobOptions.INFLUX_USERNAME));
        b.org(cfg.get(JobOptions.INFLUX_ORG)).bucket(cfg.get(JobOptions.INFLUX_BUCKET));
        cfg.getOptional(JobOptions.INFLUX_PASSWORD_ENV).ifPresent(b::passwordFromEnv);
        cfg.getOptional(JobOptions.INFLUX_PASSWORD_FILE).ifPresent(b::passwordFromFile);
        cfg.getOptional(JobOptions.INFLUX_TOKEN_ENV).ifPresent(b::tokenFromEnv);
        cfg.getOptional(JobOptions.INFLUX_TOKEN_FILE).ifPresent(b::tokenFromFile);
        b.batchSize(integer(cfg, JobOptions.INFLUX_BATCH_SIZE));
        b.flushInterval(Duration.ofMillis(integer(cfg, JobOptions.INFLUX_FLUSH_INTERVAL_MS)));
        b.maxRetries(integer(cfg, JobOptions.INFLUX_MAX_RETRIES));
        b.initialBackoff(Duration.ofMillis(integer(cfg, JobOptions.INFLUX_INITIAL_BACKOFF_MS)));
        return b.build();
    }

    private static <T extends Number> T integer(Configuration cfg, ConfigOption<T> option) {
        try {
            return cfg.get(option);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("option '" + option.key() + "' must be an integer, was '"
                    + cfg.toMap().get(option.key()) + "'");
        }
    }

    @Override
    public SinkWriter<InfluxPoint> createWriter(WriterInitContext context) throws IOException {
        return new InfluxDbSinkWriter(
                this::createClient,
                batchSize,
                flushInterval,
                context.getProcessingTimeService(),
                context.metricGroup());
    }

    /** Opens the HTTP client; secrets are resolved here, on the TaskManager. */
    InfluxWriteClient createClient(WriteRetrier.RetryListener onRetry) throws IOException {
        WriteRetrier retrier = new WriteRetrier(maxRetries, initialBackoff, onRetry);
        if (apiVersion == ApiVersion.V2) {
            return new V2WriteClient(url, org, bucket, token.resolve(), retrier);
        }
        return new V1HttpWriteClient(
                url, database, retentionPolicy, username, password == null ? null : password.resolve(), retrier);
    }

    /**
     * The check of this sink's InfluxDB before a job starts ({@link InfluxPreflight}): the same URL, API,
     * database or bucket and secrets as its writers. Not run by the sink itself: callers run it at submission.
     */
    public InfluxPreflight preflight() {
        if (apiVersion == ApiVersion.V2) {
            return InfluxPreflight.v2(url, org, bucket).token(token);
        }
        return InfluxPreflight.v1(url, database).retentionPolicy(retentionPolicy).basicAuth(username, password);
    }

    /** The v1 database, or null for v2. */
    public String database() {
        return database;
    }

    public String url() {
        return url;
    }

    public ApiVersion apiVersion() {
        return apiVersion;
    }

    public int batchSize() {
        return batchSize;
    }

    public Duration flushInterval() {
        return flushInterval;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("InfluxDbSink{url=").append(url).append(", api=").append(apiVersion);
        if (apiVersion == ApiVersion.V1) {
            sb.append(", db=").append(database);
            if (retentionPolicy != null) {
                sb.append(", rp=").append(retentionPolicy);
            }
            if (username != null) {
                sb.append(", username=").append(username).append(", password=").append(password);
            }
        } else {
            sb.append(", org=").append(org).append(", bucket=").append(bucket).append(", token=").append(token);
        }
        return sb.append(", batchSize=").append(batchSize)
                .append(", flushInterval=").append(flushInterval.toMillis()).append("ms")
                .append(", maxRetries=").append(maxRetries)
                .append(", initialBackoff=").append(initialBackoff.toMillis()).append("ms}")
                .toString();
    }

    /** Fluent builder; {@link #build()} checks the options and names the first one that is missing or wrong. */
    public static final class Builder {
        private String url;
        private ApiVersion apiVersion = ApiVersion.V1;
        private String database;
        private String retentionPolicy;
        private String username;
        private Secret password;
        private String org;
        private String bucket;
        private Secret token;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private Duration flushInterval = DEFAULT_FLUSH_INTERVAL;
        private int maxRetries = DEFAULT_MAX_RETRIES;
        private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;

        private Builder() {}

        /** Base URL such as {@code http://localhost:8086}. */
        public Builder url(String url) {
            this.url = url;
            return this;
        }

        /** V1 (default) or V2. */
        public Builder apiVersion(ApiVersion apiVersion) {
            this.apiVersion = apiVersion;
            return this;
        }

        /** V1 database. */
        public Builder database(String database) {
            this.database = database;
            return this;
        }

        /** V1 retention policy; the database default when not set. */
        public Builder retentionPolicy(String retentionPolicy) {
            this.retentionPolicy = retentionPolicy;
            return this;
        }

        /** V1 user for basic auth. */
        public Builder username(String username) {
            this.username = username;
            return this;
        }

        /** V1 password, given directly (it is then part of the serialized job graph). */
        public Builder password(String password) {
            this.password = password == null ? null : Secret.of(password);
            return this;
        }

        public Builder passwordFromEnv(String variable) {
            this.password = Secret.fromEnv(variable);
            return this;
        }

        public Builder passwordFromFile(String path) {
            this.password = Secret.fromFile(path);
            return this;
        }

        /** V2 organisation. */
        public Builder org(String org) {
            this.org = org;
            return this;
        }

        /** V2 bucket. */
        public Builder bucket(String bucket) {
            this.bucket = bucket;
            return this;
        }

        /** V2 token, given directly (it is then part of the serialized job graph). */
        public Builder token(String token) {
            this.token = token == null ? null : Secret.of(token);
            return this;
        }

        /** V2 token read from this environment variable when the writer opens. */
        public Builder tokenFromEnv(String variable) {
            this.token = Secret.fromEnv(variable);
            return this;
        }

        /** V2 token read from this file when the writer opens. */
        public Builder tokenFromFile(String path) {
            this.token = Secret.fromFile(path);
            return this;
        }

        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public Builder flushInterval(Duration flushInterval) {
            this.flushInterval = flushInterval;
            return this;
        }

        /** Retries of 429, 503 and failures without a response; 0 disables retrying. */
        public Builder maxRetries(int maxRetries) {
            this.maxRetries = maxRetries;
            return this;
        }

        /** First retry backoff, doubled per retry up to 30 s; a longer Retry-After wins. */
        public Builder initialBackoff(Duration initialBackoff) {
            this.initialBackoff = initialBackoff;
            return this;
        }

        public InfluxDbSink build() {
            sanityCheck();
            return new InfluxDbSink(this);
        }

        private void sanityCheck() {
            require(url != null && !url.isBlank(), URL, "is required (e.g. http://localhost:8086)");
            URI uri;
            try {
                uri = URI.create(url.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("InfluxDB sink option '" + URL + "' is not a valid URL: " + e.getMessage());
            }
            require(("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                            && uri.getHost() != null,
                    URL, "must be an http:// or https:// URL with a host, was '" + V1HttpWriteClient.withoutUserInfo(uri) + "'");
            require(uri.getRawUserInfo() == null, URL,
                    "must not contain credentials: use username/password or a token from the environment or a file");
            require(uri.getRawQuery() == null, URL, "must be a base URL without a query");
            require(apiVersion != null, API, "must be V1 or V2");
            if (apiVersion == ApiVersion.V1) {
                require(notBlank(database), DATABASE, "(database) is required for the V1 API");
                require(org == null, ORG, "(org) belongs to the V2 API; this sink uses V1");
                require(bucket == null, BUCKET, "(bucket) belongs to the V2 API; this sink uses V1");
                require(token == null, TOKEN_ENV, "(token) belongs to the V2 API; this sink uses V1");
                require(username == null || notBlank(username), USERNAME, "must not be blank");
                require(username != null || password == null, USERNAME, "(username) is required when a password is set");
                require(username == null || password != null, PASSWORD_ENV, "(password) is required when a username is set");
            } else {
                require(notBlank(org), ORG, "(org) is required for the V2 API");
                require(notBlank(bucket), BUCKET, "(bucket) is required for the V2 API");
                require(token != null, TOKEN_ENV, "(token) is required for the V2 API: use tokenFromEnv, tokenFromFile or token");
                require(database == null, DATABASE, "(database) belongs to the V1 API; this sink uses V2 (use bucket)");
                require(retentionPolicy == null, RETENTION_POLICY, "(retentionPolicy) belongs to the V1 API; this sink uses V2");
                require(username == null && password == null, USERNAME,
                        "(username/password) belong to the V1 API; this sink uses V2 (use a token)");
            }
            require(batchSize > 0, BATCH_SIZE, "must be > 0, was " + batchSize);
            require(flushInterval != null && !flushInterval.isNegative() && !flushInterval.isZero(),
                    FLUSH_INTERVAL_MS, "(flushInterval) must be > 0, was " + flushInterval);
            require(maxRetries >= 0, MAX_RETRIES, "must be >= 0, was " + maxRetries);
            require(initialBackoff != null && !initialBackoff.isNegative(),
                    INITIAL_BACKOFF_MS, "(initialBackoff) must be >= 0, was " + initialBackoff);
        }

        private static boolean notBlank(String s) {
            return s != null && !s.isBlank();
        }

        private static void require(boolean ok, String option, String problem) {
            if (!ok) {
                throw new IllegalArgumentException("InfluxDB sink option '" + option + "' " + problem);
            }
        }
    }
}
