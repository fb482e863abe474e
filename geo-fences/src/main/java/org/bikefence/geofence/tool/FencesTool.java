package org.bikefence.geofence.tool;

import java.io.BufferedWriter;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.bikefence.geofence.CsvReader;
import org.bikefence.geofence.Fence;
import org.bikefence.geofence.FenceFileException;
import org.bikefence.geofence.FenceFiles;
import org.bikefence.geofence.FenceGeometry;
import org.bikefence.geofence.FenceIndex;
import org.bikefence.geofence.FenceKind;
import org.bikefence.geofence.FenceLoaders;
import org.bikefence.geofence.FenceSet;
import org.bikefence.geofence.LoadOptions;
import org.bikefence.geofence.LoadResult;
import org.bikefence.geofence.Verdict;
import org.bikefence.geofence.crs.Crs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * Command-line tool for the people who maintain fence files: {@code check} validates fence files
 * and summarises them, {@code classify} tells which fences cover each point of a CSV file and the
 * verdict the streaming job reaches there ({@link Verdict}).
 * Run through {@code ./bikefence fences ...}.
 */
@Command(name = "fences", mixinStandardHelpOptions = true,
        description = "Validates fence files and classifies points against them.",
        subcommands = {FencesTool.Check.class, FencesTool.Classify.class})
public final class FencesTool implements Callable<Integer> {

    /** Exit status: everything valid. */
    public static final int OK = 0;
    /** Exit status: a fence file is invalid (or classification could not run on it). */
    public static final int INVALID = 1;
    /** Exit status: wrong command line or unreadable points file. */
    public static final int USAGE = 2;

    static final int PROGRESS_EVERY = 100_000;
    private static final int LISTED_SKIPS = 20;

    private final PrintStream out;
    private final PrintStream err;

    @Spec
    CommandSpec spec;

