package org.bikefence.functions;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.bikefence.bike.BikeRules;
import org.bikefence.bike.BikeTrack;
import org.bikefence.bike.TrackerSettings;
import org.bikefence.metrics.BikeCounted;
import org.bikefence.metrics.LocalDays;
import org.bikefence.metrics.MonthlyMetricsFolder;
import org.bikefence.model.BikeFact;
import org.bikefence.model.ClassifiedPosition;
import org.bikefence.model.OperatorSignal;
import org.bikefence.model.RuleSetUpdate;
import org.bikefence.model.ViolationEvent;

/**
 * Tracks each bike (keyed by operator and bike id) through its reports in event-time order and applies
 * {@link BikeRules}: violations (no-park, out-of-area, zombie, overdue faulty) on the main output, facts
 * (ride ends, standing periods, faulty periods, report gaps) on {@link #FACTS}.
 *
 * <p>Reports wait until the watermark passes them, so out-of-order reports within the allowed lateness give
 * exactly the in-order result. Reports behind the watermark are late: they go to {@link #LATE_POSITIONS} and are
 * counted, never applied out of order.
 *
 * <p>Everything the operator's month counts leaves here as {@link #SIGNALS}: each report, violation, fact and
 * out-of-order report, with what it is the first of for its bike (minute, day, month, ...) decided in the bike's
 * own state ({@link BikeCounted}, a few fixed-size fields), so the per-operator operators downstream only add up
 * counts and no state value grows with the fleet.
 *
 * <h2>Batched per bike and watermark</h2>
 * Waiting reports are held on the heap, per bike, not in keyed state: when the watermark advances, each bike with
 * reports at or before it takes every event up to the watermark in time order. A bike's events are its reports
 * (applied in arrival order at equal times), its next deadline ({@link BikeRules#nextDeadline}) and its expiry; each
 * is processed as if a timer had fired at its time, so the output is what one timer per report gives. A bike's track
 * is read from keyed state the first time it is needed after a barrier and then held on the heap until the next
 * barrier, which writes it back once (beyond {@link #MAX_HELD_TRACKS} held bikes without waiting reports, those are
 * written back at the next watermark): a bike costs one state read and one write per checkpoint interval, not per watermark
 * (earlier versions) or per report (before those). Each bike has at most one registered timer
 * ({@link BikeTrack#wakeUp}: its next deadline or expiry), for when it does not report again. Before each
 * checkpoint barrier the reports still waiting are written to keyed state ({@code buffered-reports}), so a
 * checkpoint holds them, and after a restore, at any parallelism, they are taken back onto the heap.
 *
 * <p>The heap holds the reports the watermark has not passed (at most the allowed out-of-orderness times the input
 * rate, plus the watermark interval) and the tracks of at most {@link #MAX_HELD_TRACKS} bikes without waiting reports,
 * whatever the fleet's size.
 *
 * <p>A bike silent for {@link TrackerSettings#expiryHorizonMs()} (the zombie period plus a day by default) with
 * nothing pending is forgotten: its track goes, and what it was counted for goes once its month can no longer
 * count ({@link BikeCounted#forgettableAt}). Its open violations stay open in the main output (nobody saw them end)
 * and leave the "now" view ({@link #UNTRACKED}). A bike that reports after that starts a new track.
 *
 * <p>At the end of a bounded input the watermark jumps to +infinity; a deadline that ran out only because
 * of that jump opens a violation only if the bike's own later reports prove it, so a replay never invents
 * violations the stream would not have seen.
 *
 * <p>Scheduled zones switch on deadlines too: a report inside a scheduled zone carries the zone's period, and
 * {@link BikeRules#nextDeadline} includes its start plus the grace (a bike standing there before the start) and its
 * end (an open violation closes then), so a silent bike's one timer fires at them as at any other deadline.
 *
 * <h2>Rule-set versions</h2>
 * The per-bike parameters ({@link TrackerSettings}) come from the rule-set version in force at each event's time: the
 * versions known at submission, by the start of their {@code effectiveFrom} day, and, run as a two-input operator,
 * the versions accepted while running (second input, broadcast; kept in operator broadcast state, so a restored or
 * rescaled job has them). A version's start is an event of every bike with a track, as a deadline is (its deadlines
 * are looked at again under the new parameters then; a deadline the new version puts before its start is reached at
 * the start), and a version that arrives before the watermark passes its start registers that wake-up for every bike:
 * the output is then exactly that of a job started with the version. One that arrives later applies from the first
 * watermark after its arrival (the events not processed yet). A no-park grace is the one in force when the bike
 * entered the zone. The expiry horizon stays the one of the versions known at submission (the job's validation
 * refuses a live version that needs a longer one).
 */
