package org.bikefence.launcher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/** Command-line options of {@code ./bikefence demo}, with defaults that run on a laptop. */
final class DemoOptions {
    static final String USAGE = String.join("\n",
            "Usage: ./bikefence demo [options]",
            "",
            "Starts Kafka and influxd, runs the fleet simulator and the Flink job (web UI on localhost),",
            "and prints a live per-operator scoreboard. Ctrl-C stops everything; data stays in InfluxDB.",
            "",
            "Options:",
            "  --duration D      how long to run, e.g. 90s, 10m, 1h (default 10m)",
            "  --bikes N         simulated bikes, split over 3 operators (default 2000)",
            "  --speedup X       simulated seconds per real second (default 60)",
            "  --bad-per-mille N invalid records per thousand, sent to the DLQ (default 2)",
            "  --seed N          simulator seed; same seed, same records (default 42)",
            "  --kafka-port P    Kafka broker port on 127.0.0.1 (default 19092)",
            "  --influx-port P   influxd HTTP port on 127.0.0.1 (default 18086)",
            "  --web-port P      Flink web UI port (default 8081)",
            "  --work-dir DIR    where Kafka and InfluxDB keep their files (default .run)",
            "  --every D         scoreboard refresh interval (default 5s)",
            "  --gbfs-operator OP  take operator OP (hello, meituan, qingju) through a GBFS feed polled by the",
            "                    ingest adapter every 2 s, instead of writing its positions to Kafka directly",
            "  --help            this text");

    Duration duration = Duration.ofMinutes(10);
    int bikes = 2000;
    double speedup = 60;
    double badPerMille = 2;
    long seed = 42;
    int kafkaPort = 19092;
    int influxPort = 18086;
    int webPort = 8081;
    Path workDir = Path.of(".run");
    Duration every = Duration.ofSeconds(5);
    String gbfsOperator;
    boolean help;

    static DemoOptions parse(String[] args) {
        DemoOptions o = new DemoOptions();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                o.help = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option '" + a + "' needs a value (see --help)");
            }
            String v = args[++i];
            try {
                switch (a) {
                    case "--duration" -> o.duration = parseDuration(v);
                    case "--bikes" -> o.bikes = positive(a, Integer.parseInt(v));
                    case "--speedup" -> o.speedup = positive(a, Double.parseDouble(v));
                    case "--bad-per-mille" -> o.badPerMille = Double.parseDouble(v);
                    case "--seed" -> o.seed = Long.parseLong(v);
                    case "--kafka-port" -> o.kafkaPort = Integer.parseInt(v);
                    case "--influx-port" -> o.influxPort = Integer.parseInt(v);
                    case "--web-port" -> o.webPort = Integer.parseInt(v);
                    case "--work-dir" -> o.workDir = Path.of(v);
                    case "--every" -> o.every = parseDuration(v);
                    case "--gbfs-operator" -> o.gbfsOperator = v;
                    default -> throw new IllegalArgumentException("unknown option '" + a + "' (see --help)");
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("option '" + a + "': '" + v + "' is not a number");
            }
        }
        if (o.badPerMille < 0 || o.badPerMille > 1000) {
            throw new IllegalArgumentException("option '--bad-per-mille' must be within 0..1000, was " + o.badPerMille);
        }
        return o;
    }

    static Duration parseDuration(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            }
            long n = Long.parseLong(s.substring(0, s.length() - 1));
            switch (s.charAt(s.length() - 1)) {
                case 's':
                    return Duration.ofSeconds(n);
                case 'm':
                    return Duration.ofMinutes(n);
                case 'h':
                    return Duration.ofHours(n);
                default:
                    break;
            }
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException("'" + v + "' is not a duration like 90s, 10m or 1h");
    }

    private static int positive(String option, int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("option '" + option + "' must be positive, was " + n);
        }
        return n;
    }

    private static double positive(String option, double n) {
        if (!(n > 0)) {
            throw new IllegalArgumentException("option '" + option + "' must be positive, was " + n);
        }
        return n;
    }
}
