package org.bikefence.functions;

import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.bikefence.metrics.MonthSoFar;

/** Serializes {@link MonthSoFar} from the per-operator metrics to the city-wide assessment (no Kryo). */
public final class MonthSoFarSerializer extends ImmutableSerializer<MonthSoFar> {
    private static final long serialVersionUID = 1L;
    public static final MonthSoFarSerializer INSTANCE = new MonthSoFarSerializer();
    public static final TypeInformation<MonthSoFar> TYPE = new SerializerTypeInfo<>(MonthSoFar.class, INSTANCE);

    @Override
    public void serialize(MonthSoFar m, DataOutputView out) throws IOException {
        MonthMetricsSerializer.write(m.metrics(), out);
        out.writeLong(m.asOf());
    }

    @Override
    public MonthSoFar deserialize(DataInputView in) throws IOException {
        return new MonthSoFar(MonthMetricsSerializer.read(in), in.readLong());
    }

    @Override
    public TypeSerializerSnapshot<MonthSoFar> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Snapshot of the (configuration-less) serializer. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<MonthSoFar> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
