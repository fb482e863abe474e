package org.bikefence.ingest;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Running counts by name (published, dead letters by reason, fetch failures by reason), thread-safe. */
public final class Counters {
    private final ConcurrentHashMap<String, LongAdder> counts = new ConcurrentHashMap<>();

    public void add(String name, long n) {
        if (n != 0) {
            counts.computeIfAbsent(name, k -> new LongAdder()).add(n);
        }
    }

    public void increment(String name) {
        add(name, 1);
    }

    public long get(String name) {
        LongAdder a = counts.get(name);
        return a == null ? 0 : a.sum();
    }

    /** A sorted copy. */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new TreeMap<>();
        counts.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    @Override
    public String toString() {
        return snapshot().toString();
    }
}
