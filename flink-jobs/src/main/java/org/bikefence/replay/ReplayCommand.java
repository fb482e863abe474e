package org.bikefence.replay;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.bikefence.config.JobOptions;
import org.bikefence.config.LocalRuntime;
import org.bikefence.geofence.tool.CliSupport;
import org.bikefence.influx.InfluxPreflightException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code replay} command: runs the bikefence job over archived position files on a local Flink (with
 * the runtime settings of {@code docker/flink/config.yaml} when run from the repository) and prints what it
 * did. Its own options are declared here; the job options are generated from {@link JobOptions}, one
 * {@code --<key>} each, so they are defined once. Exit status 0 on success, 2 for bad options, 1 when the
 * job fails. Mount it as a subcommand or run {@link #main}.
 */
@Command(name = "replay", modelTransformer = ReplayCommand.JobOptionSpecs.class, sortOptions = false,
        abbreviateSynopsis = true, usageHelpAutoWidth = true,
        description = {
            "Runs the bikefence job over archived positions, in the order given, and writes the same InfluxDB "
                    + "points as the live job.",
            "FILEs: JSON Lines of the position contract (.jsonl/.ndjson/.json) or CSV (.csv), each optionally .gz.",
            "Job options are those of the live job (see README, Configuration), also from BIKEFENCE_* "
                    + "environment variables; the Kafka options do not apply."})
public final class ReplayCommand implements Callable<Integer> {
    public static final String DEFAULT_TZ = "Asia/Shanghai";
    public static final String DEFAULT_DLQ = "replay-dlq.jsonl";
    public static final String DEFAULT_CHECKPOINT_DIR = ".run/replay-checkpoints";

    @Spec
    CommandSpec spec;

    @Option(names = "--from", order = 1, arity = "1..*", paramLabel = "FILE",
            description = "Input files, read in the order given (with --key-partitioned: side by side); required "
                    + "(default: none)")
    private List<Path> from = new ArrayList<>();

    private InputFile.Format format;

    @Option(names = "--csv-columns", order = 3, paramLabel = "SPEC", defaultValue = CsvMapping.DEFAULT_COLUMNS,
            description = "field=COLUMN,... for CSV (default: ${DEFAULT-VALUE})")
    private String csvColumns;

    private char delimiter;

    @Option(names = "--operator", order = 5, paramLabel = "X", description = "Operator for CSV rows without that column "
            + "or with it empty (default: none)")
    private String operator;

    @Option(names = "--state", order = 6, paramLabel = "S", description = "State for CSV rows without that column "
            + "or with it empty (default: none)")
    private String state;

    @Option(names = "--crs", order = 7, paramLabel = "C", description = "CRS for CSV rows without that column "
            + "or with it empty (default: none)")
    private String crs;

    private ZoneId tz;

    @Option(names = "--dlq", order = 9, paramLabel = "FILE", defaultValue = DEFAULT_DLQ,
            description = "Dead letters as JSON Lines; emptied when the replay starts (default: ${DEFAULT-VALUE})")
    private Path dlq;

    private String progress;

    @Option(names = "--checkpoint-dir", order = 11, paramLabel = "DIR", defaultValue = DEFAULT_CHECKPOINT_DIR,
            description = "Directory of the replay's checkpoints while it runs (the keyed state of many bikes "
                    + "does not fit the JobManager's memory); none is kept once it ends (default: ${DEFAULT-VALUE})")
    private Path checkpointDir;

    @Option(names = "--key-partitioned", order = 12,
            description = "Each FILE holds a key-partitioned slice of the archive (one file per Kafka partition, "
                    + "operator or bike-hash bucket, each in time order): the files are read in parallel, one split "
                    + "per file with its own watermark; without it all FILEs are one split, read in order by one "
                    + "reader (default: off)")
    private boolean partitioned;

    private YearMonth month;

    @Option(names = {"-h", "--help"}, order = 100, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    /** The job options given on the command line, in their order, by key. */
    private final Map<String, String> jobOptions = new LinkedHashMap<>();

    /** Runs the command and exits with its status. */
    public static void main(String[] args) {
        // Flink's local cluster leaves non-daemon threads behind: exit explicitly.
        System.exit(commandLine().execute(args));
    }

    /** The command ready to run on its own, with one-line usage errors. */
    public static CommandLine commandLine() {
        return CliSupport.configure(new CommandLine(new ReplayCommand()));
    }

    /** Parses and checks a command line without running it. */
    public static ReplayCommand parse(String... args) {
        ReplayCommand c = new ReplayCommand();
        new CommandLine(c).parseArgs(args);
        c.checkInputs();
        return c;
    }

    @Option(names = "--format", order = 2, paramLabel = "auto|jsonl|csv", defaultValue = "auto",
            description = "Format of all FILEs; auto: from each file name (default: ${DEFAULT-VALUE})")
    private void format(String value) {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "auto":
                format = null;
                break;
            case "jsonl":
                format = InputFile.Format.JSONL;
                break;
            case "csv":
                format = InputFile.Format.CSV;
                break;
            default:
                throw usage("option '--format' must be auto, jsonl or csv, was '" + value + "'");
        }
    }

    @Option(names = "--csv-delimiter", order = 4, paramLabel = "C", defaultValue = ",",
            description = "CSV delimiter: a character or 'tab' (default: ${DEFAULT-VALUE})")
    private void csvDelimiter(String value) {
        if (value.equalsIgnoreCase("tab") || value.equals("\\t")) {
            delimiter = '\t';
        } else if (value.length() == 1 && value.charAt(0) != '"') {
            delimiter = value.charAt(0);
        } else {
            throw usage("option '--csv-delimiter' must be one character or 'tab', was '" + value + "'");
        }
    }

    @Option(names = "--tz", order = 8, paramLabel = "ZONE", defaultValue = DEFAULT_TZ,
            description = "Zone of naive CSV times like 2026-10-12 08:00:00 (default: ${DEFAULT-VALUE})")
    private void tz(String value) {
        try {
            tz = ZoneId.of(value);
        } catch (DateTimeException e) {
            throw usage("option '--tz' must be a time zone like Asia/Shanghai or +08:00, was '" + value + "'");
        }
    }

    @Option(names = "--progress", order = 10, paramLabel = "auto|on|off", defaultValue = "auto",
            description = "Progress line on stderr: auto is on a terminal only (default: ${DEFAULT-VALUE})")
    private void progress(String value) {
        if (!List.of("auto", "on", "off").contains(value)) {
            throw usage("option '--progress' must be auto, on or off, was '" + value + "'");
        }
        progress = value;
    }

    @Option(names = "--month", order = 13, paramLabel = "YYYY-MM",
            description = "Month of the archive, in the rule set's time zone: the records of a FILE none of whose "
                    + "records has a readable ts count there (invalid records count at the time of their file's "
                    + "latest earlier, or else next, record with a ts); without it such a file's records count "
                    + "in the month they are rejected (default: none)")
    private void month(String value) {
        try {
            month = YearMonth.parse(value);
        } catch (DateTimeException e) {
            throw usage("option '--month' must be a month like 2026-11, was '" + value + "'");
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private void checkInputs() {
        if (from.isEmpty()) {
            throw usage("give the input files: --from FILE [FILE...]");
        }
        // --from takes every argument up to the next known option, so a mistyped option lands here.
        for (int i = 0; i < from.size(); i++) {
            if (from.get(i).toString().startsWith("--")) {
                throw new UnmatchedArgumentException(spec.commandLine(),
                        from.subList(i, from.size()).stream().map(Path::toString).toList());
            }
        }
    }

    @Override
    public Integer call() {
        checkInputs();
        PrintWriter err = spec.commandLine().getErr();
        try {
            // InfluxDB first, before the local Flink is even set up: a stopped influxd or a missing database is
            // one line within seconds.
            Replay.checkInflux(org.bikefence.config.JobConfig.of(jobOptions, System.getenv()), System.err);
            StreamExecutionEnvironment env = environment(LocalRuntime.CONF_DIR);
            Replay.Result r = Replay.run(this, System.getenv(), env, System.err, System.console() != null);
            spec.commandLine().getOut().println(r.summary());
            spec.commandLine().getOut().flush();
            return 0;
        } catch (IllegalArgumentException e) {
            // A job option or an input that cannot work (no such file, bad value): a usage error.
            err.println(spec.qualifiedName() + ": " + CliSupport.oneLine(e));
            err.flush();
            return spec.exitCodeOnInvalidInput();
        } catch (InfluxPreflightException e) {
            // InfluxDB cannot take the points: the one line says why and how to fix it; no trace.
            err.println(spec.qualifiedName() + ": " + e.getMessage());
            err.flush();
            return spec.exitCodeOnExecutionException();
        } catch (Exception e) {
            err.println(spec.qualifiedName() + " failed: " + rootMessage(e));
            e.printStackTrace(err);
            err.flush();
            return spec.exitCodeOnExecutionException();
        }
    }

    /** The local Flink a replay runs on: {@code config.yaml} of {@code confDir} as {@link LocalRuntime} reads it. */
    public static StreamExecutionEnvironment environment(Path confDir) {
        return StreamExecutionEnvironment.getExecutionEnvironment(LocalRuntime.load(confDir));
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.toString();
    }

    public List<Path> from() {
        return Collections.unmodifiableList(from);
    }

    /** The format forced for all files, or null to tell it from each name. */
    public InputFile.Format format() {
        return format;
    }

    public CsvMapping csvMapping() {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("operator", operator);
        defaults.put("state", state);
        defaults.put("crs", crs);
        return CsvMapping.of(csvColumns, defaults, tz, delimiter);
    }

    public ZoneId tz() {
        return tz;
    }

    /** The {@code --month} of the archive; null when not given. */
    public YearMonth month() {
        return month;
    }

    public Path dlq() {
        return dlq;
    }

    /** The directory the replay's checkpoints are written under. */
    public Path checkpointDir() {
        return checkpointDir;
    }

    /** Whether each input file is a key-partitioned slice of the archive, read as a split of its own. */
    public boolean partitioned() {
        return partitioned;
    }

    /** auto, on or off. */
    public String progress() {
        return progress;
    }

    /** The job options given, by key, in command-line order; the rest come from the environment or defaults. */
    public Map<String, String> jobOptions() {
        return Collections.unmodifiableMap(jobOptions);
    }

    /**
     * Adds one {@code --<key>} option per {@link JobOptions} entry, with its description and default; the
     * Kafka options and literal secrets are recognised only to be refused with a reason.
     */
    public static final class JobOptionSpecs implements IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            int order = 20;
            for (ConfigOption<?> o : JobOptions.ALL) {
                boolean kafka = o.key().startsWith("kafka.");
                String def = JobOptions.defaultText(o);
                String text = JobOptions.descriptionText(o).replaceAll("\\.$", "");
                List<String> description = new ArrayList<>();
                description.add(text + " (default: " + (def == null ? "none" : def.isEmpty() ? "empty" : def) + ")");
                spec.addOption(OptionSpec.builder("--" + o.key())
                        .paramLabel(paramLabel(o))
                        .order(order++)
                        .type(String.class)
                        .description(description.toArray(new String[0]))
                        .hidden(kafka)
                        .setter(new CommandLine.Model.ISetter() {
                            @Override
                            public <T> T set(T value) {
                                if (value == null) {
                                    return null;
                                }
                                if (kafka) {
                                    throw new ParameterException(spec.commandLine(), "option '--" + o.key()
                                            + "' does not apply: a replay reads files, not Kafka");
                                }
                                ((ReplayCommand) spec.userObject()).jobOptions.put(o.key(), (String) value);
                                return null;
                            }
                        })
                        .build());
            }
            for (String secret : JobOptions.FORBIDDEN) {
                spec.addOption(OptionSpec.builder("--" + secret).paramLabel("SECRET").type(String.class).hidden(true)
                        .setter(new CommandLine.Model.ISetter() {
                            @Override
                            public <T> T set(T value) {
                                if (value == null) {
                                    return null;
                                }
                                throw new ParameterException(spec.commandLine(), JobOptions.secretRefused(secret));
                            }
                        })
                        .build());
            }
            return spec;
        }

        private static String paramLabel(ConfigOption<?> o) {
            Object d = o.hasDefaultValue() ? o.defaultValue() : null;
            if (d instanceof Boolean) {
                return "true|false";
            }
            if (d instanceof Number) {
                return o.key().endsWith("-ms") ? "MS" : "N";
            }
            return "VALUE";
        }
    }
}
