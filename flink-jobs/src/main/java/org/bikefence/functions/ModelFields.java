package org.bikefence.functions;

import java.io.IOException;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;
import org.bikefence.model.BikeFact;
import org.bikefence.model.BikeState;
import org.bikefence.model.ViolationEvent;

/**
 * The field-by-field formats the job's own serializers share: strings through {@link StringValue} (null and any
 * length), enums as their ordinal in a byte (-1 for null), the nested model types in a fixed field order. Each
 * serializer's round trip over every public field is checked by {@code ModelSerializersTest}, so a field added to
 * a model class and not here fails the build.
 */
final class ModelFields {
    private static final byte NULL = -1;
    private static final BikeState[] STATES = BikeState.values();
    private static final ViolationEvent.Kind[] VIOLATION_KINDS = ViolationEvent.Kind.values();
    private static final ViolationEvent.Type[] VIOLATION_TYPES = ViolationEvent.Type.values();
    private static final BikeFact.Kind[] FACT_KINDS = BikeFact.Kind.values();

    private ModelFields() {}

    static void writeString(String s, DataOutputView out) throws IOException {
        StringValue.writeString(s, out);
    }

    static String readString(DataInputView in) throws IOException {
        return StringValue.readString(in);
    }

    static void writeEnum(Enum<?> e, DataOutputView out) throws IOException {
        out.writeByte(e == null ? NULL : e.ordinal());
    }

    static <E> E readEnum(E[] values, DataInputView in) throws IOException {
        byte b = in.readByte();
        return b == NULL ? null : values[b];
    }

    static BikeState readState(DataInputView in) throws IOException {
        return readEnum(STATES, in);
    }

    static void writeViolation(ViolationEvent v, DataOutputView out) throws IOException {
        out.writeBoolean(v != null);
        if (v == null) {
            return;
        }
        writeEnum(v.kind, out);
        writeEnum(v.type, out);
        writeString(v.operator, out);
        writeString(v.bikeId, out);
        writeString(v.fenceId, out);
        out.writeDouble(v.lat);
        out.writeDouble(v.lng);
        out.writeLong(v.parkedSince);
        out.writeLong(v.openedAt);
        out.writeLong(v.closedAt);
        writeString(v.fenceSetVersion, out);
    }

    static ViolationEvent readViolation(DataInputView in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        ViolationEvent v = new ViolationEvent();
        v.kind = readEnum(VIOLATION_KINDS, in);
        v.type = readEnum(VIOLATION_TYPES, in);
        v.operator = readString(in);
        v.bikeId = readString(in);
        v.fenceId = readString(in);
        v.lat = in.readDouble();
        v.lng = in.readDouble();
        v.parkedSince = in.readLong();
        v.openedAt = in.readLong();
        v.closedAt = in.readLong();
        v.fenceSetVersion = readString(in);
        return v;
    }

    static void writeFact(BikeFact f, DataOutputView out) throws IOException {
        out.writeBoolean(f != null);
        if (f == null) {
            return;
        }
        writeEnum(f.kind, out);
        writeString(f.operator, out);
        writeString(f.bikeId, out);
        out.writeLong(f.ts);
        out.writeDouble(f.lat);
        out.writeDouble(f.lng);
        writeString(f.parkingFenceId, out);
        out.writeInt(f.parkingCapacity);
        out.writeLong(f.h3Cell);
        out.writeBoolean(f.inNoPark);
        out.writeBoolean(f.inOperatingArea);
        out.writeLong(f.durationMs);
    }

    static BikeFact readFact(DataInputView in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        BikeFact f = new BikeFact();
        f.kind = readEnum(FACT_KINDS, in);
        f.operator = readString(in);
        f.bikeId = readString(in);
        f.ts = in.readLong();
        f.lat = in.readDouble();
        f.lng = in.readDouble();
        f.parkingFenceId = readString(in);
        f.parkingCapacity = in.readInt();
        f.h3Cell = in.readLong();
        f.inNoPark = in.readBoolean();
        f.inOperatingArea = in.readBoolean();
        f.durationMs = in.readLong();
        return f;
    }
}
