package org.bikefence.functions;

import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.bikefence.metrics.MonthlyMetricsFolder;
import org.bikefence.model.OperatorSignal;
import org.bikefence.rules.RuleSet;

/**
 * Decides, keyed by bike ({@link #bikeKey}), which of a bike's signals count it once in its operator's month:
 * its first record of a day and of the month, its first faulty record, first handled fault, first out-of-area
 * and zombie violation and first report gap of the month ({@link MonthlyMetricsFolder#firsts}, marked on the
 * signal as {@link OperatorSignal#firsts}). {@link OperatorMetrics} then only sums, so no state value grows with
 * the fleet.
 *
 * <p>The signals that need a decision are gathered per event-time minute and decided when the watermark passes
 * the minute, in minute order and within a minute in {@link OperatorSignal#FOLD_ORDER}: the order the
 * operator's month folds them in, so the signal marked first is the one the month counts first. Everything
 * else passes straight through.
 *
 * <p>What the bike was counted for is remembered for the latest month it was seen in and the month before
 * (at most two months of days and six categories per bike): a signal of an older month (a report late by more
 * than a month) counts nothing.
 */
public class DistinctBikes extends KeyedProcessFunction<String, OperatorSignal, OperatorSignal> {
    private static final long serialVersionUID = 1L;

    private final MonthlyMetricsFolder folder;

    private transient MinuteBuffer<OperatorSignal> pending;
    private transient MapState<String, Boolean> counted;
    private transient ValueState<String> latestMonth;

    public DistinctBikes(RuleSet rules) {
        this.folder = new MonthlyMetricsFolder(rules);
    }

    /** The key: operator and bike id (bike ids are unique only within an operator); signals without a bike share one. */
    public static String bikeKey(OperatorSignal s) {
        return s.operator + '\u0000' + (s.bikeId == null ? "" : s.bikeId);
    }

    @Override
    public void open(OpenContext openContext) {
        pending = new MinuteBuffer<>(getRuntimeContext(), "pending-bike-signals", OperatorSignal.class);
        counted = getRuntimeContext().getMapState(new MapStateDescriptor<>("counted", Types.STRING,
                Types.BOOLEAN));
        latestMonth = getRuntimeContext().getState(new ValueStateDescriptor<>("latest-month", Types.STRING));
    }

    @Override
    public void processElement(OperatorSignal s, Context ctx, Collector<OperatorSignal> out) throws Exception {
        if (MonthlyMetricsFolder.countedPerBike(s)) {
            pending.add(s.ts, s, ctx.timerService());
        } else {
            out.collect(s);
        }
    }

    @Override
    public void onTimer(long t, OnTimerContext ctx, Collector<OperatorSignal> out) throws Exception {
        for (MinuteBuffer.Minute<OperatorSignal> m : pending.takeDue(t)) {
            List<OperatorSignal> ordered = new ArrayList<>(m.elements());
            ordered.sort(OperatorSignal.FOLD_ORDER);
            for (OperatorSignal s : ordered) {
                s.firsts = decide(s);
                out.collect(s);
            }
        }
    }

    private int decide(OperatorSignal s) throws Exception {
        String month = folder.monthOf(s.ts);
        String latest = latestMonth.value();
        if (latest == null || month.compareTo(latest) > 0) {
            latestMonth.update(month);
            forgetBefore(YearMonth.parse(month).minusMonths(1).toString());
        } else if (month.compareTo(YearMonth.parse(latest).minusMonths(1).toString()) < 0) {
            return 0;
        }
        return folder.firsts(s, key -> {
            if (counted.contains(key)) {
                return false;
            }
            counted.put(key, Boolean.TRUE);
            return true;
        });
    }

    /** Forgets what was counted in months before {@code month} (keys start with yyyy-MM). */
    private void forgetBefore(String month) throws Exception {
        List<String> old = new ArrayList<>();
        for (String key : counted.keys()) {
            if (key.substring(0, 7).compareTo(month) < 0) {
                old.add(key);
            }
        }
        for (String key : old) {
            counted.remove(key);
        }
    }
}
