package org.bikefence.replay;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.bikefence.config.JobConfig;
import org.bikefence.config.JobOptions;
import org.bikefence.config.LocalRuntime;
import org.bikefence.influx.InfluxPreflight;
import org.bikefence.influx.InfluxPreflightException;
import org.bikefence.job.BikefenceJob;
import org.bikefence.job.JobMain;
import org.bikefence.job.JobSettings;
import org.bikefence.sink.InfluxDbSink;

/**
 * Runs the bikefence job in bounded mode over archived position files: the same pipeline
 * ({@link BikefenceJob}) and InfluxDB sink as the live job, fed by a {@link ReplaySource} instead of Kafka,
 * with dead letters going to a JSON Lines file, and a progress line while it runs.
 */
public final class Replay {
    private static final Duration TERMINAL_EVERY = Duration.ofMillis(250);
    private static final Duration LOG_EVERY = Duration.ofSeconds(10);
    private static final int BAR_WIDTH = 30;
    private static final int RESTART_ATTEMPTS = 3;

    private Replay() {}

    /** What a finished replay did. */
    public record Result(long records, long deadLetters, List<Path> deadLetterFiles, Duration elapsed,
            JobExecutionResult job) {
        public String summary() {
            double s = Math.max(elapsed.toMillis(), 1) / 1000.0;
            return String.format(Locale.ROOT, "replayed %,d records in %.1f s (%,.0f records/s); %,d dead letters in %s",
                    records, s, records / s, deadLetters, deadLetterFiles);
        }
    }

    /**
     * Validates the options and inputs, runs the job to the end of the input, and returns what it did. InfluxDB
     * is checked before, by {@link #checkInflux}.
     *
     * @param environment variables for {@link JobConfig} ({@code BIKEFENCE_INFLUX_URL}, ...)
     * @param terminal where the startup summary and the progress line go
     * @param interactive true: a progress line redrawn in place; false: a progress line every 10 s
     */
    public static Result run(ReplayCommand options, Map<String, String> environment, StreamExecutionEnvironment env,
            PrintStream terminal, boolean interactive) throws Exception {
        JobConfig config = JobConfig.of(options.jobOptions(), environment);
        CsvMapping csv = options.csvMapping();
        List<InputFile> files = inputs(options, csv);
        long totalBytes = files.stream().mapToLong(InputFile::size).sum();
        int parallelism = config.get(JobOptions.PARALLELISM);
        List<Path> dlqFiles = resetDeadLetterFiles(options.dlq(), parallelism);

        terminal.printf(Locale.ROOT, "replay: %d file(s)%s, %,d bytes -> %s database %s; dead letters -> %s%n",
                files.size(), options.partitioned() ? " (key-partitioned, read side by side)" : "", totalBytes,
                config.get(JobOptions.INFLUX_URL),
                config.get(JobOptions.INFLUX_DB) != null ? config.get(JobOptions.INFLUX_DB)
                        : config.get(JobOptions.INFLUX_BUCKET), options.dlq());
        if (files.stream().anyMatch(f -> f.format() == InputFile.Format.CSV)) {
            terminal.println("replay: CSV " + csv);
        }

        ReplayProgress progress = ReplayProgress.register(totalBytes);
        ScheduledExecutorService ticker = null;
        long t0 = System.nanoTime();
        try {
            JobSettings settings = settings(config);
            BikefenceJob job = new BikefenceJob(new ReplaySource(files, csv, progress.id(), settings,
                    options.partitioned(), options.month()),
                    // No fence-update input: classification is then the one-input ClassifyStaticFences. An empty
                    // broadcast source here made it a two-input step whose watermark is the smaller of both inputs':
                    // when the files were read before that empty source had finished (a fast, warm replay), every
                    // watermark of the positions was held back until both ended, the tracker saw only the final
                    // one, and deadlines the archive had passed opened nothing (ReplayPartitionedITCase, about one
                    // replay in four when repeated in one JVM).
                    null,
                    InfluxDbSink.fromConfig(config.configuration()), new DeadLetterFileSink(options.dlq()),
                    settings);
            configure(env, config, options.checkpointDir());
            job.build(env);
            JobClient client = env.executeAsync("bikefence replay");
            if (!options.progress().equals("off") && (interactive || options.progress().equals("on"))) {
                ticker = startTicker(progress, terminal, interactive, t0);
            }
            JobExecutionResult result = client.getJobExecutionResult().get();
            if (ticker != null) {
                stop(ticker);
                ticker = null;
                terminal.print((interactive ? "\r" : "") + line(progress, System.nanoTime() - t0) + "\n");
            }
            return new Result(progress.records(), countLines(dlqFiles), existing(dlqFiles),
                    Duration.ofNanos(System.nanoTime() - t0), result);
        } finally {
            if (ticker != null) {
                stop(ticker);
                terminal.println();
            }
            progress.close();
        }
    }

