package org.bikefence.functions;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.bikefence.metrics.MonthAccumulator;
import org.bikefence.metrics.MonthSoFar;
import org.bikefence.metrics.MonthlyMetricsFolder;
import org.bikefence.model.BikeFact;
import org.bikefence.model.OperatorSignal;
import org.bikefence.rules.RuleSet;

/**
 * Keeps each operator's assessment metrics for the month (keyed by operator). Signals are gathered per
 * event-time minute and folded when the watermark passes the minute, in minute order and within a minute in
 * {@link OperatorSignal#FOLD_ORDER}, so running figures (bikes standing at once, feed gaps) and the evidence kept
 * do not depend on arrival order; after each folded minute the month so far goes downstream to be scored.
 */
public class OperatorMetrics extends KeyedProcessFunction<String, OperatorSignal, MonthSoFar> {
    private static final long serialVersionUID = 1L;

    private final MonthlyMetricsFolder folder;

    private transient MinuteBuffer<OperatorSignal> pending;
    private transient MapState<String, MonthAccumulator> months;
    private transient ValueState<Long> standingNow;
    private transient ValueState<Long> lastDataMinute;

    public OperatorMetrics(RuleSet rules) {
        this.folder = new MonthlyMetricsFolder(rules);
    }

    @Override
    public void open(OpenContext openContext) {
        pending = new MinuteBuffer<>(getRuntimeContext(), "pending-signals", OperatorSignal.class);
        months = getRuntimeContext().getMapState(new MapStateDescriptor<>("months", Types.STRING,
                TypeInformation.of(MonthAccumulator.class)));
        standingNow = getRuntimeContext().getState(new ValueStateDescriptor<>("standing-now", Types.LONG));
        lastDataMinute = getRuntimeContext().getState(new ValueStateDescriptor<>("last-data-minute", Types.LONG));
    }

    @Override
    public void processElement(OperatorSignal s, Context ctx, Collector<MonthSoFar> out) throws Exception {
        pending.add(s.ts, s, ctx.timerService());
    }

    @Override
    public void onTimer(long t, OnTimerContext ctx, Collector<MonthSoFar> out) throws Exception {
        for (MinuteBuffer.Minute<OperatorSignal> m : pending.takeDue(t)) {
            fold(m.start(), m.elements(), ctx.getCurrentKey(), out);
        }
    }

    private void fold(long minute, java.util.List<OperatorSignal> signals, String operator, Collector<MonthSoFar> out)
            throws Exception {
        String monthKey = folder.monthOf(minute);
        MonthAccumulator m = months.get(monthKey);
        if (m == null) {
            m = new MonthAccumulator(operator, java.time.YearMonth.parse(monthKey));
        }
        long delta = 0;
        boolean data = false;
        java.util.List<OperatorSignal> ordered = new java.util.ArrayList<>(signals);
        ordered.sort(OperatorSignal.FOLD_ORDER);
        for (OperatorSignal s : ordered) {
            folder.add(m, s);
            if (s.kind == OperatorSignal.Kind.POSITION) {
                data = true;
            } else if (s.kind == OperatorSignal.Kind.FACT) {
                if (s.fact.kind == BikeFact.Kind.STANDING_STARTED) {
                    delta++;
                } else if (s.fact.kind == BikeFact.Kind.STANDING_ENDED) {
                    delta--;
                }
            }
        }
        Long last = lastDataMinute.value();
        if (data && (last == null || minute > last)) {
            if (last != null) {
                folder.feedGap(m, last, minute);
            }
            lastDataMinute.update(minute);
        }
        long standing = (standingNow.value() == null ? 0 : standingNow.value()) + delta;
        standingNow.update(standing);
        m.standing(standing);
        months.put(monthKey, m);
        out.collect(new MonthSoFar(m.toMetrics(), minute));
    }
}
