package org.bikefence.functions;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.runtime.state.VoidNamespace;

/**
 * Gathers elements per key and event-time minute and hands back the minutes the watermark has passed, oldest
 * first: the way counting operators fold their input in event-time order, whatever order it arrives in. An element
 * for a minute already folded is handed back at the next watermark.
 *
 * <p>Elements are added on the heap and written to keyed state only before a checkpoint barrier
 * ({@link #save}), so an element costs no state access (and a minute's list is not read and written again for
 * each element): the state holds what the last checkpoint held, the heap what came since. A key's fold timer is
 * registered once per minute, not per element.
 */
final class MinuteBuffer<T> {
    static final long MINUTE = 60_000L;

    /** One minute's elements. */
    record Minute<T>(long start, List<T> elements) {}

    private final MapState<Long, List<T>> saved;
    /** Per key and minute: what came since the last checkpoint barrier, in arrival order. */
    private final Map<Object, TreeMap<Long, List<T>>> unsaved = new HashMap<>();
    /** Per key: the fold timer registered last (registering it again changes nothing). */
    private final Map<Object, Long> lastTimer = new HashMap<>();
    /**
     * The keys with minutes in {@link #saved}: a key without any costs {@link #takeDue} no state access (on RocksDB
     * each look at {@code saved} is an iterator seek).
     */
    private final Set<Object> keysSaved = new HashSet<>();

    MinuteBuffer(RuntimeContext ctx, String name, Class<T> type) {
        this.saved = ctx.getMapState(new MapStateDescriptor<>(name, Types.LONG,
                new ListTypeInfo<>(TypeInformation.of(type))));
    }

    /**
     * After the state is initialised (and on a restore at any parallelism): the keys of this subtask whose minutes
     * the state holds.
     */
    void restoreSavedKeys(Stream<?> keys) {
        try (keys) {
            keys.forEach(keysSaved::add);
        }
    }

    /** Adds an element of {@code key} (the current key) and registers the timer that folds its minute. */
    void add(Object key, long ts, T element, InternalTimerService<VoidNamespace> timers) {
        long minute = Math.floorDiv(ts, MINUTE) * MINUTE;
        unsaved.computeIfAbsent(key, k -> new TreeMap<>()).computeIfAbsent(minute, m -> new ArrayList<>())
                .add(element);
        long timer = Math.max(minute + MINUTE - 1, timers.currentWatermark() + 1);
        Long before = lastTimer.put(key, timer);
        if (before == null || before != timer) {
            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, timer);
        }
    }

    /** Removes and returns, oldest first, every minute of {@code key} (the current key) that ends at or before {@code t}. */
    List<Minute<T>> takeDue(Object key, long t) throws Exception {
        if (!keysSaved.contains(key)) {
            // Nothing in state: the heap's minutes are the due ones, already in order.
            return takeDueUnsaved(key, t);
        }
        TreeMap<Long, List<T>> due = new TreeMap<>();
        List<Long> dueSaved = new ArrayList<>();
        boolean laterSaved = false;
        for (Long minute : saved.keys()) {
            if (minute + MINUTE - 1 <= t) {
                dueSaved.add(minute);
            } else {
                laterSaved = true;
            }
        }
        for (Long minute : dueSaved) {
            due.put(minute, new ArrayList<>(saved.get(minute)));
            saved.remove(minute);
        }
        if (!laterSaved) {
            keysSaved.remove(key);
        }
        // What came since the last barrier after what the state holds, minute by minute.
        for (Minute<T> m : takeDueUnsaved(key, t)) {
            due.computeIfAbsent(m.start(), s -> new ArrayList<>()).addAll(m.elements());
        }
        List<Minute<T>> out = new ArrayList<>(due.size());
        for (Map.Entry<Long, List<T>> e : due.entrySet()) {
            out.add(new Minute<>(e.getKey(), e.getValue()));
        }
        return out;
    }

    /** Removes and returns, oldest first, the heap's minutes of {@code key} that end at or before {@code t}. */
    private List<Minute<T>> takeDueUnsaved(Object key, long t) {
        TreeMap<Long, List<T>> mine = unsaved.get(key);
        if (mine == null) {
            return List.of();
        }
        List<Minute<T>> out = new ArrayList<>(2);
        while (!mine.isEmpty() && mine.firstKey() + MINUTE - 1 <= t) {
            Map.Entry<Long, List<T>> e = mine.pollFirstEntry();
            out.add(new Minute<>(e.getKey(), e.getValue()));
        }
        if (mine.isEmpty()) {
            unsaved.remove(key);
        }
        return out;
    }

    /** Before a checkpoint barrier: writes what came since the last one into keyed state, key by key. */
    void save(Consumer<Object> setCurrentKey) throws Exception {
        for (Map.Entry<Object, TreeMap<Long, List<T>>> k : unsaved.entrySet()) {
            setCurrentKey.accept(k.getKey());
            keysSaved.add(k.getKey());
            for (Map.Entry<Long, List<T>> m : k.getValue().entrySet()) {
                List<T> before = saved.get(m.getKey());
                List<T> all = new ArrayList<>(before == null ? List.of() : before);
                all.addAll(m.getValue());
                saved.put(m.getKey(), all);
            }
        }
        unsaved.clear();
    }
}
