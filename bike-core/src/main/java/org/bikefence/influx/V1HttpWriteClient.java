package org.bikefence.influx;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/**
 * Writes line protocol to the InfluxDB 1.x HTTP API ({@code POST /write?db=..&precision=ms}), which
 * InfluxDB 2.x and 3.x also accept for compatibility.
 */
public final class V1HttpWriteClient implements InfluxWriteClient {
    private static final int MAX_KEPT_CHARS = 4 << 20;

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final URI writeUri;
    private final String target;
    private final String authorization;
    private final WriteRetrier retrier;
    private final HttpClient http;
    /** See {@link #lines}; kept only while it holds at most {@link #MAX_KEPT_CHARS} characters. */
    private final StringBuilder lines = new StringBuilder();

    /**
     * @param url base URL such as {@code http://localhost:8086}
     * @param retentionPolicy null for the database's default
     * @param username null for no authentication
     * @param password used with username for HTTP basic auth
     */
    public V1HttpWriteClient(
            String url, String database, String retentionPolicy, String username, String password, WriteRetrier retrier) {
        StringBuilder uri = new StringBuilder(stripTrailingSlash(url))
                .append("/write?db=").append(enc(database));
        if (retentionPolicy != null && !retentionPolicy.isEmpty()) {
            uri.append("&rp=").append(enc(retentionPolicy));
        }
        uri.append("&precision=ms");
        this.writeUri = URI.create(uri.toString());
        this.target = withoutUserInfo(writeUri);
        this.authorization = username == null
                ? null
                : "Basic " + Base64.getEncoder().encodeToString(
                        (username + ":" + (password == null ? "" : password)).getBytes(StandardCharsets.UTF_8));
        this.retrier = retrier;
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    }

    @Override
    public void write(List<InfluxPoint> batch) throws IOException {
        if (batch.isEmpty()) {
            return;
        }
        String body = lines(batch);
        HttpRequest.Builder rb = HttpRequest.newBuilder(writeUri)
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "text/plain; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (authorization != null) {
            rb.header("Authorization", authorization);
        }
        HttpRequest request = rb.build();
        retrier.run(() -> attempt(request));
    }

    /**
     * The batch as lines of line protocol, built in one buffer that stays for the next batch (a batch is thousands of
     * points: a new buffer grew through a dozen copies for each); one batch at a time.
     */
    private synchronized String lines(List<InfluxPoint> batch) {
        lines.setLength(0);
        for (InfluxPoint p : batch) {
            if (!lines.isEmpty()) {
                lines.append('\n');
            }
            p.appendLineProtocol(lines);
        }
        String body = lines.toString();
        if (lines.capacity() > MAX_KEPT_CHARS) {
            lines.setLength(0);
            lines.trimToSize();
        }
        return body;
    }

    private void attempt(HttpRequest request) throws InfluxWriteException {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InfluxWriteException("interrupted while writing to " + target, InfluxWriteException.NO_RESPONSE,
                    false, null, new InterruptedIOException(e.toString()));
        } catch (IOException e) {
            throw InfluxWriteException.forNetworkError(target, e);
        }
        int status = response.statusCode();
        if (status / 100 == 2) {
            return;
        }
        String error = response.body();
        if (error == null || error.isBlank()) {
            error = response.headers().firstValue("X-Influxdb-Error").orElse("");
        }
        throw InfluxWriteException.forStatus(
                target, status, error,
                WriteRetrier.parseRetryAfter(response.headers().firstValue("Retry-After").orElse(null)), null);
    }

    @Override
    public void close() {
        // java.net.http.HttpClient of Java 17 has no close(); its threads end when it is unreachable.
    }

    @Override
    public String toString() {
        return "V1HttpWriteClient{" + target + (authorization == null ? "" : ", basic auth") + "}";
    }

    public static String stripTrailingSlash(String url) {
        String u = url.strip();
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        return u;
    }

    /** The URI for messages: never with user:password@ even if someone put credentials into the URL. */
    public static String withoutUserInfo(URI uri) {
        if (uri.getRawUserInfo() == null) {
            return uri.toString();
        }
        return uri.toString().replace(uri.getRawUserInfo() + "@", "");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
