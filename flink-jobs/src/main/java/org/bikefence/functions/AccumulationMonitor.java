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
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.bikefence.model.AreaDelta;
import org.bikefence.model.OperatorSignal;
import org.bikefence.influx.InfluxPoint;
import org.bikefence.influx.InfluxSchema;

/**
 * Watches parked bikes per parking fence against its capacity and per H3 cell against the rule set's
 * threshold (淤积), keyed by area. Bikes are counted per event-time minute, folded in minute order as the
 * watermark passes, so the counts never depend on arrival order. An area over its limit for the minimum
 * duration is an accumulation event for the operators responsible (a fence: the operator with the most
 * bikes there; a cell: the operator whose bikes exceed the threshold), cleared when it is back under the
 * limit.
 */
public class AccumulationMonitor extends KeyedProcessFunction<String, AreaDelta, OperatorSignal> {
    private static final long serialVersionUID = 1L;
    private static final long MINUTE = MinuteBuffer.MINUTE;

    /** Fence occupancy and accumulation events, for the dashboards. */
    public static final OutputTag<InfluxPoint> POINTS = new OutputTag<>("accumulation-points") {};

    private final long minDurationMs;

    private transient MinuteBuffer<AreaDelta> pending;
    private transient MapState<String, Long> bikesByOperator;
    private transient ValueState<AreaEpisode> fenceEpisode;
    private transient ValueState<AreaDelta> areaMeta;
    private transient MapState<String, AreaEpisode> cellEpisodes;
    private transient com.uber.h3core.H3Core h3;

    public AccumulationMonitor(Duration minDuration) {
        this.minDurationMs = minDuration.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        pending = new MinuteBuffer<>(getRuntimeContext(), "pending-deltas", AreaDelta.class);
        bikesByOperator = getRuntimeContext().getMapState(new MapStateDescriptor<>("bikes-by-operator",
                Types.STRING, Types.LONG));
        fenceEpisode = getRuntimeContext().getState(new ValueStateDescriptor<>("fence-episode", AreaEpisode.class));
        areaMeta = getRuntimeContext().getState(new ValueStateDescriptor<>("area", AreaDelta.class));
        cellEpisodes = getRuntimeContext().getMapState(new MapStateDescriptor<>("cell-episodes", Types.STRING,
                TypeInformation.of(AreaEpisode.class)));
    }

    @Override
    public void processElement(AreaDelta d, Context ctx, Collector<OperatorSignal> out) throws Exception {
        pending.add(d.ts, d, ctx.timerService());
    }

    @Override
    public void onTimer(long t, OnTimerContext ctx, Collector<OperatorSignal> out) throws Exception {
        List<MinuteBuffer.Minute<AreaDelta>> due = pending.takeDue(t);
        for (MinuteBuffer.Minute<AreaDelta> m : due) {
            fold(m.start(), m.elements(), ctx, out);
        }
        if (due.isEmpty() && areaMeta.value() != null) {
            // A minimum-duration timer: nothing moved, but a spell over the limit may now be long enough.
            evaluate(areaMeta.value(), t + 1, null, ctx, out);
        }
    }

    private void fold(long minute, List<AreaDelta> deltas, OnTimerContext ctx, Collector<OperatorSignal> out)
            throws Exception {
        if (areaMeta.value() == null) {
            areaMeta.update(deltas.get(0));
        }
        long totalBefore = total();
        // Net change per operator over the minute: the order of reports within a minute never matters.
        Map<String, Long> net = new TreeMap<>();
        for (AreaDelta d : deltas) {
            net.merge(d.operator, (long) d.delta, Long::sum);
        }
        for (Map.Entry<String, Long> e : net.entrySet()) {
            Long n = bikesByOperator.get(e.getKey());
            // Standing periods that began before the job started end without a start: never below zero.
            bikesByOperator.put(e.getKey(), Math.max(0, (n == null ? 0 : n) + e.getValue()));
        }
        AreaDelta area = areaMeta.value();
        if (totalBefore != total()) {
            ctx.output(POINTS, occupancy(area, total(), minute));
        }
        evaluate(area, minute + MINUTE, net.keySet(), ctx, out);
    }

