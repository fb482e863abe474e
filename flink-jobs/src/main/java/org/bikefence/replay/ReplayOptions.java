package org.bikefence.replay;

import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The replay command's own options ({@code --from FILES...}, input format, CSV mapping, dead-letter file,
 * progress); every other {@code --key value} is a job option and goes to
 * {@link org.bikefence.config.JobConfig} unchanged (InfluxDB, fences, rules, parallelism, watermarks).
 */
public final class ReplayOptions {
    public static final String FROM = "from";
    public static final String FORMAT = "format";
    public static final String CSV_COLUMNS = "csv-columns";
    public static final String CSV_DELIMITER = "csv-delimiter";
    public static final String OPERATOR = "operator";
    public static final String STATE = "state";
    public static final String CRS = "crs";
    public static final String TZ = "tz";
    public static final String DLQ = "dlq";
    public static final String PROGRESS = "progress";

    public static final String DEFAULT_TZ = "Asia/Shanghai";
    public static final String DEFAULT_DLQ = "replay-dlq.jsonl";

    public static final String USAGE = String.join("\n",
            "usage: ./bikefence replay --from FILE [FILE...] [options]",
            "  Runs the bikefence job over archived positions, in the order given, and writes the same InfluxDB",
            "  points as the live job. FILEs: JSON Lines of the position contract (.jsonl/.ndjson/.json) or CSV",
            "  (.csv), each optionally .gz.",
            "  --format jsonl|csv         format of all FILEs (default: from each file name)",
            "  --csv-columns SPEC         field=COLUMN,... for CSV (default " + CsvMapping.DEFAULT_COLUMNS + ")",
            "  --csv-delimiter C          CSV delimiter: a character or 'tab' (default ,)",
            "  --operator X, --state S, --crs C   values for CSV rows without that column (or with it empty)",
            "  --tz ZONE                  zone of naive CSV times like 2026-10-12 08:00:00 (default " + DEFAULT_TZ + ")",
            "  --dlq FILE                 dead letters as JSON Lines (default " + DEFAULT_DLQ + ")",
            "  --progress auto|on|off     progress line on stderr (default auto: on a terminal)",
            "  job options as for the live job, e.g. --influx.url URL --influx.db DB --fences F --rules R",
            "  --parallelism N --watermark.max-out-of-order-ms MS (see README, Configuration)");

    private final List<Path> from;
    private final InputFile.Format format;
    private final String csvColumns;
    private final char delimiter;
    private final Map<String, String> defaults;
    private final ZoneId tz;
    private final Path dlq;
    private final String progress;
    private final String[] jobArgs;

    private ReplayOptions(List<Path> from, InputFile.Format format, String csvColumns, char delimiter,
            Map<String, String> defaults, ZoneId tz, Path dlq, String progress, String[] jobArgs) {
        this.from = from;
        this.format = format;
        this.csvColumns = csvColumns;
        this.delimiter = delimiter;
        this.defaults = defaults;
        this.tz = tz;
        this.dlq = dlq;
        this.progress = progress;
        this.jobArgs = jobArgs;
    }

    /** Parses the command line; every error names the option. */
    public static ReplayOptions parse(String... args) {
        List<Path> from = new ArrayList<>();
        Map<String, String> own = new LinkedHashMap<>();
        List<String> job = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("expected an option '--key value', got '" + a + "'");
            }
            String key = a.substring(2);
            if (key.equals(FROM)) {
                while (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                    from.add(Path.of(args[++i]));
                }
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option '" + a + "' has no value");
            }
            String value = args[++i];
            if (List.of(FORMAT, CSV_COLUMNS, CSV_DELIMITER, OPERATOR, STATE, CRS, TZ, DLQ, PROGRESS).contains(key)) {
                own.put(key, value);
            } else if (key.startsWith("kafka.")) {
                throw new IllegalArgumentException("option '" + a + "' does not apply: a replay reads files, not Kafka");
            } else {
                job.add(a);
                job.add(value);
            }
        }
        if (from.isEmpty()) {
            throw new IllegalArgumentException("give the input files: --from FILE [FILE...]");
        }
        InputFile.Format format = null;
        String f = own.getOrDefault(FORMAT, "auto").toLowerCase(Locale.ROOT);
        switch (f) {
            case "auto":
                break;
            case "jsonl":
                format = InputFile.Format.JSONL;
                break;
            case "csv":
                format = InputFile.Format.CSV;
                break;
            default:
                throw new IllegalArgumentException("option '--format' must be auto, jsonl or csv, was '" + f + "'");
        }
        String d = own.getOrDefault(CSV_DELIMITER, ",");
        char delimiter;
        if (d.equalsIgnoreCase("tab") || d.equals("\\t")) {
            delimiter = '\t';
        } else if (d.length() == 1 && d.charAt(0) != '"') {
            delimiter = d.charAt(0);
        } else {
            throw new IllegalArgumentException("option '--csv-delimiter' must be one character or 'tab', was '" + d + "'");
        }
        ZoneId tz;
        try {
            tz = ZoneId.of(own.getOrDefault(TZ, DEFAULT_TZ));
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("option '--tz' must be a time zone like Asia/Shanghai or +08:00, was '"
                    + own.get(TZ) + "'");
        }
        String progress = own.getOrDefault(PROGRESS, "auto");
        if (!List.of("auto", "on", "off").contains(progress)) {
            throw new IllegalArgumentException("option '--progress' must be auto, on or off, was '" + progress + "'");
        }
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("operator", own.get(OPERATOR));
        defaults.put("state", own.get(STATE));
        defaults.put("crs", own.get(CRS));
        return new ReplayOptions(List.copyOf(from), format, own.getOrDefault(CSV_COLUMNS, CsvMapping.DEFAULT_COLUMNS),
                delimiter, defaults, tz, Path.of(own.getOrDefault(DLQ, DEFAULT_DLQ)), progress,
                job.toArray(new String[0]));
    }

    public List<Path> from() {
        return from;
    }

    /** The format forced for all files, or null to tell it from each name. */
    public InputFile.Format format() {
        return format;
    }

    public CsvMapping csvMapping() {
        return CsvMapping.of(csvColumns, defaults, tz, delimiter);
    }

    public ZoneId tz() {
        return tz;
    }

    public Path dlq() {
        return dlq;
    }

    /** auto, on or off. */
    public String progress() {
        return progress;
    }

    /** The job options, as {@code --key value} pairs for {@link org.bikefence.config.JobConfig}. */
    public String[] jobArgs() {
        return jobArgs.clone();
    }
}
