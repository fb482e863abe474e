package org.bikefence.functions;

import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.bikefence.model.ViolationEvent;

/**
 * Serializes {@link ViolationEvent}s, the bike tracker's main output (to the violations topic and InfluxDB).
 * Immutable once emitted ({@code BikeRules} makes a new event for every opening and closing).
 */
public final class ViolationEventSerializer extends ImmutableSerializer<ViolationEvent> {
    private static final long serialVersionUID = 1L;
    public static final ViolationEventSerializer INSTANCE = new ViolationEventSerializer();
    /** The type information of a stream of {@link ViolationEvent}s. */
    public static final TypeInformation<ViolationEvent> TYPE = new SerializerTypeInfo<>(ViolationEvent.class, INSTANCE);

    @Override
    public void serialize(ViolationEvent v, DataOutputView out) throws IOException {
        ModelFields.writeViolation(v, out);
    }

    @Override
    public ViolationEvent deserialize(DataInputView in) throws IOException {
        return ModelFields.readViolation(in);
    }

    @Override
    public TypeSerializerSnapshot<ViolationEvent> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Snapshot of the (configuration-less) serializer. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<ViolationEvent> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
