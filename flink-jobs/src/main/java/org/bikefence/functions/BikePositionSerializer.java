package org.bikefence.functions;

import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.bikefence.model.BikePosition;

/**
 * Serializes {@link BikePosition}s, decoded and validated, between the chained steps before classification.
 * Immutable once emitted (classification makes a new {@code ClassifiedPosition}), so a copy between chained
 * operators is the position itself instead of a reflective field-by-field copy.
 */
public final class BikePositionSerializer extends ImmutableSerializer<BikePosition> {
    private static final long serialVersionUID = 1L;
    public static final BikePositionSerializer INSTANCE = new BikePositionSerializer();
    /** The type information of a stream of {@link BikePosition}s. */
    public static final TypeInformation<BikePosition> TYPE = new SerializerTypeInfo<>(BikePosition.class, INSTANCE);

    @Override
    public void serialize(BikePosition p, DataOutputView out) throws IOException {
        ModelFields.writeString(p.operator, out);
        ModelFields.writeString(p.bikeId, out);
        out.writeLong(p.ts);
        out.writeDouble(p.lat);
        out.writeDouble(p.lng);
        ModelFields.writeEnum(p.state, out);
        out.writeLong(p.receivedAt);
    }

    @Override
    public BikePosition deserialize(DataInputView in) throws IOException {
        BikePosition p = new BikePosition();
        p.operator = ModelFields.readString(in);
        p.bikeId = ModelFields.readString(in);
        p.ts = in.readLong();
        p.lat = in.readDouble();
        p.lng = in.readDouble();
        p.state = ModelFields.readState(in);
        p.receivedAt = in.readLong();
        return p;
    }

    @Override
    public TypeSerializerSnapshot<BikePosition> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Snapshot of the (configuration-less) serializer. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<BikePosition> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
