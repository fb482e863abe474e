package org.bikefence.functions;

import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.bikefence.bike.BikeTrack;
import org.bikefence.metrics.BikeCounted;

/**
 * Serializes the bike tracker's {@code bike-track} state, a {@link BikeTrack} with what the bike was counted
 * for ({@link BikeCounted}), field by field in a fixed order after a format byte. On RocksDB every read and write of
 * a bike's track goes through it; Flink's reflective POJO serializer made that about a tenth of the tracker's
 * time. Mutable: {@link #copy} is deep (the heap backend's copy-on-write relies on it).
 *
 * <p>A field added to {@code BikeTrack} or {@code BikeCounted} needs a new {@link #FORMAT} here; the round trip
 * of every field is checked by {@code ModelSerializersTest}.
 */
public final class BikeTrackSerializer extends TypeSerializerSingleton<BikeTrack> {
    private static final long serialVersionUID = 1L;
    /**
     * The format written first in every value, so a later layout can tell and read older ones. Format 2 added the
     * scheduled zone's period ({@code npUntil}, the pending {@code sch*} fields); format 1 values read as tracks
     * without one.
     */
    static final byte FORMAT = 2;
    private static final byte FORMAT_WITHOUT_SCHEDULES = 1;
    public static final BikeTrackSerializer INSTANCE = new BikeTrackSerializer();
    /** The type information of the {@code bike-track} state. */
    public static final TypeInformation<BikeTrack> TYPE = new SerializerTypeInfo<>(BikeTrack.class, INSTANCE);

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public BikeTrack createInstance() {
        return new BikeTrack();
    }

    @Override
    public BikeTrack copy(BikeTrack from) {
        BikeTrack t = new BikeTrack();
        t.operator = from.operator;
        t.bikeId = from.bikeId;
        t.hasReport = from.hasReport;
        t.lastTs = from.lastTs;
        t.lastState = from.lastState;
        t.lastMoveAt = from.lastMoveAt;
        t.standing = from.standing;
        t.standingSince = from.standingSince;
        t.standingLat = from.standingLat;
        t.standingLng = from.standingLng;
        t.standingFenceId = from.standingFenceId;
        t.standingFenceCapacity = from.standingFenceCapacity;
        t.standingCell = from.standingCell;
        t.npFenceId = from.npFenceId;
        t.npFenceSet = from.npFenceSet;
        t.npSince = from.npSince;
        t.npGraceMs = from.npGraceMs;
        t.npLat = from.npLat;
        t.npLng = from.npLng;
        t.npOpen = from.npOpen;
        t.npOpenedAt = from.npOpenedAt;
        t.npUntil = from.npUntil;
        t.schFenceId = from.schFenceId;
        t.schFenceSet = from.schFenceSet;
        t.schFrom = from.schFrom;
        t.schUntil = from.schUntil;
        t.schGraceMs = from.schGraceMs;
        t.schLat = from.schLat;
        t.schLng = from.schLng;
        t.oaSince = from.oaSince;
        t.oaOpen = from.oaOpen;
        t.oaOpenedAt = from.oaOpenedAt;
        t.zombieOpen = from.zombieOpen;
        t.zombieSince = from.zombieSince;
        t.zombieOpenedAt = from.zombieOpenedAt;
        t.faultySince = from.faultySince;
        t.faultyOpen = from.faultyOpen;
        t.faultyOpenedAt = from.faultyOpenedAt;
        t.expiryTimer = from.expiryTimer;
        t.processedUpTo = from.processedUpTo;
        t.wakeUp = from.wakeUp;
        BikeCounted fromC = from.counted;
        if (fromC != null) {
            BikeCounted c = new BikeCounted();
            c.month = fromC.month;
            c.categories = fromC.categories;
            c.days = fromC.days;
            c.previousCategories = fromC.previousCategories;
            c.previousDays = fromC.previousDays;
            c.seenMinute = fromC.seenMinute;
            c.noParkMinute = fromC.noParkMinute;
            t.counted = c;
        }
        return t;
    }

