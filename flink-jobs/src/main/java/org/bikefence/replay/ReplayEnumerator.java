package org.bikefence.replay;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * Hands the replay's single split to reader 0 and tells every reader there is nothing more, so one reader
 * reads all files in order and the other source subtasks finish at once (their end-of-input watermark
 * releases the event-time operators downstream). Reader 0 also keeps the dead letters in the one file.
 */
final class ReplayEnumerator implements SplitEnumerator<ReplaySplit, List<ReplaySplit>> {
    static final int READER = 0;

    private final SplitEnumeratorContext<ReplaySplit> context;
    private final List<ReplaySplit> pending;

    ReplayEnumerator(SplitEnumeratorContext<ReplaySplit> context, List<ReplaySplit> pending) {
        this.context = context;
        this.pending = new ArrayList<>(pending);
    }

    @Override
    public void start() {}

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {
        if (subtaskId == READER) {
            for (ReplaySplit s : pending) {
                context.assignSplit(s, subtaskId);
            }
            pending.clear();
        }
        context.signalNoMoreSplits(subtaskId);
    }

    @Override
    public void addSplitsBack(List<ReplaySplit> splits, int subtaskId) {
        pending.addAll(splits);
    }

    @Override
    public void addReader(int subtaskId) {}

    @Override
    public List<ReplaySplit> snapshotState(long checkpointId) {
        return new ArrayList<>(pending);
    }

    @Override
    public void close() {}

    /** The enumerator's checkpoint: the splits not yet assigned. */
    static final class StateSerializer implements SimpleVersionedSerializer<List<ReplaySplit>> {
        static final StateSerializer INSTANCE = new StateSerializer();

        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(List<ReplaySplit> splits) throws IOException {
            DataOutputSerializer out = new DataOutputSerializer(64);
            out.writeInt(splits.size());
            for (ReplaySplit s : splits) {
                byte[] b = ReplaySplit.Serializer.INSTANCE.serialize(s);
                out.writeInt(b.length);
                out.write(b);
            }
            return out.getCopyOfBuffer();
        }

        @Override
        public List<ReplaySplit> deserialize(int version, byte[] bytes) throws IOException {
            if (version != 1) {
                throw new IOException("unknown replay enumerator state version " + version);
            }
            DataInputDeserializer in = new DataInputDeserializer(bytes);
            int n = in.readInt();
            List<ReplaySplit> splits = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                byte[] b = new byte[in.readInt()];
                in.readFully(b);
                splits.add(ReplaySplit.Serializer.INSTANCE.deserialize(1, b));
            }
            return splits;
        }
    }
}
