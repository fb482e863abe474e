package org.bikefence.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.runtime.kryo.KryoSerializer;
import org.bikefence.bike.BikeTrack;
import org.bikefence.influx.InfluxPoint;
import org.bikefence.metrics.BikeCounted;
import org.bikefence.metrics.MinuteSlice;
import org.bikefence.metrics.MonthAccumulator;
import org.bikefence.metrics.MonthSoFar;
import org.bikefence.model.AreaDelta;
import org.bikefence.model.BikeFact;
import org.bikefence.model.BikePosition;
import org.bikefence.model.ClassifiedPosition;
import org.bikefence.model.DeadLetter;
import org.bikefence.model.FenceSetEvent;
import org.bikefence.model.FenceUpdate;
import org.bikefence.model.OperatorMinute;
import org.bikefence.model.OperatorScore;
import org.bikefence.model.OperatorSignal;
import org.bikefence.model.RawRecord;
import org.bikefence.model.ViolationEvent;
import org.junit.jupiter.api.Test;

/**
 * Every type the job sends between operators or keeps in state has a Flink serializer of its own (POJO, record or
 * a registered TypeInformation), never the Kryo fallback: whole-job tests run with generic types disabled, and this
 * names the offending type at once, without a job.
 */
class NoKryoTypesTest {
    static final List<Class<?>> CROSSING = List.of(RawRecord.class, BikePosition.class, ClassifiedPosition.class,
            FenceUpdate.class, FenceSetEvent.class, DeadLetter.class, ViolationEvent.class, BikeFact.class,
            AreaDelta.class, OperatorSignal.class, MinuteSlice.class, OperatorMinute.class, OperatorScore.class, NowChange.class,
            // Keyed state.
            BikeTrack.class, BikeCounted.class, AreaEpisode.class, DayCount.class, MonthAccumulator.class);

    @Test
    void everyTypeCrossingTheNetworkOrKeptInStateHasItsOwnSerializer() {
        SerializerConfigImpl noGenericTypes = new SerializerConfigImpl();
        noGenericTypes.setGenericTypes(false);
        List<String> kryo = new ArrayList<>();
        for (Class<?> type : CROSSING) {
            try {
                Object s = TypeInformation.of(type).createSerializer(noGenericTypes);
                if (s instanceof KryoSerializer) {
                    kryo.add(type.getName() + ": Kryo");
                }
            } catch (UnsupportedOperationException e) {
                kryo.add(type.getName() + ": " + e.getMessage());
            }
        }
        assertThat(kryo).as("types that would fall back to Kryo").isEmpty();
    }

    @Test
    void theJobsOwnSerializersRoundTripWholeValues() throws Exception {
        org.bikefence.rules.OperatorMonthMetrics metrics = org.bikefence.rules.OperatorMonthMetrics
                .builder("meituan", java.time.YearMonth.of(2026, 11))
                .fleet(new org.bikefence.rules.OperatorMonthMetrics.Fleet(new java.util.TreeMap<>(java.util.Map.of(
                        java.time.LocalDate.of(2026, 11, 10), 180L, java.time.LocalDate.of(2026, 11, 11), 170L)),
                        200, 90))
                .noPark(new org.bikefence.rules.OperatorMonthMetrics.NoPark(9, 8, 5, 300))
                .parking(new org.bikefence.rules.OperatorMonthMetrics.Parking(400, 350))
                .accumulation(new org.bikefence.rules.OperatorMonthMetrics.Accumulation(2, 3, 4, 1, 50))
                .outOfAreaBikes(6).zombieBikes(4)
                .condition(new org.bikefence.rules.OperatorMonthMetrics.Condition(5, 4, 3, 900))
                .dataFeed(new org.bikefence.rules.OperatorMonthMetrics.DataFeed(190, 10_000, 20, 3, 7, 1, 45))
                .evidence(org.bikefence.rules.Evidence.of(org.bikefence.rules.Evidence.Kind.ZOMBIE, "zombie:MT-1@1",
                        "MT-1", null, java.time.Instant.ofEpochMilli(1), null))
                .evidence(org.bikefence.rules.Evidence.of(org.bikefence.rules.Evidence.Kind.NO_PARK_VIOLATION, null,
                        null, "np-1", java.time.Instant.ofEpochMilli(5), java.time.Instant.ofEpochMilli(9)))
                .build();
        assertThat(roundTrip(MonthMetricsSerializer.INSTANCE, metrics)).isEqualTo(metrics);
        MonthSoFar soFar = new MonthSoFar(metrics, 1_794_240_000_000L);
        assertThat(roundTrip(MonthSoFarSerializer.INSTANCE, soFar)).isEqualTo(soFar);
        InfluxPoint point = InfluxPoint.measurement("deduction").tag("operator", "meituan").tag("rule_id", "x.y")
                .field("points", 1.5).field("value", 3L).field("capped", true).field("evidence", "a;".repeat(40_000))
                .time(1_794_240_000_000L).build();
        assertThat(roundTrip(InfluxPointSerializer.INSTANCE, point)).isEqualTo(point);
    }

    @Test
    void classifiedPositionsRoundTripEveryFieldAndTheirCopiesAreNotThemselves() throws Exception {
        ClassifiedPosition p = new ClassifiedPosition(new BikePosition("meituan", "MT-1", 1_794_240_000_123L, 24.48,
                118.09, org.bikefence.model.BikeState.FAULTY), "np-1", "P-2", true, "fences-v3");
        p.receivedAt = 1_794_240_001_000L;
        p.noParkGraceMs = 300_000L;
        p.parkingCapacity = 12;
        p.h3Cell = 0x89283082803ffffL;
        p.scheduledFenceId = "np-1";
        p.scheduledGraceMs = 600_000L;
        p.scheduledFrom = 1_794_240_000_000L;
        p.scheduledUntil = 1_794_247_200_000L;
        p.operator = "哈啰".repeat(30_000);
        for (java.lang.reflect.Field f : ClassifiedPosition.class.getFields()) {
            assertThat(f.get(p)).as("every field set, so a new one left out of the serializer shows: %s", f.getName())
                    .isNotIn(null, 0, 0L, 0.0, false);
        }
        ClassifiedPositionSerializer s = ClassifiedPositionSerializer.INSTANCE;
        assertThat(roundTrip(s, p)).usingRecursiveComparison().isEqualTo(p);
        ClassifiedPosition empty = new ClassifiedPosition();
        assertThat(roundTrip(s, empty)).usingRecursiveComparison().isEqualTo(empty);
        assertThat(s.copy(p)).isNotSameAs(p).usingRecursiveComparison().isEqualTo(p);
    }

    private static <T> T roundTrip(org.apache.flink.api.common.typeutils.TypeSerializer<T> s, T value)
            throws Exception {
        org.apache.flink.core.memory.DataOutputSerializer out = new org.apache.flink.core.memory.DataOutputSerializer(64);
        s.serialize(value, out);
        T back = s.deserialize(new org.apache.flink.core.memory.DataInputDeserializer(out.getCopyOfBuffer()));
        // The snapshot restores the same serializer (savepoints).
        assertThat(s.snapshotConfiguration().restoreSerializer()).isSameAs(s);
        return back;
    }
}
