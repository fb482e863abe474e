package org.bikefence.functions;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.bikefence.geofence.FenceIndex;
import org.bikefence.geofence.H3Cells;
import org.bikefence.model.BikePosition;
import org.bikefence.model.ClassifiedPosition;

/**
 * Classifies each position against the fence set given at submission, for a job that takes no fence updates (a
 * replay, a job without a fences topic): the same classification as {@link ClassifyPositions}, as a one-input
 * step. Without the broadcast input the step chains to decoding (one serialization less per record), and no
 * second input can hold the positions' watermark back at start, so a watermark the source emits before it ends
 * always reaches the bike tracker (with a broadcast input that had not yet emitted its first watermark, it could
 * jump straight to the end of input, and the tracker's deadlines then waited for proof the bikes' reports do not
 * give).
 */
public class ClassifyStaticFences extends ProcessFunction<BikePosition, ClassifiedPosition> {
    private static final long serialVersionUID = 1L;

    private final byte[] fences;
    private final String source;
    private final int h3Resolution;

    private transient FenceIndex index;
    private transient H3Cells cells;
    private transient SharedFenceIndexes.Entry shared;

    public ClassifyStaticFences(byte[] fences, String source, int h3Resolution) {
        this.fences = fences;
        this.source = source;
        this.h3Resolution = h3Resolution;
    }

    @Override
    public void open(OpenContext openContext) {
        // One index per TaskManager for the same file, shared by the subtasks there (SharedFenceIndexes).
        shared = SharedFenceIndexes.acquire(fences, source, h3Resolution, () -> ClassifyPositions.load(fences, source));
        index = shared.index;
        cells = shared.cells;
        getRuntimeContext().getMetricGroup().gauge("fenceSetVersion", () -> index.fenceSet().version());
    }

    @Override
    public void close() throws Exception {
        SharedFenceIndexes.release(shared);
        shared = null;
        super.close();
    }

    @Override
    public void processElement(BikePosition p, Context ctx, Collector<ClassifiedPosition> out) {
        out.collect(ClassifyPositions.classify(index, cells, p));
    }
}