    @Override
    public BikeTrack copy(BikeTrack from, BikeTrack reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(BikeTrack t, DataOutputView out) throws IOException {
        out.writeByte(FORMAT);
        ModelFields.writeString(t.operator, out);
        ModelFields.writeString(t.bikeId, out);
        out.writeBoolean(t.hasReport);
        out.writeLong(t.lastTs);
        ModelFields.writeEnum(t.lastState, out);
        out.writeLong(t.lastMoveAt);
        out.writeBoolean(t.standing);
        out.writeLong(t.standingSince);
        out.writeDouble(t.standingLat);
        out.writeDouble(t.standingLng);
        ModelFields.writeString(t.standingFenceId, out);
        out.writeInt(t.standingFenceCapacity);
        out.writeLong(t.standingCell);
        ModelFields.writeString(t.npFenceId, out);
        ModelFields.writeString(t.npFenceSet, out);
        out.writeLong(t.npSince);
        out.writeLong(t.npGraceMs);
        out.writeDouble(t.npLat);
        out.writeDouble(t.npLng);
        out.writeBoolean(t.npOpen);
        out.writeLong(t.npOpenedAt);
        out.writeLong(t.npUntil);
        // Pending zones are rare: one byte without one.
        ModelFields.writeString(t.schFenceId, out);
        if (t.schFenceId != null) {
            ModelFields.writeString(t.schFenceSet, out);
            out.writeLong(t.schFrom);
            out.writeLong(t.schUntil);
            out.writeLong(t.schGraceMs);
            out.writeDouble(t.schLat);
            out.writeDouble(t.schLng);
        }
        out.writeLong(t.oaSince);
        out.writeBoolean(t.oaOpen);
        out.writeLong(t.oaOpenedAt);
        out.writeBoolean(t.zombieOpen);
        out.writeLong(t.zombieSince);
        out.writeLong(t.zombieOpenedAt);
        out.writeLong(t.faultySince);
        out.writeBoolean(t.faultyOpen);
        out.writeLong(t.faultyOpenedAt);
        out.writeLong(t.expiryTimer);
        out.writeLong(t.processedUpTo);
        out.writeLong(t.wakeUp);
        BikeCounted c = t.counted;
        out.writeBoolean(c != null);
        if (c != null) {
            out.writeInt(c.month);
            out.writeInt(c.categories);
            out.writeInt(c.days);
            out.writeInt(c.previousCategories);
            out.writeInt(c.previousDays);
            out.writeLong(c.seenMinute);
            out.writeLong(c.noParkMinute);
        }
    }

    @Override
    public BikeTrack deserialize(DataInputView in) throws IOException {
        byte format = in.readByte();
        if (format != FORMAT && format != FORMAT_WITHOUT_SCHEDULES) {
            throw new IOException("bike-track state of format " + format + ", this job reads format " + FORMAT);
        }
        BikeTrack t = new BikeTrack();
        t.operator = ModelFields.readString(in);
        t.bikeId = ModelFields.readString(in);
        t.hasReport = in.readBoolean();
        t.lastTs = in.readLong();
        t.lastState = ModelFields.readState(in);
        t.lastMoveAt = in.readLong();
        t.standing = in.readBoolean();
        t.standingSince = in.readLong();
        t.standingLat = in.readDouble();
        t.standingLng = in.readDouble();
        t.standingFenceId = ModelFields.readString(in);
        t.standingFenceCapacity = in.readInt();
        t.standingCell = in.readLong();
        t.npFenceId = ModelFields.readString(in);
        t.npFenceSet = ModelFields.readString(in);
        t.npSince = in.readLong();
        t.npGraceMs = in.readLong();
        t.npLat = in.readDouble();
        t.npLng = in.readDouble();
        t.npOpen = in.readBoolean();
        t.npOpenedAt = in.readLong();
        if (format != FORMAT_WITHOUT_SCHEDULES) {
            t.npUntil = in.readLong();
            t.schFenceId = ModelFields.readString(in);
            if (t.schFenceId != null) {
                t.schFenceSet = ModelFields.readString(in);
                t.schFrom = in.readLong();
                t.schUntil = in.readLong();
                t.schGraceMs = in.readLong();
                t.schLat = in.readDouble();
                t.schLng = in.readDouble();
            }
        }
        t.oaSince = in.readLong();
        t.oaOpen = in.readBoolean();
        t.oaOpenedAt = in.readLong();
        t.zombieOpen = in.readBoolean();
        t.zombieSince = in.readLong();
        t.zombieOpenedAt = in.readLong();
        t.faultySince = in.readLong();
        t.faultyOpen = in.readBoolean();
        t.faultyOpenedAt = in.readLong();
        t.expiryTimer = in.readLong();
        t.processedUpTo = in.readLong();
        t.wakeUp = in.readLong();
        if (in.readBoolean()) {
            BikeCounted c = new BikeCounted();
            c.month = in.readInt();
            c.categories = in.readInt();
            c.days = in.readInt();
            c.previousCategories = in.readInt();
            c.previousDays = in.readInt();
            c.seenMinute = in.readLong();
            c.noParkMinute = in.readLong();
            t.counted = c;
        }
        return t;
    }

    @Override
    public BikeTrack deserialize(BikeTrack reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public TypeSerializerSnapshot<BikeTrack> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Snapshot of the (configuration-less) serializer. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<BikeTrack> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
