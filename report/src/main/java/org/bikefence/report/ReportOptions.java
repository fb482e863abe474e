package org.bikefence.report;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;

/**
 * The report command's validated options. InfluxDB options may also come from the job's environment variables
 * ({@code BIKEFENCE_INFLUX_URL}, {@code BIKEFENCE_INFLUX_DB}, {@code BIKEFENCE_INFLUX_USERNAME}); arguments win.
 * The password is only read from the environment variable named by {@code --influx.password-env}.
 */
public record ReportOptions(YearMonth month, String district, Path out, ReportLabels lang, String influxUrl,
        String influxDb, String influxUsername, String influxPasswordEnv, Path rules, boolean pdf) {

    static final String USAGE = """
            usage: bikefence report --month YYYY-MM [--district huli] [--out DIR] [--lang zh|en]
                                    [--influx.url URL] [--influx.db DB] [--influx.username U --influx.password-env VAR]
                                    [--rules DIR|FILE] [--no-pdf]
              --month     the month to report, Asia/Shanghai boundaries (required)
              --district  rule-set district (default huli); names, weights and the zone come from its rule set
              --out       output directory (default reports/YYYY-MM)
              --lang      zh: Chinese with English subtitles (default); en: English with Chinese subtitles
              --influx.*  where the job wrote (default http://127.0.0.1:18086, database bikefence)
              --rules     rule-set directory or file (default scoring-rules/rulesets)
              --no-pdf    do not print report.pdf
            exit codes: 0 written (also with partial data: the missing days are listed), 2 bad options,
                        3 no data for the month, 1 any other failure (InfluxDB unreachable, ...)
            """;

    public static ReportOptions parse(String[] args, Map<String, String> env) {
        YearMonth month = null;
        String district = "huli";
        String out = null;
        String lang = "zh";
        String url = env.getOrDefault("BIKEFENCE_INFLUX_URL", "http://127.0.0.1:18086");
        String db = env.getOrDefault("BIKEFENCE_INFLUX_DB", "bikefence");
        String user = env.get("BIKEFENCE_INFLUX_USERNAME");
        String passwordEnv = env.get("BIKEFENCE_INFLUX_PASSWORD_ENV");
        String rules = "scoring-rules/rulesets";
        boolean pdf = true;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--no-pdf")) {
                pdf = false;
                continue;
            }
            if (a.equals("-h") || a.equals("--help")) {
                throw new IllegalArgumentException("help");
            }
            if (!a.startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException(a.startsWith("--") ? a + " needs a value" : "unexpected argument '"
                        + a + "'");
            }
            String v = args[++i];
            switch (a) {
                case "--month" -> {
                    try {
                        month = YearMonth.parse(v);
                    } catch (DateTimeParseException e) {
                        throw new IllegalArgumentException("--month must be YYYY-MM, not '" + v + "'");
                    }
                }
                case "--district" -> district = v.toLowerCase(Locale.ROOT);
                case "--out" -> out = v;
                case "--lang" -> lang = v;
                case "--influx.url" -> url = v;
                case "--influx.db" -> db = v;
                case "--influx.username" -> user = v;
                case "--influx.password-env" -> passwordEnv = v;
                case "--influx.password" -> throw new IllegalArgumentException(
                        "--influx.password is refused: put the password in an environment variable and name it with "
                                + "--influx.password-env");
                case "--rules" -> rules = v;
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (month == null) {
            throw new IllegalArgumentException("--month YYYY-MM is required");
        }
        return new ReportOptions(month, district, Paths.get(out != null ? out : "reports/" + month),
                ReportLabels.parse(lang), url, db, user, passwordEnv, Paths.get(rules), pdf);
    }
}
