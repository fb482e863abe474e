package org.bikefence.functions;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.bikefence.influx.InfluxPoint;
import org.bikefence.model.OperatorMinute;

/**
 * Per operator (keyed by operator), snapshots of what is open or standing "now": each open violation, each open
 * accumulation event it is responsible for, and its bikes in each parking fence and H3 cell, written at snapshot
 * times so a "now" panel needs no look-back window beyond the snapshot interval.
 *
 * <p>Deterministic at any parallelism and through a replay: the snapshot times are the 5-minute boundaries
 * {@link OperatorMetrics} passes as it folds the operator's minutes ({@link OperatorMinute#nowSnapshots}, the
 * second input), themselves data-driven; this function takes those that are multiples of its interval. For a
 * boundary B it registers an event-time timer at B plus a minute less 1 ms; when the watermark passes that, every
 * change counting at or before B has arrived, on whichever input, and the snapshot is the state after every change
 * at or before B: a violation is open at B if it opened at or before B and closed after B. Changes wait in state by
 * their time until the snapshot they belong to, so what arrived earlier or later, and on which input first, changes
 * nothing. A change counts from its own time, but never from earlier than a minute before its record's timestamp
 * (an occupancy point's minute is folded at the minute's end; a change whose record came later than that counts
 * later, not from a time whose snapshot may already be written).
 *
 * <p>Points: while a violation or accumulation event is open, one point per snapshot; at the first snapshot after
 * it ended, one with its end status, so a panel reading each series' last point within a window of the interval
 * (plus the lag) shows exactly what is open. An area's count is written while it is above 0, and once with 0.
 */
public class NowSnapshots extends KeyedCoProcessFunction<String, NowChange, OperatorMinute, InfluxPoint> {
    private static final long serialVersionUID = 1L;
    private static final long MINUTE = 60_000L;
    private static final String LATER = "now-later";

    private final long intervalMs;
    /** Fewest bikes of the operator in a cell for the cell to be written ({@code now.cell-min-bikes}). */
    private final int cellMinBikes;

    /** Changes not yet in a snapshot, by the time they count from. */
    private transient MapState<Long, List<NowChange>> later;
    /** What is open or standing as of the last snapshot, by {@link NowChange#id()}. */
    private transient MapState<String, NowChange> current;
    /** The last snapshot time; absent before the first. */
    private transient ValueState<Long> lastSnapshot;
    /**
     * Run by {@link Batching}: per key, the changes that came since the last checkpoint barrier, by time (arrival
     * order at equal times), on the heap; {@link #later} holds what came before it. An operator's occupancy changes
     * of one minute share a time, and reading and rewriting that one growing list in state for each of them was
     * most of this step's work. Null when run by a plain {@link KeyedCoProcessOperator} (written through).
     */
    private transient Map<Object, TreeMap<Long, List<NowChange>>> unsaved;
    /** With {@link #unsaved}: the keys with changes in {@link #later}. */
    private transient Set<Object> keysSaved;
    /**
     * With {@link #unsaved}: per key, {@link #current} as of now, read once after each barrier and written back
     * before the next (a snapshot reads every open item, and reading them from RocksDB at each snapshot was most of
     * this step's work once the changes were on the heap).
     */
    private transient Map<Object, Mirror> mirrors;
    /** The key being worked on (set by the callbacks) and its mirror. */
    private transient Mirror mirror;

    /** One key's open items on the heap, and what changed of them since the last barrier. */
    private static final class Mirror {
        final TreeMap<String, NowChange> entries = new TreeMap<>();
        final Set<String> changed = new HashSet<>();
    }

    /** The operator to run this function in: see {@link Batching}. */
    public static KeyedCoProcessOperator<String, NowChange, OperatorMinute, InfluxPoint> operator(long intervalMs,
            int cellMinBikes) {
        return new Batching(new NowSnapshots(intervalMs, cellMinBikes));
    }

    /** Runs the function with the changes gathered on the heap between checkpoint barriers. */
    static final class Batching extends KeyedCoProcessOperator<String, NowChange, OperatorMinute, InfluxPoint> {
        private static final long serialVersionUID = 1L;

        Batching(NowSnapshots f) {
            super(f);
        }

        @Override
        public void open() throws Exception {
            super.open();
            NowSnapshots f = (NowSnapshots) userFunction;
            f.unsaved = new HashMap<>();
            f.keysSaved = new HashSet<>();
            f.mirrors = new HashMap<>();
            try (java.util.stream.Stream<Object> keys =
                    getKeyedStateBackend().getKeys(LATER, VoidNamespace.INSTANCE)) {
                keys.forEach(f.keysSaved::add);
            }
        }

