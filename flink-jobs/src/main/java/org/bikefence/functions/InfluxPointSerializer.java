package org.bikefence.functions;

import java.io.IOException;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.bikefence.influx.InfluxPoint;

/** Serializes {@link InfluxPoint}s between the job's operators and its InfluxDB sink: measurement, tags, fields, time. */
public final class InfluxPointSerializer extends ImmutableSerializer<InfluxPoint> {
    private static final long serialVersionUID = 1L;
    public static final InfluxPointSerializer INSTANCE = new InfluxPointSerializer();
    /** The type information of every stream of InfluxDB points. */
    public static final TypeInformation<InfluxPoint> TYPE = new SerializerTypeInfo<>(InfluxPoint.class, INSTANCE);

    private static final byte LONG = 0;
    private static final byte DOUBLE = 1;
    private static final byte BOOLEAN = 2;
    private static final byte STRING = 3;

    @Override
    public void serialize(InfluxPoint p, DataOutputView out) throws IOException {
        out.writeUTF(p.measurement());
        Map<String, String> tags = p.tags();
        out.writeInt(tags.size());
        for (Map.Entry<String, String> t : tags.entrySet()) {
            out.writeUTF(t.getKey());
            out.writeUTF(t.getValue());
        }
        Map<String, Object> fields = p.fields();
        out.writeInt(fields.size());
        for (Map.Entry<String, Object> f : fields.entrySet()) {
            out.writeUTF(f.getKey());
            Object v = f.getValue();
            if (v instanceof Long l) {
                out.writeByte(LONG);
                out.writeLong(l);
            } else if (v instanceof Double d) {
                out.writeByte(DOUBLE);
                out.writeDouble(d);
            } else if (v instanceof Boolean b) {
                out.writeByte(BOOLEAN);
                out.writeBoolean(b);
            } else if (v instanceof String s) {
                out.writeByte(STRING);
                // writeUTF is limited to 64 KiB; string fields (evidence ids) may be longer.
                byte[] bytes = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                out.writeInt(bytes.length);
                out.write(bytes);
            } else {
                throw new IOException("field '" + f.getKey() + "' of " + p.measurement() + " has a value of type "
                        + v.getClass().getName() + ", which InfluxPoint does not make");
            }
        }
        out.writeLong(p.timeMs());
    }

    @Override
    public InfluxPoint deserialize(DataInputView in) throws IOException {
        InfluxPoint.Builder b = InfluxPoint.measurement(in.readUTF());
        for (int i = in.readInt(); i > 0; i--) {
            b.tag(in.readUTF(), in.readUTF());
        }
        for (int i = in.readInt(); i > 0; i--) {
            String key = in.readUTF();
            byte kind = in.readByte();
            switch (kind) {
                case LONG -> b.field(key, in.readLong());
                case DOUBLE -> b.field(key, in.readDouble());
                case BOOLEAN -> b.field(key, in.readBoolean());
                case STRING -> {
                    byte[] bytes = new byte[in.readInt()];
                    in.readFully(bytes);
                    b.field(key, new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
                }
                default -> throw new IOException("unknown field kind " + kind + " of field '" + key + "'");
            }
        }
        return b.time(in.readLong()).build();
    }

    @Override
    public TypeSerializerSnapshot<InfluxPoint> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Snapshot of the (configuration-less) serializer. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<InfluxPoint> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
