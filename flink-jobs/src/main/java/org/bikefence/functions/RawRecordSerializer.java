package org.bikefence.functions;

import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.bikefence.model.RawRecord;

/**
 * Serializes {@link RawRecord}s, the positions source's records (Kafka or replay files), into the chained decoder.
 * Immutable once read (nothing downstream changes its bytes), so the copy into the decoder is the record itself
 * instead of Flink's reflective copy of both byte arrays.
 */
public final class RawRecordSerializer extends ImmutableSerializer<RawRecord> {
    private static final long serialVersionUID = 1L;
    public static final RawRecordSerializer INSTANCE = new RawRecordSerializer();
    /** The type information of the positions source's records. */
    public static final TypeInformation<RawRecord> TYPE = new SerializerTypeInfo<>(RawRecord.class, INSTANCE);

    @Override
    public void serialize(RawRecord r, DataOutputView out) throws IOException {
        writeBytes(r.key, out);
        writeBytes(r.value, out);
        ModelFields.writeString(r.topic, out);
        out.writeInt(r.partition);
        out.writeLong(r.offset);
        out.writeLong(r.kafkaTimestamp);
    }

    @Override
    public RawRecord deserialize(DataInputView in) throws IOException {
        RawRecord r = new RawRecord();
        r.key = readBytes(in);
        r.value = readBytes(in);
        r.topic = ModelFields.readString(in);
        r.partition = in.readInt();
        r.offset = in.readLong();
        r.kafkaTimestamp = in.readLong();
        return r;
    }

    private static void writeBytes(byte[] b, DataOutputView out) throws IOException {
        out.writeInt(b == null ? -1 : b.length);
        if (b != null) {
            out.write(b);
        }
    }

    private static byte[] readBytes(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    @Override
    public TypeSerializerSnapshot<RawRecord> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Snapshot of the (configuration-less) serializer. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<RawRecord> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
