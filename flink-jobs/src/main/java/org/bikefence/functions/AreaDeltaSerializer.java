package org.bikefence.functions;

import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.bikefence.model.AreaDelta;

/**
 * Serializes {@link AreaDelta}s, keyed by area into the accumulation and held there between barriers.
 * Immutable once made.
 */
public final class AreaDeltaSerializer extends ImmutableSerializer<AreaDelta> {
    private static final long serialVersionUID = 1L;
    public static final AreaDeltaSerializer INSTANCE = new AreaDeltaSerializer();
    /** The type information of a stream of {@link AreaDelta}s. */
    public static final TypeInformation<AreaDelta> TYPE = new SerializerTypeInfo<>(AreaDelta.class, INSTANCE);

    private static final AreaDelta.Area[] AREAS = AreaDelta.Area.values();

    @Override
    public void serialize(AreaDelta d, DataOutputView out) throws IOException {
        ModelFields.writeEnum(d.area, out);
        ModelFields.writeString(d.areaId, out);
        out.writeLong(d.limit);
        ModelFields.writeString(d.operator, out);
        out.writeInt(d.delta);
        out.writeLong(d.ts);
    }

    @Override
    public AreaDelta deserialize(DataInputView in) throws IOException {
        AreaDelta d = new AreaDelta();
        d.area = ModelFields.readEnum(AREAS, in);
        d.areaId = ModelFields.readString(in);
        d.limit = in.readLong();
        d.operator = ModelFields.readString(in);
        d.delta = in.readInt();
        d.ts = in.readLong();
        return d;
    }

    @Override
    public TypeSerializerSnapshot<AreaDelta> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Snapshot of the (configuration-less) serializer. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<AreaDelta> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
