package org.bikefence.replay;

import java.io.IOException;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * A split of a replay: a run of input files read in order by one reader, and how far it has been read. By
 * default a replay is one split of all files (their order is the order of the records); with key-partitioned
 * files ({@code --key-partitioned}) each file is a split of its own. A finished split stays in the state, with the
 * latest event time it emitted, until the whole replay ends (see {@link ReplayEnumerator}).
 */
public final class ReplaySplit implements SourceSplit {
    /** Number of the split: its first file in a partitioned replay, 0 for the one split of all files. */
    final int index;
    /** The files of the split: {@code firstFile} up to {@code endFile} (exclusive). */
    final int firstFile;
    final int endFile;
    /** Position: the file being read and the lines of it already emitted. */
    final int fileIndex;
    final long linesDone;
    /** Records emitted so far, and the latest event time among them ({@link Long#MIN_VALUE}: none yet). */
    final long records;
    final long maxTs;
    /**
     * The archive time of the file being read: the event time of its latest emitted record that had one
     * ({@link Long#MIN_VALUE}: none yet). Records without an event time are stamped with it (see
     * {@link ReplayReader}), so a restored replay stamps them as a replay without failure does.
     */
    final long fileTs;
    final boolean finished;

    ReplaySplit(int index, int firstFile, int endFile, int fileIndex, long linesDone, long records, long maxTs,
            boolean finished) {
        this(index, firstFile, endFile, fileIndex, linesDone, records, maxTs, Long.MIN_VALUE, finished);
    }

    ReplaySplit(int index, int firstFile, int endFile, int fileIndex, long linesDone, long records, long maxTs,
            long fileTs, boolean finished) {
        this.index = index;
        this.firstFile = firstFile;
        this.endFile = endFile;
        this.fileIndex = fileIndex;
        this.linesDone = linesDone;
        this.records = records;
        this.maxTs = maxTs;
        this.fileTs = fileTs;
        this.finished = finished;
    }

    /** The split of files {@code first} to {@code end} (exclusive), at its start. */
    static ReplaySplit of(int index, int first, int end) {
        return new ReplaySplit(index, first, end, first, 0, 0, Long.MIN_VALUE, false);
    }

    ReplaySplit at(int file, long lines, long emitted, long latest) {
        return at(file, lines, emitted, latest, Long.MIN_VALUE);
    }

    ReplaySplit at(int file, long lines, long emitted, long latest, long latestOfFile) {
        return new ReplaySplit(index, firstFile, endFile, file, lines, emitted, latest, latestOfFile, false);
    }

    ReplaySplit finished(long emitted, long latest) {
        return new ReplaySplit(index, firstFile, endFile, endFile, 0, emitted, latest, true);
    }

    @Override
    public String splitId() {
        return "replay-" + index;
    }

    @Override
    public String toString() {
        return "ReplaySplit{" + index + ": files " + firstFile + ".." + (endFile - 1) + (finished ? ", finished"
                : ", file " + fileIndex + ", line " + linesDone) + ", records " + records + ", max ts " + maxTs + ", file ts " + fileTs + "}";
    }

    /** Serializes a split field by field. */
    static final class Serializer implements SimpleVersionedSerializer<ReplaySplit> {
        static final Serializer INSTANCE = new Serializer();

        @Override
        public int getVersion() {
            return 3;
        }

        @Override
        public byte[] serialize(ReplaySplit s) throws IOException {
            DataOutputSerializer out = new DataOutputSerializer(48);
            out.writeInt(s.index);
            out.writeInt(s.firstFile);
            out.writeInt(s.endFile);
            out.writeInt(s.fileIndex);
            out.writeLong(s.linesDone);
            out.writeLong(s.records);
            out.writeLong(s.maxTs);
            out.writeBoolean(s.finished);
            out.writeLong(s.fileTs);
            return out.getCopyOfBuffer();
        }

        @Override
        public ReplaySplit deserialize(int version, byte[] bytes) throws IOException {
            DataInputDeserializer in = new DataInputDeserializer(bytes);
            if (version == 1) {
                // The one split of all files, as replays before partitioned reading had it.
                return new ReplaySplit(0, 0, Integer.MAX_VALUE, in.readInt(), in.readLong(), in.readLong(),
                        Long.MIN_VALUE, false);
            }
            if (version != 2 && version != 3) {
                throw new IOException("unknown replay split version " + version);
            }
            int index = in.readInt();
            int firstFile = in.readInt();
            int endFile = in.readInt();
            int fileIndex = in.readInt();
            long linesDone = in.readLong();
            long records = in.readLong();
            long maxTs = in.readLong();
            boolean finished = in.readBoolean();
            // Version 2 had no file time: records without an event time up to the file's next one are stamped
            // with that next one's (the reader looks ahead), as at a file's start.
            long fileTs = version == 3 ? in.readLong() : Long.MIN_VALUE;
            return new ReplaySplit(index, firstFile, endFile, fileIndex, linesDone, records, maxTs, fileTs,
                    finished);
        }
    }
}
