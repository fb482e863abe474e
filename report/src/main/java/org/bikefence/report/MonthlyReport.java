package org.bikefence.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

import org.bikefence.influx.InfluxPreflight;
import org.bikefence.influx.Secret;
import org.bikefence.report.ReportData.DeductionRow;
import org.bikefence.report.ReportData.OperatorRow;
import org.bikefence.rules.Category;
import org.bikefence.rules.RuleSet;
import org.bikefence.rules.RuleSetLoader;

/**
 * The monthly operator report ({@code ./bikefence report}): reads the month from InfluxDB and writes report.html,
 * report.pdf (when a headless Chromium is available), scores.csv and deductions.csv.
 */
public final class MonthlyReport {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_NO_DATA = 3;

    private final ReportOptions options;
    private final Clock clock;
    private final PrintStream out;
    private final PrintStream err;

    public MonthlyReport(ReportOptions options, Clock clock, PrintStream out, PrintStream err) {
        this.options = options;
        this.clock = clock;
        this.out = out;
        this.err = err;
    }

    /** {@code report --month YYYY-MM [options]}; {@code --help} lists the options. */
    public static void main(String[] args) {
        System.exit(ReportCommand.commandLine().execute(args));
    }

    /** Writes the report; returns the exit code and explains any problem on {@code err}. */
    public int run() {
        try {
            return generate();
        } catch (IOException | RuntimeException e) {
            err.println("bikefence report: " + e.getMessage());
            return EXIT_FAILED;
        }
    }

    private int generate() throws IOException {
        RuleSet rules = rules().orElse(null);
        ReportMonth month = new ReportMonth(options.month(), rules != null ? rules.timeZone() : RuleSet.DEFAULT_TIME_ZONE);
        String password = null;
        if (options.influxPasswordEnv() != null && options.influxPasswordFile() != null) {
            err.println("bikefence report: give --influx.password-env or --influx.password-file, not both");
            return EXIT_USAGE;
        }
        if (options.influxPasswordFile() != null) {
            try {
                password = java.nio.file.Files.readString(options.influxPasswordFile()).strip();
            } catch (IOException e) {
                err.println("bikefence report: cannot read the InfluxDB password file " + options.influxPasswordFile()
                        + " (" + e.getClass().getSimpleName() + ")");
                return EXIT_USAGE;
            }
            if (password.isEmpty()) {
                err.println("bikefence report: the InfluxDB password file " + options.influxPasswordFile() + " is empty");
                return EXIT_USAGE;
            }
        }
        if (options.influxPasswordEnv() != null) {
            password = System.getenv(options.influxPasswordEnv());
            if (password == null) {
                err.println("bikefence report: environment variable " + options.influxPasswordEnv() + " is not set");
                return EXIT_USAGE;
            }
        }
        // A stopped influxd or a mistyped database is one line now; the report never creates a database.
        InfluxPreflight.v1(options.influxUrl(), options.influxDb())
                .basicAuth(options.influxUsername(), password == null || password.isEmpty() ? null : Secret.of(password))
                .check();
        ReportInflux influx = new ReportInflux(options.influxUrl(), options.influxDb(), options.influxUsername(), password);
        ReportData data = new ReportLoader(influx).load(month);
        LocalDate today = LocalDate.now(clock.withZone(month.zone()));
        if (!data.hasAssessment()) {
            err.println("bikefence report: no data for " + options.month() + " in database " + options.influxDb() + " at "
                    + options.influxUrl() + ": no operator_month points between " + month.start() + " and "
                    + month.end() + (data.daysWithData().isEmpty() ? "" : " (operator_minute has data on "
                    + ReportMonth.ranges(List.copyOf(data.daysWithData())) + ": has the job's monthly assessment run?)")
                    + (today.isBefore(options.month().atDay(1)) ? "; the month has not begun" : ""));
            return EXIT_NO_DATA;
        }
        if (rules != null && !rules.version().equals(data.ruleSet())) {
            // Only names and weights come from the file, every number from the data; a mismatch is worth saying.
            err.println("bikefence report: warning: the month was scored with rule set " + data.ruleSet()
                    + " but the rules found are " + rules.version() + "; names are taken from " + rules.version());
        }
        List<LocalDate> missing = month.missingDays(data.daysWithData(), today);
        Files.createDirectories(options.out());
        Path html = options.out().resolve("report.html");
        Files.writeString(html, new ReportHtml(data, rules, options.lang(), missing, clock.instant(),
                options.district()).render(), StandardCharsets.UTF_8);
        scoresCsv(data, rules).write(options.out().resolve("scores.csv"));
        deductionsCsv(data, rules).write(options.out().resolve("deductions.csv"));
        out.println("bikefence report: " + options.month() + " (rule set " + data.ruleSet() + ", "
                + data.operators().size() + " operators, " + data.deductions().stream().filter(d -> d.points() > 0)
                .count() + " deductions) written to " + options.out());
        out.println("  " + html);
        out.println("  " + options.out().resolve("scores.csv"));
        out.println("  " + options.out().resolve("deductions.csv"));
        pdf(html);
        if (!missing.isEmpty()) {
            err.println("bikefence report: partial data: " + missing.size() + " of " + options.month().lengthOfMonth()
                    + " days have no data: " + ReportMonth.ranges(missing));
        }
        if (!month.isOver(today)) {
            err.println("bikefence report: " + options.month() + " is not over yet (today is " + today
                    + "): the scores are as of now");
        }
        return EXIT_OK;
    }

