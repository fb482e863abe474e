package org.bikefence.influx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;

import org.junit.jupiter.api.Test;

class InfluxPointTest {

    private static final long T = 1_767_225_600_123L;

    @Test
    void rendersTagsAndFieldsSortedWithMillisecondTime() {
        InfluxPoint p = InfluxPoint.measurement("violation")
                .tag("operator", "hello")
                .tag("fence", "f-12")
                .field("bike_id", "b1")
                .field("duration_s", 120L)
                .time(T)
                .build();

        assertThat(p.toLineProtocol())
                .isEqualTo("violation,fence=f-12,operator=hello bike_id=\"b1\",duration_s=120i " + T);
    }

    @Test
    void escapesCommasAndSpacesInMeasurement() {
        InfluxPoint p = InfluxPoint.measurement("bike parks,x=y").field("v", 1L).time(T).build();

        assertThat(p.toLineProtocol()).isEqualTo("bike\\ parks\\,x=y v=1i " + T);
    }

    @Test
    void escapesCommasEqualsAndSpacesInTagKeysTagValuesAndFieldKeys() {
        InfluxPoint p = InfluxPoint.measurement("m")
                .tag("a b,c=d", "e f,g=h")
                .field("x y,z=w", 1L)
                .time(T)
                .build();

        assertThat(p.toLineProtocol()).isEqualTo("m,a\\ b\\,c\\=d=e\\ f\\,g\\=h x\\ y\\,z\\=w=1i " + T);
    }

    @Test
    void escapesQuotesAndBackslashesInStringFieldsOnly() {
        InfluxPoint p = InfluxPoint.measurement("m")
                .field("s", "say \"hi\" to C:\\bikes, a=b")
                .time(T)
                .build();

        assertThat(p.toLineProtocol()).isEqualTo("m s=\"say \\\"hi\\\" to C:\\\\bikes, a=b\" " + T);
    }

    @Test
    void rendersIntegersFloatsBooleansAndStrings() {
        InfluxPoint p = InfluxPoint.measurement("m")
                .field("i", -42L)
                .field("small", 5)
                .field("f", 0.5)
                .field("whole", 3.0)
                .field("big", 1e21)
                .field("yes", true)
                .field("no", false)
                .field("s", "")
                .time(T)
                .build();

        assertThat(p.toLineProtocol())
                .isEqualTo("m big=1000000000000000000000,f=0.5,i=-42i,no=false,s=\"\",small=5i,whole=3.0,yes=true " + T);
        assertThat(p.fields().get("small")).isEqualTo(5L);
    }

    @Test
    void omitsNullAndEmptyTagValuesAndNullStringFields() {
        InfluxPoint p = InfluxPoint.measurement("m")
                .tag("operator", null)
                .tag("zone", "")
                .tag("fence", "f1")
                .field("note", (String) null)
                .field("v", 1L)
                .time(T)
                .build();

        assertThat(p.toLineProtocol()).isEqualTo("m,fence=f1 v=1i " + T);
        assertThat(p.tags()).containsOnlyKeys("fence");
    }

    @Test
    void sameContentInAnyInsertionOrderRendersTheSameLine() {
        InfluxPoint a = InfluxPoint.measurement("m").tag("b", "2").tag("a", "1").field("y", 2L).field("x", 1L).time(T).build();
        InfluxPoint b = InfluxPoint.measurement("m").tag("a", "1").tag("b", "2").field("x", 1L).field("y", 2L).time(T).build();

        assertThat(a.toLineProtocol()).isEqualTo(b.toLineProtocol()).isEqualTo("m,a=1,b=2 x=1i,y=2i " + T);
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    }

