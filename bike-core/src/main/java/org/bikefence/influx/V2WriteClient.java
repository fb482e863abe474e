package org.bikefence.influx;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.influxdb.client.InfluxDBClient;
import com.influxdb.client.InfluxDBClientFactory;
import com.influxdb.client.WriteApiBlocking;
import com.influxdb.client.domain.WritePrecision;
import com.influxdb.exceptions.InfluxException;

/**
 * Writes line protocol to the InfluxDB 2.x API ({@code POST /api/v2/write?org=..&bucket=..&precision=ms},
 * {@code Authorization: Token ..}) through influxdb-client-java's blocking write API.
 */
public final class V2WriteClient implements InfluxWriteClient {

    private final InfluxDBClient client;
    private final WriteApiBlocking writeApi;
    private final String org;
    private final String bucket;
    private final String target;
    private final WriteRetrier retrier;

    public V2WriteClient(String url, String org, String bucket, String token, WriteRetrier retrier) {
        String base = V1HttpWriteClient.stripTrailingSlash(url);
        this.client = InfluxDBClientFactory.create(base, token.toCharArray(), org, bucket);
        this.writeApi = client.getWriteApiBlocking();
        this.org = org;
        this.bucket = bucket;
        this.target = V1HttpWriteClient.withoutUserInfo(URI.create(base + "/api/v2/write?org=" + enc(org)
                + "&bucket=" + enc(bucket) + "&precision=ms"));
        this.retrier = retrier;
    }

    @Override
    public void write(List<InfluxPoint> batch) throws IOException {
        if (batch.isEmpty()) {
            return;
        }
        List<String> records = batch.stream().map(InfluxPoint::toLineProtocol).collect(Collectors.toList());
        retrier.run(() -> attempt(records));
    }

    private void attempt(List<String> records) throws InfluxWriteException {
        try {
            writeApi.writeRecords(bucket, org, WritePrecision.MS, records);
        } catch (InfluxException e) {
            throw map(e);
        }
    }

    /** Gives the retry logic the HTTP status, Retry-After and server message the client library collected. */
    private InfluxWriteException map(InfluxException e) {
        if (e.status() > 0) {
            InfluxWriteException mapped = InfluxWriteException.forStatus(
                    target, e.status(), e.getMessage(), WriteRetrier.parseRetryAfter(header(e.headers(), "Retry-After")), e);
            return mapped;
        }
        Throwable cause = e.getCause();
        if (cause instanceof IOException) {
            return InfluxWriteException.forNetworkError(target, (IOException) cause);
        }
        return new InfluxWriteException(
                "InfluxDB write to " + target + " failed: " + e.getMessage(), InfluxWriteException.NO_RESPONSE, false, null, e);
    }

    private static String header(Map<String, String> headers, String name) {
        if (headers == null) {
            return null;
        }
        for (Map.Entry<String, String> h : headers.entrySet()) {
            if (name.equalsIgnoreCase(h.getKey())) {
                return h.getValue();
            }
        }
        return null;
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return "V2WriteClient{" + target + ", token auth}";
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
