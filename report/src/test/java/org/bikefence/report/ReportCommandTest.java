package org.bikefence.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.YearMonth;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ReportCommandTest {

    private record Run(int exit, String err) {}

    private static Run run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = ReportCommand.commandLine();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        return new Run(cl.execute(args), err.toString());
    }

    @Test
    void defaultsNameTheMonthsDirectoryAndTheDemoInfluxd() {
        ReportOptions o = ReportCommand.parse("--month", "2026-10", "--district", "HULI", "--lang", "en");
        assertThat(o.month()).isEqualTo(YearMonth.of(2026, 10));
        assertThat(o.district()).isEqualTo("huli");
        assertThat(o.out()).isEqualTo(Path.of("reports/2026-10"));
        assertThat(o.lang()).isEqualTo(ReportLabels.EN);
        assertThat(o.rules()).isEqualTo(Path.of("scoring-rules/rulesets"));
        assertThat(o.pdf()).isTrue();
        if (System.getenv("BIKEFENCE_INFLUX_URL") == null) {
            assertThat(o.influxUrl()).isEqualTo("http://127.0.0.1:18086");
        }
        assertThat(ReportCommand.parse("--month", "2026-10", "--no-pdf", "--month", "2026-11").month())
                .as("a later value wins").isEqualTo(YearMonth.of(2026, 11));
    }

    @Test
    void aBadMonthIsOneLineNamingOptionAndValue() {
        Run r = run("--month", "2026-13");
        assertThat(r.exit()).isEqualTo(MonthlyReport.EXIT_USAGE);
        assertThat(r.err()).hasLineCount(1).contains("--month", "2026-13").doesNotContain("Exception");
    }

    @Test
    void aPasswordOnTheCommandLineIsRefused() {
        Run r = run("--month", "2026-10", "--influx.password", "s3cret");
        assertThat(r.exit()).isEqualTo(MonthlyReport.EXIT_USAGE);
        assertThat(r.err()).hasLineCount(1).contains("--influx.password-env").doesNotContain("s3cret");
    }

    @Test
    void aMissingMonthOrABadLanguageIsAUsageError() {
        assertThat(run().exit()).isEqualTo(MonthlyReport.EXIT_USAGE);
        Run lang = run("--month", "2026-10", "--lang", "fr");
        assertThat(lang.exit()).isEqualTo(MonthlyReport.EXIT_USAGE);
        assertThat(lang.err()).hasLineCount(1).contains("--lang must be zh or en, not 'fr'");
    }
}
