package org.bikefence.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import org.bikefence.testing.InfluxdExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The report against a stopped influxd or a database that does not exist: exit 1 with one line, nothing created. */
class ReportFailFastITCase {

    @RegisterExtension
    static final InfluxdExtension INFLUX = new InfluxdExtension();

    private record Run(int exit, String err) {}

    @Test
    void nothingListeningIsOneLineAndExit1() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Run r = report("--influx.url", "http://127.0.0.1:" + port, "--influx.db", "bikefence");

        assertThat(r.exit()).isEqualTo(MonthlyReport.EXIT_FAILED);
        assertThat(r.err()).isEqualTo("bikefence report: InfluxDB is not reachable at http://127.0.0.1:" + port
                + " (GET /ping: connection refused); start it or check the InfluxDB URL\n");
    }

    @Test
    void aMissingDatabaseIsNamedAndNotCreated() throws Exception {
        String url = INFLUX.influxd().url();
        String db = INFLUX.database() + "_typo";

        Run r = report("--influx.url", url, "--influx.db", db);

        assertThat(r.exit()).isEqualTo(MonthlyReport.EXIT_FAILED);
        assertThat(r.err()).startsWith("bikefence report: InfluxDB database '" + db + "' does not exist at " + url
                + "; create it with: ").hasLineCount(1);
        assertThat(INFLUX.influxd().rows("_internal", "SHOW DATABASES")).noneMatch(row -> db.equals(row.get(0)));
    }

    private static Run report(String... influx) throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] args = new String[influx.length + 7];
        System.arraycopy(new String[] {"--month", "2026-10", "--no-pdf", "--out",
                Path.of("target", "report-fail-fast").toString(), "--rules", "../scoring-rules/rulesets"}, 0, args, 0, 7);
        System.arraycopy(influx, 0, args, 7, influx.length);
        int exit = new MonthlyReport(ReportCommand.parse(args), Clock.systemUTC(),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run();
        return new Run(exit, err.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"));
    }
}
