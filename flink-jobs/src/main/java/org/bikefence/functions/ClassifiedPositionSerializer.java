package org.bikefence.functions;

import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;
import org.bikefence.model.BikeState;
import org.bikefence.model.ClassifiedPosition;

/**
 * Serializes {@link ClassifiedPosition}s, the one type every record carries across the network (into the bike
 * tracker), field by field in a fixed order: Flink's reflective POJO serializer cost several times as much.
 */
public final class ClassifiedPositionSerializer extends TypeSerializerSingleton<ClassifiedPosition> {
    private static final long serialVersionUID = 1L;
    public static final ClassifiedPositionSerializer INSTANCE = new ClassifiedPositionSerializer();
    /** The type information of the classified positions' stream. */
    public static final TypeInformation<ClassifiedPosition> TYPE =
            new SerializerTypeInfo<>(ClassifiedPosition.class, INSTANCE);

    private static final BikeState[] STATES = BikeState.values();
    private static final byte NO_STATE = -1;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public ClassifiedPosition createInstance() {
        return new ClassifiedPosition();
    }

    @Override
    public ClassifiedPosition copy(ClassifiedPosition from) {
        ClassifiedPosition c = new ClassifiedPosition();
        c.operator = from.operator;
        c.bikeId = from.bikeId;
        c.ts = from.ts;
        c.lat = from.lat;
        c.lng = from.lng;
        c.state = from.state;
        c.receivedAt = from.receivedAt;
        c.noParkFenceId = from.noParkFenceId;
        c.noParkGraceMs = from.noParkGraceMs;
        c.scheduledFenceId = from.scheduledFenceId;
        c.scheduledGraceMs = from.scheduledGraceMs;
        c.scheduledFrom = from.scheduledFrom;
        c.scheduledUntil = from.scheduledUntil;
        c.parkingFenceId = from.parkingFenceId;
        c.parkingCapacity = from.parkingCapacity;
        c.h3Cell = from.h3Cell;
        c.inOperatingArea = from.inOperatingArea;
        c.fenceSetVersion = from.fenceSetVersion;
        return c;
    }

    @Override
    public ClassifiedPosition copy(ClassifiedPosition from, ClassifiedPosition reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(ClassifiedPosition p, DataOutputView out) throws IOException {
        // StringValue writes null and strings of any length (writeUTF stops at 64 KiB).
        StringValue.writeString(p.operator, out);
        StringValue.writeString(p.bikeId, out);
        out.writeLong(p.ts);
        out.writeDouble(p.lat);
        out.writeDouble(p.lng);
        out.writeByte(p.state == null ? NO_STATE : p.state.ordinal());
        out.writeLong(p.receivedAt);
        StringValue.writeString(p.noParkFenceId, out);
        out.writeLong(p.noParkGraceMs);
        // Most positions are in no scheduled zone: one byte for them, the period only with a zone.
        StringValue.writeString(p.scheduledFenceId, out);
        if (p.scheduledFenceId != null) {
            out.writeLong(p.scheduledGraceMs);
            out.writeLong(p.scheduledFrom);
            out.writeLong(p.scheduledUntil);
        }
        StringValue.writeString(p.parkingFenceId, out);
        out.writeInt(p.parkingCapacity);
        out.writeLong(p.h3Cell);
        out.writeBoolean(p.inOperatingArea);
        StringValue.writeString(p.fenceSetVersion, out);
    }

    @Override
    public ClassifiedPosition deserialize(DataInputView in) throws IOException {
        ClassifiedPosition p = new ClassifiedPosition();
        p.operator = StringValue.readString(in);
        p.bikeId = StringValue.readString(in);
        p.ts = in.readLong();
        p.lat = in.readDouble();
        p.lng = in.readDouble();
        byte state = in.readByte();
        p.state = state == NO_STATE ? null : STATES[state];
        p.receivedAt = in.readLong();
        p.noParkFenceId = StringValue.readString(in);
        p.noParkGraceMs = in.readLong();
        p.scheduledFenceId = StringValue.readString(in);
        if (p.scheduledFenceId != null) {
            p.scheduledGraceMs = in.readLong();
            p.scheduledFrom = in.readLong();
            p.scheduledUntil = in.readLong();
        }
        p.parkingFenceId = StringValue.readString(in);
        p.parkingCapacity = in.readInt();
        p.h3Cell = in.readLong();
        p.inOperatingArea = in.readBoolean();
        p.fenceSetVersion = StringValue.readString(in);
        return p;
    }

    @Override
    public ClassifiedPosition deserialize(ClassifiedPosition reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public TypeSerializerSnapshot<ClassifiedPosition> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Snapshot of the (configuration-less) serializer. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<ClassifiedPosition> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
