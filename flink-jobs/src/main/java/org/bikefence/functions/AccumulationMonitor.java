package org.bikefence.functions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.bikefence.bike.AccumulationRules;
import org.bikefence.model.AreaDelta;
import org.bikefence.model.OperatorSignal;
import org.bikefence.influx.InfluxPoint;
import org.bikefence.influx.InfluxSchema;

/**
 * Watches parked bikes per parking fence against its capacity and per H3 cell against the rule set's
 * threshold (淤积), keyed by area. Bikes are counted per event-time minute, folded in minute order as the
 * watermark passes, so the counts never depend on arrival order. The rules (who is responsible, when a spell
 * over the limit is an event and when it clears) are {@link AccumulationRules}; this function keeps the
 * counts and spells in keyed state, sets the timers and emits the signals and the dashboards' points.
 */
public class AccumulationMonitor extends KeyedProcessFunction<String, AreaDelta, OperatorSignal> {
    private static final long serialVersionUID = 1L;
    private static final long MINUTE = MinuteBuffer.MINUTE;
    /** The state of the deltas not folded yet ({@link MinuteBuffer}). */
    private static final String PENDING = "pending-deltas";

    /**
     * Fence and cell occupancy (all operators, and per operator, each written when its count changes) and
     * accumulation events, for the dashboards.
     */
    public static final OutputTag<InfluxPoint> POINTS = new OutputTag<>("accumulation-points", InfluxPointSerializer.TYPE);

    private final AccumulationRules rules;

    private transient MinuteBuffer<AreaDelta> pending;
    /**
     * The bikes standing in the area per operator (only operators with some): one value, read once per fold timer
     * (on RocksDB a map state is an iterator seek per read of all its entries).
     */
    private transient ValueState<Map<String, Long>> bikesByOperator;
    private transient ValueState<AreaEpisode> fenceEpisode;
    private transient ValueState<AreaDelta> areaMeta;
    private transient MapState<String, AreaEpisode> cellEpisodes;
    private transient com.uber.h3core.H3Core h3;
    /**
     * Per area key: its description, counts and fence episode as read or changed since the last checkpoint barrier,
     * written to state only before the next one ({@link #saveAreas}): a fold costs no state access for them. Values
     * read from state are copied or replaced, never changed in place (a heap backend's snapshot may still hold them).
     */
    private transient Map<Object, Area> areas;

    /** One area's state on the heap between barriers. */
    private static final class Area {
        AreaDelta meta;
        boolean metaDirty;
        /** The bikes standing there per operator (only operators with some). */
        TreeMap<String, Long> counts;
        boolean countsDirty;
        AreaEpisode fence;
        boolean fenceLoaded;
        boolean fenceDirty;
        /** A cell's episodes per operator, in operator order (only operators over the threshold), null until needed. */
        Map<String, AreaEpisode> cells;
        /** The operators whose cell episode changed (put or removed). */
        java.util.Set<String> cellsDirty;
    }

    public AccumulationMonitor(Duration minDuration) {
        this.rules = new AccumulationRules(minDuration);
    }

    @Override
    public void open(OpenContext openContext) {
        pending = new MinuteBuffer<>(getRuntimeContext(), PENDING, AreaDelta.class);
        bikesByOperator = getRuntimeContext().getState(new ValueStateDescriptor<>("bikes-by-operator",
                Types.MAP(Types.STRING, Types.LONG)));
        fenceEpisode = getRuntimeContext().getState(new ValueStateDescriptor<>("fence-episode", AreaEpisode.class));
        areaMeta = getRuntimeContext().getState(new ValueStateDescriptor<>("area", AreaDeltaSerializer.TYPE));
        areas = new java.util.HashMap<>();
        cellEpisodes = getRuntimeContext().getMapState(new MapStateDescriptor<>("cell-episodes", Types.STRING,
                TypeInformation.of(AreaEpisode.class)));
    }

    /** The operator to run this function in: see {@link Batching}. */
    public static KeyedProcessOperator<String, AreaDelta, OperatorSignal> operator(Duration minDuration) {
        return new Batching(new AccumulationMonitor(minDuration));
    }

    /**
     * Runs the function with its deltas gathered on the heap between checkpoint barriers ({@link MinuteBuffer}):
     * a delta costs no state access; a minute is folded at its timer as before.
     */
    static final class Batching extends KeyedProcessOperator<String, AreaDelta, OperatorSignal> {
        private static final long serialVersionUID = 1L;
        private transient InternalTimerService<VoidNamespace> timers;

        Batching(AccumulationMonitor monitor) {
            super(monitor);
        }

        @Override
        public void open() throws Exception {
            super.open();
            // The timer service the function's timers use (KeyedProcessOperator's).
            timers = getInternalTimerService("user-timers", VoidNamespaceSerializer.INSTANCE, this);
            ((AccumulationMonitor) userFunction).pending.restoreSavedKeys(
                    getKeyedStateBackend().getKeys(PENDING, VoidNamespace.INSTANCE));
        }

