package org.bikefence.operator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.bikefence.model.ClassifiedPosition;
import org.bikefence.model.ViolationEvent;

/**
 * The no-park violation state machine, keyed by bike.
 *
 * <p>A violation opens when a bike has stood (parked or faulty) inside a no-park fence for longer than
 * the grace period in event time, and closes when the bike reports riding or standing outside that fence.
 * Reports are buffered and applied in event-time order as the watermark passes them, so out-of-order
 * reports within the allowed lateness give exactly the in-order result. Reports behind the watermark
 * are late: they go to {@link #LATE_POSITIONS} and are counted, never silently applied out of order.
 *
 * <p>At the end of a bounded input the watermark jumps to +infinity; a grace period that ran out only
 * because of that jump opens a violation only if the bike's own later reports prove it stood that long,
 * so a replay never invents violations the stream would not have seen.
 */
public class NoParkViolations extends KeyedProcessFunction<String, ClassifiedPosition, ViolationEvent> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<ClassifiedPosition> LATE_POSITIONS = new OutputTag<>("late-positions") {};

    private final long graceMs;

    private transient MapState<Long, List<ClassifiedPosition>> buffer;
    private transient ValueState<NoParkTrack> track;
    private transient ValueState<Long> lastSeen;
    private transient Counter late;

    public NoParkViolations(Duration grace) {
        this.graceMs = grace.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        buffer = getRuntimeContext().getMapState(new MapStateDescriptor<>(
                "buffered-reports", Types.LONG, Types.LIST(Types.POJO(ClassifiedPosition.class))));
        track = getRuntimeContext().getState(new ValueStateDescriptor<>("no-park-track", NoParkTrack.class));
        lastSeen = getRuntimeContext().getState(new ValueStateDescriptor<>("last-seen", Types.LONG));
        late = getRuntimeContext().getMetricGroup().counter("lateRecords");
    }

    @Override
    public void processElement(ClassifiedPosition p, Context ctx, Collector<ViolationEvent> out) throws Exception {
        if (p.ts <= ctx.timerService().currentWatermark()) {
            late.inc();
            ctx.output(LATE_POSITIONS, p);
            return;
        }
        List<ClassifiedPosition> atTs = buffer.get(p.ts);
        if (atTs == null) {
            atTs = new ArrayList<>(1);
        }
        atTs.add(p);
        buffer.put(p.ts, atTs);
        ctx.timerService().registerEventTimeTimer(p.ts);
        Long seen = lastSeen.value();
        if (seen == null || p.ts > seen) {
            lastSeen.update(p.ts);
        }
    }

    @Override
    public void onTimer(long t, OnTimerContext ctx, Collector<ViolationEvent> out) throws Exception {
        NoParkTrack tr = track.value();
        List<ClassifiedPosition> due = buffer.get(t);
        if (due != null) {
            buffer.remove(t);
            for (ClassifiedPosition p : due) {
                tr = apply(tr, p, ctx, out);
            }
        }
        if (tr != null && !tr.open && t >= tr.standingSince + graceMs && mayOpen(t, ctx)) {
            tr.open = true;
            tr.openedAt = tr.standingSince + graceMs;
            out.collect(ViolationEvent.opened(tr.operator, tr.bikeId, tr.fenceId, tr.lat, tr.lng, tr.standingSince,
                    tr.openedAt, tr.fenceSetVersion));
        }
        if (tr == null) {
            track.clear();
        } else {
            track.update(tr);
        }
    }

    private boolean mayOpen(long deadline, OnTimerContext ctx) throws Exception {
        if (ctx.timerService().currentWatermark() != Long.MAX_VALUE) {
            return true;
        }
        Long seen = lastSeen.value();
        return seen != null && seen >= deadline;
    }

    private NoParkTrack apply(NoParkTrack tr, ClassifiedPosition p, OnTimerContext ctx,
            Collector<ViolationEvent> out) {
        if (!p.stationaryInNoPark()) {
            close(tr, p.ts, out);
            return null;
        }
        if (tr != null && p.noParkFenceId.equals(tr.fenceId)) {
            return tr;
        }
        close(tr, p.ts, out);
        NoParkTrack started = new NoParkTrack();
        started.operator = p.operator;
        started.bikeId = p.bikeId;
        started.fenceId = p.noParkFenceId;
        started.fenceSetVersion = p.fenceSetVersion;
        started.standingSince = p.ts;
        started.lat = p.lat;
        started.lng = p.lng;
        ctx.timerService().registerEventTimeTimer(p.ts + graceMs);
        return started;
    }

    private static void close(NoParkTrack tr, long at, Collector<ViolationEvent> out) {
        if (tr != null && tr.open) {
            out.collect(ViolationEvent.opened(tr.operator, tr.bikeId, tr.fenceId, tr.lat, tr.lng,
                    tr.standingSince, tr.openedAt, tr.fenceSetVersion).closedAt(at));
        }
    }

    /** The key of a bike: operator and bike id, since bike ids are unique only within an operator. */
    public static String bikeKey(ClassifiedPosition p) {
        return p.operator + '\u0000' + p.bikeId;
    }
}