    /** The tool writing its results to these streams (help and usage errors go there too). */
    public FencesTool(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a command; returns the exit status ({@link #OK}, {@link #INVALID}, {@link #USAGE}). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cl = CliSupport.configure(new CommandLine(new FencesTool(out, err)));
        cl.setOut(new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true));
        cl.setErr(new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true));
        return cl.execute(args);
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "a command is needed: "
                + String.join(", ", spec.subcommands().keySet()));
    }

    @Command(name = "check", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Validates fence files and summarises them; exits 1 when one is invalid.",
                "Formats: .csv = city export FENCE_ID,FENCE_LOC; JSON = bikefence GeoJSON, GBFS "
                        + "geofencing_zones.json or MDS geographies (chosen by content)."})
    static final class Check implements Callable<Integer> {
        @ParentCommand
        FencesTool tool;

        @Spec
        CommandSpec spec;

        @Mixin
        FenceFileOptions fenceOptions;

        @Option(names = "--crs", paramLabel = "WGS84|GCJ02|BD09",
                description = "the same as --fences-crs (default: WGS84)")
        Crs crs;

        @Parameters(paramLabel = "FILE[:key=value,...]", arity = "1..*",
                description = "fence files to check, each with its own options if given (keys as in "
                        + "classify --fences) (default: none)")
        List<String> files = new ArrayList<>();

        @Override
        public Integer call() {
            try {
                return check(FenceFileOptions.entries(files), fenceOptions.loadOptions(crs), tool.out);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
    }

    @Command(name = "classify", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Tells which fences cover each point of a CSV file: writes the rows with two columns "
                    + "more, fence_ids and fence_kinds, and a summary.")
    static final class Classify implements Callable<Integer> {
        @ParentCommand
        FencesTool tool;

        @Spec
        CommandSpec spec;

        @Option(names = "--fences", paramLabel = "FILE[:key=value,...]", arity = "1..*", required = true,
                description = "fence files making one fence set (ids unique across them), each with its own "
                        + "options after a colon, overriding the options for all files: kind, crs, id-property, "
                        + "name-property, version, operators, vehicle-types, gbfs-restrictions-win, zone, repair, "
                        + "bounds; e.g. zones.geojson:kind=no_park,id-property=FID; several also separated by ; "
                        + "(default: none, required)")
        List<String> fences = new ArrayList<>();

        @Option(names = "--points", paramLabel = "POINTS.csv", required = true,
                description = "CSV file with a header row (default: none, required)")
        String points;

        @Option(names = "--lat-col", paramLabel = "NAME",
                description = "latitude column (default: lat or latitude)")
        String latCol;

        @Option(names = "--lng-col", paramLabel = "NAME",
                description = "longitude column (default: lng, lon, long or longitude)")
        String lngCol;

        @Option(names = "--crs", paramLabel = "WGS84|GCJ02|BD09",
                description = "coordinate system of the points (default: WGS84)")
        Crs crs;

        @Option(names = "--time-col", paramLabel = "NAME", description = "column with each point's time "
                + "(epoch ms, ISO or yyyy-MM-dd HH:mm[:ss]); only fences in force then count "
                + "(default: none: every fence counts)")
        String timeCol;

        @Option(names = "--out", paramLabel = "OUT.csv",
                description = "where to write the rows (default: standard output, the summary to stderr)")
        String out;

        @Mixin
        FenceFileOptions fenceOptions;

        @Override
        public Integer call() {
            Args a = new Args();
            try {
                a.fences.addAll(FenceFileOptions.entries(fences));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            a.loadOptions = fenceOptions.loadOptions();
            a.setVersion = fenceOptions.version();
            a.points = points;
            a.latCol = latCol;
            a.lngCol = lngCol;
            a.crs = crs;
            a.timeCol = timeCol;
            a.out = out;
            try {
                return classify(a, tool.out, tool.err);
            } catch (UsageException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
    }

    // ---------------------------------------------------------------------------------- check

    private static int check(List<FenceFiles.Entry> files, LoadOptions base, PrintStream out) {
        if (files.isEmpty()) {
            throw new UsageException("check needs at least one FILE");
        }
        int invalid = 0;
        for (FenceFiles.Entry entry : files) {
            String file = entry.file();
            LoadOptions options = FenceFiles.options(entry, base);
            try {
                LoadResult result = FenceLoaders.load(entry.path(), options);
                printSummary(file, result, out);
            } catch (FenceFileException e) {
                invalid++;
                out.println("== " + file + ": INVALID (" + e.totalProblems() + " problem"
                        + (e.totalProblems() == 1 ? "" : "s") + ")");
                for (FenceFileException.Problem p : e.problems()) {
                    out.println("  " + p.message());
                }
                if (e.totalProblems() > e.problems().size()) {
                    out.println("  ... and " + (e.totalProblems() - e.problems().size())
                            + " more not listed");
                }
            }
        }
        out.println(files.size() + " file" + (files.size() == 1 ? "" : "s")
                + " checked: " + (files.size() - invalid) + " valid, " + invalid + " invalid");
        return invalid == 0 ? OK : INVALID;
    }

    private static void printSummary(String file, LoadResult result, PrintStream out) {
        FenceSet set = result.fences();
        out.println("== " + file + ": OK");
        out.println("  format    " + result.format());
        out.println("  version   " + set.version());
        out.println("  crs       " + result.crs() + (result.crs() == Crs.WGS84 ? ""
                : " (converted to WGS84)"));
        out.println("  zone      " + set.zone());
        StringBuilder kinds = new StringBuilder();
        for (FenceKind kind : FenceKind.values()) {
            int n = set.ofKind(kind).size();
            if (n > 0) {
                kinds.append(kinds.length() == 0 ? "" : ", ").append(kind.wireName()).append(' ')
                        .append(n);
            }
        }
        out.println("  fences    " + set.size() + (kinds.length() == 0 ? "" : ": " + kinds));
        double[] areas = set.fences().stream()
                .mapToDouble(f -> FenceGeometry.areaSquareMetres(f.geometry())).sorted().toArray();
        double total = Arrays.stream(areas).sum();
        out.println("  area      total " + String.format(Locale.ROOT, "%,.0f", total)
                + " m2, median " + String.format(Locale.ROOT, "%,.1f", median(areas)) + " m2");
        long scheduled = set.fences().stream().filter(f -> !f.isPermanent()).count();
        if (scheduled > 0) {
            out.println("  timed     " + scheduled + " with a schedule or effective period");
        }
        out.println("  warnings  " + result.warnings().size());
        result.warnings().forEach(w -> out.println("    " + w));
        out.println("  repairs   " + result.repairs().size());
        result.repairs().forEach(r -> out.println("    " + r));
    }

    private static double median(double[] sorted) {
        if (sorted.length == 0) {
            return 0;
        }
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    // ------------------------------------------------------------------------------- classify

    private static int classify(Args args, PrintStream out, PrintStream err) {
        if (args.fences.isEmpty()) {
            throw new UsageException("classify needs --fences FILE...");
        }
        if (args.points == null) {
            throw new UsageException("classify needs --points POINTS.csv");
        }
        FenceSet set;
        try {
            set = FenceFiles.load(args.fences, args.loadOptions, args.setVersion).fences();
        } catch (FenceFileException e) {
            err.println("fences: " + e.getMessage());
            return INVALID;
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        FenceIndex index = FenceIndex.build(set);

        Crs pointCrs = args.crs == null ? Crs.WGS84 : args.crs;
        Classification c = new Classification();
        long started = System.nanoTime();
        Path points = Path.of(args.points);
        try (CsvReader csv = new CsvReader(new InputStreamReader(Files.newInputStream(points),
                StandardCharsets.UTF_8));
                Writer w = args.out == null
                        ? new BufferedWriter(new OutputStreamWriter(new FilterOutputStream(out) {
                            @Override
                            public void close() throws IOException {
                                flush(); // leave the caller's stream open
                            }
                        }, StandardCharsets.UTF_8))
                        : Files.newBufferedWriter(Path.of(args.out), StandardCharsets.UTF_8)) {
            CsvReader.Row header = csv.next();
            if (header == null) {
                throw new UsageException(args.points + ": empty file; expected a header row");
            }
            int latCol = column(header, args.latCol, List.of("lat", "latitude"), "--lat-col",
                    args.points);
            int lngCol = column(header, args.lngCol, List.of("lng", "lon", "long", "longitude"),
                    "--lng-col", args.points);
            int timeCol = args.timeCol == null ? -1
                    : column(header, args.timeCol, List.of(), "--time-col", args.points);
            int operatorCol = optionalColumn(header, OPERATOR_COLUMN);
            List<String> outHeader = new ArrayList<>(header.fields());
            outHeader.add("fence_ids");
            outHeader.add("fence_kinds");
            outHeader.add("verdict");
            w.write(CsvReader.join(outHeader));
            w.write('\n');
            CsvReader.Row row;
            while ((row = nextRow(csv, args.points)) != null) {
                List<String> fields = row.fields();
                if (fields.size() == 1 && fields.get(0).isEmpty()) {
                    continue;
                }
                Classified classified = classifyRow(row, header, latCol, lngCol, timeCol,
                        operatorCol, pointCrs, set.zone(), index, c);
                List<Fence> covering = classified == null ? null : classified.covering();
                List<String> outRow = new ArrayList<>(fields);
                StringBuilder ids = new StringBuilder();
                StringBuilder kinds = new StringBuilder();
                if (covering != null) {
                    for (Fence f : covering) {
                        ids.append(ids.length() == 0 ? "" : ";").append(f.id());
                        kinds.append(kinds.length() == 0 ? "" : ";").append(f.kind().wireName());
                    }
                }
                outRow.add(ids.toString());
                outRow.add(kinds.toString());
                outRow.add(classified == null ? "" : classified.verdict().summary());
                w.write(CsvReader.join(outRow));
                w.write('\n');
                if (c.rows % PROGRESS_EVERY == 0) {
                    double s = (System.nanoTime() - started) / 1e9;
                    err.printf(Locale.ROOT, "classify: %,d rows, %,.0f rows/s%n", c.rows,
                            c.rows / Math.max(s, 1e-9));
                }
            }
        } catch (IOException e) {
            throw new UsageException("cannot read " + args.points + " or write "
                    + (args.out == null ? "output" : args.out) + ": " + e);
        } catch (UncheckedIOException e) {
            throw new UsageException("cannot read " + args.points + ": " + e.getCause());
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        PrintStream summary = args.out == null ? err : out;
        printClassification(summary, set, args, c, seconds);
        return OK;
    }

    private static CsvReader.Row nextRow(CsvReader csv, String source) {
        try {
            return csv.next();
        } catch (IllegalArgumentException e) {
            throw new UsageException(source + ": " + e.getMessage());
        }
    }

    /** Counts of one classify run. */
    private static final class Classification {
        long rows;
        long classified;
        long inNoFence;
        final Map<FenceKind, Long> perKind = new EnumMap<>(FenceKind.class);
        long skipped;
        final List<String> skipReasons = new ArrayList<>();

        void skip(String reason) {
            skipped++;
            if (skipReasons.size() < LISTED_SKIPS) {
                skipReasons.add(reason);
            }
        }
    }

    /**
     * The fences covering a row's point (in force at its time, when it has one), and the verdict the job
     * would reach for a bike there: for the row's operator when the points have an {@code operator}
     * column, otherwise counting only fences that bind every operator.
     */
    private record Classified(List<Fence> covering, Verdict verdict) {}

    /** Points may name the bike's operator in a column of this name (any case). */
    static final String OPERATOR_COLUMN = "operator";

    private static Classified classifyRow(CsvReader.Row row, CsvReader.Row header, int latCol,
            int lngCol, int timeCol, int operatorCol, Crs crs, ZoneId zone, FenceIndex index,
            Classification c) {
        c.rows++;
        List<String> f = row.fields();
        int needed = Math.max(Math.max(Math.max(latCol, lngCol), timeCol), operatorCol) + 1;
        if (f.size() < needed) {
            c.skip("line " + row.line() + ": " + f.size() + " fields, " + needed + " needed");
            return null;
        }
        Double lat = number(f.get(latCol), header.fields().get(latCol), -90, 90, row.line(), c);
        Double lng = lat == null ? null
                : number(f.get(lngCol), header.fields().get(lngCol), -180, 180, row.line(), c);
        if (lng == null) {
            return null;
        }
        Long at = null;
        if (timeCol >= 0) {
            at = time(f.get(timeCol), zone);
            if (at == null) {
                c.skip("line " + row.line() + ": column \"" + header.fields().get(timeCol)
                        + "\" = \"" + f.get(timeCol) + "\": not epoch ms, an ISO date-time or"
                        + " \"yyyy-MM-dd HH:mm[:ss]\"");
                return null;
            }
        }
        double[] wgs = crs.toWgs84(lat, lng);
        String operator = operatorCol < 0 ? "" : f.get(operatorCol).trim();
        Verdict verdict = at == null ? index.verdictAtAnyTime(wgs[0], wgs[1], operator)
                : index.verdict(wgs[0], wgs[1], operator, at);
        List<Fence> covering = index.covering(wgs[0], wgs[1]);
        if (at != null && !covering.isEmpty()) {
            List<Fence> active = new ArrayList<>(covering.size());
            for (Fence fence : covering) {
                if (fence.isActiveAt(at)) {
                    active.add(fence);
                }
            }
            covering = active;
        }
        c.classified++;
        if (covering.isEmpty()) {
            c.inNoFence++;
        } else {
            Set<FenceKind> kinds = new LinkedHashSet<>();
            for (Fence fence : covering) {
                kinds.add(fence.kind());
            }
            for (FenceKind k : kinds) {
                c.perKind.merge(k, 1L, Long::sum);
            }
        }
        return new Classified(covering, verdict);
    }

    private static Double number(String text, String column, double min, double max, int line,
            Classification c) {
        String t = text.trim();
        if (t.isEmpty()) {
            c.skip("line " + line + ": column \"" + column + "\" is empty");
            return null;
        }
        double v;
        try {
            v = Double.parseDouble(t);
        } catch (NumberFormatException e) {
            c.skip("line " + line + ": column \"" + column + "\" = \"" + text + "\": not a number");
            return null;
        }
        if (!Double.isFinite(v) || v < min || v > max) {
            c.skip("line " + line + ": column \"" + column + "\" = \"" + text + "\": outside ["
                    + (int) min + ", " + (int) max + "]");
            return null;
        }
        return v;
    }

    private static final DateTimeFormatter LOCAL_SPACE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm[:ss]");

    private static Long time(String text, ZoneId zone) {
        String t = text.trim();
        if (t.matches("\\d{11,}")) {
            return Long.parseLong(t);
        }
        try {
            return OffsetDateTime.parse(t).toInstant().toEpochMilli();
        } catch (DateTimeParseException ignored) {
            // local forms next
        }
        try {
            return LocalDateTime.parse(t).atZone(zone).toInstant().toEpochMilli();
        } catch (DateTimeParseException ignored) {
            // with a space
        }
        try {
            return LocalDateTime.parse(t, LOCAL_SPACE).atZone(zone).toInstant().toEpochMilli();
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** The index of the column named {@code name} (any case), or -1. */
    private static int optionalColumn(CsvReader.Row header, String name) {
        List<String> names = header.fields();
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).trim().equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    private static int column(CsvReader.Row header, String wanted, List<String> defaults,
            String option, String source) {
        List<String> names = header.fields();
        List<String> candidates = wanted != null ? List.of(wanted) : defaults;
        for (String candidate : candidates) {
            for (int i = 0; i < names.size(); i++) {
                if (names.get(i).trim().equalsIgnoreCase(candidate)) {
                    return i;
                }
            }
        }
        throw new UsageException(source + ": no column " + (wanted != null ? "\"" + wanted + "\""
                : "named any of " + defaults) + " in header " + names + "; name it with " + option);
    }

    private static void printClassification(PrintStream s, FenceSet set, Args args,
            Classification c, double seconds) {
        s.println("fences: " + set.size() + " from " + String.join(", ",
                        args.fences.stream().map(FenceFiles.Entry::spec).toList())
                + " (version " + set.version() + ")");
        s.printf(Locale.ROOT, "points: %d rows, %d classified, %d skipped (%.2f s)%n", c.rows,
                c.classified, c.skipped, seconds);
        for (FenceKind kind : FenceKind.values()) {
            s.printf(Locale.ROOT, "  in %-16s %d%n", kind.wireName(), c.perKind.getOrDefault(kind, 0L));
        }
        s.printf(Locale.ROOT, "  in %-16s %d%n", "no fence", c.inNoFence);
        if (c.skipped > 0) {
            s.println("skipped rows:");
            c.skipReasons.forEach(r -> s.println("  " + r));
            if (c.skipped > c.skipReasons.size()) {
                s.println("  ... and " + (c.skipped - c.skipReasons.size()) + " more");
            }
        }
        if (args.out != null) {
            s.println("written: " + args.out);
        }
    }

    // -------------------------------------------------------------------------------- options

    private static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** The options of one classify run, as the command gives them. */
    private static final class Args {
        final List<FenceFiles.Entry> fences = new ArrayList<>();
        LoadOptions loadOptions = LoadOptions.defaults();
        String setVersion;
        String points;
        String out;
        String latCol;
        String lngCol;
        String timeCol;
        Crs crs;
    }
}
