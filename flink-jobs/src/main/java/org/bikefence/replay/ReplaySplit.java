package org.bikefence.replay;

import java.io.IOException;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * The one split of a replay: all input files, in order, and how far they have been read. One split (not
 * one per file) is what keeps the whole input in file order.
 */
public final class ReplaySplit implements SourceSplit {
    final int fileIndex;
    final long linesDone;
    final long records;

    ReplaySplit(int fileIndex, long linesDone, long records) {
        this.fileIndex = fileIndex;
        this.linesDone = linesDone;
        this.records = records;
    }

    static ReplaySplit atStart() {
        return new ReplaySplit(0, 0, 0);
    }

    @Override
    public String splitId() {
        return "replay";
    }

    @Override
    public String toString() {
        return "ReplaySplit{file " + fileIndex + ", line " + linesDone + ", records " + records + "}";
    }

    /** Serializes a split as file index, lines done and records emitted. */
    static final class Serializer implements SimpleVersionedSerializer<ReplaySplit> {
        static final Serializer INSTANCE = new Serializer();

        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(ReplaySplit s) throws IOException {
            DataOutputSerializer out = new DataOutputSerializer(20);
            out.writeInt(s.fileIndex);
            out.writeLong(s.linesDone);
            out.writeLong(s.records);
            return out.getCopyOfBuffer();
        }

        @Override
        public ReplaySplit deserialize(int version, byte[] bytes) throws IOException {
            if (version != 1) {
                throw new IOException("unknown replay split version " + version);
            }
            DataInputDeserializer in = new DataInputDeserializer(bytes);
            return new ReplaySplit(in.readInt(), in.readLong(), in.readLong());
        }
    }
}
