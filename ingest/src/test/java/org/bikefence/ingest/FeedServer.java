package org.bikefence.ingest;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local HTTP server serving feed documents the test sets per path: a status and body, with {@code ${base}} in
 * bodies replaced by the server's own URL. Requests are counted per path.
 */
public final class FeedServer implements AutoCloseable {

    record Response(int status, byte[] body) {}

    private final HttpServer server;
    private final Map<String, Response> responses = new ConcurrentHashMap<>();
    private final Map<String, ConcurrentLinkedQueue<Response>> queued = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> authorizations = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> requestLog = new ConcurrentLinkedQueue<>();

    public FeedServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String query = exchange.getRequestURI().getRawQuery();
            String full = exchange.getRequestURI().getPath() + (query == null ? "" : "?" + query);
            // An exact path+query match first (paging cursors), else the path alone.
            String path = responses.containsKey(full) || queued.containsKey(full) ? full
                    : exchange.getRequestURI().getPath();
            requestLog.add(full);
            requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            if (auth != null) {
                authorizations.add(auth);
            }
            ConcurrentLinkedQueue<Response> q = queued.get(path);
            Response r = q == null ? null : q.poll();
            if (r == null) {
                r = responses.getOrDefault(path, new Response(404, "not found".getBytes(StandardCharsets.UTF_8)));
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(r.status(), r.body().length == 0 ? -1 : r.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(r.body());
            }
        });
        server.start();
    }

    public String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Serves the body from now on. */
    public void serve(String path, int status, byte[] body) {
        responses.put(path, new Response(status, withBase(body)));
    }

    /** Serves this once, before the standing response. */
    public void serveOnce(String path, int status, byte[] body) {
        queued.computeIfAbsent(path, p -> new ConcurrentLinkedQueue<>()).add(new Response(status, withBase(body)));
    }

    public int requests(String path) {
        AtomicInteger n = requests.get(path);
        return n == null ? 0 : n.get();
    }

    /** Every request's path and query, in arrival order. */
    public List<String> requestLog() {
        return List.copyOf(requestLog);
    }

    public Iterable<String> authorizations() {
        return authorizations;
    }

    private byte[] withBase(byte[] body) {
        return new String(body, StandardCharsets.UTF_8).replace("${base}", base()).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
