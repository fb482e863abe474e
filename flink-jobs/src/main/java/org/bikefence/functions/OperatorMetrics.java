package org.bikefence.functions;

import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
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
 * no-park zones, no-park violations) go to {@link #MINUTES}, with the operator's bikes standing at the minute's
 * end and its day's peak of them against the fleet quota.
 *
 * <p>Bikes standing: the running sum of the slices' {@code STANDING_DELTA} (the tracker's standing starts minus
 * ends), so no record costs more than a count in its slice. It counts what the tracker holds as standing, silent
 * bikes included, until the tracker forgets a silent bike (its standing ends then; see flink-jobs README, "Bikes
 * standing now").
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
    private final java.time.ZoneId zone;
    /** Fleet quota per operator, in bikes. */
    private final java.util.HashMap<String, Long> quotas = new java.util.HashMap<>();

    private transient MapState<Long, MinuteSlice> pending;
    private transient MapState<String, MonthAccumulator> months;
    private transient ValueState<Long> standingNow;
    /** The day (its start, epoch ms) of the peak below. */
    private transient ValueState<Long> standingDay;
    /** The most bikes standing at once on that day so far. */
    private transient ValueState<Long> standingDayPeak;
    /** Open violations (no-park, out-of-area, zombie, overdue faulty) and open accumulations, running counts. */
    private transient ValueState<long[]> openNow;
    /** "Now" snapshots due but not yet written (see {@link OperatorMinute#nowSnapshots}). */
    private transient ValueState<long[]> nowPending;
    /** The peak the day's last point was written with; -1 before the day's first. */
    private transient ValueState<Long> standingDayWritten;
    private transient ValueState<Long> lastDataMinute;
    private transient ValueState<Long> lastFoldedMinute;
    private transient org.apache.flink.metrics.Counter finalMonthSlices;
    /**
     * Run by {@link Batching}: per key, the months folded since the last checkpoint barrier, on the heap (a month
     * carries up to {@link MonthAccumulator#MAX_EVIDENCE} evidence entries, and reading and writing it in state at
     * every folded minute was most of this operator's work). Null when run by a plain {@link KeyedProcessOperator}.
     */
    private transient Map<Object, Map<String, MonthAccumulator>> unsaved;

    public OperatorMetrics(RuleSet rules) {
        this.folder = new MonthlyMetricsFolder(rules);
        this.zone = rules.timeZone();
        rules.operators().forEach((id, q) -> quotas.put(id, q.fleetQuota()));
    }

    @Override
    public void open(OpenContext openContext) {
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending-slices", Types.LONG,
                Types.POJO(MinuteSlice.class)));
        months = getRuntimeContext().getMapState(new MapStateDescriptor<>("months", Types.STRING,
                TypeInformation.of(MonthAccumulator.class)));
        standingNow = getRuntimeContext().getState(new ValueStateDescriptor<>("standing-now", Types.LONG));
        standingDay = getRuntimeContext().getState(new ValueStateDescriptor<>("standing-day", Types.LONG));
        standingDayPeak = getRuntimeContext().getState(new ValueStateDescriptor<>("standing-day-peak", Types.LONG));
        standingDayWritten = getRuntimeContext().getState(new ValueStateDescriptor<>("standing-day-written",
                Types.LONG));
        openNow = getRuntimeContext().getState(new ValueStateDescriptor<>("open-now",
                org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
        nowPending = getRuntimeContext().getState(new ValueStateDescriptor<>("now-pending",
                org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
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
        MonthAccumulator m = month(ctx.getCurrentKey(), monthKey);
        if (m == null) {
            m = new MonthAccumulator(ctx.getCurrentKey(), YearMonth.parse(monthKey));
            forgetMonthsBefore(ctx.getCurrentKey(), YearMonth.parse(monthKey).minusMonths(1).toString());
        }
        folder.fold(m, s);
        Long last = lastDataMinute.value();
        if (s.hasData() && (last == null || minute > last)) {
            if (last != null) {
                folder.feedGap(m, last, minute);
            }
            lastDataMinute.update(minute);
        }
        long before = standingNow.value() == null ? 0 : standingNow.value();
        long standing = before + s.get(MinuteSlice.Count.STANDING_DELTA);
        standingNow.update(standing);
        m.standing(standing);
        long[] openBefore = openNow.value() == null ? new long[OPEN_COUNTS] : openNow.value();
        openNow.update(open(openBefore, s));
        keep(ctx.getCurrentKey(), monthKey, m);
        out.collect(new MonthSoFar(m.toMetrics(), minute));

        if (folded == null || minute > folded) {
            lastFoldedMinute.update(minute);
            // Standing periods that began before the job's state did end without a start: never below zero.
            long now = Math.max(0, standing);
            long dayStart = Instant.ofEpochMilli(minute).atZone(zone).toLocalDate().atStartOfDay(zone).toInstant()
                    .toEpochMilli();
            Long peakDay = standingDay.value();
            long peak;
            long written;
            if (peakDay == null || peakDay != dayStart) {
                // A new day starts with the bikes standing at its start (those before this minute's changes).
                peak = Math.max(now, Math.max(0, before));
                written = -1;
                standingDay.update(dayStart);
            } else {
                peak = Math.max(standingDayPeak.value(), now);
                written = standingDayWritten.value();
            }
            standingDayPeak.update(peak);
            // The standing count changes only with a bike's report (the tracker's standing facts come from
            // reports), so a minute it changes in has records and a point; a new day's peak waits for one.
            // The "now" snapshots whose time passed with this minute: the figures before its changes.
            long[] due = folded == null ? null
                    : snapshots(nowPending.value(), folded, minute, Math.max(0, before), openBefore);
            if (s.hasMinuteActivity()) {
                boolean peakChanged = peak != written;
                OperatorMinute om = new OperatorMinute(ctx.getCurrentKey(), minute,
                        s.get(MinuteSlice.Count.BIKES_SEEN), s.get(MinuteSlice.Count.BIKES_IN_NO_PARK),
                        s.get(MinuteSlice.Count.NO_PARK_OPENED), s.get(MinuteSlice.Count.NO_PARK_CLOSED))
                        .standing(now, dayStart, peak, peakChanged, quotas.getOrDefault(ctx.getCurrentKey(), 0L));
                if (due != null) {
                    om.nowSnapshots = due;
                    nowPending.clear();
                }
                ctx.output(MINUTES, om);
                written = peak;
            } else if (due != null) {
                // Written with the next minute that has a point (the snapshots keep their own times and figures).
                nowPending.update(due);
            }
            standingDayWritten.update(written);
        }
    }

    private static final int OPEN_COUNTS = 5;

    /** The open counts after a minute: violations opened minus closed per type, accumulations opened minus cleared. */
    private static long[] open(long[] before, MinuteSlice s) {
        long[] open = before.clone();
        open[0] += s.get(MinuteSlice.Count.NO_PARK_OPENED) - s.get(MinuteSlice.Count.NO_PARK_CLOSED);
        open[1] += s.get(MinuteSlice.Count.OUT_OF_AREA_OPEN_DELTA);
        open[2] += s.get(MinuteSlice.Count.ZOMBIE_OPEN_DELTA);
        open[3] += s.get(MinuteSlice.Count.FAULTY_OVERDUE_OPEN_DELTA);
        for (org.bikefence.model.OperatorSignal e : s.events) {
            if (e.kind == org.bikefence.model.OperatorSignal.Kind.ACCUMULATION) {
                open[4] += e.accumulationOpened ? 1 : -1;
            } else if (e.kind == org.bikefence.model.OperatorSignal.Kind.UNTRACKED) {
                // A violation of a bike the tracker forgot: no longer open now, though nobody saw it close.
                open[switch (e.violation.type) {
                    case NO_PARK -> 0;
                    case OUT_OF_AREA -> 1;
                    case ZOMBIE -> 2;
                    case FAULTY_OVERDUE -> 3;
                }]--;
            }
        }
        return open;
    }

    /**
     * The snapshots due: {@code pending} plus those at each {@link OperatorMinute#NOW_INTERVAL_MS} boundary after
     * minute {@code previous} up to {@code minute}, with the figures before {@code minute}'s changes (nothing was
     * folded between); null when none is due. A run of snapshots with the same figures is one group.
     */
    static long[] snapshots(long[] pending, long previous, long minute, long standing, long[] open) {
        long step = OperatorMinute.NOW_INTERVAL_MS;
        long first = (Math.floorDiv(previous, step) + 1) * step;
        long last = Math.floorDiv(minute, step) * step;
        if (first > last) {
            return pending;
        }
        long[] values = {standing, Math.max(0, open[0]), Math.max(0, open[1]), Math.max(0, open[2]),
                Math.max(0, open[3]), Math.max(0, open[4])};
        int g = OperatorMinute.NOW_GROUP;
        if (pending != null && pending.length >= g) {
            int at = pending.length - g;
            boolean same = pending[at + OperatorMinute.NOW_TO] + step == first;
            for (int i = 0; same && i < values.length; i++) {
                same = pending[at + OperatorMinute.NOW_STANDING + i] == values[i];
            }
            if (same) {
                long[] out = pending.clone();
                out[at + OperatorMinute.NOW_TO] = last;
                return out;
            }
        }
        long[] out = java.util.Arrays.copyOf(pending == null ? new long[0] : pending,
                (pending == null ? 0 : pending.length) + g);
        int at = out.length - g;
        out[at + OperatorMinute.NOW_FROM] = first;
        out[at + OperatorMinute.NOW_TO] = last;
        System.arraycopy(values, 0, out, at + OperatorMinute.NOW_STANDING, values.length);
        return out;
    }

    /** The operator to run this function in: see {@link Batching}. */
    public static KeyedProcessOperator<String, MinuteSlice, MonthSoFar> operator(RuleSet rules) {
        return new Batching(new OperatorMetrics(rules));
    }

    /**
     * Runs the function with the months it folds kept on the heap between checkpoint barriers and written to state
     * before each barrier, so a checkpoint holds exactly what a write per folded minute would have written.
     */
    static final class Batching extends KeyedProcessOperator<String, MinuteSlice, MonthSoFar> {
        private static final long serialVersionUID = 1L;

        Batching(OperatorMetrics metrics) {
            super(metrics);
        }

        @Override
        public void open() throws Exception {
            super.open();
            ((OperatorMetrics) userFunction).unsaved = new HashMap<>();
        }

        @Override
        public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
            ((OperatorMetrics) userFunction).save(this::setCurrentKey);
            super.prepareSnapshotPreBarrier(checkpointId);
        }
    }

    /** The month's accumulator of {@code key} (the current key): from the heap if folded since the last barrier. */
    private MonthAccumulator month(String key, String monthKey) throws Exception {
        if (unsaved != null) {
            Map<String, MonthAccumulator> mine = unsaved.get(key);
            MonthAccumulator m = mine == null ? null : mine.get(monthKey);
            if (m != null) {
                return m;
            }
        }
        return months.get(monthKey);
    }

    private void keep(String key, String monthKey, MonthAccumulator m) throws Exception {
        if (unsaved == null) {
            months.put(monthKey, m);
        } else {
            unsaved.computeIfAbsent(key, k -> new HashMap<>(4)).put(monthKey, m);
        }
    }

    /** Before a checkpoint barrier: the months folded since the last one into keyed state, key by key. */
    private void save(java.util.function.Consumer<Object> setCurrentKey) throws Exception {
        for (Map.Entry<Object, Map<String, MonthAccumulator>> k : unsaved.entrySet()) {
            setCurrentKey.accept(k.getKey());
            months.putAll(k.getValue());
        }
        unsaved.clear();
    }

    /** Drops the months before {@code month} (yyyy-MM): final, nothing counts into them any more. */
    private void forgetMonthsBefore(String operator, String month) throws Exception {
        Map<String, MonthAccumulator> mine = unsaved == null ? null : unsaved.get(operator);
        if (mine != null) {
            mine.keySet().removeIf(m -> m.compareTo(month) < 0);
        }
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
