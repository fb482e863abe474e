package org.bikefence.functions;

import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.bikefence.model.AreaDelta;
import org.bikefence.model.OperatorSignal;

/**
 * Serializes {@link OperatorSignal}s: what the operator's month counts, made per report by the bike tracker and
 * folded by the chained {@link MinuteSlicer}, which keeps the ones that leave evidence. Immutable once emitted
 * (its {@code firsts} are set before), so the copy into the chained slicer is the signal itself: with Flink's
 * reflective POJO copy this hand-off was about a sixth of the tracker's time.
 */
public final class OperatorSignalSerializer extends ImmutableSerializer<OperatorSignal> {
    private static final long serialVersionUID = 1L;
    public static final OperatorSignalSerializer INSTANCE = new OperatorSignalSerializer();
    /** The type information of a stream of {@link OperatorSignal}s. */
    public static final TypeInformation<OperatorSignal> TYPE = new SerializerTypeInfo<>(OperatorSignal.class, INSTANCE);

    private static final OperatorSignal.Kind[] KINDS = OperatorSignal.Kind.values();
    private static final AreaDelta.Area[] AREAS = AreaDelta.Area.values();

    @Override
    public void serialize(OperatorSignal s, DataOutputView out) throws IOException {
        ModelFields.writeEnum(s.kind, out);
        ModelFields.writeString(s.operator, out);
        ModelFields.writeString(s.bikeId, out);
        out.writeLong(s.ts);
        ModelFields.writeEnum(s.state, out);
        out.writeLong(s.arrivalDelayMs);
        out.writeBoolean(s.inNoPark);
        ModelFields.writeViolation(s.violation, out);
        ModelFields.writeFact(s.fact, out);
        ModelFields.writeEnum(s.accumulationArea, out);
        ModelFields.writeString(s.areaId, out);
        out.writeBoolean(s.accumulationOpened);
        out.writeLong(s.overSince);
        out.writeInt(s.firsts);
    }

    @Override
    public OperatorSignal deserialize(DataInputView in) throws IOException {
        OperatorSignal s = new OperatorSignal();
        s.kind = ModelFields.readEnum(KINDS, in);
        s.operator = ModelFields.readString(in);
        s.bikeId = ModelFields.readString(in);
        s.ts = in.readLong();
        s.state = ModelFields.readState(in);
        s.arrivalDelayMs = in.readLong();
        s.inNoPark = in.readBoolean();
        s.violation = ModelFields.readViolation(in);
        s.fact = ModelFields.readFact(in);
        s.accumulationArea = ModelFields.readEnum(AREAS, in);
        s.areaId = ModelFields.readString(in);
        s.accumulationOpened = in.readBoolean();
        s.overSince = in.readLong();
        s.firsts = in.readInt();
        return s;
    }

    @Override
    public TypeSerializerSnapshot<OperatorSignal> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Snapshot of the (configuration-less) serializer. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<OperatorSignal> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
