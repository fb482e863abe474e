package org.bikefence.functions;

import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.bikefence.model.BikeFact;

/**
 * Serializes {@link BikeFact}s, the bike tracker's facts (to the accumulation). Immutable once emitted.
 */
public final class BikeFactSerializer extends ImmutableSerializer<BikeFact> {
    private static final long serialVersionUID = 1L;
    public static final BikeFactSerializer INSTANCE = new BikeFactSerializer();
    /** The type information of a stream of {@link BikeFact}s. */
    public static final TypeInformation<BikeFact> TYPE = new SerializerTypeInfo<>(BikeFact.class, INSTANCE);

    @Override
    public void serialize(BikeFact f, DataOutputView out) throws IOException {
        ModelFields.writeFact(f, out);
    }

    @Override
    public BikeFact deserialize(DataInputView in) throws IOException {
        return ModelFields.readFact(in);
    }

    @Override
    public TypeSerializerSnapshot<BikeFact> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Snapshot of the (configuration-less) serializer. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<BikeFact> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
