package org.bikefence.operator;

import java.io.ByteArrayInputStream;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.bikefence.geofence.Fence;
import org.bikefence.geofence.FenceIndex;
import org.bikefence.geofence.FenceKind;
import org.bikefence.geofence.FenceSet;
import org.bikefence.geofence.GeoJsonFenceLoader;
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

    private transient FenceIndex index;
    private transient byte[] indexedBytes;
    private transient Counter updatesAccepted;
    private transient Counter updatesRejected;

    public ClassifyPositions(byte[] initialFences, String initialSource) {
        this.initialFences = initialFences;
        this.initialSource = initialSource;
    }

    @Override
    public void open(OpenContext openContext) {
        index = FenceIndex.build(load(initialFences, initialSource));
        indexedBytes = initialFences;
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
            index = FenceIndex.build(load(current, "restored fence state"));
            indexedBytes = current;
        }
        out.collect(classify(index, p));
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
        index = FenceIndex.build(set);
        indexedBytes = u.content;
        updatesAccepted.inc();
        e.accepted = true;
        e.version = set.version();
        e.fences = set.fences().size();
        LOG.info("Fence set {} ({} fences) from {} is now active", set.version(), e.fences, u.source);
        ctx.output(FENCE_SET_EVENTS, e);
    }

    /** Classification itself: the fences covering the position that apply to its operator. */
    static ClassifiedPosition classify(FenceIndex index, BikePosition p) {
        String noPark = null;
        String parking = null;
        boolean inArea = false;
        // covering() returns fences ordered by id, so the first match is the smallest id: deterministic.
        for (Fence f : index.covering(p.lat, p.lng)) {
            if (!f.appliesTo(p.operator)) {
                continue;
            }
            FenceKind kind = f.kind();
            if (kind == FenceKind.NO_PARK && noPark == null) {
                noPark = f.id();
            } else if (kind == FenceKind.PARKING && parking == null) {
                parking = f.id();
            } else if (kind == FenceKind.OPERATING_AREA) {
                inArea = true;
            }
        }
        return new ClassifiedPosition(p, noPark, parking, inArea, index.fenceSet().version());
    }

    private static FenceSet load(byte[] content, String source) {
        return GeoJsonFenceLoader.load(new ByteArrayInputStream(content), source);
    }

    private static String truncate(String s) {
        return s.length() <= MAX_REASON_CHARS ? s : s.substring(0, MAX_REASON_CHARS) + " ...";
    }
}
