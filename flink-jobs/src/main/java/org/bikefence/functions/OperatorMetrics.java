package org.bikefence.functions;

import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
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
import org.bikefence.metrics.MinuteSlice;
import org.bikefence.metrics.MonthAccumulator;
import org.bikefence.metrics.MonthSoFar;
import org.bikefence.metrics.MonthlyMetricsFolder;
import org.bikefence.model.OperatorMinute;
import org.bikefence.rules.RuleSet;

/**
 * Keeps each operator's assessment metrics for the month (keyed by operator), from {@link MinuteSlice}s: the
 * parts of a minute from every upstream subtask are merged as they arrive (one aggregate per pending minute,
 * never a list of records) and folded when the watermark passes the minute (one timer per minute, at its end),
 * in minute order, so running figures
 * (bikes standing at once, feed gaps) and the evidence kept do not depend on arrival order. After each folded
 * minute the month so far goes downstream to be scored, and the minute's own counts (bikes seen, bikes in
 * no-park zones, no-park violations) go to {@link #MINUTES}.
 *
 * <p>A month's state is dropped once a minute two months later is folded: the month is final (the bike state
 * upstream no longer counts anything into it either), and what still arrives for it (a report late by more than
 * a month) is dropped and counted in the metric {@code finalMonthSlicesDropped}, so the month's written figures
 * stay as they are.
 */
public class OperatorMetrics extends KeyedProcessFunction<String, MinuteSlice, MonthSoFar> {
    private static final long serialVersionUID = 1L;
    private static final long MINUTE = 60_000L;

    /** Each minute's counts of the operator, once, when the minute is folded the first time. */
    public static final OutputTag<OperatorMinute> MINUTES = new OutputTag<>("operator-minutes") {};

    private final MonthlyMetricsFolder folder;

    private transient MapState<Long, MinuteSlice> pending;
    private transient MapState<String, MonthAccumulator> months;
    private transient ValueState<Long> standingNow;
    private transient ValueState<Long> lastDataMinute;
    private transient ValueState<Long> lastFoldedMinute;
    private transient org.apache.flink.metrics.Counter finalMonthSlices;

    public OperatorMetrics(RuleSet rules) {
        this.folder = new MonthlyMetricsFolder(rules);
    }

    @Override
    public void open(OpenContext openContext) {
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending-slices", Types.LONG,
                Types.POJO(MinuteSlice.class)));
        months = getRuntimeContext().getMapState(new MapStateDescriptor<>("months", Types.STRING,
                TypeInformation.of(MonthAccumulator.class)));
        standingNow = getRuntimeContext().getState(new ValueStateDescriptor<>("standing-now", Types.LONG));
        lastDataMinute = getRuntimeContext().getState(new ValueStateDescriptor<>("last-data-minute", Types.LONG));
        lastFoldedMinute = getRuntimeContext().getState(new ValueStateDescriptor<>("last-folded-minute",
                Types.LONG));
        finalMonthSlices = getRuntimeContext().getMetricGroup().counter("finalMonthSlicesDropped");
    }

    @Override
    public void processElement(MinuteSlice s, Context ctx, Collector<MonthSoFar> out) throws Exception {
        long end = s.minute + MINUTE - 1;
        if (end <= ctx.timerService().currentWatermark()) {
            // A part of a minute already folded (a late report): into its month at once, no minute counts again.
            fold(s, ctx, out);
            return;
        }
        MinuteSlice merged = pending.get(s.minute);
        pending.put(s.minute, merged == null ? s : merged.merge(s));
        // One timer per pending minute, at its end: the timer names the minute, so nothing is scanned.
        ctx.timerService().registerEventTimeTimer(end);
    }

    @Override
    public void onTimer(long t, OnTimerContext ctx, Collector<MonthSoFar> out) throws Exception {
        long minute = t - MINUTE + 1;
        MinuteSlice s = pending.get(minute);
        if (s != null) {
            pending.remove(minute);
            fold(s, ctx, out);
        }
    }

    private void fold(MinuteSlice s, Context ctx, Collector<MonthSoFar> out) throws Exception {
        long minute = s.minute;
        String monthKey = folder.monthOf(minute);
        Long folded = lastFoldedMinute.value();
        if (folded != null && monthKey.compareTo(
                YearMonth.parse(folder.monthOf(folded)).minusMonths(1).toString()) < 0) {
            // A final month: its figures were written and stay as they are.
            finalMonthSlices.inc();
            return;
        }
        MonthAccumulator m = months.get(monthKey);
        if (m == null) {
            m = new MonthAccumulator(ctx.getCurrentKey(), YearMonth.parse(monthKey));
            forgetMonthsBefore(YearMonth.parse(monthKey).minusMonths(1).toString());
        }
        folder.fold(m, s);
        Long last = lastDataMinute.value();
        if (s.hasData() && (last == null || minute > last)) {
            if (last != null) {
                folder.feedGap(m, last, minute);
            }
            lastDataMinute.update(minute);
        }
        long standing = (standingNow.value() == null ? 0 : standingNow.value())
                + s.get(MinuteSlice.Count.STANDING_DELTA);
        standingNow.update(standing);
        m.standing(standing);
        months.put(monthKey, m);
        out.collect(new MonthSoFar(m.toMetrics(), minute));

        if (folded == null || minute > folded) {
            lastFoldedMinute.update(minute);
            if (s.hasMinuteActivity()) {
                ctx.output(MINUTES, new OperatorMinute(ctx.getCurrentKey(), minute, s.get(MinuteSlice.Count.BIKES_SEEN),
                        s.get(MinuteSlice.Count.BIKES_IN_NO_PARK), s.get(MinuteSlice.Count.NO_PARK_OPENED),
                        s.get(MinuteSlice.Count.NO_PARK_CLOSED)));
            }
        }
    }

    /** Drops the months before {@code month} (yyyy-MM): final, nothing counts into them any more. */
    private void forgetMonthsBefore(String month) throws Exception {
        List<String> old = new ArrayList<>();
        for (String key : months.keys()) {
            if (key.compareTo(month) < 0) {
                old.add(key);
            }
        }
        for (String key : old) {
            months.remove(key);
        }
    }
}
