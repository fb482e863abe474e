package org.bikefence.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The adapters' {@code feed_health} writer with {@code influx.api: v2}: the token from a file in
 * {@code Authorization: Token ..} on {@code /api/v2/write} with org and bucket. A small local HTTP server stands in
 * for InfluxDB 2.x: the Debian influxd 1.6.7 these tests run has no v2 API.
 */
class FeedHealthV2TokenTest {

    @Test
    void sendsTheTokenFromTheFileToTheV2WriteApi(@TempDir Path dir) throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            seen.add(ex.getRequestMethod() + " " + ex.getRequestURI() + " | " + ex.getRequestHeaders().getFirst("Authorization")
                    + " | " + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        server.start();
        try {
            Path token = Files.writeString(dir.resolve("influx_token"), "v2-token-abc\n");
            IngestConfig c = IngestConfig.parse("influx: {url: 'http://127.0.0.1:" + server.getAddress().getPort()
                    + "', api: v2, org: city, bucket: bikefence, token-file: " + token + "}");
            try (FeedHealthWriter w = IngestMain.health(c, Map.<String, String>of()::get)) {
                assertThat(w.write(FeedHealth.failure("hello", "gbfs", 1_780_000_000_000L, null, 1, "http_503")))
                        .isTrue();
            }
        } finally {
            server.stop(0);
        }
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0)).startsWith("POST /api/v2/write?org=city&bucket=bikefence&precision=ms | "
                + "Token v2-token-abc | feed_health,");
    }
}
