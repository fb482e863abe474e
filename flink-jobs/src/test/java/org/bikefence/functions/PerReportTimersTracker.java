package org.bikefence.functions;

import java.time.ZoneId;
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
import org.bikefence.metrics.BikeCounted;
import org.bikefence.metrics.MonthlyMetricsFolder;
import org.bikefence.model.BikeFact;
import org.bikefence.model.ClassifiedPosition;
import org.bikefence.model.OperatorSignal;
import org.bikefence.model.ViolationEvent;

/**
 * The bike tracker as it was before {@link BikeTracker} batched each bike's reports per watermark: one event-time
 * timer per report and every report buffered in keyed state. Kept only as the reference {@code BikeTrackerTest}
 * holds the batching tracker to: both must give the same output for the same input.
 *
 * <p>Its own description follows.
 *
 * <p>Tracks each bike (keyed by operator and bike id) through its reports in event-time order and applies
 * {@link BikeRules}: violations (no-park, out-of-area, zombie, overdue faulty) on the main output, facts
 * (ride ends, standing periods, faulty periods, report gaps) on {@link #FACTS}.
 *
 * <p>Reports are buffered and applied as the watermark passes them, so out-of-order reports within the
 * allowed lateness give exactly the in-order result. Reports behind the watermark are late: they go to
 * {@link #LATE_POSITIONS} and are counted, never applied out of order.
 *
 * <p>Everything the operator's month counts leaves here as {@link #SIGNALS}: each report, violation, fact and
 * out-of-order report, with what it is the first of for its bike (minute, day, month, ...) decided in the bike's
 * own state ({@link BikeCounted}, a few fixed-size fields), so the per-operator operators downstream only add up
 * counts and no state value grows with the fleet.
 *
 * <p>A bike silent for {@link TrackerSettings#expiryHorizonMs()} (the zombie period plus a day by default) with
 * nothing pending is forgotten: its track goes, and what it was counted for goes once its month can no longer
 * count ({@link BikeCounted#forgettableAt}). A bike that reports after that starts a new track.
 *
 * <p>At the end of a bounded input the watermark jumps to +infinity; a deadline that ran out only because
 * of that jump opens a violation only if the bike's own later reports prove it, so a replay never invents
 * violations the stream would not have seen.
 */
class PerReportTimersTracker extends KeyedProcessFunction<String, ClassifiedPosition, ViolationEvent> {
    private static final long serialVersionUID = 1L;
    private static final long HOUR = 3_600_000L;

    static final OutputTag<ClassifiedPosition> LATE_POSITIONS = BikeTracker.LATE_POSITIONS;
    static final OutputTag<BikeFact> FACTS = BikeTracker.FACTS;
    static final OutputTag<ClassifiedPosition> OUT_OF_ORDER = BikeTracker.OUT_OF_ORDER;
    static final OutputTag<OperatorSignal> SIGNALS = BikeTracker.SIGNALS;

    private final BikeRules rules;
    private final ZoneId zone;
    private final long expiryMs;

    private transient MapState<Long, List<ClassifiedPosition>> buffer;
    private transient ValueState<BikeTrack> track;
    private transient ValueState<Long> lastSeen;
    private transient ValueState<BikeCounted> counted;
    private transient Counter late;
    private transient Counter expired;

    /** @param zone where days and months are cut (the rule set's time zone) */
    PerReportTimersTracker(TrackerSettings settings, ZoneId zone) {
        this.rules = new BikeRules(settings);
        this.zone = zone;
        this.expiryMs = settings.expiryHorizonMs();
    }

    @Override
    public void open(OpenContext openContext) {
        buffer = getRuntimeContext().getMapState(new MapStateDescriptor<>(
                "buffered-reports", Types.LONG, Types.LIST(Types.POJO(ClassifiedPosition.class))));
        track = getRuntimeContext().getState(new ValueStateDescriptor<>("bike-track", BikeTrack.class));
        lastSeen = getRuntimeContext().getState(new ValueStateDescriptor<>("last-seen", Types.LONG));
        counted = getRuntimeContext().getState(new ValueStateDescriptor<>("counted",
                Types.POJO(BikeCounted.class)));
        late = getRuntimeContext().getMetricGroup().counter("lateRecords");
        expired = getRuntimeContext().getMetricGroup().counter("bikesForgotten");
    }

    @Override
    public void processElement(ClassifiedPosition p, Context ctx, Collector<ViolationEvent> out) throws Exception {
        if (p.ts <= ctx.timerService().currentWatermark()) {
            late.inc();
            ctx.output(LATE_POSITIONS, p);
            // Not applied, but still a record of the bike's month.
            BikeTrack tr = track.value();
            if (tr != null) {
                signal(ctx, OperatorSignal.position(p), countedOf(tr));
                track.update(tr);
            } else {
                BikeCounted c = countedOrNew();
                signal(ctx, OperatorSignal.position(p), c);
                counted.update(c);
            }
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
            ctx.output(SIGNALS, OperatorSignal.outOfOrder(p));
        }
    }