    private void pdf(Path html) {
        Path pdf = options.out().resolve("report.pdf");
        if (!options.pdf()) {
            out.println("  report.pdf skipped (--no-pdf)");
            return;
        }
        Optional<HeadlessChromium> chromium = HeadlessChromium.find();
        if (chromium.isEmpty()) {
            out.println("  report.pdf skipped: no headless Chromium found (install it: apt-get install -y chromium, "
                    + "or set BIKEFENCE_CHROMIUM)");
            return;
        }
        try {
            chromium.get().printToPdf(html, pdf);
            out.println("  " + pdf);
        } catch (IOException e) {
            out.println("  report.pdf skipped: " + e.getMessage());
        }
    }

    /** The rule set for names and weights: the version the data names, else the district's one in force. */
    private Optional<RuleSet> rules() throws IOException {
        Path p = options.rules();
        if (!Files.exists(p)) {
            err.println("bikefence report: warning: rules " + p + " not found; operators and categories are shown by id");
            return Optional.empty();
        }
        List<RuleSet> all = new ArrayList<>();
        if (Files.isDirectory(p)) {
            try (Stream<Path> files = Files.list(p)) {
                for (Path f : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                    all.add(RuleSetLoader.load(f));
                }
            }
        } else {
            all.add(RuleSetLoader.load(p));
        }
        RuleSet best = null;
        for (RuleSet r : all) {
            boolean district = r.district().map(d -> d.toLowerCase(Locale.ROOT).equals(options.district())).orElse(false);
            if (district && !r.effectiveFrom().isAfter(options.month().atDay(1))
                    && (best == null || r.effectiveFrom().isAfter(best.effectiveFrom()))) {
                best = r;
            }
        }
        if (best == null) {
            err.println("bikefence report: warning: no rule set for district " + options.district() + " in force on "
                    + options.month().atDay(1) + " in " + p + "; operators and categories are shown by id");
        }
        return Optional.ofNullable(best);
    }

    static ReportCsv scoresCsv(ReportData d, RuleSet rules) {
        List<String> cats = new ArrayList<>();
        if (rules != null) {
            rules.categories().forEach(c -> cats.add(c.id()));
        } else {
            d.operators().forEach(o -> o.categories().keySet().forEach(c -> {
                if (!cats.contains(c)) {
                    cats.add(c);
                }
            }));
        }
        List<String> header = new ArrayList<>(List.of("月份 month", "名次 rank", "运营企业 operator",
                "企业名称 operator_name_zh", "得分 score", "等级 grade", "等级英文 grade_en", "合格 passed",
                "扣分 deducted", "加分 bonus", "配额比例% quota_share_pct", "配额车辆 quota_bikes", "规则版本 rule_set"));
        for (String c : cats) {
            String zh = rules == null ? null : rules.category(c).map(Category::nameZh).orElse(null);
            header.add((zh == null ? "" : zh + "得分 ") + "cat_" + c);
        }
        ReportCsv csv = new ReportCsv(header);
        for (OperatorRow o : d.operators()) {
            List<Object> row = new ArrayList<>(List.of(d.month().month().toString(), o.rank(), o.operator(),
                    rules == null ? "" : rules.operator(o.operator()).map(q -> q.nameZh() == null ? "" : q.nameZh())
                            .orElse(""),
                    ReportHtml.fmt2(o.score()), o.grade(), o.gradeEn(), o.passed(), ReportHtml.fmt2(o.deducted()),
                    ReportHtml.fmt2(o.bonus()), ReportCharts.num(o.quotaSharePct()),
                    o.quotaBikes() == null ? "" : o.quotaBikes(), o.ruleSet()));
            for (String c : cats) {
                Double v = o.categories().get(c.replaceAll("[^A-Za-z0-9]", "_"));
                row.add(v == null ? "" : ReportHtml.fmt2(v));
            }
            csv.row(row);
        }
        return csv;
    }

    static ReportCsv deductionsCsv(ReportData d, RuleSet rules) {
        ReportCsv csv = new ReportCsv(List.of("月份 month", "运营企业 operator", "类别 category", "类别名称 category_zh",
                "规则编号 rule_id", "指标 metric", "指标值 value", "扣分 points", "封顶 capped", "证据数 evidence_count",
                "证据编号 evidence_ids", "证据位置 evidence_link", "规则版本 rule_set"));
        for (DeductionRow r : d.deductions()) {
            String zh = rules == null || r.category() == null ? "" : rules.category(r.category()).map(Category::nameZh)
                    .orElse("");
            csv.row(List.of(d.month().month().toString(), r.operator(), r.category() == null ? "" : r.category(),
                    zh == null ? "" : zh, r.ruleId(), r.metric(), ReportCharts.num(r.value()), ReportHtml.fmt2(r.points()),
                    r.capped(), r.evidenceCount(), String.join(";", r.evidence()),
                    r.points() > 0 ? "report.html#" + ReportEvidence.sectionAnchor(r.operator(), r.ruleId()) : "",
                    r.ruleSet()));
        }
        return csv;
    }
}
