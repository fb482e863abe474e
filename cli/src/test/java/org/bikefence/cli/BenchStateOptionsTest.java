package org.bikefence.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bikefence.cli.bench.StateBench;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code bench state}'s options: their defaults, their parsing and the usage errors, before anything starts. */
class BenchStateOptionsTest {

    private static StateBench.Settings parse(String... args) {
        CommandLine.ParseResult state = Bikefence.commandLine().parseArgs(args).subcommand().subcommand();
        assertThat(state.commandSpec().name()).isEqualTo("state");
        return ((BenchCommand.State) state.commandSpec().userObject()).settings();
    }

    @Test
    void defaultsAreTheIssuesMillionBikesOfFiveOperatorsOnRocksDb() {
        StateBench.Settings s = parse("bench", "state");
        assertThat(s.bikes()).isEqualTo(1_000_000);
        assertThat(s.operators()).isEqualTo(5);
        assertThat(s.reportsPerBike()).isEqualTo(3);
        assertThat(s.records()).isEqualTo(3_000_000);
        assertThat(s.parallelism()).isEqualTo(2);
        assertThat(s.stateBackend()).isEqualTo("rocksdb");
        assertThat(s.partitions()).isEqualTo(2);
        assertThat(s.maxMinutes()).isEqualTo(60);
        assertThat(s.workDir()).isEqualTo(Path.of(".run/bench-state"));
    }

    @Test
    void givenValues() {
        StateBench.Settings s = parse("bench", "state", "--bikes", "2000", "--operators", "3", "--reports-per-bike", "4",
                "--parallelism", "1", "--state-backend", "hashmap", "--partitions", "4", "--max-minutes", "5", "--work-dir", "/tmp/s");
        assertThat(s).isEqualTo(new StateBench.Settings(2_000, 3, 4, 1, "hashmap", 4, 5, Path.of("/tmp/s"), s.root()));
    }

    @Test
    void badValuesAreUsageErrorsOfOneLine() {
        for (List<String> bad : List.of(List.of("--bikes", "0"), List.of("--operators", "6"),
                List.of("--reports-per-bike", "1"), List.of("--state-backend", "memory"), List.of("--parallelism", "x"),
                List.of("--max-minutes", "0"))) {
            CommandLine cl = Bikefence.commandLine();
            StringWriter err = new StringWriter();
            cl.setErr(new PrintWriter(err, true));
            cl.setOut(new PrintWriter(new StringWriter(), true));
            List<String> args = new ArrayList<>(List.of("bench", "state"));
            args.addAll(bad);
            assertThat(cl.execute(args.toArray(String[]::new))).as(bad.toString()).isEqualTo(2);
            assertThat(err.toString()).as(bad.toString()).hasLineCount(1).contains(bad.get(0));
        }
    }
}