public class BikeTracker extends AbstractStreamOperator<ViolationEvent>
        implements OneInputStreamOperator<ClassifiedPosition, ViolationEvent>,
        TwoInputStreamOperator<ClassifiedPosition, RuleSetUpdate, ViolationEvent>, Triggerable<String, VoidNamespace> {
    private static final long serialVersionUID = 2L;
    private static final long HOUR = 3_600_000L;
    /**
     * The bikes whose tracks the heap holds between two barriers, at most (each a few hundred bytes): beyond it, those
     * with no waiting report are written back at the next watermark.
     */
    static final int MAX_HELD_TRACKS = 100_000;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BikeTracker.class);

    public static final OutputTag<ClassifiedPosition> LATE_POSITIONS = new OutputTag<>("late-positions") {};
    public static final OutputTag<BikeFact> FACTS = new OutputTag<>("bike-facts", BikeFactSerializer.TYPE);
    /** Reports older than one already received for the same bike (still applied, in order). */
    public static final OutputTag<ClassifiedPosition> OUT_OF_ORDER = new OutputTag<>("out-of-order") {};
    /**
     * The open violations of a track the tracker forgets, each closed at the expiry ({@link BikeRules#untrackedAt}):
     * for the "now" view only, which then holds tracked bikes alone. The main output keeps them open (nobody saw them
     * end). Not at the end of a bounded input, as for the standing period.
     */
    public static final OutputTag<ViolationEvent> UNTRACKED = new OutputTag<>("untracked-violations",
            ViolationEventSerializer.TYPE);
    /** What the operator's month counts, its per-bike firsts decided ({@link OperatorSignal#firsts}). */
    public static final OutputTag<OperatorSignal> SIGNALS = new OutputTag<>("bike-signals", OperatorSignalSerializer.TYPE);

    /** The main output's type, for {@code transform}. */
    public static final TypeInformation<ViolationEvent> OUTPUT_TYPE = ViolationEventSerializer.TYPE;

    private static final Comparator<ClassifiedPosition> BY_TIME = Comparator.comparingLong(p -> p.ts);

    /** The versions known at submission, by the event time they apply from (the first also before it). */
    private final TreeMap<Long, TrackerSettings> initialVersions;
    private final ZoneId zone;
    private final long expiryMs;
    /** The rules in force at the event time being processed: set by {@link #advance} before each step. */
    private transient BikeRules rules;
    /** Every version known now, by the event time it applies from; {@link #single} when there is one. */
    private transient TreeMap<Long, BikeRules> inForce;
    private transient BikeRules single;

    /** Waiting reports, only written here before a checkpoint barrier (the per-report layout of earlier versions). */
    private transient MapState<Long, List<ClassifiedPosition>> buffer;
    private transient ValueState<BikeTrack> track;
    private transient ValueState<BikeCounted> counted;
    private transient InternalTimerService<VoidNamespace> timers;
    private transient LocalDays days;
    private transient Counter late;
    private transient Counter expired;
    private transient Counter appliedLate;

    /** Per bike key: the reports the watermark has not passed yet. */
    private transient Map<String, Waiting> waiting;
    /**
     * Bikes with waiting reports, by the second of their earliest report. A bike is listed again when an earlier
     * report arrives; only the entry of the second of {@link Waiting#queuedAt} counts.
     */
    private transient TreeMap<Long, List<Waiting>> bySecond;
    private transient long passes;
    /** See {@link #maxHeldTracks}. */
    private int maxHeld = MAX_HELD_TRACKS;
    /**
     * The held bikes with no waiting report: only they can be written back early, so only their number triggers it (a
     * fleet whose every bike has reports waiting must not have the whole map scanned at every watermark).
     */
    private transient int idleHeld;
    /** Bikes whose waiting reports the last checkpoint holds in {@link #buffer}. */
    private transient Set<String> spilled;

    /** @param zone where days and months are cut (the rule set's time zone) */
    public BikeTracker(TrackerSettings settings, ZoneId zone) {
        this(new TreeMap<>(Map.of(Long.MIN_VALUE, settings)), zone);
    }

    /**
     * @param versions the per-bike parameters by the event time they apply from (epoch ms); the first also applies
     *     before its time
     * @param zone where days and months are cut (the rule set's time zone)
     */
    public BikeTracker(NavigableMap<Long, TrackerSettings> versions, ZoneId zone) {
        if (versions.isEmpty()) {
            throw new IllegalArgumentException("no per-bike parameters");
        }
        this.initialVersions = new TreeMap<>(versions);
        this.zone = zone;
        this.expiryMs = expiryHorizonMs(versions.values());
    }

    /** How long a silent bike's track is kept with these versions: the longest of their horizons. */
    public static long expiryHorizonMs(java.util.Collection<TrackerSettings> versions) {
        long longest = 0;
        for (TrackerSettings s : versions) {
            longest = Math.max(longest, s.expiryHorizonMs());
        }
        return longest;
    }

    /** One bike's reports that the watermark has not passed, and its track while it is in use. */
    private static final class Waiting {
        final String key;
        final List<ClassifiedPosition> reports = new ArrayList<>(4);
        /** The earliest and the latest waiting report. */
        long earliest = Long.MAX_VALUE;
        long latest = Long.MIN_VALUE;
        /** The earliest time this bike is queued at in {@link #bySecond}. */
        long queuedAt = Long.MAX_VALUE;
        /** The watermark pass that last took this bike (a bike can be queued twice in one second). */
        long pass;
        /** Whether {@link #reports} is in time order. */
        boolean sorted = true;
        /** The bike's track as read from state (null: none), valid while {@link #loaded}. */
        BikeTrack track;
        boolean loaded;
        /** The track changed since it was last written. */
        boolean dirty;
        boolean gone;
        /** Held with no waiting report: counted in {@link #idleHeld}. */
        boolean idle;

        Waiting(String key) {
            this.key = key;
        }

        void add(ClassifiedPosition p) {
            if (p.ts < latest) {
                sorted = false;
            }
            reports.add(p);
            earliest = Math.min(earliest, p.ts);
            latest = Math.max(latest, p.ts);
        }

        /** Removes and returns the reports at or before {@code upTo}, in time order (arrival order at equal times). */
        List<ClassifiedPosition> takeUpTo(long upTo) {
            if (earliest > upTo) {
                return List.of();
            }
            if (!sorted) {
                reports.sort(BY_TIME);
                sorted = true;
            }
            if (latest <= upTo) {
                List<ClassifiedPosition> all = new ArrayList<>(reports);
                reports.clear();
                earliest = Long.MAX_VALUE;
                latest = Long.MIN_VALUE;
                return all;
            }
            int n = 0;
            while (reports.get(n).ts <= upTo) {
                n++;
            }
            List<ClassifiedPosition> due = new ArrayList<>(reports.subList(0, n));
            reports.subList(0, n).clear();
            earliest = reports.get(0).ts;
            return due;
        }
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        buffer = getPartitionedState(new MapStateDescriptor<>(
                "buffered-reports", Types.LONG, Types.LIST(Types.POJO(ClassifiedPosition.class))));
        track = getPartitionedState(new ValueStateDescriptor<>("bike-track", BikeTrackSerializer.TYPE));
        counted = getPartitionedState(new ValueStateDescriptor<>("counted", Types.POJO(BikeCounted.class)));
        waiting = new HashMap<>();
        bySecond = new TreeMap<>();
        spilled = new HashSet<>();
        inForce = new TreeMap<>();
        initialVersions.forEach((from, s) -> inForce.put(from, new BikeRules(s)));
        for (Map.Entry<String, RuleSetUpdate> e
                : context.getOperatorStateStore().getBroadcastState(LiveRuleSets.STATE).entries()) {
            inForce.put(e.getValue().appliesFrom, new BikeRules(LiveRuleSets.trackerSettings(e.getValue())));
        }
        versionsChanged();
        if (context.isRestored()) {
            takeBackWaitingReports();
        }
    }

    /** After a restore: the reports the checkpoint holds as waiting go back onto the heap. */
    private void takeBackWaitingReports() throws Exception {
        List<String> keys;
        KeyedStateBackend<String> backend = getKeyedStateBackend();
        try (Stream<String> ks = backend.getKeys("buffered-reports", VoidNamespace.INSTANCE)) {
            keys = ks.collect(Collectors.toCollection(ArrayList::new));
        }
        for (String key : new LinkedHashSet<>(keys)) {
            setCurrentKey(key);
            Waiting w = new Waiting(key);
            for (Map.Entry<Long, List<ClassifiedPosition>> e : buffer.entries()) {
                for (ClassifiedPosition p : e.getValue()) {
                    w.add(p);
                }
            }
            if (!w.reports.isEmpty()) {
                waiting.put(key, w);
                queue(w, w.earliest);
                spilled.add(key);
            }
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        timers = getInternalTimerService("user-timers", VoidNamespaceSerializer.INSTANCE, this);
        days = new LocalDays(zone);
        late = getRuntimeContext().getMetricGroup().counter("lateRecords");
        expired = getRuntimeContext().getMetricGroup().counter("bikesForgotten");
        appliedLate = getRuntimeContext().getMetricGroup().counter("ruleSetsAppliedLate");
    }

    @Override
    public void processElement1(StreamRecord<ClassifiedPosition> element) throws Exception {
        processElement(element);
    }

    /**
     * A rule-set version the job accepted: its parameters apply from its start, or, when the watermark has passed
     * that, from the first event after the watermark; every bike with a track wakes up at the start.
     */
    @Override
    public void processElement2(StreamRecord<RuleSetUpdate> element) throws Exception {
        RuleSetUpdate u = element.getValue();
        long wm = timers.currentWatermark();
        RuleSetUpdate kept = new RuleSetUpdate(u.key, u.yaml, u.publishedAt, u.source);
        kept.version = u.version;
        kept.appliesFrom = wm == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(u.appliesFrom, wm + 1);
        getOperatorStateBackend().getBroadcastState(LiveRuleSets.STATE).put(u.version, kept);
        inForce.put(kept.appliesFrom, new BikeRules(LiveRuleSets.trackerSettings(kept)));
        versionsChanged();
        if (kept.appliesFrom > u.appliesFrom) {
            appliedLate.inc();
            LOG.warn("Rule set {} starts at {} but arrived with the watermark at {}: its per-bike rules apply from {}",
                    u.version, java.time.Instant.ofEpochMilli(u.appliesFrom), java.time.Instant.ofEpochMilli(wm),
                    kept.appliesFrom == Long.MAX_VALUE ? "never (the input has ended)"
                            : java.time.Instant.ofEpochMilli(kept.appliesFrom));
        }
        if (kept.appliesFrom == Long.MAX_VALUE) {
            return;
        }
        List<String> keys;
        KeyedStateBackend<String> backend = getKeyedStateBackend();
        try (Stream<String> ks = backend.getKeys("bike-track", VoidNamespace.INSTANCE)) {
            keys = ks.collect(Collectors.toCollection(ArrayList::new));
        }
        // And the tracks the heap holds (keyed state may not have them yet: bikes new since the last barrier). A key
        // in both registers the same timer twice, which Flink keeps once.
        for (Waiting w : waiting.values()) {
            if (w.loaded && w.track != null) {
                keys.add(w.key);
            }
        }
        for (String key : keys) {
            setCurrentKey(key);
            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, kept.appliesFrom);
        }
    }

    private void versionsChanged() {
        single = inForce.size() == 1 ? inForce.firstEntry().getValue() : null;
        rules = inForce.firstEntry().getValue();
    }

    /** The rules in force at event time {@code t}. */
    private BikeRules rulesAt(long t) {
        if (single != null) {
            return single;
        }
        Map.Entry<Long, BikeRules> e = inForce.floorEntry(t);
        return e != null ? e.getValue() : inForce.firstEntry().getValue();
    }

    /** The start of the first version after {@code t}, or MAX_VALUE. */
    private long versionStartAfter(long t) {
        if (single != null) {
            return Long.MAX_VALUE;
        }
        Long k = inForce.higherKey(t);
        return k == null ? Long.MAX_VALUE : k;
    }

    @Override
    public void processElement(StreamRecord<ClassifiedPosition> element) throws Exception {
        ClassifiedPosition p = element.getValue();
        String key = (String) getCurrentKey();
        Waiting w = waiting.get(key);
        if (p.ts <= timers.currentWatermark()) {
            lateReport(element, w);
            return;
        }
        if (w == null) {
            w = new Waiting(key);
            waiting.put(key, w);
        }
        BikeTrack tr = trackOf(w);
        // The latest report received (applied or waiting), as a per-report tracker kept it.
        long seen = Math.max(w.latest, tr != null && tr.hasReport ? tr.lastTs : Long.MIN_VALUE);
        boolean anySeen = !w.reports.isEmpty() || (tr != null && tr.hasReport);
        if (anySeen && p.ts < seen) {
            output.collect(OUT_OF_ORDER, element);
            output.collect(SIGNALS, new StreamRecord<>(OperatorSignal.outOfOrder(p), element.getTimestamp()));
        }
        if (w.idle) {
            w.idle = false;
            idleHeld--;
        }
        w.add(p);
        if (p.ts < w.queuedAt) {
            queue(w, p.ts);
        }
    }

    /** Not applied, but still a record of the bike's month. */
    private void lateReport(StreamRecord<ClassifiedPosition> element, Waiting w) throws Exception {
        ClassifiedPosition p = element.getValue();
        late.inc();
        output.collect(LATE_POSITIONS, element);
        long at = element.getTimestamp();
        BikeTrack tr = w != null ? trackOf(w) : track.value();
        if (tr != null) {
            signal(OperatorSignal.position(p), countedOf(tr, Long.MIN_VALUE), at);
            if (w != null) {
                w.dirty = true;
            } else {
                track.update(tr);
            }
        } else {
            BikeCounted c = countedOrNew();
            signal(OperatorSignal.position(p), c, at);
            counted.update(c);
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        long wm = mark.getTimestamp();
        long lastSecond = Math.floorDiv(wm, 1000L);
        long pass = ++passes;
        List<Waiting> stillWaiting = new ArrayList<>();
        while (!bySecond.isEmpty() && bySecond.firstKey() <= lastSecond) {
            Map.Entry<Long, List<Waiting>> second = bySecond.pollFirstEntry();
            for (Waiting w : second.getValue()) {
                if (w.gone || w.pass == pass || Math.floorDiv(w.queuedAt, 1000L) != second.getKey()) {
                    continue;
                }
                w.pass = pass;
                w.queuedAt = Long.MAX_VALUE;
                if (w.earliest <= wm) {
                    setCurrentKey(w.key);
                    advance(w, trackOf(w), wm);
                }
                if (!w.gone) {
                    stillWaiting.add(w);
                }
            }
        }
        for (Waiting w : stillWaiting) {
            queue(w, w.earliest);
        }
        // Then the timers (deadlines, expiry) of bikes that did not report: Flink fires them at this watermark.
        super.processWatermark(mark);
        if (idleHeld > maxHeld) {
            writeBackIdle();
        }
    }

    /**
     * Writes the held tracks of the bikes with no waiting report to keyed state and drops them from the heap (before a
     * barrier, and when more than {@link #maxHeld} such bikes are held).
     */
    private void writeBackIdle() throws Exception {
        java.util.Iterator<Waiting> it = waiting.values().iterator();
        while (it.hasNext()) {
            Waiting w = it.next();
            if (!w.reports.isEmpty()) {
                continue;
            }
            if (w.loaded && w.dirty && w.track != null) {
                setCurrentKey(w.key);
                track.update(w.track);
            }
            w.gone = true;
            w.idle = false;
            it.remove();
        }
        idleHeld = 0;
    }

    /** At most this many bikes without waiting reports are held on the heap between barriers (for tests). */
    BikeTracker maxHeldTracks(int max) {
        this.maxHeld = max;
        return this;
    }

    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        long wm = timers.currentWatermark();
        Waiting w = waiting.get(timer.getKey());
        BikeTrack tr = w != null ? trackOf(w) : track.value();
        if (tr == null && (w == null || w.earliest > wm)) {
            forgetCounted(timer.getTimestamp());
            return;
        }
        if (tr != null && tr.wakeUp == timer.getTimestamp()) {
            // This timer has fired: the bike has none registered until advance registers its next one.
            tr.wakeUp = 0;
        }
        advance(w, tr, wm);
    }

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) {}

    /**
     * Takes every event of the current bike up to {@code wm}, in time order: its waiting reports, its next
     * deadline and its expiry, each as a timer at its time would (the reports first, then the deadlines that are
     * due); then writes the track and moves the bike's one timer to its next deadline or expiry (a timer already
     * registered earlier than that stays, and fires early to no effect).
     */
    private void advance(Waiting w, BikeTrack tr, long wm) throws Exception {
        List<ClassifiedPosition> due = w != null ? w.takeUpTo(wm) : List.of();
        boolean laterWaiting = w != null && !w.reports.isEmpty();
        long seen = Long.MIN_VALUE;
        if (tr != null && tr.hasReport) {
            seen = tr.lastTs;
        }
        if (!due.isEmpty()) {
            seen = Math.max(seen, due.get(due.size() - 1).ts);
        }
        if (laterWaiting) {
            seen = Math.max(seen, w.latest);
        }
        long t = tr != null ? tr.processedUpTo : Long.MIN_VALUE;
        int i = 0;
        while (true) {
            rules = rulesAt(t);
            long next = i < due.size() ? due.get(i).ts : Long.MAX_VALUE;
            if (tr != null) {
                long deadline = rules.nextDeadline(tr);
                if (deadline != Long.MAX_VALUE && deadline > t) {
                    next = Math.min(next, deadline);
                }
                if (tr.expiryTimer != 0 && tr.expiryTimer > t) {
                    next = Math.min(next, tr.expiryTimer);
                }
                // A new version's start: the bike's deadlines are looked at again under its parameters.
                next = Math.min(next, versionStartAfter(t));
            }
            if (next == Long.MAX_VALUE || next > wm) {
                break;
            }
            t = next;
            rules = rulesAt(t);
            int end = i;
            while (end < due.size() && due.get(end).ts == t) {
                end++;
            }
            if (end == i && expire(t, tr, seen, laterWaiting || end < due.size(), w, wm)) {
                return;
            }
            if (tr == null) {
                tr = new BikeTrack();
            }
            BikeCounted c = countedOf(tr, t);
            long at = t;
            BikeRules.Emitter emitter = new BikeRules.Emitter() {
                @Override
                public void violation(ViolationEvent v) {
                    output.collect(new StreamRecord<>(v, at));
                    signal(OperatorSignal.violation(v), c, at);
                }

                @Override
                public void fact(BikeFact f) {
                    output.collect(FACTS, new StreamRecord<>(f, at));
                    signal(OperatorSignal.fact(f), c, at);
                }
            };
            for (; i < end; i++) {
                ClassifiedPosition p = due.get(i);
                // The report first, then what it makes happen: the order the month folds a minute in.
                signal(OperatorSignal.position(p), c, at);
                rules.onReport(tr, p, emitter);
            }
            long evidenceUpTo = wm == Long.MAX_VALUE ? seen : Long.MAX_VALUE;
            rules.onTime(tr, t, evidenceUpTo, emitter);
            // Rounded up to the hour: most reports do not move it.
            tr.expiryTimer = roundUpToHour(seen + expiryMs);
            tr.processedUpTo = t;
        }
        if (tr == null) {
            return;
        }
        long wake = Long.MAX_VALUE;
        long deadline = rules.nextDeadline(tr);
        if (deadline != Long.MAX_VALUE && deadline > t) {
            wake = deadline;
        }
        if (tr.expiryTimer != 0 && tr.expiryTimer > t) {
            wake = Math.min(wake, tr.expiryTimer);
        }
        wake = Math.min(wake, versionStartAfter(t));
        long registered = wake == Long.MAX_VALUE ? 0 : wake;
        // A timer already registered no later than the new wake-up stays: when it fires, nothing is due yet and the
        // bike registers the later one then. Most reports move the next deadline a little later (the report gap),
        // and on RocksDB each move was a timer deleted and one written: now a bike re-registers about once per
        // deadline period, not once per watermark that takes its reports.
        boolean earlierStays = tr.wakeUp != 0 && registered != 0 && tr.wakeUp <= registered;
        if (registered != tr.wakeUp && !earlierStays) {
            if (tr.wakeUp != 0) {
                timers.deleteEventTimeTimer(VoidNamespace.INSTANCE, tr.wakeUp);
            }
            if (registered != 0) {
                timers.registerEventTimeTimer(VoidNamespace.INSTANCE, registered);
            }
            tr.wakeUp = registered;
        }
        if (w == null) {
            // A bike woken by its timer: held from now on too, so a report before the next barrier finds it on the heap.
            w = new Waiting(String.valueOf(getCurrentKey()));
            waiting.put(w.key, w);
        }
        if (!w.idle && w.reports.isEmpty()) {
            w.idle = true;
            idleHeld++;
        }
        w.track = tr;
        w.loaded = true;
        w.dirty = true;
    }

    /**
     * At an event time with no report to apply: forgets the track of a bike silent for the horizon with nothing
     * waiting and no deadline still to come, and what the bike was counted for once that can no longer count. A
     * bike standing then ends its standing period at {@code t} ({@code STANDING_ENDED}, fact and signal), unless
     * {@code wm} is the end of a bounded input (as for deadlines, nothing the bike's reports do not prove).
     *
     * @return whether the bike was forgotten (nothing else to do)
     */
    private boolean expire(long t, BikeTrack tr, long seen, boolean stillWaiting, Waiting w, long wm)
            throws Exception {
        if (t < roundUpToHour(seen + expiryMs) || stillWaiting) {
            return false;
        }
        long next = rules.nextDeadline(tr);
        if (next != Long.MAX_VALUE && next > t) {
            return false;
        }
        if (tr.wakeUp != 0) {
            timers.deleteEventTimeTimer(VoidNamespace.INSTANCE, tr.wakeUp);
        }
        if (tr.standing && wm != Long.MAX_VALUE) {
            // The standing period ends with the track, or the bikes standing and the area counts keep it for good. Not
            // at the end of a bounded input: an expiry reached only by the jump to +infinity is proven by no report.
            BikeFact end = BikeRules.standingEnded(tr, t);
            output.collect(FACTS, new StreamRecord<>(end, t));
            signal(OperatorSignal.fact(end), countedOf(tr, t), t);
        }
        if (wm != Long.MAX_VALUE) {
            for (ViolationEvent v : BikeRules.untrackedAt(tr, t)) {
                output.collect(UNTRACKED, new StreamRecord<>(v, t));
                signal(OperatorSignal.untracked(v), countedOf(tr, t), t);
            }
        }
        track.clear();
        expired.inc();
        if (w != null) {
            w.gone = true;
            waiting.remove(w.key);
            if (w.idle) {
                w.idle = false;
                idleHeld--;
            }
        }
        BikeCounted c = tr.counted;
        if (c != null) {
            counted.update(c);
            long forget = c.forgettableAt(zone);
            if (forget <= t) {
                counted.clear();
            } else {
                timers.registerEventTimeTimer(VoidNamespace.INSTANCE, forget);
            }
        }
        return true;
    }

    /**
     * A timer of a bike without a track: what it was counted for goes once its months can no longer count (a late
     * report may have moved that later: the timer then moves too).
     */
    private void forgetCounted(long t) throws Exception {
        BikeCounted c = counted.value();
        if (c == null) {
            return;
        }
        long forget = c.forgettableAt(zone);
        if (t >= forget) {
            counted.clear();
        } else {
            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, forget);
        }
    }

    /**
     * What the bike was counted for, kept in its track: taken over from the state of a bike whose track expired
     * (see {@link #expire}) unless that is forgettable by {@code at}, else new.
     */
    private BikeCounted countedOf(BikeTrack tr, long at) throws Exception {
        if (tr.counted == null) {
            BikeCounted c = counted.value();
            if (c != null && c.forgettableAt(zone) <= at) {
                c = null;
            }
            tr.counted = c != null ? c : new BikeCounted();
            counted.clear();
        }
        return tr.counted;
    }

    /** What an expired bike was counted for, or nothing yet. */
    private BikeCounted countedOrNew() throws Exception {
        BikeCounted c = counted.value();
        return c != null ? c : new BikeCounted();
    }

    /** The waiting bike's track, read from state once while the bike waits (the current key must be the bike's). */
    private BikeTrack trackOf(Waiting w) throws Exception {
        if (!w.loaded) {
            w.track = track.value();
            w.loaded = true;
        }
        return w.track;
    }

    private void queue(Waiting w, long at) {
        if (at < w.queuedAt) {
            w.queuedAt = at;
            bySecond.computeIfAbsent(Math.floorDiv(at, 1000L), k -> new ArrayList<>()).add(w);
        }
    }

    /**
     * Before the barrier: every waiting report into keyed state, so the checkpoint holds it; the tracks the heap
     * holds are written and dropped, so nothing the checkpoint refers to is changed after it.
     */
    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        writeBackIdle();
        Set<String> nowSpilled = new HashSet<>();
        for (Waiting w : waiting.values()) {
            setCurrentKey(w.key);
            if (w.loaded && w.dirty && w.track != null) {
                track.update(w.track);
            }
            w.loaded = false;
            w.track = null;
            w.dirty = false;
            Map<Long, List<ClassifiedPosition>> byTs = new HashMap<>();
            for (ClassifiedPosition p : w.reports) {
                byTs.computeIfAbsent(p.ts, ts -> new ArrayList<>(1)).add(p);
            }
            buffer.clear();
            buffer.putAll(byTs);
            nowSpilled.add(w.key);
        }
        for (String key : spilled) {
            if (!nowSpilled.contains(key)) {
                setCurrentKey(key);
                buffer.clear();
            }
        }
        spilled = nowSpilled;
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    private void signal(OperatorSignal s, BikeCounted c, long at) {
        s.firsts = MonthlyMetricsFolder.firsts(days, s, c);
        output.collect(SIGNALS, new StreamRecord<>(s, at));
    }

    private static long roundUpToHour(long ts) {
        return Math.floorDiv(ts + HOUR - 1, HOUR) * HOUR;
    }

    /** The key of a bike: operator and bike id, since bike ids are unique only within an operator. */
    public static String bikeKey(ClassifiedPosition p) {
        return p.operator + '\u0000' + p.bikeId;
    }
}