        @Override
        public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
            ((NowSnapshots) userFunction).save(this::setCurrentKey);
            super.prepareSnapshotPreBarrier(checkpointId);
        }
    }

    /** Before a checkpoint barrier: the changes that came since the last one into keyed state, key by key. */
    private void save(java.util.function.Consumer<Object> setCurrentKey) throws Exception {
        for (Map.Entry<Object, TreeMap<Long, List<NowChange>>> k : unsaved.entrySet()) {
            setCurrentKey.accept(k.getKey());
            for (Map.Entry<Long, List<NowChange>> e : k.getValue().entrySet()) {
                List<NowChange> before = later.get(e.getKey());
                List<NowChange> all = new ArrayList<>(before == null ? List.of() : before);
                all.addAll(e.getValue());
                later.put(e.getKey(), all);
            }
            keysSaved.add(k.getKey());
        }
        unsaved.clear();
        for (Map.Entry<Object, Mirror> k : mirrors.entrySet()) {
            Mirror m = k.getValue();
            if (m.changed.isEmpty()) {
                continue;
            }
            setCurrentKey.accept(k.getKey());
            for (String id : m.changed) {
                NowChange c = m.entries.get(id);
                if (c == null) {
                    current.remove(id);
                } else {
                    current.put(id, c);
                }
            }
        }
        // Dropped, so that nothing handed to state is changed after the checkpoint took it.
        mirrors.clear();
        mirror = null;
    }

    /** Selects the current key's mirror, reading it from state the first time since the last barrier. */
    private void use(Object key) throws Exception {
        if (mirrors == null) {
            return;
        }
        Mirror m = mirrors.get(key);
        if (m == null) {
            m = new Mirror();
            for (Map.Entry<String, NowChange> e : current.entries()) {
                m.entries.put(e.getKey(), e.getValue().copy());
            }
            mirrors.put(key, m);
        }
        mirror = m;
    }

    private NowChange currentGet(String id) throws Exception {
        return mirror != null ? mirror.entries.get(id) : current.get(id);
    }

    private void currentPut(String id, NowChange c) throws Exception {
        if (mirror != null) {
            mirror.entries.put(id, c);
            mirror.changed.add(id);
        } else {
            current.put(id, c);
        }
    }

    private void currentRemove(String id) throws Exception {
        if (mirror != null) {
            mirror.entries.remove(id);
            mirror.changed.add(id);
        } else {
            current.remove(id);
        }
    }

    private Iterable<Map.Entry<String, NowChange>> currentEntries() throws Exception {
        // Iterated without changes to the map: write() changes it after the loop.
        return mirror != null ? mirror.entries.entrySet() : current.entries();
    }

    /** @param intervalMs how often to snapshot, in ms: a positive multiple of {@link OperatorMinute#NOW_INTERVAL_MS} */
    public NowSnapshots(long intervalMs) {
        this(intervalMs, 1);
    }

    /**
     * @param intervalMs how often to snapshot, in ms: a positive multiple of {@link OperatorMinute#NOW_INTERVAL_MS}
     * @param cellMinBikes fewest bikes of the operator in an H3 cell for the cell to be written (1: every occupied
     *     one); a written cell that falls below gets one last point with its count
     */
    public NowSnapshots(long intervalMs, int cellMinBikes) {
        if (cellMinBikes < 1) {
            throw new IllegalArgumentException("the fewest bikes of a cell in the snapshots must be at least 1, was "
                    + cellMinBikes);
        }
        this.cellMinBikes = cellMinBikes;
        if (intervalMs <= 0 || intervalMs % OperatorMinute.NOW_INTERVAL_MS != 0) {
            throw new IllegalArgumentException("snapshot interval must be a positive multiple of 5 minutes, was "
                    + intervalMs + " ms");
        }
        this.intervalMs = intervalMs;
    }

    @Override
    public void open(OpenContext openContext) {
        TypeInformation<NowChange> change = Types.POJO(NowChange.class);
        later = getRuntimeContext().getMapState(new MapStateDescriptor<>(LATER, Types.LONG,
                Types.LIST(change)));
        current = getRuntimeContext().getMapState(new MapStateDescriptor<>("now-current", Types.STRING, change));
        lastSnapshot = getRuntimeContext().getState(new ValueStateDescriptor<>("now-last-snapshot", Types.LONG));
    }

    @Override
    public void processElement1(NowChange c, Context ctx, Collector<InfluxPoint> out) throws Exception {
        long at = c.at;
        Long ts = ctx.timestamp();
        if (ts != null) {
            at = Math.max(at, ts - (MINUTE - 1));
        }
        Long last = lastSnapshot.value();
        if (last != null) {
            // Behind a snapshot already written (a record behind the watermark): it counts from the next one.
            at = Math.max(at, last + 1);
        }
        c.at = at;
        if (unsaved != null) {
            unsaved.computeIfAbsent(ctx.getCurrentKey(), k -> new TreeMap<>())
                    .computeIfAbsent(at, t -> new ArrayList<>(4)).add(c);
            return;
        }
        List<NowChange> waiting = later.get(at);
        if (waiting == null) {
            waiting = new ArrayList<>(1);
        }
        waiting.add(c);
        later.put(at, waiting);
    }

    @Override
    public void processElement2(OperatorMinute m, Context ctx, Collector<InfluxPoint> out) throws Exception {
        Long last = lastSnapshot.value();
        long[] g = m.nowSnapshots;
        for (int i = 0; i + OperatorMinute.NOW_GROUP <= g.length; i += OperatorMinute.NOW_GROUP) {
            long first = g[i + OperatorMinute.NOW_FROM];
            long to = g[i + OperatorMinute.NOW_TO];
            long b = first + Math.floorMod(-first, intervalMs);
            for (; b <= to; b += intervalMs) {
                if (last == null || b > last) {
                    ctx.timerService().registerEventTimeTimer(b + MINUTE - 1);
                }
            }
        }
    }

    @Override
    public void onTimer(long t, OnTimerContext ctx, Collector<InfluxPoint> out) throws Exception {
        long at = t - (MINUTE - 1);
        Long last = lastSnapshot.value();
        if (last != null && at <= last) {
            return;
        }
        use(ctx.getCurrentKey());
        applyUpTo(ctx.getCurrentKey(), at);
        write(at, out);
        lastSnapshot.update(at);
    }

    /** Takes every waiting change counting at or before {@code at} into {@link #current}, in time order. */
    private void applyUpTo(String key, long at) throws Exception {
        TreeMap<Long, List<NowChange>> due = new TreeMap<>();
        if (unsaved == null || keysSaved.contains(key)) {
            boolean laterSaved = false;
            for (Long t : later.keys()) {
                if (t <= at) {
                    due.put(t, null);
                } else {
                    laterSaved = true;
                }
            }
            for (Map.Entry<Long, List<NowChange>> e : due.entrySet()) {
                e.setValue(new ArrayList<>(later.get(e.getKey())));
                later.remove(e.getKey());
            }
            if (unsaved != null && !laterSaved) {
                keysSaved.remove(key);
            }
        }
        TreeMap<Long, List<NowChange>> mine = unsaved == null ? null : unsaved.get(key);
        if (mine != null) {
            // What came since the barrier came after what the state holds: at equal times it follows it.
            while (!mine.isEmpty() && mine.firstKey() <= at) {
                Map.Entry<Long, List<NowChange>> e = mine.pollFirstEntry();
                due.computeIfAbsent(e.getKey(), t -> new ArrayList<>()).addAll(e.getValue());
            }
            if (mine.isEmpty()) {
                unsaved.remove(key);
            }
        }
        for (List<NowChange> changes : due.values()) {
            // Arrival order at equal times: one violation's or one area's changes come from one upstream subtask.
            for (NowChange c : changes) {
                // With the heap mirror the function changes its own copies only (state may still hold these).
                apply(mirror != null ? c.copy() : c);
            }
        }
    }

    private void apply(NowChange c) throws Exception {
        String id = c.id();
        NowChange before = currentGet(id);
        boolean shown = before != null && before.shown;
        if (c.kind == NowChange.Kind.VIOLATION || c.kind == NowChange.Kind.ACCUMULATION) {
            if (!c.ended) {
                c.shown = shown;
                currentPut(id, c);
            } else if (shown) {
                before.ended = true;
                before.untracked = c.untracked;
                currentPut(id, before);
            } else if (before != null) {
                // Opened and ended between two snapshots: never written, nothing to end.
                currentRemove(id);
            }
            return;
        }
        c.shown = shown;
        if (visible(c) || shown) {
            currentPut(id, c);
        } else if (before != null) {
            currentRemove(id);
        }
    }

    /** Whether an area's count is written: bikes there, and in a cell at least {@link #cellMinBikes}. */
    private boolean visible(NowChange area) {
        return area.bikes > 0 && (area.kind != NowChange.Kind.CELL || area.bikes >= cellMinBikes);
    }

    /** The snapshot at {@code at}: every entry of {@link #current}, then the state for the next one. */
    private void write(long at, Collector<InfluxPoint> out) throws Exception {
        Set<String> openSeries = new HashSet<>();
        List<NowChange> ended = new ArrayList<>();
        List<String> gone = new ArrayList<>();
        List<Map.Entry<String, NowChange>> nowShown = new ArrayList<>();
        for (Map.Entry<String, NowChange> e : currentEntries()) {
            NowChange c = e.getValue();
            boolean area = c.kind == NowChange.Kind.FENCE || c.kind == NowChange.Kind.CELL;
            if (!area && c.ended) {
                ended.add(c);
                gone.add(e.getKey());
                continue;
            }
            if (area && !visible(c)) {
                // Its last point, with the count it fell to (0, or fewer than a cell needs), if it was written.
                if (c.shown) {
                    out.collect(c.point(at));
                }
                gone.add(e.getKey());
                continue;
            }
            out.collect(c.point(at));
            openSeries.add(c.series());
            if (!c.shown) {
                nowShown.add(e);
            }
        }
        for (NowChange c : ended) {
            // A new violation of the same bike, type and fence open at this time keeps the series' point.
            if (!openSeries.contains(c.series())) {
                out.collect(c.point(at));
            }
        }
        for (String id : gone) {
            currentRemove(id);
        }
        for (Map.Entry<String, NowChange> e : nowShown) {
            NowChange c = e.getValue();
            c.shown = true;
            currentPut(e.getKey(), c);
        }
    }
}
