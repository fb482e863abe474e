package org.bikefence.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.ZoneId;
import org.bikefence.config.JobOptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ReplayCommandTest {
    @Test
    void takesSeveralFilesAfterFromAndPassesJobOptionsOn() {
        ReplayCommand o = ReplayCommand.parse("--from", "a.jsonl", "b.csv.gz", "--influx.db", "backfill",
                "--tz", "UTC", "--parallelism", "2", "--dlq", "out/dlq.jsonl");

        assertThat(o.from()).containsExactly(Path.of("a.jsonl"), Path.of("b.csv.gz"));
        assertThat(o.jobOptions()).containsExactly(entry("influx.db", "backfill"), entry("parallelism", "2"));
        assertThat(o.tz()).isEqualTo(ZoneId.of("UTC"));
        assertThat(o.dlq()).isEqualTo(Path.of("out/dlq.jsonl"));
        assertThat(o.format()).isNull();
    }

    @Test
    void hasDefaultsThatSuitHuli() {
        ReplayCommand o = ReplayCommand.parse("--from", "a.jsonl");
        assertThat(o.tz()).isEqualTo(ZoneId.of("Asia/Shanghai"));
        assertThat(o.dlq()).isEqualTo(Path.of("replay-dlq.jsonl"));
        assertThat(o.progress()).isEqualTo("auto");
        assertThat(o.csvMapping().delimiter()).isEqualTo(',');
        assertThat(o.jobOptions()).isEmpty();
    }

    @Test
    void refusesWhatCannotWork() {
        assertThatThrownBy(() -> ReplayCommand.parse("--influx.db", "x")).hasMessageContaining("--from FILE");
        assertThatThrownBy(() -> ReplayCommand.parse("--from", "a", "--kafka.bootstrap-servers", "k:9092"))
                .hasMessageContaining("reads files, not Kafka");
        assertThatThrownBy(() -> ReplayCommand.parse("--from", "a", "--tz", "Mars/Olympus"))
                .hasMessageContaining("--tz");
        assertThatThrownBy(() -> ReplayCommand.parse("--from", "a", "--format", "xml"))
                .hasMessageContaining("--format");
        assertThatThrownBy(() -> ReplayCommand.parse("--from", "a", "--csv-delimiter", ";;"))
                .hasMessageContaining("--csv-delimiter");
        assertThatThrownBy(() -> InputFile.of(Path.of("pom.xml"), null)).hasMessageContaining("--format");
        assertThatThrownBy(() -> InputFile.of(Path.of("no-such.jsonl"), null)).hasMessageContaining("does not exist");
    }

    @Test
    void theArchivesMonthIsOptionalAndAMonthLikeTwentyTwentySixDashElevenOrAOneLineUsageError() {
        assertThat(ReplayCommand.parse("--from", "a.jsonl").month()).isNull();
        assertThat(ReplayCommand.parse("--from", "a.jsonl", "--month", "2026-11").month())
                .isEqualTo(java.time.YearMonth.of(2026, 11));
        assertThat(run("--from", "a.jsonl", "--month", "2026-13"))
                .isEqualTo(new Outcome(2, "replay: option '--month' must be a month like 2026-11, was '2026-13' "
                        + "(see replay --help)\n"));
        assertThat(run("--from", "a.jsonl", "--month", "November"))
                .isEqualTo(new Outcome(2, "replay: option '--month' must be a month like 2026-11, was 'November' "
                        + "(see replay --help)\n"));
    }

    @Test
    void tellsTheFormatFromTheName() {
        assertThat(InputFile.formatOf("day.JSONL.gz")).isEqualTo(InputFile.Format.JSONL);
        assertThat(InputFile.formatOf("day.ndjson")).isEqualTo(InputFile.Format.JSONL);
        assertThat(InputFile.formatOf("export.csv.gz")).isEqualTo(InputFile.Format.CSV);
        assertThat(InputFile.formatOf("export.txt")).isNull();
    }

    @Test
    void hasOneOptionPerJobOptionWithItsDescriptionAndDefault() {
        CommandLine.Model.CommandSpec spec = ReplayCommand.commandLine().getCommandSpec();
        for (var o : JobOptions.ALL) {
            CommandLine.Model.OptionSpec opt = spec.findOption("--" + o.key());
            assertThat(opt).as(o.key()).isNotNull();
            assertThat(String.join(" ", opt.description())).as(o.key()).contains(JobOptions.descriptionText(o).replaceAll("\\.$", ""));
            if (o.hasDefaultValue()) {
                String def = JobOptions.defaultText(o);
                assertThat(String.join(" ", opt.description())).as(o.key())
                        .contains("(default: " + (def.isEmpty() ? "empty" : def) + ")");
            }
            assertThat(opt.hidden()).as(o.key()).isEqualTo(o.key().startsWith("kafka."));
        }
        String help = ReplayCommand.commandLine().getUsageMessage();
        assertThat(help).contains("--influx.url", "(default: http://127.0.0.1:18086)", "--watermark.max-out-of-order-ms",
                "--from", "--tz").doesNotContain("--kafka.");
    }

    @Test
    void aUsageErrorIsOneLineOnStderrWithExitStatus2() {
        assertThat(run("--from", "a.jsonl", "--xyzzy", "x"))
                .isEqualTo(new Outcome(2, "replay: Unknown options: '--xyzzy', 'x' "
                        + "(see replay --help)\n"));
        assertThat(run("--from", "a.jsonl", "--paralelism", "2").err())
                .startsWith("replay: Unknown options: '--paralelism', '2'; Did you mean: --parallelism?");
        assertThat(run("--from", "a.jsonl", "--tz", "Mars/Olympus"))
                .isEqualTo(new Outcome(2, "replay: option '--tz' must be a time zone like Asia/Shanghai or +08:00, "
                        + "was 'Mars/Olympus' (see replay --help)\n"));
        assertThat(run().err()).isEqualTo("replay: give the input files: --from FILE [FILE...] (see replay --help)\n");
        assertThat(run("--from", "a.jsonl", "--influx.token", "s3cret"))
                .satisfies(o -> assertThat(o.status()).isEqualTo(2))
                .satisfies(o -> assertThat(o.err()).contains("'influx.token-env'").doesNotContain("s3cret"));
    }

    @Test
    void aJobOptionThatCannotWorkIsAUsageErrorToo() {
        Outcome o = run("--from", "src/test/resources/replay/positions-crlf.jsonl", "--parallelism", "0",
                "--rules", "src/test/resources/rules/sim-huli.yaml", "--fences", "no/such.geojson");
        assertThat(o.status()).isEqualTo(2);
        assertThat(o.err()).startsWith("replay: invalid configuration: option 'parallelism' must be positive, "
                + "was '0'; option 'fences': file 'no/such.geojson' does not exist").endsWith(")\n")
                .containsOnlyOnce("\n");
    }

    @Test
    void helpExitsWith0() {
        StringWriter out = new StringWriter();
        CommandLine cl = ReplayCommand.commandLine();
        cl.setOut(new PrintWriter(out));
        assertThat(cl.execute("--help")).isZero();
        assertThat(out.toString()).startsWith("Usage: replay");
    }

    private record Outcome(int status, String err) {}

    private static Outcome run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = ReplayCommand.commandLine();
        cl.setErr(new PrintWriter(err));
        int status = cl.execute(args);
        return new Outcome(status, err.toString().replace(System.lineSeparator(), "\n"));
    }
}