    /** Bikes standing in the area from this minute on: fences against capacity, cells with their centre. */
    private InfluxPoint occupancy(AreaDelta area, long bikes, long minute) {
        if (area.area == AreaDelta.Area.FENCE) {
            return InfluxSchema.fenceOccupancy(area.areaId, bikes, area.limit, minute);
        }
        if (h3 == null) {
            h3 = org.bikefence.geofence.H3Cells.newH3Core();
        }
        com.uber.h3core.util.LatLng centre = h3.cellToLatLng(Long.parseUnsignedLong(area.areaId, 16));
        return InfluxSchema.cellOccupancy(area.areaId, bikes, centre.lat, centre.lng, minute);
    }

    /**
     * The operators held responsible for a fence over capacity: those with the most bikes in it (all of them
     * on a tie). One bike of another operator that happens to stand there does not make a pile its own.
     */
    private static List<String> largestHolders(Map<String, Long> bikes) {
        long most = bikes.values().stream().mapToLong(Long::longValue).max().orElse(0);
        List<String> holders = new ArrayList<>();
        bikes.forEach((op, n) -> {
            if (n == most && n > 0) {
                holders.add(op);
            }
        });
        return holders;
    }

    private long total() throws Exception {
        long total = 0;
        for (Map.Entry<String, Long> e : bikesByOperator.entries()) {
            total += e.getValue();
        }
        return total;
    }

    /** Checks the area's spells over the limit at {@code at}; {@code touched}: the operators that moved. */
    private void evaluate(AreaDelta area, long at, java.util.Set<String> touched, OnTimerContext ctx,
            Collector<OperatorSignal> out) throws Exception {
        Map<String, Long> now = new TreeMap<>();
        for (Map.Entry<String, Long> e : bikesByOperator.entries()) {
            if (e.getValue() > 0) {
                now.put(e.getKey(), e.getValue());
            }
        }
        if (area.area == AreaDelta.Area.FENCE) {
            long total = now.values().stream().mapToLong(Long::longValue).sum();
            AreaEpisode ep = fenceEpisode.value();
            ep = step(ep == null ? new AreaEpisode() : ep, total, area, at, largestHolders(now), null, ctx, out);
            fenceEpisode.update(ep);
            return;
        }
        List<String> operators = new ArrayList<>();
        if (touched != null) {
            operators.addAll(touched);
        } else {
            for (String op : cellEpisodes.keys()) {
                operators.add(op);
            }
        }
        for (String op : operators) {
            AreaEpisode ep = cellEpisodes.get(op);
            ep = step(ep == null ? new AreaEpisode() : ep, now.getOrDefault(op, 0L), area, at, List.of(op), op,
                    ctx, out);
            if (ep.overSince < 0) {
                cellEpisodes.remove(op);
            } else {
                cellEpisodes.put(op, ep);
            }
        }
    }

    private AreaEpisode step(AreaEpisode ep, long bikes, AreaDelta area, long at, List<String> present,
            String cellOperator, OnTimerContext ctx, Collector<OperatorSignal> out) {
        boolean over = bikes > area.limit;
        if (over) {
            if (ep.overSince < 0) {
                ep.overSince = at;
                ep.peak = 0;
                ctx.timerService().registerEventTimeTimer(at + minDurationMs - 1);
            }
            ep.peak = Math.max(ep.peak, bikes);
            if (!ep.open && at - ep.overSince >= minDurationMs) {
                ep.open = true;
                ep.operators = new ArrayList<>(present);
                for (String op : ep.operators) {
                    out.collect(OperatorSignal.accumulation(op, area.area, area.areaId, true, ep.overSince, at - 1));
                }
                ctx.output(POINTS, point(area, cellOperator, ep, -1));
            }
            return ep;
        }
        if (ep.overSince >= 0 && ep.open) {
            for (String op : ep.operators) {
                out.collect(OperatorSignal.accumulation(op, area.area, area.areaId, false, ep.overSince, at - 1));
            }
            ctx.output(POINTS, point(area, cellOperator, ep, at));
        }
        return new AreaEpisode();
    }

    /** @param clearedAt when the episode cleared, -1 while it is open */
    private static InfluxPoint point(AreaDelta area, String cellOperator, AreaEpisode ep, long clearedAt) {
        return InfluxSchema.accumulation(area.area, area.areaId, cellOperator, area.limit, ep.peak, ep.operators,
                ep.overSince, clearedAt);
    }
}
