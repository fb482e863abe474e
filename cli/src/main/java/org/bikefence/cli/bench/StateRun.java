package org.bikefence.cli.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.CheckpointType;
import org.apache.flink.runtime.checkpoint.AbstractCheckpointStats;
import org.apache.flink.runtime.checkpoint.CompletedCheckpointStats;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.bikefence.config.JobConfig;
import org.bikefence.config.JobOptions;
import org.bikefence.config.LocalRuntime;
import org.bikefence.job.JobMain;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One run of {@code bench state}, in a JVM of its own: the full job (JobMain's wiring) on a local MiniCluster,
 * unbounded over the pre-loaded topic, with checkpoints triggered at chosen points instead of periodically. Once
 * the tracker has every pre-loaded record it triggers the first checkpoint (full: nothing to build on), writes
 * the marker file for {@link StateBench} to send the last round, waits for that round, triggers a second
 * (incremental on RocksDB), measures the heap after GC, cancels the job and writes a {@link StateResult}. Lines
 * for the user start with {@link #SAY}. Not part of the command tree.
 */
@Command(name = "state-run", description = "One run of bench state (started by it).")
public final class StateRun implements Callable<Integer> {
    /** Prefix of the lines {@link StateBench} shows. */
    static final String SAY = "bench-state| ";
    /** Written when the first checkpoint is done: {@link StateBench} then sends the last round. */
    static final String READY_FOR_LAST_ROUND = "ready-for-last-round";
    static final String SOURCE = "bike-positions";
    static final String TRACKER = "bike-tracker";
    /** The dead-letter sink's writer (its committer counts committables, not records). */
    static final String DEAD_LETTERS = "dead-letters: Writer";
    /** No periodic checkpoint within a run: only the ones triggered. */
    static final long CHECKPOINT_INTERVAL_MS = 24 * 3_600_000L;
    /** Managed memory of the TaskManager (RocksDB's cache and write buffers), about what config.yaml gives. */
    static final MemorySize MANAGED_MEMORY = MemorySize.ofMebiBytes(512);
    private static final long PROGRESS_EVERY_MS = 10_000;
    /** The longest wait for one checkpoint. */
    private static final long CHECKPOINT_MINUTES = 30;
    /** Task threads named on a timeout, busiest first. */
    private static final int HOT_THREADS = 3;

    @Option(names = "--bootstrap", required = true)
    String bootstrap;

    @Option(names = "--topic", required = true)
    String topic;

    @Option(names = "--group", required = true)
    String group;

    @Option(names = "--influx-url", required = true)
    String influxUrl;

    @Option(names = "--influx-db", required = true)
    String influxDb;

    @Option(names = "--fences", required = true)
    Path fences;

    @Option(names = "--rules", required = true)
    Path rules;

    @Option(names = "--parallelism", required = true)
    int parallelism;

    @Option(names = "--state-backend", required = true)
    String stateBackend;

    @Option(names = "--bikes", required = true)
    int bikes;

    @Option(names = "--preloaded", required = true, description = "records in the topic before the first checkpoint")
    long preloaded;

    @Option(names = "--total", required = true, description = "records in the topic once the last round is sent")
    long total;

    @Option(names = "--dir", required = true, description = "checkpoints, RocksDB's files, the marker, the result")
    Path dir;

    @Option(names = "--max-minutes", required = true, description = "time for the whole run, from the job's start")
    long maxMinutes;

    private long deadline;

    public static void main(String[] args) {
        // Flink's local cluster and the Kafka clients leave non-daemon threads behind: exit explicitly.
        System.exit(new CommandLine(new StateRun()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Configuration conf = SourceRecordCounter.configure(new Configuration());
        // Any free port for the local cluster's REST endpoint: a demo or a cluster may hold 8081.
        conf.set(org.apache.flink.configuration.RestOptions.BIND_PORT, "0");
        conf.addAll(LocalRuntime.checkpointsIn(dir.resolve("checkpoints")));
        conf.set(RocksDBOptions.LOCAL_DIRECTORIES, dir.resolve("rocksdb").toAbsolutePath().toString());
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MANAGED_MEMORY);
        // A run that fails is reported as failed, not restarted and measured.
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        JobConfig config = JobConfig.of(jobOptions(), Map.of());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        JobMain.configure(env, config);
        LocalRuntime.requireDurableCheckpointStorage(env.getConfiguration(), "bench state");
        JobMain.create(config).build(env);
        JobGraph graph = env.getStreamGraph().getJobGraph();

        try (MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(conf)
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(parallelism).build())) {
            cluster.start();
            JobID job = cluster.submitJob(graph).get(2, TimeUnit.MINUTES).getJobID();
            long t0 = System.nanoTime();
            deadline = t0 + TimeUnit.MINUTES.toNanos(maxMinutes);
            awaitRecords(cluster, job, preloaded, "rounds before the first checkpoint", t0);
            StateResult.Checkpoint first = checkpoint(cluster, job, "first");
            Files.writeString(dir.resolve(READY_FOR_LAST_ROUND), Long.toString(first.id()), StandardCharsets.UTF_8);
            awaitRecords(cluster, job, total, "the last round", System.nanoTime());
            StateResult.Checkpoint later = checkpoint(cluster, job, "second");
            long heap = heapAfterGc();
            AccessExecutionGraph graphNow = cluster.getExecutionGraph(job).get(1, TimeUnit.MINUTES);
            StateResult result = new StateResult(bikes, SourceRecordCounter.recordsOut(SOURCE),
                    Math.max(0, SourceRecordCounter.recordsIn(DEAD_LETTERS)),
                    graphNow.getStateBackendName().orElse("?"), graphNow.getCheckpointStorageName().orElse("?"),
                    first, later, heap, rssBytes());
            Files.writeString(dir.resolve("result.properties"), result.toProperties(), StandardCharsets.UTF_8);
            cluster.cancelJob(job).get(1, TimeUnit.MINUTES);
        }
        return 0;
    }

    /** The job options: JobMain's, unbounded from earliest, fence updates and violations off. */
    Map<String, String> jobOptions() {
        Map<String, String> o = new LinkedHashMap<>();
        o.put(JobOptions.KAFKA_BOOTSTRAP.key(), bootstrap);
        o.put(JobOptions.KAFKA_POSITIONS_TOPIC.key(), topic);
        o.put(JobOptions.KAFKA_GROUP_ID.key(), group);
        o.put(JobOptions.KAFKA_STARTING_OFFSETS.key(), "earliest");
        o.put(JobOptions.KAFKA_FENCES_TOPIC.key(), "");
        o.put(JobOptions.KAFKA_VIOLATIONS_TOPIC.key(), "");
        o.put(JobOptions.FENCES.key(), fences.toString());
        o.put(JobOptions.RULES.key(), rules.toString());
        o.put(JobOptions.PARALLELISM.key(), Integer.toString(parallelism));
        o.put(JobOptions.CHECKPOINT_INTERVAL_MS.key(), Long.toString(CHECKPOINT_INTERVAL_MS));
        o.put(JobOptions.STATE_BACKEND.key(), stateBackend);
        o.put(JobOptions.INFLUX_URL.key(), influxUrl);
        o.put(JobOptions.INFLUX_DB.key(), influxDb);
        return o;
    }

    /** Polls until the tracker (or the dead-letter sink) has {@code n} records; a progress line every 10 s. */
    private void awaitRecords(MiniCluster cluster, JobID job, long n, String what, long t0) throws Exception {
        long nextProgress = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PROGRESS_EVERY_MS);
        while (true) {
            long read = SourceRecordCounter.recordsOut(SOURCE);
            long tracked = Math.max(0, SourceRecordCounter.recordsIn(TRACKER));
            long dead = Math.max(0, SourceRecordCounter.recordsIn(DEAD_LETTERS));
            if (read >= n && tracked + dead >= n) {
                say("%s: %d records read and tracked in %.1f s", what, read, (System.nanoTime() - t0) / 1e9);
                return;
            }
            if (cluster.getJobStatus(job).get(1, TimeUnit.MINUTES).isGloballyTerminalState()) {
                throw new IllegalStateException("the job ended (" + cluster.getJobStatus(job).get() + ") after "
                        + read + " of " + n + " records");
            }
            if (System.nanoTime() > deadline) {
                double s = (System.nanoTime() - t0) / 1e9;
                say("stopped after %d minutes (--max-minutes): %s: %d of %d records read, %d tracked, %.0f records/s; "
                        + "the busiest task threads:", maxMinutes, what, read, n, tracked + dead, tracked / s);
                for (String t : busiestThreads(HOT_THREADS)) {
                    say("  %s", t);
                }
                say("heap used after GC at that point: %s, process RSS %s", StateResult.size(heapAfterGc()),
                        StateResult.size(rssBytes()));
                throw new IllegalStateException("stopped after " + maxMinutes + " minutes: the tracker has "
                        + (tracked + dead) + " of " + n + " records of " + what + " (" + read + " read)");
            }
            if (System.nanoTime() > nextProgress) {
                double s = (System.nanoTime() - t0) / 1e9;
                say("%s: %d of %d records read, %d tracked, %.0f records/s", what, read, n, tracked + dead,
                        tracked / s);
                nextProgress += TimeUnit.MILLISECONDS.toNanos(PROGRESS_EVERY_MS);
            }
            Thread.sleep(200);
        }
    }

    /** Triggers a checkpoint (incremental when the backend is, as configured) and reads its statistics. */
    private static StateResult.Checkpoint checkpoint(MiniCluster cluster, JobID job, String which) throws Exception {
        say("%s checkpoint triggered", which);
        long id = cluster.triggerCheckpoint(job, CheckpointType.CONFIGURED).get(CHECKPOINT_MINUTES, TimeUnit.MINUTES);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (true) {
            AbstractCheckpointStats stats = cluster.getExecutionGraph(job).get(1, TimeUnit.MINUTES)
                    .getCheckpointStatsSnapshot().getHistory().getCheckpointById(id);
            if (stats instanceof CompletedCheckpointStats c) {
                StateResult.Checkpoint cp = new StateResult.Checkpoint(id, c.getEndToEndDuration(), c.getStateSize(),
                        c.getCheckpointedSize());
                say("%s checkpoint (%d) completed in %.1f s: full size %s, %s uploaded", which, id,
                        cp.durationMs() / 1000.0, StateResult.size(cp.stateSizeBytes()),
                        StateResult.size(cp.checkpointedBytes()));
                return cp;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("checkpoint " + id + " completed but has no statistics: " + stats);
            }
            Thread.sleep(100);
        }
    }

    /**
     * The task threads (named after their operator chain) that used the most CPU, each with its CPU time and the
     * innermost frame of bikefence's code on its stack, if any.
     */
    static List<String> busiestThreads(int n) {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        List<java.lang.management.ThreadInfo> infos = new java.util.ArrayList<>(
                List.of(mx.dumpAllThreads(false, false)));
        Map<Long, Long> cpu = new java.util.HashMap<>();
        for (java.lang.management.ThreadInfo t : infos) {
            cpu.put(t.getThreadId(), mx.getThreadCpuTime(t.getThreadId()));
        }
        infos.removeIf(t -> !t.getThreadName().contains("#") || t.getThreadName().startsWith("OutputFlusher"));
        infos.sort(java.util.Comparator.comparingLong((java.lang.management.ThreadInfo t) -> cpu.get(t.getThreadId()))
                .reversed());
        List<String> lines = new java.util.ArrayList<>();
        for (java.lang.management.ThreadInfo t : infos.subList(0, Math.min(n, infos.size()))) {
            String frame = "-";
            for (StackTraceElement e : t.getStackTrace()) {
                if (e.getClassName().startsWith("org.bikefence.")) {
                    frame = frame(e);
                    break;
                }
            }
            String top = t.getStackTrace().length > 0 ? frame(t.getStackTrace()[0]) : "-";
            String name = t.getThreadName().length() > 60 ? t.getThreadName().substring(0, 60) + "..." : t.getThreadName();
            lines.add(String.format(Locale.ROOT, "%s: %.1f s CPU, at %s, in %s", name, cpu.get(t.getThreadId()) / 1e9,
                    top, frame));
        }
        return lines;
    }

    private static String frame(StackTraceElement e) {
        return e.getClassName() + "." + e.getMethodName() + "(" + e.getFileName() + ":" + e.getLineNumber() + ")";
    }

    /** Heap in use after full collections (System.gc() is a full collection with G1, the default). */
    static long heapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    /** The resident set size of this process (Linux /proc), -1 where unknown. */
    static long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("VmRSS:")) {
                    List<String> parts = List.of(line.substring(6).trim().split("\\s+"));
                    return Long.parseLong(parts.get(0)) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static void say(String format, Object... args) {
        System.out.println(SAY + String.format(Locale.ROOT, format, args));
        System.out.flush();
    }
}
