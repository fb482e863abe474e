package org.bikefence.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LocalInfluxd#kill()} and {@link LocalInfluxd#restart()}: influxd dies at once, as with {@code kill -9},
 * and comes back on the same port with every point it had acknowledged.
 */
class LocalInfluxdRestartITCase {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;

    @Test
    void aKilledInfluxdRestartsOnTheSamePortWithItsAcknowledgedPoints() throws Exception {
        try (LocalInfluxd influxd = LocalInfluxd.start(dir)) {
            influxd.createDatabase("outage");
            // Acknowledged (204) just before the kill: in the write-ahead log, not yet in a TSM file.
            for (int i = 0; i < 100; i++) {
                assertThat(write(influxd, "m,bike=b" + i + " v=" + i + "i " + (1_000 + i))).isEqualTo(204);
            }
            long pid = influxd.pid();
            String url = influxd.url();

            influxd.kill();

            assertThat(influxd.isRunning()).isFalse();
            assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("pid %d after kill()", pid).isEmpty();
            assertThatThrownBy(() -> write(influxd, "m,bike=late v=0i 5000")).as("a write while it is down")
                    .isInstanceOf(ConnectException.class);

            influxd.restart();

            assertThat(influxd.isRunning()).isTrue();
            assertThat(influxd.pid()).isNotEqualTo(pid);
            assertThat(influxd.url()).isEqualTo(url);
            assertThat(influxd.rows("outage", "SELECT count(v) FROM m")).containsExactly(List.of(0L, 100L));
            assertThat(write(influxd, "m,bike=b0 v=7i 1000")).as("writes after the restart").isEqualTo(204);
            assertThat(influxd.rows("outage", "SELECT v FROM m WHERE bike = 'b0'")).as("the point overwritten")
                    .containsExactly(List.of(1_000L, 7L));
        }
    }

    @Test
    void aRestartOnAPortTakenMeanwhileFailsNamingTheCause() throws Exception {
        try (LocalInfluxd influxd = LocalInfluxd.start(dir)) {
            influxd.kill();
            try (ServerSocket squatter = new ServerSocket(influxd.port(), 1, InetAddress.getLoopbackAddress())) {
                assertThatThrownBy(influxd::restart).isInstanceOf(IOException.class)
                        .hasMessageContaining("address already in use");
            }
            influxd.restart();
            assertThat(influxd.isRunning()).isTrue();
            influxd.createDatabase("after");
        }
    }

    private static int write(LocalInfluxd influxd, String line) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(influxd.url() + "/write?db=outage&precision=ms"))
                .POST(HttpRequest.BodyPublishers.ofString(line)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
