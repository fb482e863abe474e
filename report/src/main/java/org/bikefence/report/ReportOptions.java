package org.bikefence.report;

import java.nio.file.Path;
import java.time.YearMonth;

/**
 * The report's validated options, as {@link ReportCommand} reads them from the command line. The password is only
 * read from the environment variable named by {@code influxPasswordEnv} or the file {@code influxPasswordFile}.
 */
public record ReportOptions(YearMonth month, String district, Path out, ReportLabels lang, String influxUrl,
        String influxDb, String influxUsername, String influxPasswordEnv, Path influxPasswordFile, Path rules, boolean pdf) {
}
