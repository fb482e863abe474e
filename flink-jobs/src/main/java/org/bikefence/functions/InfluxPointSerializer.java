package org.bikefence.functions;

import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.bikefence.influx.InfluxPoint;
import org.bikefence.influx.InfluxSchema;

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

    /**
     * The names the schema defines ({@link InfluxSchema}'s string constants: measurements, tag and field keys, and
     * values such as statuses), each sent as its one-byte index instead of its characters; any other string goes as
     * a 0 and its UTF. A point's measurement and keys are nearly always these, so the receiving side builds no string
     * for them. Only on the wire between operators of one job (no state holds points), so the table may change with
     * the schema.
     */
    private static final String[] NAMES = schemaNames();
    private static final java.util.Map<String, Integer> INDEX = new java.util.HashMap<>();

    static {
        for (int i = 0; i < NAMES.length; i++) {
            INDEX.put(NAMES[i], i + 1);
        }
    }

    private static String[] schemaNames() {
        java.util.TreeSet<String> names = new java.util.TreeSet<>();
        for (java.lang.reflect.Field f : InfluxSchema.class.getFields()) {
            int m = f.getModifiers();
            if (f.getType() == String.class && java.lang.reflect.Modifier.isStatic(m)
                    && java.lang.reflect.Modifier.isFinal(m)) {
                try {
                    names.add((String) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException("cannot read InfluxSchema." + f.getName(), e);
                }
            }
        }
        if (names.size() > 255) {
            throw new IllegalStateException("InfluxSchema has " + names.size() + " names, more than a byte indexes");
        }
        return names.toArray(new String[0]);
    }

    private static void writeName(String s, DataOutputView out) throws IOException {
        Integer i = INDEX.get(s);
        if (i != null) {
            out.writeByte(i);
        } else {
            out.writeByte(0);
            out.writeUTF(s);
        }
    }

    private static String readName(DataInputView in) throws IOException {
        int i = in.readUnsignedByte();
        return i == 0 ? in.readUTF() : NAMES[i - 1];
    }

    @Override
    public void serialize(InfluxPoint p, DataOutputView out) throws IOException {
        writeName(p.measurement(), out);
        int tags = p.tagCount();
        out.writeInt(tags);
        for (int i = 0; i < tags; i++) {
            writeName(p.tagKey(i), out);
            writeName(p.tagValue(i), out);
        }
        int fields = p.fieldCount();
        out.writeInt(fields);
        for (int i = 0; i < fields; i++) {
            String key = p.fieldKey(i);
            writeName(key, out);
            Object v = p.fieldValue(i);
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
                throw new IOException("field '" + key + "' of " + p.measurement() + " has a value of type "
                        + v.getClass().getName() + ", which InfluxPoint does not make");
            }
        }
        out.writeLong(p.timeMs());
    }

    @Override
    public InfluxPoint deserialize(DataInputView in) throws IOException {
        InfluxPoint.Builder b = InfluxPoint.measurement(readName(in));
        for (int i = in.readInt(); i > 0; i--) {
            b.tag(readName(in), readName(in));
        }
        for (int i = in.readInt(); i > 0; i--) {
            String key = readName(in);
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
