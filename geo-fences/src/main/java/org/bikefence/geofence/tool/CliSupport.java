package org.bikefence.geofence.tool;

import java.io.PrintWriter;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bikefence.geofence.Bounds;
import org.bikefence.geofence.FenceKind;
import org.bikefence.geofence.crs.Crs;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * How every bikefence command line behaves, shared by the modules' own mains and the {@code bikefence} CLI:
 * a usage error exits 2 with one line on stderr (naming the option and value, with picocli's suggestion),
 * a runtime failure exits 1 with one line (the stack trace only with {@code BIKEFENCE_DEBUG} set or
 * {@code --verbose}), and the value types the commands share parse with messages that name no exception.
 * Lives in geo-fences because that is the one module every command's module depends on.
 */
public final class CliSupport {

    /** Exit status of a usage error (picocli's default for invalid input). */
    public static final int USAGE = 2;
    /** Exit status of a runtime failure. */
    public static final int FAILED = 1;

    private static volatile boolean verbose = debugRequested(System.getenv("BIKEFENCE_DEBUG"));

    private CliSupport() {}

    /** {@code BIKEFENCE_DEBUG} asks for stack traces unless it is empty, {@code 0} or {@code false}. */
    static boolean debugRequested(String value) {
        return value != null && !value.isBlank() && !value.trim().equals("0") && !value.trim().equalsIgnoreCase("false");
    }

    /** Asks for stack traces of runtime failures (the top-level {@code --verbose}). */
    public static void verbose(boolean on) {
        verbose = on || verbose;
    }

    /** Applies the shared error handling and converters to a command line and all its subcommands. */
    public static CommandLine configure(CommandLine cl) {
        // As the hand-written parsers did: a later value of an option wins.
        cl.setOverwrittenOptionsAllowed(true);
        cl.setParameterExceptionHandler(CliSupport::usageError);
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            cmd.getErr().println(prefix(cmd) + oneLine(ex));
            if (verbose) {
                ex.printStackTrace(cmd.getErr());
            }
            cmd.getErr().flush();
            return FAILED;
        });
        cl.registerConverter(Duration.class, CliSupport::duration);
        cl.registerConverter(YearMonth.class, v -> {
            try {
                return YearMonth.parse(v.trim());
            } catch (DateTimeParseException e) {
                throw new TypeConversionException("'" + v + "' is not a month YYYY-MM");
            }
        });
        cl.registerConverter(ZoneId.class, v -> {
            try {
                return ZoneId.of(v.trim());
            } catch (DateTimeException e) {
                throw new TypeConversionException("'" + v + "' is not a time zone (e.g. Asia/Shanghai)");
            }
        });
        cl.registerConverter(Crs.class, wrap(Crs::parse));
        cl.registerConverter(FenceKind.class, wrap(FenceKind::fromWireName));
        cl.registerConverter(Bounds.class, wrap(Bounds::parse));
        return cl;
    }

    /** Runs a command with the shared behaviour; returns the exit status. */
    public static int execute(Object command, String... args) {
        return configure(new CommandLine(command)).execute(args);
    }

    /** A converter whose IllegalArgumentException message becomes the usage error. */
    public static <T> ITypeConverter<T> wrap(ITypeConverter<T> parse) {
        return v -> {
            try {
                return parse.convert(v);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        };
    }

    private static int usageError(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        StringBuilder line = new StringBuilder(prefix(cmd)).append(oneLine(ex.getMessage()));
        if (ex instanceof UnmatchedArgumentException u) {
            List<String> suggestions = u.getSuggestions();
            if (!suggestions.isEmpty()) {
                line.append("; Did you mean: ").append(String.join(" or ", suggestions)).append('?');
            }
        }
        line.append(" (see ").append(cmd.getCommandSpec().qualifiedName()).append(" --help)");
        err.println(line);
        if (verbose) {
            ex.printStackTrace(err);
        }
        err.flush();
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    private static String prefix(CommandLine cmd) {
        return cmd.getCommandSpec().qualifiedName() + ": ";
    }

    /** The failure's message on one line; the innermost cause's when the exception itself says nothing. */
    public static String oneLine(Throwable ex) {
        Throwable t = ex;
        while ((t.getMessage() == null || t.getMessage().isBlank()) && t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage() == null || t.getMessage().isBlank() ? t.getClass().getSimpleName() : t.getMessage();
        return oneLine(m);
    }

    /** A message on one line: the lines of a multi-line message (a list of problems) joined with "; ". */
    public static String oneLine(String message) {
        if (message == null || message.isBlank()) {
            return "invalid command line";
        }
        return message.strip().replaceAll(":\\s*\\R\\s*", ": ").replaceAll(";?\\s*\\R\\s*", "; ")
                .replaceAll("\\s+", " ");
    }

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    /** {@code 500ms}, {@code 90s}, {@code 10m}, {@code 1h}, {@code 1d}, or ISO-8601 {@code PT30S}. */
    public static Duration duration(String v) {
        String t = v.trim().toLowerCase(Locale.ROOT);
        Matcher m = DURATION.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(v.trim());
        } catch (DateTimeParseException e) {
            throw new TypeConversionException("'" + v + "' is not a duration like 500ms, 90s, 10m or 1h");
        }
    }
}