    @Override
    public void onTimer(long t, OnTimerContext ctx, Collector<ViolationEvent> out) throws Exception {
        BikeTrack tr = track.value();
        List<ClassifiedPosition> due = buffer.get(t);
        if (due == null && expire(t, tr, ctx)) {
            return;
        }
        if (tr == null) {
            tr = new BikeTrack();
        }
        BikeCounted c = countedOf(tr);
        BikeRules.Emitter emitter = new BikeRules.Emitter() {
            @Override
            public void violation(ViolationEvent v) {
                out.collect(v);
                signal(ctx, OperatorSignal.violation(v), c);
            }

            @Override
            public void fact(BikeFact f) {
                ctx.output(FACTS, f);
                signal(ctx, OperatorSignal.fact(f), c);
            }
        };
        if (due != null) {
            buffer.remove(t);
            for (ClassifiedPosition p : due) {
                // The report first, then what it makes happen: the order the month folds a minute in.
                signal(ctx, OperatorSignal.position(p), c);
                rules.onReport(tr, p, emitter);
            }
        }
        Long seen = lastSeen.value();
        long evidenceUpTo = Long.MAX_VALUE;
        if (ctx.timerService().currentWatermark() == Long.MAX_VALUE) {
            evidenceUpTo = seen == null ? Long.MIN_VALUE : seen;
        }
        rules.onTime(tr, t, evidenceUpTo, emitter);
        long next = rules.nextDeadline(tr);
        if (next != Long.MAX_VALUE && next > t) {
            ctx.timerService().registerEventTimeTimer(next);
        }
        if (seen != null) {
            // Rounded up to the hour, and registered only when it moves: most reports change nothing here.
            long expiry = roundUpToHour(seen + expiryMs);
            if (tr.expiryTimer != expiry) {
                tr.expiryTimer = expiry;
                ctx.timerService().registerEventTimeTimer(expiry);
            }
        }
        track.update(tr);
    }

    /**
     * At a timer with no report to apply: forgets the track of a bike silent for the horizon with nothing
     * pending (a standing bike ends its standing period then, but not at the end of a bounded input), and what the bike was counted for once that can no
     * longer count.
     *
     * @return whether the timer was an expiry (nothing else to do)
     */
    private boolean expire(long t, BikeTrack tr, OnTimerContext ctx) throws Exception {
        Long seen = lastSeen.value();
        if (tr == null || seen == null) {
            // Only what the bike was counted for is left: forgotten once its months are past.
            BikeCounted c = counted.value();
            if (c != null && t >= c.forgettableAt(zone)) {
                counted.clear();
            }
            return true;
        }
        if (t < roundUpToHour(seen + expiryMs) || !buffer.isEmpty()) {
            return false;
        }
        long next = rules.nextDeadline(tr);
        if (next != Long.MAX_VALUE && next > t) {
            return false;
        }
        if (tr.standing && ctx.timerService().currentWatermark() != Long.MAX_VALUE) {
            BikeFact end = org.bikefence.bike.BikeRules.standingEnded(tr, t);
            ctx.output(FACTS, end);
            signal(ctx, OperatorSignal.fact(end), countedOf(tr));
        }
        if (ctx.timerService().currentWatermark() != Long.MAX_VALUE) {
            for (ViolationEvent v : BikeRules.untrackedAt(tr, t)) {
                ctx.output(BikeTracker.UNTRACKED, v);
                signal(ctx, OperatorSignal.untracked(v), countedOf(tr));
            }
        }
        track.clear();
        lastSeen.clear();
        expired.inc();
        BikeCounted c = tr.counted;
        if (c != null) {
            counted.update(c);
            long forget = c.forgettableAt(zone);
            if (forget <= t) {
                counted.clear();
            } else {
                ctx.timerService().registerEventTimeTimer(forget);
            }
        }
        return true;
    }

    /**
     * What the bike was counted for, kept in its track: taken over from the state of a bike whose track expired
     * (see {@link #expire}), else new.
     */
    private BikeCounted countedOf(BikeTrack tr) throws Exception {
        if (tr.counted == null) {
            tr.counted = countedOrNew();
            counted.clear();
        }
        return tr.counted;
    }

    /** What an expired bike was counted for, or nothing yet. */
    private BikeCounted countedOrNew() throws Exception {
        BikeCounted c = counted.value();
        return c != null ? c : new BikeCounted();
    }

    private void signal(Context ctx, OperatorSignal s, BikeCounted c) {
        s.firsts = MonthlyMetricsFolder.firsts(zone, s, c);
        ctx.output(SIGNALS, s);
    }

    private static long roundUpToHour(long ts) {
        return Math.floorDiv(ts + HOUR - 1, HOUR) * HOUR;
    }
}
