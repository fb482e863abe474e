package org.bikefence.report;

import java.nio.file.Path;
import java.time.Clock;
import java.time.YearMonth;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.bikefence.geofence.tool.CliSupport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The {@code report} command: its options, validated into {@link ReportOptions}, then {@link MonthlyReport}. */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Writes the month's operator report from InfluxDB: report.html, report.pdf (headless Chromium), "
                + "scores.csv and deductions.csv."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:written (also with partial data: the missing days are listed)", "2:bad options",
            "3:no data for the month", "1:any other failure (InfluxDB unreachable, ...)"})
public final class ReportCommand implements Callable<Integer> {

    @Option(names = "--month", paramLabel = "YYYY-MM", required = true,
            description = "the month to report, in the rule set's zone (Asia/Shanghai) (default: none, required)")
    YearMonth month;

    @Option(names = "--district", paramLabel = "NAME", defaultValue = "huli",
            description = "rule-set district; names, weights and the zone come from its rule set "
                    + "(default: ${DEFAULT-VALUE})")
    String district;

    @Option(names = "--out", paramLabel = "DIR", description = "output directory (default: reports/YYYY-MM)")
    Path out;

    @Option(names = "--lang", paramLabel = "zh|en", defaultValue = "zh", converter = Lang.class,
            description = "zh: Chinese with English subtitles; en: English with Chinese subtitles "
                    + "(default: ${DEFAULT-VALUE})")
    ReportLabels lang;

    @Mixin
    InfluxOptions influx;

    @Option(names = "--rules", paramLabel = "DIR|FILE", defaultValue = "scoring-rules/rulesets",
            description = "rule-set directory or file (default: ${DEFAULT-VALUE})")
    Path rules;

    @Option(names = "--no-pdf", description = "do not print report.pdf (default: ${DEFAULT-VALUE})")
    boolean noPdf;

    /** The command line with the shared error handling. */
    public static CommandLine commandLine() {
        return CliSupport.configure(new CommandLine(new ReportCommand()));
    }

    /** The validated options of an argument list (throws picocli's ParameterException on bad input). */
    public static ReportOptions parse(String... args) {
        CommandLine cl = commandLine();
        cl.parseArgs(args);
        return cl.<ReportCommand>getCommand().options();
    }

    ReportOptions options() {
        return new ReportOptions(month, district.toLowerCase(Locale.ROOT),
                out != null ? out : Path.of("reports", month.toString()), lang, influx.url(), influx.db(),
                influx.username(), influx.passwordEnv(), influx.passwordFile(), rules, !noPdf);
    }

    /** {@code zh} or {@code en}. */
    static final class Lang implements CommandLine.ITypeConverter<ReportLabels> {
        @Override
        public ReportLabels convert(String value) throws Exception {
            return CliSupport.wrap(ReportLabels::parse).convert(value);
        }
    }

    @Override
    public Integer call() {
        return new MonthlyReport(options(), Clock.systemUTC(), System.out, System.err).run();
    }
}
