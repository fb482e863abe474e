package org.bikefence.functions;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.Supplier;
import org.bikefence.geofence.FenceIndex;
import org.bikefence.geofence.FenceSet;
import org.bikefence.geofence.H3Cells;

/**
 * The fence index and H3 cell grid of one fence file, built once per JVM (TaskManager) and shared by the
 * classification subtasks that run there, while any of them uses it: both are immutable and thread-safe (see
 * {@link FenceIndex} and {@link H3Cells}). Before, each subtask built its own: at parallelism 2 in one TaskManager,
 * twice the build and twice the memory the lookups read from, for the same answers.
 *
 * <p>Keyed by the file's SHA-256, its source name (which can choose the format) and the H3 resolution. A subtask
 * {@link #acquire}s in {@code open()} (or when it takes a new fence set) and {@link #release}s in {@code close()}
 * (or when it drops the set); the last release drops the entry, so a JVM that runs job after job (the tests, a
 * session cluster) holds only the sets in use.
 */
final class SharedFenceIndexes {
    /** One shared index and grid, with the number of subtasks using it. */
    static final class Entry {
        final Key key;
        final FenceIndex index;
        final H3Cells cells;
        private int users;

        private Entry(Key key, FenceIndex index, H3Cells cells) {
            this.key = key;
            this.index = index;
            this.cells = cells;
        }
    }

    record Key(String sha256, String source, int h3Resolution) {}

    private static final Map<Key, Entry> ENTRIES = new HashMap<>();

    private SharedFenceIndexes() {}

    /**
     * The index and grid of {@code content}, built from {@code set} by the first caller (the others wait for it).
     *
     * @param set the loaded fence set of {@code content}, asked for only when no subtask holds it yet
     */
    static Entry acquire(byte[] content, String source, int h3Resolution, Supplier<FenceSet> set) {
        Key key = new Key(sha256(content), source, h3Resolution);
        synchronized (ENTRIES) {
            Entry e = ENTRIES.get(key);
            if (e == null) {
                FenceSet s = set.get();
                e = new Entry(key, FenceIndex.build(s), H3Cells.forFences(s, h3Resolution));
                ENTRIES.put(key, e);
            }
            e.users++;
            return e;
        }
    }

    /** One user fewer; the last one drops the entry. Null is ignored (a subtask that never acquired). */
    static void release(Entry e) {
        if (e == null) {
            return;
        }
        synchronized (ENTRIES) {
            if (--e.users == 0 && ENTRIES.get(e.key) == e) {
                ENTRIES.remove(e.key);
            }
        }
    }

    /** The entries held now (for tests). */
    static int size() {
        synchronized (ENTRIES) {
            return ENTRIES.size();
        }
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