    /**
     * Checks InfluxDB before anything starts ({@link JobMain#checkInflux}): a missing database or a stopped
     * influxd is one line at once, not minutes of restarts. Says so on {@code terminal} when it created the
     * database.
     */
    static void checkInflux(JobConfig config, PrintStream terminal) throws InfluxPreflightException {
        InfluxPreflight.Result influx = JobMain.checkInflux(config, true);
        if (influx.outcome() == InfluxPreflight.Outcome.CREATED) {
            terminal.println("replay: " + influx.message());
        }
    }

    /**
     * The replay's settings on top of the environment's: the job options (as the live job), streaming mode, a
     * few restarts, and checkpoints as files under {@code checkpointDir}. The state backend is the job
     * option's (RocksDB unless {@code --state.backend hashmap} or the environment chooses another, see
     * {@link JobMain#configure}).
     */
    static void configure(StreamExecutionEnvironment env, JobConfig config, Path checkpointDir) {
        JobMain.configure(env, config);
        // STREAMING, not BATCH, on purpose: batch execution sorts each key's input and never drops late
        // records, so it could write points the live job would not. Bounded input in streaming mode runs
        // exactly the live operators and watermarks, and ends with a final watermark like kafka.bounded.
        env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
        // A replay ends: a failure that persists (an unreadable file, InfluxDB refusing writes) must fail
        // it after a few attempts from the last checkpoint, not retry forever like the live job.
        Configuration settings = new Configuration();
        settings.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        settings.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, RESTART_ATTEMPTS);
        settings.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(2));
        // Never the JobManager's memory, whatever the environment says: the keyed state of 20,000 bikes
        // (15 MB) is three times what it holds. A replay cannot resume from an old checkpoint, so none is
        // kept once it ends.
        settings.addAll(LocalRuntime.checkpointsIn(checkpointDir));
        settings.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.NO_EXTERNALIZED_CHECKPOINTS);
        env.configure(settings);
        LocalRuntime.requireDurableCheckpointStorage(env.getConfiguration(), "the replay's Flink configuration");
    }

    /** The job's settings, read from the same options as the live job's. */
    static JobSettings settings(JobConfig config) {
        return org.bikefence.job.JobMain.settings(config);
    }

    /** The input files, with every CSV header checked against the mapping before the job starts. */
    static List<InputFile> inputs(ReplayCommand options, CsvMapping csv) throws IOException {
        List<InputFile> files = new ArrayList<>();
        for (Path p : options.from()) {
            InputFile f = InputFile.of(p, options.format());
            if (f.format() == InputFile.Format.CSV) {
                try (CsvRows r = CsvRows.open(p, f.gzipped(), csv.delimiter())) {
                    CsvRows.Row header = r.next();
                    if (header != null) {
                        csv.bind(header, f.path());
                    }
                }
            }
            files.add(f);
        }
        return files;
    }

    /** Empties the dead-letter file (so it exists even when nothing is rejected) and removes stale siblings. */
    private static List<Path> resetDeadLetterFiles(Path dlq, int parallelism) throws IOException {
        List<Path> all = new ArrayList<>();
        Path parent = dlq.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(dlq, new byte[0]);
        all.add(dlq);
        for (int i = 1; i < Math.max(parallelism, 2); i++) {
            Path other = DeadLetterFileSink.fileOf(dlq, i);
            Files.deleteIfExists(other);
            all.add(other);
        }
        return all;
    }

    private static List<Path> existing(List<Path> files) {
        return files.stream().filter(Files::exists).toList();
    }

    private static long countLines(List<Path> files) throws IOException {
        long n = 0;
        for (Path p : files) {
            if (Files.exists(p)) {
                try (var lines = Files.lines(p, StandardCharsets.UTF_8)) {
                    n += lines.filter(l -> !l.isBlank()).count();
                }
            }
        }
        return n;
    }

    private static ScheduledExecutorService startTicker(ReplayProgress progress, PrintStream terminal,
            boolean interactive, long t0) {
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "replay-progress");
            t.setDaemon(true);
            return t;
        });
        Duration every = interactive ? TERMINAL_EVERY : LOG_EVERY;
        ticker.scheduleAtFixedRate(() -> terminal.print((interactive ? "\r" : "")
                + line(progress, System.nanoTime() - t0) + (interactive ? "" : "\n")),
                every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        return ticker;
    }

    private static String line(ReplayProgress p, long elapsedNanos) {
        return ProgressLine.render(p.records(), p.bytesRead(), p.totalBytes(), elapsedNanos, BAR_WIDTH);
    }

    private static void stop(ScheduledExecutorService ticker) throws InterruptedException {
        ticker.shutdownNow();
        ticker.awaitTermination(5, TimeUnit.SECONDS);
    }
}
