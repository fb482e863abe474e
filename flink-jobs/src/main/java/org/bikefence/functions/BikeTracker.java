package org.bikefence.functions;

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
import org.bikefence.bike.BikeRules;
import org.bikefence.bike.BikeTrack;
import org.bikefence.bike.TrackerSettings;
import org.bikefence.model.BikeFact;
import org.bikefence.model.ClassifiedPosition;
import org.bikefence.model.ViolationEvent;

/**
 * Tracks each bike (keyed by operator and bike id) through its reports in event-time order and applies
 * {@link BikeRules}: violations (no-park, out-of-area, zombie, overdue faulty) on the main output, facts
 * (ride ends, standing periods, faulty periods, report gaps) on {@link #FACTS}.
 *
 * <p>Reports are buffered and applied as the watermark passes them, so out-of-order reports within the
 * allowed lateness give exactly the in-order result. Reports behind the watermark are late: they go to
 * {@link #LATE_POSITIONS} and are counted, never applied out of order.
 *
 * <p>At the end of a bounded input the watermark jumps to +infinity; a deadline that ran out only because
 * of that jump opens a violation only if the bike's own later reports prove it, so a replay never invents
 * violations the stream would not have seen.
 */
public class BikeTracker extends KeyedProcessFunction<String, ClassifiedPosition, ViolationEvent> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<ClassifiedPosition> LATE_POSITIONS = new OutputTag<>("late-positions") {};
    public static final OutputTag<BikeFact> FACTS = new OutputTag<>("bike-facts") {};
    /** Reports older than one already received for the same bike (still applied, in order). */
    public static final OutputTag<ClassifiedPosition> OUT_OF_ORDER = new OutputTag<>("out-of-order") {};

    private final BikeRules rules;

    private transient MapState<Long, List<ClassifiedPosition>> buffer;
    private transient ValueState<BikeTrack> track;
    private transient ValueState<Long> lastSeen;
    private transient Counter late;

    public BikeTracker(TrackerSettings settings) {
        this.rules = new BikeRules(settings);
    }

    @Override
    public void open(OpenContext openContext) {
        buffer = getRuntimeContext().getMapState(new MapStateDescriptor<>(
                "buffered-reports", Types.LONG, Types.LIST(Types.POJO(ClassifiedPosition.class))));
        track = getRuntimeContext().getState(new ValueStateDescriptor<>("bike-track", BikeTrack.class));
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
        } else if (p.ts < seen) {
            ctx.output(OUT_OF_ORDER, p);
        }
    }

    @Override
    public void onTimer(long t, OnTimerContext ctx, Collector<ViolationEvent> out) throws Exception {
        BikeTrack tr = track.value();
        if (tr == null) {
            tr = new BikeTrack();
        }
        BikeRules.Emitter emitter = new BikeRules.Emitter() {
            @Override
            public void violation(ViolationEvent v) {
                out.collect(v);
            }

            @Override
            public void fact(BikeFact f) {
                ctx.output(FACTS, f);
            }
        };
        List<ClassifiedPosition> due = buffer.get(t);
        if (due != null) {
            buffer.remove(t);
            for (ClassifiedPosition p : due) {
                rules.onReport(tr, p, emitter);
            }
        }
        long evidenceUpTo = Long.MAX_VALUE;
        if (ctx.timerService().currentWatermark() == Long.MAX_VALUE) {
            Long seen = lastSeen.value();
            evidenceUpTo = seen == null ? Long.MIN_VALUE : seen;
        }
        rules.onTime(tr, t, evidenceUpTo, emitter);
        long next = rules.nextDeadline(tr);
        if (next != Long.MAX_VALUE && next > t) {
            ctx.timerService().registerEventTimeTimer(next);
        }
        track.update(tr);
    }

    /** The key of a bike: operator and bike id, since bike ids are unique only within an operator. */
    public static String bikeKey(ClassifiedPosition p) {
        return p.operator + '\u0000' + p.bikeId;
    }
}
