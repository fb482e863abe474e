package org.bikefence.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import org.bikefence.simulator.SimRecord;

/**
 * Serves one simulated operator's fleet as a GBFS v2.3 {@code free_bike_status.json}, so the demo can take
 * that operator through the GBFS polling adapter instead of writing to Kafka directly: standing bikes are
 * listed where they stand ({@code is_disabled} when faulty), riding bikes are absent, as in a real feed.
 */
final class GbfsDemoFeed implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String operator;
    private final LongSupplier simClock;
    private final Map<String, ObjectNode> standing = new TreeMap<>();
    private final HttpServer server;

    GbfsDemoFeed(String operator, LongSupplier simClock) throws IOException {
        this.operator = operator;
        this.simClock = simClock;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/free_bike_status.json", exchange -> {
            byte[] body = snapshot();
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/free_bike_status.json";
    }

    /** Whether the record belongs to this feed's operator (and so must not go to Kafka directly). */
    boolean owns(SimRecord r) {
        return r.value.contains("\"operator\":\"" + operator + "\"");
    }

    /** Takes one simulated report of this operator into the feed's current state. */
    synchronized void accept(SimRecord r) {
        if (r.bad) {
            return; // GBFS has no way to carry the broken records the direct feed sends
        }
        try {
            JsonNode n = JSON.readTree(r.value);
            String state = n.path("state").asText();
            if ("riding".equals(state)) {
                standing.remove(r.key);
                return;
            }
            ObjectNode bike = JSON.createObjectNode();
            bike.put("bike_id", r.key);
            bike.put("lat", n.path("lat").asDouble());
            bike.put("lon", n.path("lng").asDouble());
            bike.put("is_reserved", false);
            bike.put("is_disabled", "faulty".equals(state));
            bike.put("last_reported", r.ts / 1000);
            standing.put(r.key, bike);
        } catch (IOException e) {
            throw new IllegalStateException("simulator wrote unreadable JSON: " + r.value, e);
        }
    }

    private synchronized byte[] snapshot() throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("last_updated", simClock.getAsLong() / 1000);
        root.put("ttl", 0);
        root.put("version", "2.3");
        ArrayNode bikes = root.putObject("data").putArray("bikes");
        standing.values().forEach(bikes::add);
        return JSON.writeValueAsBytes(root);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
