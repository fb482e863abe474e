package org.bikefence.influx;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Checks, before a command starts its work, that InfluxDB is there and can take (or give) its points: the
 * server answers {@code /ping}; with the v1 API the database (and retention policy, when one is named) exists,
 * and is created with the idempotent {@code CREATE DATABASE} when {@link #createDatabase(boolean)} allows it;
 * with the v2 API the bucket exists in the organisation ({@code GET /api/v2/buckets?name=}). Each problem is one
 * {@link InfluxPreflightException} line naming the URL, the database or bucket and how to fix it, within a few
 * seconds, instead of a write that fails after minutes of retries.
 */
public final class InfluxPreflight {

    /** Connect and request timeout of each of the (at most three) requests. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(4);

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the check found. */
    public enum Outcome {
        /** Reachable, and the database or bucket exists. */
        READY,
        /** Reachable; the database did not exist and was created. */
        CREATED,
        /** Reachable; the database or bucket was not checked because the secret is not available in this process. */
        NOT_CHECKED
    }

    /** The outcome and a line saying it (for a log or the terminal). */
    public record Result(Outcome outcome, String message) {}

    private enum Api { V1, V2 }

    private final Api api;
    private final String url;
    private final String target;
    private final String database;
    private final String org;
    private final String bucket;
    private String retentionPolicy;
    private String username;
    private Secret password;
    private Secret token;
    private boolean create;
    private boolean secretMayBeElsewhere;
    private String createHint = "";
    private Duration timeout = DEFAULT_TIMEOUT;

    private InfluxPreflight(Api api, String url, String database, String org, String bucket) {
        this.api = api;
        this.url = V1HttpWriteClient.stripTrailingSlash(Objects.requireNonNull(url, "url"));
        this.target = V1HttpWriteClient.withoutUserInfo(URI.create(this.url));
        this.database = database;
        this.org = org;
        this.bucket = bucket;
    }

    /** A check of the v1 API at {@code url} (e.g. {@code http://localhost:8086}) and its database. */
    public static InfluxPreflight v1(String url, String database) {
        requireText(database, "database");
        return new InfluxPreflight(Api.V1, url, database, null, null);
    }

    /** A check of the v2 API at {@code url} and a bucket of an organisation; needs {@link #token(Secret)}. */
    public static InfluxPreflight v2(String url, String org, String bucket) {
        requireText(org, "org");
        requireText(bucket, "bucket");
        return new InfluxPreflight(Api.V2, url, null, org, bucket);
    }

    /** v1: the retention policy the writes name; null for the database's default (not checked). */
    public InfluxPreflight retentionPolicy(String retentionPolicy) {
        this.retentionPolicy = retentionPolicy == null || retentionPolicy.isBlank() ? null : retentionPolicy;
        return this;
    }

    /** v1: HTTP basic auth; null username for none. */
    public InfluxPreflight basicAuth(String username, Secret password) {
        this.username = username;
        this.password = password;
        return this;
    }

    /** v2: the API token. */
    public InfluxPreflight token(Secret token) {
        this.token = token;
        return this;
    }

    /** v1: create a missing database ({@code CREATE DATABASE} is idempotent) instead of failing. */
    public InfluxPreflight createDatabase(boolean create) {
        this.create = create;
        return this;
    }

    /**
     * A secret that cannot be resolved here (it may be set on the TaskManagers only, where the writers open) gives
     * {@link Outcome#NOT_CHECKED} instead of a failure; reachability is still checked.
     */
    public InfluxPreflight secretMayBeElsewhere(boolean allowed) {
        this.secretMayBeElsewhere = allowed;
        return this;
    }

    /** Appended to the line for a missing database, e.g. {@code "or run with --influx.create-db true"}. */
    public InfluxPreflight createHint(String hint) {
        this.createHint = hint == null || hint.isBlank() ? "" : ", " + hint.strip();
        return this;
    }

    /** Connect and request timeout of each request; {@link #DEFAULT_TIMEOUT} by default. */
    public InfluxPreflight timeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        this.timeout = timeout;
        return this;
    }

    /**
     * Runs the check.
     *
     * @throws InfluxPreflightException with one line when InfluxDB cannot serve the command
     */
    public Result check() throws InfluxPreflightException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build();
        ping(http);
        String authorization;
        try {
            authorization = authorization();
        } catch (IOException e) {
            if (!secretMayBeElsewhere) {
                throw new InfluxPreflightException("cannot check InfluxDB at " + target + ": " + e.getMessage());
            }
            return new Result(Outcome.NOT_CHECKED, "InfluxDB at " + target + " is reachable; " + what()
                    + " not checked here: " + e.getMessage());
        }
        return api == Api.V1 ? checkDatabase(http, authorization) : checkBucket(http, authorization);
    }

    private void ping(HttpClient http) throws InfluxPreflightException {
        HttpResponse<String> r = send(http, get("/ping"), "GET /ping");
        if (r.statusCode() == 404 && api == Api.V2) {
            // Some InfluxDB 3 builds answer /health only.
            r = send(http, get("/health"), "GET /health");
        }
        if (r.statusCode() / 100 != 2) {
            throw new InfluxPreflightException("InfluxDB at " + target + " answered HTTP " + r.statusCode()
                    + " to " + r.request().method() + " " + r.request().uri().getPath() + errorText(r)
                    + ": is this the InfluxDB URL?");
        }
    }

    private Result checkDatabase(HttpClient http, String authorization) throws InfluxPreflightException {
        List<String> names = values(query(http, authorization, "SHOW DATABASES", false));
        if (!names.contains(database)) {
            if (!create) {
                throw new InfluxPreflightException("InfluxDB database '" + database + "' does not exist at " + target
                        + "; create it with: curl -XPOST '" + target + "/query' --data-urlencode 'q=CREATE DATABASE "
                        + quoteIdentifier(database) + "'" + (username == null ? "" : " -u " + username) + createHint);
            }
            query(http, authorization, "CREATE DATABASE " + quoteIdentifier(database), true);
        }
        if (retentionPolicy != null) {
            List<String> policies = values(query(http, authorization,
                    "SHOW RETENTION POLICIES ON " + quoteIdentifier(database), false));
            if (!policies.contains(retentionPolicy)) {
                throw new InfluxPreflightException("InfluxDB retention policy '" + retentionPolicy
                        + "' does not exist on database '" + database + "' at " + target + " (it has " + policies
                        + "); create it with CREATE RETENTION POLICY or leave the retention policy unset");
            }
        }
        boolean created = !names.contains(database);
        return new Result(created ? Outcome.CREATED : Outcome.READY, "InfluxDB at " + target + ": database '" + database
                + "' " + (created ? "created" : "exists"));
    }

    private Result checkBucket(HttpClient http, String authorization) throws InfluxPreflightException {
        String path = "/api/v2/buckets?name=" + enc(bucket) + "&org=" + enc(org);
        HttpRequest.Builder b = get(path);
        b.header("Authorization", authorization);
        HttpResponse<String> r = send(http, b, "GET /api/v2/buckets");
        if (r.statusCode() == 401 || r.statusCode() == 403) {
            throw new InfluxPreflightException("InfluxDB at " + target + " refused the token (HTTP " + r.statusCode()
                    + errorText(r) + "): check the token's variable or file and its read permission on buckets");
        }
        if (r.statusCode() == 404) {
            throw new InfluxPreflightException("InfluxDB organisation '" + org + "' was not found at " + target
                    + errorText(r) + "; check the organisation name");
        }
        if (r.statusCode() / 100 != 2) {
            throw new InfluxPreflightException("InfluxDB at " + target + " answered HTTP " + r.statusCode()
                    + " to GET /api/v2/buckets" + errorText(r));
        }
        JsonNode buckets = parse(r, "GET /api/v2/buckets").path("buckets");
        for (JsonNode found : buckets) {
            if (bucket.equals(found.path("name").asText())) {
                return new Result(Outcome.READY, "InfluxDB at " + target + ": bucket '" + bucket + "' exists");
            }
        }
        throw new InfluxPreflightException("InfluxDB bucket '" + bucket + "' does not exist in organisation '" + org
                + "' at " + target + "; create it with: influx bucket create --host " + target + " --org " + org
                + " --name " + bucket);
    }

    /** Runs InfluxQL (GET for reads, POST for CREATE) and returns the first result, failing on any error. */
    private JsonNode query(HttpClient http, String authorization, String influxQl, boolean post)
            throws InfluxPreflightException {
        HttpRequest.Builder b = post
                ? HttpRequest.newBuilder(URI.create(url + "/query")).timeout(timeout)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("q=" + enc(influxQl)))
                : get("/query?q=" + enc(influxQl));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        HttpResponse<String> r = send(http, b, influxQl);
        if (r.statusCode() == 401 || r.statusCode() == 403) {
            throw new InfluxPreflightException("InfluxDB at " + target + " refused " + influxQl + " (HTTP "
                    + r.statusCode() + errorText(r) + "): " + (username == null
                            ? "it needs a user: give the username and the password's variable or file"
                            : "check user '" + username + "', the password and the user's privileges"));
        }
        JsonNode json = parse(r, influxQl);
        String error = json.path("error").asText(null);
        JsonNode result = json.path("results").path(0);
        if (error == null) {
            error = result.path("error").asText(null);
        }
        if (error != null || r.statusCode() / 100 != 2) {
            throw new InfluxPreflightException("InfluxDB at " + target + " answered " + influxQl + " with HTTP "
                    + r.statusCode() + ": " + (error == null ? oneLine(r.body()) : oneLine(error)));
        }
        return result;
    }

    private static List<String> values(JsonNode result) {
        List<String> names = new ArrayList<>();
        for (JsonNode row : result.path("series").path(0).path("values")) {
            names.add(row.path(0).asText());
        }
        return names;
    }

    private HttpRequest.Builder get(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create(url + pathAndQuery)).timeout(timeout).GET();
    }

    private HttpResponse<String> send(HttpClient http, HttpRequest.Builder request, String what)
            throws InfluxPreflightException {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InfluxPreflightException("interrupted while checking InfluxDB at " + target);
        } catch (IOException | UnresolvedAddressException e) {
            throw new InfluxPreflightException("InfluxDB is not reachable at " + target + " (" + what + ": "
                    + describe(e) + "); start it or check the InfluxDB URL");
        } catch (IllegalArgumentException e) {
            throw new InfluxPreflightException("InfluxDB URL '" + target + "' cannot be used: " + e.getMessage());
        }
    }

    private static JsonNode parse(HttpResponse<String> r, String what) throws InfluxPreflightException {
        try {
            return JSON.readTree(r.body() == null || r.body().isEmpty() ? "{}" : r.body());
        } catch (IOException e) {
            throw new InfluxPreflightException("InfluxDB answered " + what + " with HTTP " + r.statusCode()
                    + " and no JSON: " + oneLine(r.body()));
        }
    }

    private String authorization() throws IOException {
        if (api == Api.V2) {
            if (token == null) {
                throw new IOException("no token given for the v2 API");
            }
            return "Token " + token.resolve();
        }
        if (username == null) {
            return null;
        }
        String pw = password == null ? "" : password.resolve();
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + pw).getBytes(StandardCharsets.UTF_8));
    }

    private String what() {
        return api == Api.V1 ? "database '" + database + "'" : "bucket '" + bucket + "'";
    }

    /** The cause of a failed connection in a few words; HttpClient's own messages are often null. */
    static String describe(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t && (t.getMessage() == null || t instanceof ConnectException)) {
            t = t.getCause();
        }
        if (e instanceof HttpConnectTimeoutException || t instanceof HttpConnectTimeoutException) {
            return "no connection within the timeout";
        }
        if (e instanceof HttpTimeoutException) {
            return "no answer within the timeout";
        }
        if (e instanceof ConnectException || t instanceof ConnectException) {
            return "connection refused";
        }
        if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
            return "unknown host";
        }
        if (e instanceof InterruptedIOException) {
            return "interrupted";
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + oneLine(t.getMessage()));
    }

    private static String errorText(HttpResponse<String> r) {
        String text = r.headers().firstValue("X-Influxdb-Error").orElse(r.body());
        return text == null || text.isBlank() ? "" : " (" + oneLine(text) + ")";
    }

    private static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        String one = s.strip().replaceAll("\\s*\\R\\s*", " ");
        return one.length() > 200 ? one.substring(0, 200) + "..." : one;
    }

    static String quoteIdentifier(String name) {
        return "\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
    }

    @Override
    public String toString() {
        return "InfluxPreflight{" + api + " " + target + ", " + what() + (create ? ", create" : "") + "}";
    }
}
