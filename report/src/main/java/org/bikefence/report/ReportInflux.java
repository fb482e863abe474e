package org.bikefence.report;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Reads InfluxQL results over the 1.x HTTP API ({@code GET /query}, epoch=ms), read-only. */
public final class ReportInflux {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String url;
    private final String database;
    private final String authorization;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** @param username null for no authentication; the password comes from the caller's secret source */
    public ReportInflux(String url, String database, String username, String password) {
        this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.database = database;
        this.authorization = username == null ? null : "Basic " + Base64.getEncoder().encodeToString(
                (username + ":" + (password == null ? "" : password)).getBytes(StandardCharsets.UTF_8));
    }

    /** One series of a result: its tags (from GROUP BY) and rows of column name to value. */
    public record Series(Map<String, String> tags, List<Map<String, Object>> rows) {
        public String tag(String name) {
            return tags.get(name);
        }
    }

    /** The series of the single statement's result; empty when nothing matched. */
    public List<Series> query(String influxQl) throws IOException {
        URI uri = URI.create(url + "/query?db=" + enc(database) + "&epoch=ms&q=" + enc(influxQl));
        HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).GET();
        if (authorization != null) {
            req.header("Authorization", authorization);
        }
        HttpResponse<String> r;
        try {
            r = http.send(req.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted querying " + url);
        } catch (IOException e) {
            throw new IOException("cannot reach InfluxDB at " + url + ": " + e, e);
        }
        JsonNode json;
        try {
            json = JSON.readTree(r.body());
        } catch (IOException e) {
            throw new IOException("InfluxDB at " + url + " answered HTTP " + r.statusCode() + ": " + r.body(), e);
        }
        JsonNode result = json.path("results").path(0);
        if (r.statusCode() / 100 != 2 || json.hasNonNull("error") || result.hasNonNull("error")) {
            String error = json.hasNonNull("error") ? json.get("error").asText() : result.path("error").asText();
            throw new IOException("InfluxDB at " + url + " (database " + database + ") answered HTTP "
                    + r.statusCode() + " to [" + influxQl + "]: " + error);
        }
        List<Series> out = new ArrayList<>();
        for (JsonNode s : result.path("series")) {
            Map<String, String> tags = new HashMap<>();
            s.path("tags").fields().forEachRemaining(e -> tags.put(e.getKey(), e.getValue().asText()));
            List<String> columns = new ArrayList<>();
            s.path("columns").forEach(c -> columns.add(c.asText()));
            List<Map<String, Object>> rows = new ArrayList<>();
            for (JsonNode v : s.path("values")) {
                Map<String, Object> row = new HashMap<>();
                for (int i = 0; i < columns.size(); i++) {
                    row.put(columns.get(i), toJava(v.path(i)));
                }
                rows.add(row);
            }
            out.add(new Series(tags, rows));
        }
        return out;
    }

    /** A string literal for InfluxQL (single quotes, backslash escapes). */
    static String literal(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    public String url() {
        return url;
    }

    public String database() {
        return database;
    }

    private static Object toJava(JsonNode v) {
        if (v.isMissingNode() || v.isNull()) {
            return null;
        }
        if (v.isIntegralNumber()) {
            return v.asLong();
        }
        if (v.isNumber()) {
            return v.asDouble();
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        return v.asText();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
