package org.bikefence.functions;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.bikefence.geofence.FenceIndex;
import org.bikefence.geofence.FenceLoaders;
import org.bikefence.geofence.FenceSet;
import org.bikefence.geofence.H3Cells;
import org.bikefence.geofence.LoadOptions;
import org.bikefence.geofence.Verdict;
import org.bikefence.model.BikePosition;
import org.bikefence.model.ClassifiedPosition;
import org.bikefence.model.FenceSetEvent;
import org.bikefence.model.FenceUpdate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Classifies each position against the city's fences (no-park, parking, operating area), and takes new
 * fence sets while running.
 *
 * <p>The active fence file's bytes live in broadcast state, so every parallel instance holds the same set
 * and a restored job resumes with the set it had; the index itself is a transient cache rebuilt from
 * those bytes. An update is validated before it replaces anything: a bad file is rejected, reported on
 * {@link #FENCE_SET_EVENTS} and counted, and the good set stays active.
 */
public class ClassifyPositions extends BroadcastProcessFunction<BikePosition, FenceUpdate, ClassifiedPosition> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ClassifyPositions.class);
    private static final String CURRENT = "current";
    private static final int MAX_REASON_CHARS = 2000;

    public static final MapStateDescriptor<String, byte[]> FENCE_STATE = new MapStateDescriptor<>(
            "fence-set", Types.STRING, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
    public static final OutputTag<FenceSetEvent> FENCE_SET_EVENTS = new OutputTag<>("fence-set-events") {};

    /** The set given at submission, active until an update arrives. */
    private final byte[] initialFences;
    private final String initialSource;
    /** H3 resolution of the cells accumulation is counted on (the rule set's). */
    private final int h3Resolution;

    private transient FenceIndex index;
    private transient H3Cells cells;
    private transient byte[] indexedBytes;
    /** The shared index and grid of {@link #indexedBytes} ({@link SharedFenceIndexes}). */
    private transient SharedFenceIndexes.Entry shared;
    private transient Counter updatesAccepted;
    private transient Counter updatesRejected;

    public ClassifyPositions(byte[] initialFences, String initialSource, int h3Resolution) {
        this.initialFences = initialFences;
        this.initialSource = initialSource;
        this.h3Resolution = h3Resolution;
    }

    /**
     * Switches to the fence set of {@code bytes}: its index and cell grid are the ones the other subtasks in this JVM
     * use for the same bytes, or built now from {@code set} ({@link SharedFenceIndexes}). The fast cell grid covers the
     * fences' extent; positions elsewhere still get exact h3-java cells.
     */
    private void use(byte[] bytes, String source, java.util.function.Supplier<FenceSet> set) {
        SharedFenceIndexes.Entry next = SharedFenceIndexes.acquire(bytes, source, h3Resolution, set);
        SharedFenceIndexes.release(shared);
        shared = next;
        index = next.index;
        cells = next.cells;
        indexedBytes = bytes;
    }

    @Override
    public void close() throws Exception {
        SharedFenceIndexes.release(shared);
        shared = null;
        super.close();
    }

    @Override
    public void open(OpenContext openContext) {
        use(initialFences, initialSource, () -> load(initialFences, initialSource));
        updatesAccepted = getRuntimeContext().getMetricGroup().counter("fenceUpdatesAccepted");
        updatesRejected = getRuntimeContext().getMetricGroup().counter("fenceUpdatesRejected");
        getRuntimeContext().getMetricGroup().gauge("fenceSetVersion", () -> index.fenceSet().version());
    }

    @Override
    public void processElement(BikePosition p, ReadOnlyContext ctx, Collector<ClassifiedPosition> out)
            throws Exception {
        byte[] current = ctx.getBroadcastState(FENCE_STATE).get(CURRENT);
        if (current != null && current != indexedBytes) {
            // After a restore the state holds a set this instance has not indexed yet; it was validated
            // when it was accepted.
            use(current, "restored fence state", () -> load(current, "restored fence state"));
        }
        out.collect(classify(index, cells, p));
    }

    @Override
    public void processBroadcastElement(FenceUpdate u, Context ctx, Collector<ClassifiedPosition> out)
            throws Exception {
        FenceSetEvent e = new FenceSetEvent();
        e.publishedAt = u.publishedAt;
        e.source = u.source;
        FenceSet set;
        try {
            set = load(u.content, "fence update " + u.source);
        } catch (RuntimeException ex) {
            updatesRejected.inc();
            e.accepted = false;
            e.reason = truncate(String.valueOf(ex.getMessage()));
            LOG.error("Rejected fence update {} ({}); keeping fence set {}: {}", u.source, u.name,
                    index.fenceSet().version(), e.reason);
            ctx.output(FENCE_SET_EVENTS, e);
            return;
        }
        BroadcastState<String, byte[]> state = ctx.getBroadcastState(FENCE_STATE);
        state.put(CURRENT, u.content);
        use(u.content, "fence update " + u.source, () -> set);
        updatesAccepted.inc();
        e.accepted = true;
        e.version = set.version();
        e.fences = set.fences().size();
        LOG.info("Fence set {} ({} fences) from {} is now active", set.version(), e.fences, u.source);
        ctx.output(FENCE_SET_EVENTS, e);
    }

    /**
     * Classification itself: the fences' {@link Verdict} for the position's operator at its event time (a
     * no-park fence wins; a key-control zone counts as no-park, with its own grace period, outside every
     * parking fence; see {@link Verdict}), which {@code fences classify} prints too. A position inside a scheduled
     * zone also carries that zone's period in force ({@link Verdict.ScheduledZone}), so the tracker can switch the
     * zone on and off at the period's start and end while the bike stands without reporting.
     */
    static ClassifiedPosition classify(FenceIndex index, BikePosition p) {
        Verdict v = index.verdict(p.lat, p.lng, p.operator, p.ts);
        ClassifiedPosition c = new ClassifiedPosition(p, v.zoneId(), v.parkingId(), v.inOperatingArea(),
                v.fenceSetVersion());
        c.parkingCapacity = v.parkingCapacity();
        c.noParkGraceMs = v.zoneGraceMs();
        Verdict.ScheduledZone z = v.scheduled();
        if (z != null) {
            c.scheduledFenceId = z.fence().id();
            c.scheduledGraceMs = z.graceMs();
            c.scheduledFrom = z.from();
            c.scheduledUntil = z.until();
        }
        return c;
    }

    /** {@link #classify(FenceIndex, BikePosition)} with the position's H3 cell (accumulation counts on cells). */
    static ClassifiedPosition classify(FenceIndex index, H3Cells cells, BikePosition p) {
        ClassifiedPosition c = classify(index, p);
        c.h3Cell = cells.h3Cell(p.lat, p.lng);
        return c;
    }

    /** Any format the geofence engine reads (GeoJSON, city CSV, GBFS geofencing zones, MDS geographies). */
    static FenceSet load(byte[] content, String source) {
        return FenceLoaders.load(content, source, LoadOptions.defaults()).fences();
    }

    private static String truncate(String s) {
        return s.length() <= MAX_REASON_CHARS ? s : s.substring(0, MAX_REASON_CHARS) + " ...";
    }
}