    @Test
    void rejectsAPointWithoutFields() {
        assertThatThrownBy(() -> InfluxPoint.measurement("violation").tag("operator", "hello").time(T).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("violation")
                .hasMessageContaining("no fields");
    }

    @Test
    void rejectsAPointWithoutTime() {
        assertThatThrownBy(() -> InfluxPoint.measurement("m").field("v", 1L).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no time");
    }

    @Test
    void rejectsValuesLineProtocolCannotCarry() {
        assertThatThrownBy(() -> InfluxPoint.measurement("m").field("v", Double.NaN))
                .hasMessageContaining("NaN");
        assertThatThrownBy(() -> InfluxPoint.measurement("m").tag("t", "a\nb"))
                .hasMessageContaining("line break");
        assertThatThrownBy(() -> InfluxPoint.measurement(""))
                .hasMessageContaining("measurement");
    }

    @Test
    void isImmutableAndSerializable() throws Exception {
        InfluxPoint p = InfluxPoint.measurement("m").tag("a", "1").field("x", 1L).time(T).build();

        assertThatThrownBy(() -> p.tags().put("b", "2")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> p.fields().put("y", 2L)).isInstanceOf(UnsupportedOperationException.class);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(p);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertThat(in.readObject()).isEqualTo(p);
        }
    }

    @Test
    void doublesAreWrittenAsBigDecimalWritesThemPlain() {
        java.util.Random r = new java.util.Random(11);
        double[] edges = {0.0, -0.0, 1.0, -1.0, 100.0, 1e-3, 9.99e-4, 1e7, 9999999.999, 1e22, 1e-300, 5e-324,
            Double.MAX_VALUE, -Double.MIN_VALUE, 24.4812, 118.0896, 0.1 + 0.2};
        for (double d : edges) {
            assertThat(InfluxPoint.plain(d)).as("%s", d)
                    .isEqualTo(java.math.BigDecimal.valueOf(d).toPlainString());
        }
        for (int n = 0; n < 100_000; n++) {
            double d = switch (n % 4) {
                case 0 -> r.nextDouble() * 200 - 100;
                case 1 -> Double.longBitsToDouble(r.nextLong());
                case 2 -> Math.round(r.nextDouble() * 1e6) / 100.0;
                default -> r.nextInt(1000) * Math.pow(10, r.nextInt(30) - 15);
            };
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                continue;
            }
            assertThat(InfluxPoint.plain(d)).as("%s", d)
                    .isEqualTo(java.math.BigDecimal.valueOf(d).toPlainString());
        }
    }

    @Test
    void namesWithAndWithoutCharactersToEscapeRenderTheSame() {
        InfluxPoint p = InfluxPoint.measurement("occupancy")
                .tag("fence", "F 1,a=b")
                .tag("operator", "hello")
                .field("note", "x")
                .time(T)
                .build();
        assertThat(p.toLineProtocol()).isEqualTo("occupancy,fence=F\\ 1\\,a\\=b,operator=hello note=\"x\" " + T);
    }

    @Test
    void aBuilderUsedAgainAfterBuildLeavesThePointsItBuiltAlone() {
        InfluxPoint.Builder b = InfluxPoint.measurement("m").tag("operator", "hello").field("bikes", 1L).time(T);
        InfluxPoint first = b.build();
        InfluxPoint second = b.tag("operator", "meituan").field("bikes", 2L).field("note", "x").build();
        InfluxPoint third = b.tag("operator", null).build();
        assertThat(first.toLineProtocol()).isEqualTo("m,operator=hello bikes=1i " + T);
        assertThat(second.toLineProtocol()).isEqualTo("m,operator=meituan bikes=2i,note=\"x\" " + T);
        assertThat(third.toLineProtocol()).isEqualTo("m bikes=2i,note=\"x\" " + T);
    }

    @Test
    void keysSetAgainOrRemovedInTheMiddleKeepTheOrderAndTheLastValueAndLookUpByKey() {
        InfluxPoint.Builder b = InfluxPoint.measurement("m").time(T);
        for (String k : new String[] {"e", "c", "a", "g", "b", "f", "d"}) {
            b.tag(k, k.toUpperCase(java.util.Locale.ROOT)).field(k, (long) k.charAt(0));
        }
        InfluxPoint p = b.tag("c", "C2").tag("d", null).tag("a", "").field("e", 5.5).field("b", (String) null)
                .field("h", true).build();

        assertThat(p.toLineProtocol()).isEqualTo(
                "m,b=B,c=C2,e=E,f=F,g=G a=97i,c=99i,d=100i,e=5.5,f=102i,g=103i,h=true " + T);
        assertThat(p.tag("c")).isEqualTo("C2");
        assertThat(p.tag("d")).isNull();
        assertThat(p.field("e")).isEqualTo(5.5);
        assertThat(p.field("b")).isNull();
        assertThat(p.tagCount()).isEqualTo(p.tags().size()).isEqualTo(5);
        assertThat(p.fieldCount()).isEqualTo(p.fields().size()).isEqualTo(7);
        assertThat(p.tagKey(0) + p.tagValue(0) + p.fieldKey(6) + p.fieldValue(6)).isEqualTo("bBhtrue");
    }
}