        @Override
        public void processElement(StreamRecord<AreaDelta> element) throws Exception {
            AreaDelta d = element.getValue();
            ((AccumulationMonitor) userFunction).pending.add(getCurrentKey(), d.ts, d, timers);
        }

        @Override
        public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
            ((AccumulationMonitor) userFunction).pending.save(this::setCurrentKey);
            ((AccumulationMonitor) userFunction).saveAreas(this::setCurrentKey);
            super.prepareSnapshotPreBarrier(checkpointId);
        }
    }

    /** Only {@link Batching} runs this function, and it gathers the deltas itself. */
    @Override
    public void processElement(AreaDelta d, Context ctx, Collector<OperatorSignal> out) {
        throw new UnsupportedOperationException("run AccumulationMonitor with AccumulationMonitor.operator(...)");
    }

    @Override
    public void onTimer(long t, OnTimerContext ctx, Collector<OperatorSignal> out) throws Exception {
        List<MinuteBuffer.Minute<AreaDelta>> due = pending.takeDue(ctx.getCurrentKey(), t);
        Area a = area(ctx.getCurrentKey());
        if (due.isEmpty()) {
            if (a.meta != null) {
                // A minimum-duration timer: nothing moved, but a spell over the limit may now be long enough.
                evaluate(a, t + 1, null, ctx, out);
            }
            return;
        }
        if (a.meta == null) {
            a.meta = due.get(0).elements().get(0);
            a.metaDirty = true;
        }
        for (MinuteBuffer.Minute<AreaDelta> m : due) {
            fold(a, m.start(), m.elements(), ctx, out);
        }
    }

    /** The current area's state on the heap, read from keyed state the first time since the last barrier. */
    private Area area(String key) throws Exception {
        Area a = areas.get(key);
        if (a == null) {
            a = new Area();
            a.meta = areaMeta.value();
            Map<String, Long> saved = bikesByOperator.value();
            a.counts = saved == null ? new TreeMap<>() : new TreeMap<>(saved);
            areas.put(key, a);
        }
        return a;
    }

    /** The cell's episodes on the heap, read from keyed state (one iteration) the first time since the last barrier. */
    private Map<String, AreaEpisode> cellEpisodes(Area a) throws Exception {
        if (a.cells == null) {
            a.cells = new TreeMap<>();
            a.cellsDirty = new java.util.HashSet<>();
            for (Map.Entry<String, AreaEpisode> e : cellEpisodes.entries()) {
                a.cells.put(e.getKey(), e.getValue());
            }
        }
        return a.cells;
    }

    private AreaEpisode fenceEpisode(Area a) throws Exception {
        if (!a.fenceLoaded) {
            a.fence = fenceEpisode.value();
            a.fenceLoaded = true;
        }
        return a.fence;
    }

    /** Before a checkpoint barrier: what changed of each area since the last one into keyed state. */
    void saveAreas(java.util.function.Consumer<Object> setCurrentKey) throws Exception {
        for (Map.Entry<Object, Area> e : areas.entrySet()) {
            Area a = e.getValue();
            if (!a.metaDirty && !a.countsDirty && !a.fenceDirty && (a.cellsDirty == null || a.cellsDirty.isEmpty())) {
                continue;
            }
            setCurrentKey.accept(e.getKey());
            if (a.metaDirty) {
                areaMeta.update(a.meta);
            }
            if (a.countsDirty) {
                bikesByOperator.update(a.counts.isEmpty() ? null : a.counts);
            }
            if (a.fenceDirty) {
                fenceEpisode.update(a.fence);
            }
            if (a.cellsDirty != null) {
                for (String op : a.cellsDirty) {
                    AreaEpisode ep = a.cells.get(op);
                    if (ep == null) {
                        cellEpisodes.remove(op);
                    } else {
                        cellEpisodes.put(op, ep);
                    }
                }
            }
        }
        // Dropped, so that nothing handed to state is changed after the checkpoint took it.
        areas.clear();
    }

    private void fold(Area a, long minute, List<AreaDelta> deltas, OnTimerContext ctx,
            Collector<OperatorSignal> out) throws Exception {
        AreaDelta area = a.meta;
        TreeMap<String, Long> counts = a.counts;
        long totalBefore = total(counts);
        Map<String, Long> net = AccumulationRules.netChange(deltas);
        for (Map.Entry<String, Long> e : net.entrySet()) {
            long before = counts.getOrDefault(e.getKey(), 0L);
            long n = AccumulationRules.afterChange(before, e.getValue());
            if (n != before) {
                if (n == 0) {
                    counts.remove(e.getKey());
                } else {
                    counts.put(e.getKey(), n);
                }
                a.countsDirty = true;
                ctx.output(POINTS, operatorOccupancy(area, e.getKey(), n, minute));
            }
        }
        long totalAfter = total(counts);
        if (totalBefore != totalAfter) {
            ctx.output(POINTS, occupancy(area, totalAfter, minute));
        }
        evaluate(a, minute + MINUTE, net.keySet(), ctx, out);
    }

    /** Bikes standing in the area from this minute on: fences against capacity, cells with their centre. */
    private InfluxPoint occupancy(AreaDelta area, long bikes, long minute) {
        if (area.area == AreaDelta.Area.FENCE) {
            return InfluxSchema.fenceOccupancy(area.areaId, bikes, area.limit, minute);
        }
        com.uber.h3core.util.LatLng centre = centre(area.areaId);
        return InfluxSchema.cellOccupancy(area.areaId, bikes, centre.lat, centre.lng, minute);
    }

    /** One operator's bikes standing in the area from this minute on (its part of {@link #occupancy}). */
    private InfluxPoint operatorOccupancy(AreaDelta area, String operator, long bikes, long minute) {
        if (area.area == AreaDelta.Area.FENCE) {
            return InfluxSchema.fenceOperatorOccupancy(area.areaId, operator, bikes, area.limit, minute);
        }
        com.uber.h3core.util.LatLng centre = centre(area.areaId);
        return InfluxSchema.cellOperatorOccupancy(area.areaId, operator, bikes, centre.lat, centre.lng, minute);
    }

    private com.uber.h3core.util.LatLng centre(String cell) {
        if (h3 == null) {
            h3 = org.bikefence.geofence.H3Cells.newH3Core();
        }
        return h3.cellToLatLng(Long.parseUnsignedLong(cell, 16));
    }

    private static long total(Map<String, Long> counts) {
        long total = 0;
        for (long n : counts.values()) {
            total += n;
        }
        return total;
    }

    /**
     * Checks the area's spells over the limit at {@code at}; {@code touched}: the operators that moved;
     * {@code counts}: the bikes standing in the area per operator.
     */
    private void evaluate(Area a, long at, java.util.Set<String> touched, OnTimerContext ctx,
            Collector<OperatorSignal> out) throws Exception {
        AreaDelta area = a.meta;
        Map<String, Long> counts = a.counts;
        Map<String, Long> now = new TreeMap<>();
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            if (e.getValue() > 0) {
                now.put(e.getKey(), e.getValue());
            }
        }
        if (area.area == AreaDelta.Area.FENCE) {
            AreaEpisode ep = fenceEpisode(a);
            a.fence = act(rules.fence(spell(ep), now, area, at), area, null, at, ctx, out);
            a.fenceDirty = true;
            return;
        }
        Map<String, AreaEpisode> episodes = cellEpisodes(a);
        List<String> operators = new ArrayList<>();
        if (touched != null) {
            operators.addAll(touched);
        } else {
            operators.addAll(episodes.keySet());
        }
        for (String op : operators) {
            AreaEpisode ep = episodes.get(op);
            boolean held = ep != null;
            ep = act(rules.cell(spell(ep), op, now.getOrDefault(op, 0L), area, at), area, op, at, ctx, out);
            if (ep.overSince < 0) {
                // Most cells are under the threshold: nothing to change for an operator never held.
                if (held) {
                    episodes.remove(op);
                    a.cellsDirty.add(op);
                }
            } else {
                episodes.put(op, ep);
                a.cellsDirty.add(op);
            }
        }
    }

    /** Carries out one evaluation: the timer it asks for, its signals and its point; returns the state to keep. */
    private AreaEpisode act(AccumulationRules.Step step, AreaDelta area, String cellOperator, long at,
            OnTimerContext ctx, Collector<OperatorSignal> out) {
        if (step.timerAt() >= 0) {
            ctx.timerService().registerEventTimeTimer(step.timerAt());
        }
        step.signals().forEach(out::collect);
        if (step.transition() != AccumulationRules.Transition.NONE) {
            AreaEpisode ep = episode(step.reported());
            if (step.transition() == AccumulationRules.Transition.OPENED) {
                ctx.output(POINTS, point(area, cellOperator, ep, -1));
            } else {
                ctx.output(POINTS, point(area, cellOperator, ep, at));
            }
        }
        return episode(step.spell());
    }

    private static AccumulationRules.Spell spell(AreaEpisode ep) {
        return ep == null || ep.overSince < 0 ? AccumulationRules.Spell.NONE
                : new AccumulationRules.Spell(ep.overSince, ep.peak, ep.open,
                        ep.operators == null ? List.of() : ep.operators);
    }

    private static AreaEpisode episode(AccumulationRules.Spell s) {
        AreaEpisode ep = new AreaEpisode();
        ep.overSince = s.overSince();
        ep.peak = s.peak();
        ep.open = s.open();
        ep.operators = new ArrayList<>(s.operators());
        return ep;
    }

    /** @param clearedAt when the episode cleared, -1 while it is open */
    private static InfluxPoint point(AreaDelta area, String cellOperator, AreaEpisode ep, long clearedAt) {
        return InfluxSchema.accumulation(area.area, area.areaId, cellOperator, area.limit, ep.peak, ep.operators,
                ep.overSince, clearedAt);
    }
}
