package org.bikefence.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.bikefence.cli.bench.ReplayBench;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code bench replay}'s options: their defaults, their parsing and the usage errors, before anything starts. */
class BenchReplayOptionsTest {

    private static ReplayBench.Settings parse(String... args) {
        CommandLine.ParseResult r = Bikefence.commandLine().parseArgs(args);
        CommandLine.ParseResult replay = r.subcommand().subcommand();
        assertThat(replay.commandSpec().name()).isEqualTo("replay");
        return ((BenchCommand.ReplayBenchmark) replay.commandSpec().userObject()).settings();
    }

    @Test
    void defaultsAreTheIssuesMeasurement() {
        ReplayBench.Settings s = parse("bench", "replay");
        assertThat(s.records()).isEqualTo(1_000_000);
        assertThat(s.bikes()).isEqualTo(100_000);
        assertThat(s.files()).isEqualTo(2);
        assertThat(s.parallelism()).isEqualTo(2);
        assertThat(s.workDir()).isEqualTo(Path.of(".run/bench-replay"));
    }

    @Test
    void givenValues() {
        ReplayBench.Settings s = parse("bench", "replay", "--records", "20000", "--bikes", "500", "--files", "3",
                "--parallelism", "1", "--work-dir", "/tmp/r");
        assertThat(s.records()).isEqualTo(20_000);
        assertThat(s.bikes()).isEqualTo(500);
        assertThat(s.files()).isEqualTo(3);
        assertThat(s.parallelism()).isEqualTo(1);
        assertThat(s.workDir()).isEqualTo(Path.of("/tmp/r"));
    }

    @Test
    void badValuesAreUsageErrorsOfOneLine() {
        for (List<String> bad : List.of(List.of("--records", "0"), List.of("--bikes", "-1"), List.of("--files", "0"),
                List.of("--parallelism", "x"))) {
            CommandLine cl = Bikefence.commandLine();
            StringWriter err = new StringWriter();
            cl.setErr(new PrintWriter(err, true));
            cl.setOut(new PrintWriter(new StringWriter(), true));
            List<String> args = new java.util.ArrayList<>(List.of("bench", "replay"));
            args.addAll(bad);
            assertThat(cl.execute(args.toArray(String[]::new))).as(bad.toString()).isEqualTo(2);
            assertThat(err.toString()).as(bad.toString()).hasLineCount(1).contains(bad.get(0));
        }
    }
}
