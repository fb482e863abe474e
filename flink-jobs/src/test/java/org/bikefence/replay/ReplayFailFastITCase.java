package org.bikefence.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bikefence.config.JobOptions;
import org.bikefence.job.ScenarioFixtures;
import org.bikefence.local.LocalInfluxd;
import org.bikefence.testing.InfluxdExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code replay} as people run it, in its own JVM with the launcher's logging: against a stopped InfluxDB or a
 * database that does not exist it exits 1 within 15 s with one line naming the cause, and no stack trace.
 */
class ReplayFailFastITCase {

    @RegisterExtension
    static final InfluxdExtension INFLUX = new InfluxdExtension();

    private static final Duration LIMIT = Duration.ofSeconds(15);
    private static final Path LOG4J = Paths.get("src/main/resources/org/bikefence/replay/log4j2-replay.properties");

    private record Run(int exit, String stdout, String stderr, Duration took) {}

    @Test
    void nothingListeningOnTheInfluxPortIsOneLineAndExit1() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port;

        Run r = replay("no-influxd", "--influx.url", url, "--influx.db", "backfill");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.took()).isLessThan(LIMIT);
        assertThat(r.stderr()).isEqualTo("replay: InfluxDB is not reachable at " + url
                + " (GET /ping: connection refused); start it or check the InfluxDB URL\n");
        assertNoStackTrace(r);
    }

    @Test
    void aMissingDatabaseWithCreationOffIsOneLineNamingItTheUrlAndTheFix() throws Exception {
        LocalInfluxd influxd = INFLUX.influxd();
        String db = INFLUX.database() + "_backfill";

        Run r = replay("no-database", "--influx.url", influxd.url(), "--influx.db", db);

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.took()).isLessThan(LIMIT);
        assertThat(r.stderr()).isEqualTo("replay: InfluxDB database '" + db + "' does not exist at " + influxd.url()
                + "; create it with: curl -XPOST '" + influxd.url() + "/query' --data-urlencode 'q=CREATE DATABASE \""
                + db + "\"', or run with --" + JobOptions.INFLUX_CREATE_DB.key() + " true\n");
        assertNoStackTrace(r);
        assertThat(influxd.rows("_internal", "SHOW DATABASES")).noneMatch(row -> db.equals(row.get(0)));
    }

    @Test
    void withCreationOnTheMissingDatabaseIsCreatedAndTheReplayWritesIntoIt() throws Exception {
        LocalInfluxd influxd = INFLUX.influxd();
        String db = INFLUX.database() + "_created";

        Run r = replay("create-db", "--influx.url", influxd.url(), "--influx.db", db,
                "--" + JobOptions.INFLUX_CREATE_DB.key(), "true");

        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.stderr()).contains("replay: InfluxDB at " + influxd.url() + ": database '" + db + "' created");
        assertThat(r.stdout()).startsWith("replayed ");
        assertThat(influxd.rows(db, "SELECT count(*) FROM " + org.bikefence.influx.InfluxSchema.OPERATOR_MINUTE))
                .isNotEmpty();
    }

    private static void assertNoStackTrace(Run r) {
        assertThat(r.stdout() + r.stderr()).doesNotContain("\tat ").doesNotContain("Exception").doesNotContain("Caused by");
    }

    /** Runs {@code replay} over the test positions in a JVM of its own, from a fresh directory under target/. */
    private static Run replay(String name, String... influxOptions) throws Exception {
        Path dir = Files.createDirectories(Paths.get("target", "replay-fail-fast", name + "-" + System.nanoTime()))
                .toAbsolutePath();
        Files.createDirectories(dir.resolve("tmp"));
        List<String> command = new ArrayList<>(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-Djava.io.tmpdir=" + dir.resolve("tmp"),
                "-Dlog4j.configurationFile=" + LOG4J.toAbsolutePath(),
                "-cp", System.getProperty("java.class.path"),
                ReplayMain.class.getName(),
                "--from", Paths.get("src/test/resources/replay/positions-crlf.jsonl").toAbsolutePath().toString(),
                "--" + JobOptions.FENCES.key(), Paths.get(ScenarioFixtures.FENCES).toAbsolutePath().toString(),
                "--" + JobOptions.RULES.key(), Paths.get(ScenarioFixtures.RULES).toAbsolutePath().toString(),
                "--" + JobOptions.MAX_OUT_OF_ORDER_MS.key(), "120000",
                "--dlq", dir.resolve("dlq.jsonl").toString(),
                "--checkpoint-dir", dir.resolve("checkpoints").toString(),
                "--progress", "off"));
        command.addAll(List.of(influxOptions));
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("replay did not end within 120 s; stderr: " + read(err));
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        System.out.printf("replay %s: exit %d after %d ms%n", name, p.exitValue(), took.toMillis());
        return new Run(p.exitValue(), read(out), read(err), took);
    }

    private static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
    }
}
