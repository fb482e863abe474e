package org.bikefence.sink;

import java.util.List;

/** The configuration keys of the InfluxDB sink, as read by {@link InfluxDbSink#fromConfig(java.util.Map)}. */
public final class InfluxSinkOptions {

    /** Base URL, e.g. {@code http://localhost:8086}. Required. */
    public static final String URL = "influx.url";
    /** {@code v1} (POST /write, InfluxQL databases) or {@code v2} (POST /api/v2/write, buckets). Default v1. */
    public static final String API = "influx.api";

    /** v1: database name. Required for v1. */
    public static final String DATABASE = "influx.db";
    /** v1: retention policy; the database's default when absent. */
    public static final String RETENTION_POLICY = "influx.rp";
    /** v1: user for HTTP basic auth; needs a password. */
    public static final String USERNAME = "influx.username";
    /** v1: environment variable holding the password. */
    public static final String PASSWORD_ENV = "influx.password-env";
    /** v1: file holding the password. */
    public static final String PASSWORD_FILE = "influx.password-file";

    /** v2: organisation. Required for v2. */
    public static final String ORG = "influx.org";
    /** v2: bucket. Required for v2. */
    public static final String BUCKET = "influx.bucket";
    /** v2: environment variable holding the API token. */
    public static final String TOKEN_ENV = "influx.token-env";
    /** v2: file holding the API token. */
    public static final String TOKEN_FILE = "influx.token-file";

    /** Points per HTTP request; a full buffer is written at once. Default 5000. */
    public static final String BATCH_SIZE = "influx.batch-size";
    /** Longest time a buffered point waits before it is written, in ms. Default 1000. */
    public static final String FLUSH_INTERVAL_MS = "influx.flush-interval-ms";
    /** Retries of a 429, 503 or network failure before the job fails. Default 5. */
    public static final String MAX_RETRIES = "influx.max-retries";
    /** First backoff between retries, doubled each retry, in ms. Default 200. */
    public static final String INITIAL_BACKOFF_MS = "influx.initial-backoff-ms";

    /** Rejected on purpose: secrets are read from the environment or files, never from configuration. */
    static final List<String> FORBIDDEN = List.of("influx.token", "influx.password");

    static final List<String> ALL = List.of(
            URL, API, DATABASE, RETENTION_POLICY, USERNAME, PASSWORD_ENV, PASSWORD_FILE, ORG, BUCKET, TOKEN_ENV,
            TOKEN_FILE, BATCH_SIZE, FLUSH_INTERVAL_MS, MAX_RETRIES, INITIAL_BACKOFF_MS);

    private InfluxSinkOptions() {}
}
