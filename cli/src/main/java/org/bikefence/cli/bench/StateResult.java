package org.bikefence.cli.bench;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * What one {@code bench state} run measured, as {@link StateRun} writes it ({@link #toProperties}) and
 * {@link StateBench} prints it against the goals of issue 10 ({@link #lines}).
 */
public record StateResult(int bikes, long records, long deadLetters, String stateBackend, String storage,
        Checkpoint first, Checkpoint later, long heapAfterGcBytes, long rssBytes) {

    /** Goals: checkpointed bytes per bike, first full and incremental checkpoint, heap after GC. */
    public static final double GOAL_BYTES_PER_BIKE = 300;
    public static final long GOAL_FULL_MS = 30_000;
    public static final long GOAL_INCREMENTAL_MS = 10_000;
    public static final long GOAL_HEAP_BYTES = 2L << 30;

    /**
     * One completed checkpoint, from Flink's checkpoint statistics: end-to-end duration, full state size (every
     * file it references) and checkpointed size (what this checkpoint uploaded: all of it for a full one).
     */
    public record Checkpoint(long id, long durationMs, long stateSizeBytes, long checkpointedBytes) {}

    /** Checkpointed bytes per bike: the later checkpoint's full size (every report applied) over the bikes. */
    public double bytesPerBike() {
        return bikes <= 0 ? 0 : (double) later.stateSizeBytes() / bikes;
    }

    /** The result lines, each with its goal and whether it is met. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "state backend %s, checkpoint storage %s; %d records read, %d dead letters",
                stateBackend, storage, records, deadLetters));
        lines.add(String.format(Locale.ROOT, "checkpointed bytes per bike: %.1f B (full size %s / %d bikes)  "
                + "goal <= %.0f B: %s", bytesPerBike(), size(later.stateSizeBytes()), bikes, GOAL_BYTES_PER_BIKE,
                verdict(bytesPerBike() <= GOAL_BYTES_PER_BIKE)));
        lines.add(String.format(Locale.ROOT, "first full checkpoint: %.1f s (%s)  goal <= %d s: %s",
                first.durationMs() / 1000.0, size(first.checkpointedBytes()), GOAL_FULL_MS / 1000,
                verdict(first.durationMs() <= GOAL_FULL_MS)));
        lines.add(String.format(Locale.ROOT, "incremental checkpoint after one more report per bike: %.1f s "
                + "(%s uploaded, full size %s)  goal <= %d s: %s", later.durationMs() / 1000.0,
                size(later.checkpointedBytes()), size(later.stateSizeBytes()), GOAL_INCREMENTAL_MS / 1000,
                verdict(later.durationMs() <= GOAL_INCREMENTAL_MS)));
        lines.add(String.format(Locale.ROOT, "heap used after GC: %s  goal <= 2 GB: %s  (process RSS %s, with "
                + "RocksDB's native memory)", size(heapAfterGcBytes), verdict(heapAfterGcBytes <= GOAL_HEAP_BYTES),
                rssBytes < 0 ? "unknown" : size(rssBytes)));
        return lines;
    }

    private static String verdict(boolean met) {
        return met ? "met" : "MISSED";
    }

    /** Bytes in B, kB, MB or GB (powers of 1000, one decimal above B). */
    static String size(long bytes) {
        if (bytes < 1_000) {
            return bytes + " B";
        }
        String[] units = {"kB", "MB", "GB", "TB"};
        double v = bytes / 1000.0;
        int u = 0;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /** The result as {@code key=value} lines, for the run's result file. */
    public String toProperties() {
        StringBuilder s = new StringBuilder();
        s.append("bikes=").append(bikes).append('\n').append("records=").append(records).append('\n')
                .append("deadLetters=").append(deadLetters).append('\n').append("stateBackend=").append(stateBackend)
                .append('\n').append("storage=").append(storage).append('\n');
        checkpoint(s, "first", first);
        checkpoint(s, "later", later);
        s.append("heapAfterGcBytes=").append(heapAfterGcBytes).append('\n').append("rssBytes=").append(rssBytes)
                .append('\n');
        return s.toString();
    }

    private static void checkpoint(StringBuilder s, String name, Checkpoint c) {
        s.append(name).append(".id=").append(c.id()).append('\n')
                .append(name).append(".durationMs=").append(c.durationMs()).append('\n')
                .append(name).append(".stateSizeBytes=").append(c.stateSizeBytes()).append('\n')
                .append(name).append(".checkpointedBytes=").append(c.checkpointedBytes()).append('\n');
    }

    /** Reads what {@link #toProperties} wrote; a missing or bad key fails naming it. */
    public static StateResult parse(String text) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new StateResult((int) num(p, "bikes"), num(p, "records"), num(p, "deadLetters"), str(p, "stateBackend"),
                str(p, "storage"), checkpoint(p, "first"), checkpoint(p, "later"), num(p, "heapAfterGcBytes"),
                num(p, "rssBytes"));
    }

    private static Checkpoint checkpoint(Properties p, String name) {
        return new Checkpoint(num(p, name + ".id"), num(p, name + ".durationMs"), num(p, name + ".stateSizeBytes"),
                num(p, name + ".checkpointedBytes"));
    }

    private static String str(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null) {
            throw new IllegalArgumentException("bench state result: no '" + key + "'");
        }
        return v;
    }

    private static long num(Properties p, String key) {
        String v = str(p, key);
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bench state result: '" + key + "' is not a number: '" + v + "'");
        }
    }
}
