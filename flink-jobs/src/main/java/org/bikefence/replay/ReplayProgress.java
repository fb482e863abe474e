package org.bikefence.replay;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How far a replay running in this JVM has got: records emitted and bytes of input read, written by the
 * source readers (one {@link Slot} per split, so readers running side by side never write the same field, and a
 * restored split simply overwrites its slot) and read by the terminal's progress line. The replay command runs Flink in its own JVM
 * (a local MiniCluster), so a registry by id is enough; a job submitted to a remote cluster finds no
 * entry here and simply runs without a progress line.
 */
public final class ReplayProgress {
    private static final Map<String, ReplayProgress> RUNNING = new ConcurrentHashMap<>();

    private final String id;
    private final long totalBytes;
    private final Map<Integer, Slot> slots = new ConcurrentHashMap<>();

    private ReplayProgress(String id, long totalBytes) {
        this.id = id;
        this.totalBytes = totalBytes;
    }

    /** A new entry for a replay over {@code totalBytes} of input; {@link #close()} removes it. */
    public static ReplayProgress register(long totalBytes) {
        ReplayProgress p = new ReplayProgress(UUID.randomUUID().toString(), totalBytes);
        RUNNING.put(p.id, p);
        return p;
    }

    /** The entry of that id in this JVM, or null. */
    static ReplayProgress find(String id) {
        return RUNNING.get(id);
    }

    public String id() {
        return id;
    }

    public long totalBytes() {
        return totalBytes;
    }

    public long records() {
        return slots.values().stream().mapToLong(s -> s.records).sum();
    }

    public long bytesRead() {
        return Math.min(slots.values().stream().mapToLong(s -> s.bytesRead).sum(), totalBytes);
    }

    /** The slot of split {@code index}. */
    Slot slot(int index) {
        return slots.computeIfAbsent(index, i -> new Slot());
    }

    /** How far one split has got; only the subtask reading it writes, so plain volatile writes suffice. */
    static final class Slot {
        private volatile long records;
        private volatile long bytesRead;

        void update(long records, long bytesRead) {
            this.records = records;
            this.bytesRead = bytesRead;
        }
    }

    public void close() {
        RUNNING.remove(id);
    }
}
