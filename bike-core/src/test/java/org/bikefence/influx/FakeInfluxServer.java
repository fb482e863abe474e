package org.bikefence.influx;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/** A scripted HTTP server on loopback that records every request: stands in for InfluxDB in client tests. */
final class FakeInfluxServer implements AutoCloseable {

    /** One recorded request. */
    record Request(String method, String path, Map<String, String> query, Map<String, List<String>> headers, String body) {
        String header(String name) {
            for (Map.Entry<String, List<String>> h : headers.entrySet()) {
                if (h.getKey().equalsIgnoreCase(name)) {
                    return h.getValue().get(0);
                }
            }
            return null;
        }
    }

    /** One scripted response. */
    record Response(int status, String body, Map<String, String> headers) {}

    private final HttpServer server;
    private final Deque<Response> script = new ArrayDeque<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();

    FakeInfluxServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Queues responses in order; once the script is used up every request gets 204. */
    synchronized FakeInfluxServer respond(int status, String body, Map<String, String> headers) {
        script.add(new Response(status, body, headers));
        return this;
    }

    FakeInfluxServer respond(int status, String body) {
        return respond(status, body, Map.of());
    }

    private synchronized Response next() {
        Response r = script.poll();
        return r == null ? new Response(204, "", Map.of()) : r;
    }

    private void handle(HttpExchange ex) throws IOException {
        String body;
        try (InputStream in = ex.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        requests.add(new Request(ex.getRequestMethod(), ex.getRequestURI().getPath(),
                parseQuery(ex.getRequestURI().getRawQuery()), Map.copyOf(ex.getRequestHeaders()), body));
        Response r = next();
        r.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        byte[] bytes = r.body().getBytes(StandardCharsets.UTF_8);
        if (!r.body().isEmpty()) {
            ex.getResponseHeaders().add("Content-Type", "application/json");
        }
        ex.sendResponseHeaders(r.status(), bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Map<String, String> parseQuery(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw == null) {
            return q;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            q.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return q;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
