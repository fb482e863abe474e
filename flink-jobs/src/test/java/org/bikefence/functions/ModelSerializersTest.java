package org.bikefence.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.bikefence.bike.BikeTrack;
import org.bikefence.influx.InfluxPoint;
import org.bikefence.influx.InfluxSchema;
import org.bikefence.metrics.BikeCounted;
import org.bikefence.model.AreaDelta;
import org.bikefence.model.BikeFact;
import org.bikefence.model.BikePosition;
import org.bikefence.model.ClassifiedPosition;
import org.bikefence.model.OperatorSignal;
import org.bikefence.model.RawRecord;
import org.bikefence.model.ViolationEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The job's own serializers keep every public field of their types: each instance is filled reflectively, every
 * field with a value of its own (never the default), so a field added to a model class and left out of its
 * serializer comes back different and fails here.
 */
class ModelSerializersTest {

    static Stream<Arguments> serializers() {
        return Stream.of(
                Arguments.of(BikePosition.class, BikePositionSerializer.INSTANCE),
                Arguments.of(ClassifiedPosition.class, ClassifiedPositionSerializer.INSTANCE),
                Arguments.of(ViolationEvent.class, ViolationEventSerializer.INSTANCE),
                Arguments.of(BikeFact.class, BikeFactSerializer.INSTANCE),
                Arguments.of(AreaDelta.class, AreaDeltaSerializer.INSTANCE),
                Arguments.of(OperatorSignal.class, OperatorSignalSerializer.INSTANCE),
                Arguments.of(BikeTrack.class, BikeTrackSerializer.INSTANCE),
                Arguments.of(RawRecord.class, RawRecordSerializer.INSTANCE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("serializers")
    <T> void everyFieldSurvivesTheRoundTrip(Class<T> type, TypeSerializer<T> serializer) throws Exception {
        T filled = fill(type, new int[] {1});
        T back = roundTrip(serializer, filled);
        assertFieldsEqual(type.getSimpleName(), filled, back);
        assertFieldsEqual(type.getSimpleName() + " (copy)", filled, serializer.copy(filled));
        // The serializer's snapshot restores a serializer that reads what this one wrote.
        TypeSerializer<T> restored = serializer.snapshotConfiguration().restoreSerializer();
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(filled, out);
        assertFieldsEqual(type.getSimpleName() + " (restored serializer)", filled,
                restored.deserialize(new DataInputDeserializer(out.getCopyOfBuffer())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("serializers")
    <T> void defaultsAndNullsSurviveTheRoundTrip(Class<T> type, TypeSerializer<T> serializer) throws Exception {
        T empty = type.getDeclaredConstructor().newInstance();
        assertFieldsEqual(type.getSimpleName(), empty, roundTrip(serializer, empty));
    }

    @Test
    void signalsWithoutViolationOrFactKeepThemNull() throws Exception {
        OperatorSignal s = fill(OperatorSignal.class, new int[] {7});
        s.violation = null;
        s.fact = null;
        OperatorSignal back = roundTrip(OperatorSignalSerializer.INSTANCE, s);
        assertNull(back.violation);
        assertNull(back.fact);
        assertEquals(s.firsts, back.firsts);
    }

    @Test
    void immutableTypesAreHandedOnAsTheyAre() throws Exception {
        OperatorSignal s = fill(OperatorSignal.class, new int[] {3});
        assertSame(s, OperatorSignalSerializer.INSTANCE.copy(s));
        BikePosition p = fill(BikePosition.class, new int[] {3});
        assertSame(p, BikePositionSerializer.INSTANCE.copy(p));
    }

    @Test
    void aNowChangeCopyHasEveryField() throws Exception {
        // NowChange.copy() lists its fields by hand, as the serializers do: a field added and not copied fails here.
        NowChange c = fill(NowChange.class, new int[] {11});
        NowChange copy = c.copy();
        assertNotSame(c, copy);
        assertFieldsEqual("NowChange (copy)", c, copy);
    }

    @Test
    void aTrackCopyIsDeep() throws Exception {
        BikeTrack t = fill(BikeTrack.class, new int[] {5});
        BikeTrack c = BikeTrackSerializer.INSTANCE.copy(t);
        assertNotSame(t.counted, c.counted);
        c.counted.days = 0;
        c.lastTs = 0;
        assertEquals(fill(BikeTrack.class, new int[] {5}).counted.days, t.counted.days);
        assertEquals(fill(BikeTrack.class, new int[] {5}).lastTs, t.lastTs);
    }

    @Test
    void aTrackOfAnotherFormatIsRefusedNamingBoth() {
        byte[] other = {(byte) (BikeTrackSerializer.FORMAT + 1)};
        IOException e = assertThrows(IOException.class,
                () -> BikeTrackSerializer.INSTANCE.deserialize(new DataInputDeserializer(other)));
        assertEquals("bike-track state of format " + (BikeTrackSerializer.FORMAT + 1) + ", this job reads format "
                + BikeTrackSerializer.FORMAT, e.getMessage());
    }

    @Test
    void aTrackOfFormatOneReadsAsATrackWithoutScheduledZones() throws Exception {
        BikeTrack t = fill(BikeTrack.class, new int[] {9});
        t.npUntil = Long.MAX_VALUE;
        t.schFenceId = null;
        t.schFenceSet = null;
        t.schFrom = 0;
        t.schUntil = 0;
        t.schGraceMs = 0;
        t.schLat = 0;
        t.schLng = 0;
        byte[] now = bytes(t);
        // Format 1 is format 2 without npUntil (8 bytes) and the pending zone (1 byte when there is none).
        BikeTrack other = BikeTrackSerializer.INSTANCE.copy(t);
        other.npUntil = 42;
        byte[] differs = bytes(other);
        // Where npUntil starts: Long.MAX_VALUE (7f ff ..) and 42 (00 .. 2a) differ in their first byte already.
        int at = 0;
        while (now[at] == differs[at]) {
            at++;
        }
        byte[] formatOne = new byte[now.length - 9];
        System.arraycopy(now, 0, formatOne, 0, at);
        System.arraycopy(now, at + 9, formatOne, at, now.length - at - 9);
        formatOne[0] = 1;
        DataInputDeserializer in = new DataInputDeserializer(formatOne);
        BikeTrack back = BikeTrackSerializer.INSTANCE.deserialize(in);
        assertEquals(0, in.available(), "bytes left after reading");
        assertFieldsEqual("format 1", t, back);
    }

    @Test
    void influxPointsComeBackEqualAndTheSchemasNamesTakeOneByteEach() throws IOException {
        InfluxPoint schema = InfluxPoint.measurement(InfluxSchema.CELL_OPERATOR_OCCUPANCY)
                .field(InfluxSchema.FIELD_BIKES, 3L).time(1_000L).build();
        DataOutputSerializer out = new DataOutputSerializer(64);
        InfluxPointSerializer.INSTANCE.serialize(schema, out);
        // measurement 1, tag count 4, field count 4, key 1, kind 1, value 8, time 8
        assertEquals(27, out.length());
        assertEquals(schema, roundTrip(InfluxPointSerializer.INSTANCE, schema));
        String longNote = "x".repeat(70_000);
        InfluxPoint other = InfluxPoint.measurement("not in the schema")
                .tag(InfluxSchema.TAG_OPERATOR, "hello").tag("zone key", InfluxSchema.TAG_OPERATOR)
                .field("ratio", 0.25).field("ok", true).field(InfluxSchema.FIELD_BIKES, -7L).field("note", longNote)
                .time(-5L).build();
        InfluxPoint back = roundTrip(InfluxPointSerializer.INSTANCE, other);
        assertEquals(other, back);
        assertEquals(other.toLineProtocol(), back.toLineProtocol());
    }

    private static byte[] bytes(BikeTrack t) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        BikeTrackSerializer.INSTANCE.serialize(t, out);
        return out.getCopyOfBuffer();
    }

    private static <T> T roundTrip(TypeSerializer<T> serializer, T value) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(value, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        T back = serializer.deserialize(in);
        assertEquals(0, in.available(), "bytes left after reading");
        return back;
    }

    private static List<Field> fields(Class<?> type) {
        List<Field> out = new ArrayList<>();
        for (Class<?> c = type; c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers()) && !Modifier.isTransient(f.getModifiers())) {
                    out.add(f);
                }
            }
        }
        return out;
    }

    /** An instance with every field set to a value of its own, nested model types filled too. */
    private static <T> T fill(Class<T> type, int[] next) throws Exception {
        T o = type.getDeclaredConstructor().newInstance();
        for (Field f : fields(type)) {
            f.setAccessible(true);
            Class<?> t = f.getType();
            int n = next[0]++;
            if (t == String.class) {
                f.set(o, f.getName() + "-" + n + "-鼓浪屿");
            } else if (t == long.class) {
                f.setLong(o, 1_000_000_007L * n + 13);
            } else if (t == int.class) {
                f.setInt(o, 1000 * n + 7);
            } else if (t == double.class) {
                f.setDouble(o, n + 0.123456789);
            } else if (t == boolean.class) {
                f.setBoolean(o, true);
            } else if (t == byte[].class) {
                f.set(o, (f.getName() + "-" + n + "-鼓浪屿").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } else if (t.isEnum()) {
                Object[] values = t.getEnumConstants();
                f.set(o, values[values.length - 1 - (n % Math.min(2, values.length))]);
            } else if (t == ViolationEvent.class || t == BikeFact.class || t == BikeCounted.class) {
                f.set(o, fill(t, next));
            } else {
                throw new AssertionError("no test value for " + type.getSimpleName() + "." + f.getName() + " (" + t
                        + "): teach ModelSerializersTest and the serializer this field");
            }
        }
        return o;
    }

    private static void assertFieldsEqual(String where, Object expected, Object actual) throws Exception {
        if (expected == null || actual == null) {
            assertSame(expected, actual, where);
            return;
        }
        for (Field f : fields(expected.getClass())) {
            f.setAccessible(true);
            Object e = f.get(expected);
            Object a = f.get(actual);
            Class<?> t = f.getType();
            if (t == ViolationEvent.class || t == BikeFact.class || t == BikeCounted.class) {
                assertFieldsEqual(where + "." + f.getName(), e, a);
            } else if (t == byte[].class) {
                org.junit.jupiter.api.Assertions.assertArrayEquals((byte[]) e, (byte[]) a, where + "." + f.getName());
            } else {
                assertEquals(e, a, where + "." + f.getName());
            }
        }
    }
}
