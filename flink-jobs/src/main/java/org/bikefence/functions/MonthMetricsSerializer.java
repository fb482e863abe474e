package org.bikefence.functions;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.bikefence.rules.Evidence;
import org.bikefence.rules.OperatorMonthMetrics;

/**
 * Serializes {@link OperatorMonthMetrics} (the latest month of each operator, kept by {@link MonthlyAssessments}),
 * component by component: the record holds a {@code YearMonth} and a sorted map, which Flink would hand to Kryo.
 * A component added to the record must be added here (the round-trip test compares whole records).
 */
public final class MonthMetricsSerializer extends ImmutableSerializer<OperatorMonthMetrics> {
    private static final long serialVersionUID = 1L;
    public static final MonthMetricsSerializer INSTANCE = new MonthMetricsSerializer();
    public static final TypeInformation<OperatorMonthMetrics> TYPE =
            new SerializerTypeInfo<>(OperatorMonthMetrics.class, INSTANCE);

    @Override
    public void serialize(OperatorMonthMetrics m, DataOutputView out) throws IOException {
        write(m, out);
    }

    @Override
    public OperatorMonthMetrics deserialize(DataInputView in) throws IOException {
        return read(in);
    }

    static void write(OperatorMonthMetrics m, DataOutputView out) throws IOException {
        out.writeUTF(m.operator());
        out.writeUTF(m.month().toString());
        OperatorMonthMetrics.Fleet fleet = m.fleet();
        out.writeInt(fleet.distinctBikesByDay().size());
        for (Map.Entry<LocalDate, Long> e : fleet.distinctBikesByDay().entrySet()) {
            out.writeLong(e.getKey().toEpochDay());
            out.writeLong(e.getValue());
        }
        longs(out, fleet.distinctBikesInMonth(), fleet.peakParkedBikes());
        OperatorMonthMetrics.NoPark np = m.noPark();
        longs(out, np.violations(), np.closed(), np.closedWithinDeadline(), np.minutesOpenTotal());
        longs(out, m.parking().rideEndsInManagedArea(), m.parking().rideEndsInParkingFence());
        OperatorMonthMetrics.Accumulation acc = m.accumulation();
        longs(out, acc.fenceOverCapacityEvents(), acc.cellOverThresholdEvents(), acc.cleared(),
                acc.clearedWithinDeadline(), acc.minutesToClearTotal());
        longs(out, m.outOfAreaBikes(), m.zombieBikes());
        OperatorMonthMetrics.Condition c = m.condition();
        longs(out, c.faultyBikes(), c.handled(), c.handledWithinDeadline(), c.minutesToHandleTotal());
        OperatorMonthMetrics.DataFeed f = m.dataFeed();
        longs(out, f.bikesWithinReportInterval(), f.recordsReceived(), f.lateRecords(), f.outOfOrderRecords(),
                f.invalidRecords(), f.feedGaps(), f.feedGapMinutes());
        out.writeInt(m.evidence().size());
        for (Evidence e : m.evidence()) {
            out.writeUTF(e.kind().name());
            writeNullable(e.id(), out);
            writeNullable(e.bikeId(), out);
            writeNullable(e.fenceId(), out);
            out.writeLong(e.from().toEpochMilli());
            out.writeBoolean(e.to() != null);
            if (e.to() != null) {
                out.writeLong(e.to().toEpochMilli());
            }
        }
    }

    static OperatorMonthMetrics read(DataInputView in) throws IOException {
        String operator = in.readUTF();
        YearMonth month = YearMonth.parse(in.readUTF());
        TreeMap<LocalDate, Long> byDay = new TreeMap<>();
        for (int i = in.readInt(); i > 0; i--) {
            byDay.put(LocalDate.ofEpochDay(in.readLong()), in.readLong());
        }
        OperatorMonthMetrics.Fleet fleet = new OperatorMonthMetrics.Fleet(byDay, in.readLong(), in.readLong());
        OperatorMonthMetrics.NoPark noPark = new OperatorMonthMetrics.NoPark(in.readLong(), in.readLong(),
                in.readLong(), in.readLong());
        OperatorMonthMetrics.Parking parking = new OperatorMonthMetrics.Parking(in.readLong(), in.readLong());
        OperatorMonthMetrics.Accumulation acc = new OperatorMonthMetrics.Accumulation(in.readLong(), in.readLong(),
                in.readLong(), in.readLong(), in.readLong());
        long outOfArea = in.readLong();
        long zombies = in.readLong();
        OperatorMonthMetrics.Condition condition = new OperatorMonthMetrics.Condition(in.readLong(), in.readLong(),
                in.readLong(), in.readLong());
        OperatorMonthMetrics.DataFeed feed = new OperatorMonthMetrics.DataFeed(in.readLong(), in.readLong(),
                in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong());
        int n = in.readInt();
        List<Evidence> evidence = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Evidence.Kind kind = Evidence.Kind.valueOf(in.readUTF());
            String id = readNullable(in);
            String bikeId = readNullable(in);
            String fenceId = readNullable(in);
            Instant from = Instant.ofEpochMilli(in.readLong());
            Instant to = in.readBoolean() ? Instant.ofEpochMilli(in.readLong()) : null;
            evidence.add(Evidence.of(kind, id, bikeId, fenceId, from, to));
        }
        return new OperatorMonthMetrics(operator, month, fleet, noPark, parking, acc, outOfArea, zombies, condition,
                feed, evidence);
    }

    private static void longs(DataOutputView out, long... values) throws IOException {
        for (long v : values) {
            out.writeLong(v);
        }
    }

    @Override
    public TypeSerializerSnapshot<OperatorMonthMetrics> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Snapshot of the (configuration-less) serializer. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<OperatorMonthMetrics> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
