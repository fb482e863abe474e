package org.bikefence.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import org.bikefence.geofence.crs.ChinaDatums;
import org.bikefence.model.BikePosition;
import org.bikefence.model.BikeState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PositionDecoderTest {
    private static final long NOW = 1_790_000_000_000L;
    private static final long TEN_MINUTES = 600_000L;
    private final PositionDecoder decoder = new PositionDecoder(() -> NOW, TEN_MINUTES);

    private BikePosition decode(String json) throws InvalidRecordException {
        return decoder.decode(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void decodesAValidPositionAndIgnoresUnknownFields() throws Exception {
        BikePosition p = decode("{\"operator\":\"hello\",\"bikeId\":\"HB-001\",\"ts\":1789999990000,"
                + "\"lat\":24.5001,\"lng\":118.1302,\"state\":\"parked\",\"battery\":87,\"extra\":{\"a\":[1,2]}}");
        assertThat(p).isEqualTo(new BikePosition("hello", "HB-001", 1_789_999_990_000L, 24.5001, 118.1302,
                BikeState.PARKED));
    }

    @Test
    void acceptsIntegerCoordinatesAndEveryKnownState() throws Exception {
        for (BikeState s : BikeState.values()) {
            BikePosition p = decode("{\"operator\":\"o\",\"bikeId\":\"b\",\"ts\":1,\"lat\":24,\"lng\":118,"
                    + "\"state\":\"" + s.wireName() + "\"}");
            assertThat(p.state).isEqualTo(s);
            assertThat(p.lat).isEqualTo(24.0);
        }
    }

    @Test
    void convertsGcj02AndBd09ToWgs84() throws Exception {
        double[] gcj = ChinaDatums.wgs84ToGcj02(24.5, 118.13);
        BikePosition p = decode("{\"operator\":\"o\",\"bikeId\":\"b\",\"ts\":1,\"lat\":" + gcj[0] + ",\"lng\":"
                + gcj[1] + ",\"state\":\"parked\",\"crs\":\"GCJ02\"}");
        assertThat(p.lat).isCloseTo(24.5, within(1e-8));
        assertThat(p.lng).isCloseTo(118.13, within(1e-8));

        double[] bd = ChinaDatums.gcj02ToBd09(gcj[0], gcj[1]);
        BikePosition q = decode("{\"operator\":\"o\",\"bikeId\":\"b\",\"ts\":1,\"lat\":" + bd[0] + ",\"lng\":"
                + bd[1] + ",\"state\":\"parked\",\"crs\":\"bd-09\"}");
        assertThat(q.lat).isCloseTo(24.5, within(1e-8));
        assertThat(q.lng).isCloseTo(118.13, within(1e-8));
    }

    @Test
    void acceptsATimestampExactlyTenMinutesAhead() throws Exception {
        BikePosition p = decode("{\"operator\":\"o\",\"bikeId\":\"b\",\"ts\":" + (NOW + TEN_MINUTES)
                + ",\"lat\":1,\"lng\":2,\"state\":\"riding\"}");
        assertThat(p.ts).isEqualTo(NOW + TEN_MINUTES);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\u0000', value = {
        "not json at all | not_json | not JSON",
        "[1,2,3] | not_json | not a JSON object",
        "{\"operator\":\"o\" | not_json | not JSON",
        "{\"operator\":\"o\",\"bikeId\":\"b\",\"ts\":1,\"lat\":1,\"lng\":2,\"state\":\"parked\"} x | not_json | trailing",
        "{\"bikeId\":\"b\",\"ts\":1,\"lat\":1,\"lng\":2,\"state\":\"parked\"} | missing_field | 'operator'",
        "{\"operator\":\"\",\"bikeId\":\"b\",\"ts\":1,\"lat\":1,\"lng\":2,\"state\":\"parked\"} | missing_field | 'operator'",
        "{\"operator\":\"o\",\"ts\":1,\"lat\":1,\"lng\":2,\"state\":\"parked\"} | missing_field | 'bikeId'",
        "{\"operator\":\"o\",\"bikeId\":\"b\",\"lat\":1,\"lng\":2,\"state\":\"parked\"} | missing_field | 'ts'",
        "{\"operator\":\"o\",\"bikeId\":\"b\",\"ts\":1,\"lng\":2,\"state\":\"parked\"} | missing_field | 'lat'",
        "{\"operator\":\"o\",\"bikeId\":\"b\",\"ts\":1,\"lat\":1,\"state\":\"parked\"} | missing_field | 'lng'",
        "{\"operator\":\"o\",\"bikeId\":\"b\",\"ts\":1,\"lat\":1,\"lng\":2} | missing_field | 'state'",
        "{\"operator\":\"o\",\"bikeId\":\"b\",\"ts\":\"yesterday\",\"lat\":1,\"lng\":2,\"state\":\"parked\"} | bad_type | 'yesterday'",
        "{\"operator\":\"o\",\"bikeId\":\"b\",\"ts\":1.5,\"lat\":1,\"lng\":2,\"state\":\"parked\"} | bad_type | 'ts'",
        "{\"operator\":\"o\",\"bikeId\":\"b\",\"ts\":1,\"lat\":\"24.5\",\"lng\":2,\"state\":\"parked\"} | bad_type | 'lat'",
        "{\"operator\":7,\"bikeId\":\"b\",\"ts\":1,\"lat\":1,\"lng\":2,\"state\":\"parked\"} | bad_type | 'operator'",
        "{\"operator\":\"o\",\"bikeId\":[\"b\"],\"ts\":1,\"lat\":1,\"lng\":2,\"state\":\"parked\"} | bad_type | an array",
        "{\"operator\":\"o\",\"bikeId\":\"b\",\"ts\":1,\"lat\":91,\"lng\":2,\"state\":\"parked\"} | out_of_range | 'lat' = 91.0",
        "{\"operator\":\"o\",\"bikeId\":\"b\",\"ts\":1,\"lat\":1,\"lng\":-180.5,\"state\":\"parked\"} | out_of_range | 'lng' = -180.5",
        "{\"operator\":\"o\",\"bikeId\":\"b\",\"ts\":1,\"lat\":NaN,\"lng\":2,\"state\":\"parked\"} | out_of_range | 'lat' = NaN",
        "{\"operator\":\"o\",\"bikeId\":\"b\",\"ts\":1,\"lat\":1,\"lng\":Infinity,\"state\":\"parked\"} | out_of_range | 'lng' = Infinity",
        "{\"operator\":\"o\",\"bikeId\":\"b\",\"ts\":9223372036854775808,\"lat\":1,\"lng\":2,\"state\":\"parked\"} | out_of_range | 'ts' = 9223372036854775808 does not fit a 64-bit",
        "{\"operator\":\"o\",\"bikeId\":\"b\",\"ts\":-9223372036854775809,\"lat\":1,\"lng\":2,\"state\":\"parked\"} | out_of_range | 'ts' = -9223372036854775809 does not fit",
        "{\"operator\":\"o\",\"bikeId\":\"b\",\"ts\":123456789012345678901234567890,\"lat\":1,\"lng\":2,\"state\":\"parked\"} | out_of_range | 'ts' = 123456789012345678901234... does not fit",
        "{\"operator\":\"o\",\"bikeId\":\"b\",\"ts\":1,\"lat\":1e400,\"lng\":2,\"state\":\"parked\"} | out_of_range | 'lat' = Infinity",
        "{\"operator\":\"o\",\"bikeId\":\"b\",\"ts\":1,\"lat\":1,\"lng\":-1e400,\"state\":\"parked\"} | out_of_range | 'lng' = -Infinity",
        "{\"operator\":\"o\",\"bikeId\":\"b\",\"ts\":1,\"lat\":1,\"lng\":2,\"state\":\"docked\"} | unknown_state | 'docked'",
        "{\"operator\":\"o\",\"bikeId\":\"b\",\"ts\":1,\"lat\":1,\"lng\":2,\"state\":\"parked\",\"crs\":\"UTM50\"} | unknown_crs | 'UTM50'",
        "{\"operator\":\"o\",\"bikeId\":\"b\",\"ts\":1790000600001,\"lat\":1,\"lng\":2,\"state\":\"parked\"} | future_timestamp | 600001 ms ahead",
    })
    void rejectsBadInputNamingReasonFieldAndValue(String json, String reason, String detail) {
        assertThatThrownBy(() -> decode(json))
                .isInstanceOfSatisfying(InvalidRecordException.class, e -> {
                    assertThat(e.reason()).isEqualTo(reason);
                    assertThat(e.detail()).contains(detail);
                });
    }

    @Test
    void readsTheLargestLongTimestampAsAFutureOne() {
        // A valid integer, and far in the future: the time check decides, not the parser.
        assertThatThrownBy(() -> decode("{\"operator\":\"o\",\"bikeId\":\"b\",\"ts\":9223372036854775807,\"lat\":1,"
                + "\"lng\":2,\"state\":\"parked\"}"))
                .isInstanceOfSatisfying(InvalidRecordException.class,
                        e -> assertThat(e.reason()).isEqualTo(PositionDecoder.FUTURE_TIMESTAMP));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\u0000', value = {
        "operator | {\"operator\":\"o\",\"bikeId\":\"b\",\"ts\":1,\"lat\":1,\"lng\":2,\"state\":\"parked\",\"operator\":\"p\"}",
        "bikeId | {\"operator\":\"o\",\"bikeId\":\"b\",\"bikeId\":\"b\",\"ts\":1,\"lat\":1,\"lng\":2,\"state\":\"parked\"}",
        "ts | {\"operator\":\"o\",\"bikeId\":\"b\",\"ts\":1,\"lat\":1,\"lng\":2,\"state\":\"parked\",\"ts\":2}",
        "lat | {\"operator\":\"o\",\"bikeId\":\"b\",\"ts\":1,\"lat\":1,\"lat\":100,\"lng\":2,\"state\":\"parked\"}",
        "lng | {\"operator\":\"o\",\"bikeId\":\"b\",\"ts\":1,\"lat\":1,\"lng\":2,\"lng\":2,\"state\":\"parked\"}",
        "state | {\"operator\":\"o\",\"bikeId\":\"b\",\"ts\":1,\"lat\":1,\"lng\":2,\"state\":\"parked\",\"state\":\"riding\"}",
        "crs | {\"operator\":\"o\",\"bikeId\":\"b\",\"crs\":null,\"ts\":1,\"lat\":1,\"lng\":2,\"state\":\"parked\",\"crs\":\"GCJ02\"}",
        "battery | {\"operator\":\"o\",\"battery\":1,\"bikeId\":\"b\",\"ts\":1,\"note\":\"x\",\"lat\":1,\"lng\":2,\"state\":\"parked\",\"battery\":2}",
    })
    void rejectsAFieldNamedTwiceWhicheverValueWouldWin(String field, String json) {
        assertThatThrownBy(() -> decode(json))
                .isInstanceOfSatisfying(InvalidRecordException.class, e -> {
                    assertThat(e.reason()).isEqualTo(PositionDecoder.DUPLICATE_FIELD);
                    assertThat(e.detail()).isEqualTo("field '" + field + "' appears more than once");
                    assertThat(e.operator()).isEqualTo("o");
                });
    }

    @Test
    void quotesOnlyTheStartOfALongDuplicateName() {
        String name = "n".repeat(10_000);
        assertThatThrownBy(() -> decode("{\"" + name + "\":1,\"operator\":\"o\",\"" + name + "\":2}"))
                .isInstanceOfSatisfying(InvalidRecordException.class, e -> {
                    assertThat(e.reason()).isEqualTo(PositionDecoder.DUPLICATE_FIELD);
                    assertThat(e.detail()).isEqualTo("field '" + "n".repeat(64) + "...' appears more than once");
                });
    }

    @Test
    void readsTheSameNameAtAnotherLevelAsAnotherField() throws Exception {
        BikePosition p = decode("{\"operator\":\"o\",\"bikeId\":\"b\",\"ts\":1,\"lat\":1,\"lng\":2,\"state\":\"parked\","
                + "\"meta\":{\"ts\":2,\"operator\":\"x\",\"meta\":1},\"extra\":[{\"a\":1},{\"a\":2}]}");
        assertThat(p.ts).isEqualTo(1);
        assertThat(p.operator).isEqualTo("o");
    }

    @Test
    void rejectsNesting5000DeepAsNotJsonWithoutOverflowingTheStack() {
        String head = "{\"operator\":\"o\",\"bikeId\":\"b\",\"ts\":1,\"lat\":1,\"lng\":2,\"state\":\"parked\",\"extra\":";
        String arrays = "[".repeat(5000) + "]".repeat(5000);
        String objects = "{\"a\":".repeat(5000) + "1" + "}".repeat(5000);
        for (String json : new String[] {head + arrays + "}", head + objects + "}", arrays, "{\"x\":" + objects + "}"}) {
            assertThatThrownBy(() -> decode(json))
                    .isInstanceOfSatisfying(InvalidRecordException.class, e -> {
                        assertThat(e.reason()).isEqualTo(PositionDecoder.NOT_JSON);
                        assertThat(e.detail()).containsAnyOf("nesting depth (1001) exceeds the maximum allowed (1000",
                                "not a JSON object");
                    });
        }
        // At the parser's limit it is still JSON, ignored like any other field.
        String deepest = "[".repeat(999) + "]".repeat(999);
        assertThatCode(() -> decode(head + deepest + "}")).doesNotThrowAnyException();
        // A required field that is nested is the wrong type, named as soon as it starts.
        assertThatThrownBy(() -> decode("{\"operator\":\"o\",\"bikeId\":" + arrays + "}"))
                .isInstanceOfSatisfying(InvalidRecordException.class,
                        e -> assertThat(e.reason()).isEqualTo(PositionDecoder.BAD_TYPE));
    }

    @Test
    void rejectsEmptyAndNullMessages() {
        assertThatThrownBy(() -> decoder.decode(new byte[0])).hasMessageContaining("empty");
        assertThatThrownBy(() -> decoder.decode(null)).hasMessageContaining("empty");
    }

    @Test
    void rejectsBytesThatAreNotUtf8Json() {
        byte[] binary = {(byte) 0xff, (byte) 0xfe, 0x00, 0x41};
        assertThatThrownBy(() -> decoder.decode(binary))
                .isInstanceOfSatisfying(InvalidRecordException.class, e -> assertThat(e.reason()).isEqualTo("not_json"));
    }
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "overlong slash, c0af, 0",
        "overlong three-byte, e080af, 0",
        "encoded surrogate, eda080, 0",
        "beyond U+10FFFF, f4908080, 0",
        "five-byte form, f888808080, 0",
        "lone continuation byte, 80, 0",
        "latin-1 e-acute, e9, 0",
        // CD A3 happens to be well-formed (U+0363); B3 cannot begin a sequence.
        "GBK-encoded 停车, cda3b3b5, 2",
        "cut-short sequence, e282, 0",
    })
    void rejectsEveryIllFormedUtf8SequenceAsNotJsonWhereverItStands(String what, String hex, int skip) {
        byte[] bad = java.util.HexFormat.of().parseHex(hex);
        for (String template : new String[] {
            "{\"operator\":\"o\",\"bikeId\":\"B@\",\"ts\":1,\"lat\":1,\"lng\":2,\"state\":\"parked\"}",
            "{\"operator\":\"o\",\"bikeId\":\"B\",\"ts\":1,\"lat\":1,\"lng\":2,\"state\":\"parked\",\"note\":\"@\"}",
            "{\"operator\":\"o\",\"bikeId\":\"B\",\"ts\":1,\"lat\":1,\"lng\":2,\"state\":\"parked\",\"n@\":1}",
        }) {
            int at = template.indexOf('@');
            java.io.ByteArrayOutputStream record = new java.io.ByteArrayOutputStream();
            record.writeBytes(template.substring(0, at).getBytes(StandardCharsets.UTF_8));
            record.writeBytes(bad);
            record.writeBytes(template.substring(at + 1).getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> decoder.decode(record.toByteArray())).as(what + " in " + template)
                    .isInstanceOfSatisfying(InvalidRecordException.class, e -> {
                        assertThat(e.reason()).isEqualTo(PositionDecoder.NOT_JSON);
                        assertThat(e.detail()).isEqualTo(String.format("not UTF-8: byte 0x%s at offset %d does not"
                                + " begin a well-formed UTF-8 sequence", hex.substring(2 * skip, 2 * skip + 2), at + skip));
                    });
        }
    }

    @Test
    void acceptsWellFormedMultiByteUtf8() throws Exception {
        String id = "\u00e9\u4e2d\uD83D\uDEB2";
        BikePosition p = decode("{\"operator\":\"\u54c8\u5570\",\"bikeId\":\"" + id
                + "\",\"ts\":1,\"lat\":1,\"lng\":2,\"state\":\"parked\",\"note\":\"\u505c\u8f66\"}");
        assertThat(p.bikeId).isEqualTo(id);
        assertThat(p.operator).isEqualTo("\u54c8\u5570");
    }

    /** A valid record of the given bike id, padded with an ignored field to exactly {@code bytes} bytes. */
    private static byte[] recordOf(String bikeId, int bytes) {
        String head = "{\"operator\":\"hello\",\"bikeId\":\"" + bikeId
                + "\",\"ts\":1,\"lat\":24.5,\"lng\":118.1,\"state\":\"parked\",\"pad\":\"";
        String tail = "\"}";
        int pad = bytes - head.getBytes(StandardCharsets.UTF_8).length - tail.length();
        byte[] record = (head + "x".repeat(pad) + tail).getBytes(StandardCharsets.UTF_8);
        assertThat(record).hasSize(bytes);
        return record;
    }

    @Test
    void acceptsABikeIdOfExactly64CharactersAndRejectsOneOf65AsTooLarge() throws Exception {
        String id64 = "B".repeat(64);
        assertThat(decode("{\"operator\":\"o\",\"bikeId\":\"" + id64
                + "\",\"ts\":1,\"lat\":1,\"lng\":2,\"state\":\"parked\"}").bikeId).isEqualTo(id64);

        assertThatThrownBy(() -> decode("{\"operator\":\"o\",\"bikeId\":\"" + id64 + "C"
                + "\",\"ts\":1,\"lat\":1,\"lng\":2,\"state\":\"parked\"}"))
                .isInstanceOfSatisfying(InvalidRecordException.class, e -> {
                    assertThat(e.reason()).isEqualTo(PositionDecoder.TOO_LARGE);
                    assertThat(e.detail()).contains("'bikeId'").contains("65 characters").contains("at most 64")
                            // Quotes the start of the id, not all of it.
                            .contains("'BBBBBBBBBBBBBBBB...'").doesNotContain(id64);
                    assertThat(e.operator()).isEqualTo("o");
                });
    }

    @Test
    void countsBikeIdCharactersNotUtf16UnitsOrBytes() throws Exception {
        // 64 characters outside the BMP: 128 UTF-16 units and 256 UTF-8 bytes, still 64 characters.
        String id = "\uD83D\uDEB2".repeat(64);
        assertThat(decode("{\"operator\":\"o\",\"bikeId\":\"" + id
                + "\",\"ts\":1,\"lat\":1,\"lng\":2,\"state\":\"parked\"}").bikeId).isEqualTo(id);
        assertThatThrownBy(() -> decode("{\"operator\":\"o\",\"bikeId\":\"" + id + "\u00e9"
                + "\",\"ts\":1,\"lat\":1,\"lng\":2,\"state\":\"parked\"}"))
                .isInstanceOfSatisfying(InvalidRecordException.class,
                        e -> assertThat(e.reason()).isEqualTo(PositionDecoder.TOO_LARGE));
    }

    @Test
    void rejectsA100KbBikeIdAsTooLarge() {
        // Under the record limit only when that is raised: the id check is its own.
        PositionDecoder lenient = new PositionDecoder(() -> NOW, TEN_MINUTES, 64, 1 << 20);
        assertThatThrownBy(() -> lenient.decode(recordOf("x".repeat(100 * 1024), 110 * 1024)))
                .isInstanceOfSatisfying(InvalidRecordException.class, e -> {
                    assertThat(e.reason()).isEqualTo(PositionDecoder.TOO_LARGE);
                    assertThat(e.detail()).contains("102400 characters");
                });
    }

    @Test
    void acceptsARecordOfExactly64KibAndRejectsOneByteMoreAsTooLarge() throws Exception {
        assertThat(decoder.decode(recordOf("HB-1", 65_536)).bikeId).isEqualTo("HB-1");

        assertThatThrownBy(() -> decoder.decode(recordOf("HB-1", 65_537)))
                .isInstanceOfSatisfying(InvalidRecordException.class, e -> {
                    assertThat(e.reason()).isEqualTo(PositionDecoder.TOO_LARGE);
                    assertThat(e.detail()).isEqualTo("record is 65537 bytes; at most 65536 allowed");
                    // Not parsed, so the operator it names is not known.
                    assertThat(e.operator()).isNull();
                });
    }

    @Test
    void neverParsesARecordOverTheLimit() {
        // A megabyte that is not JSON: too_large, not not_json, because the parser never sees it.
        byte[] megabyte = "not json ".repeat(1 << 17).getBytes(StandardCharsets.UTF_8);
        assertThat(megabyte.length).isGreaterThan(1_000_000);
        assertThatThrownBy(() -> decoder.decode(megabyte))
                .isInstanceOfSatisfying(InvalidRecordException.class,
                        e -> assertThat(e.reason()).isEqualTo(PositionDecoder.TOO_LARGE));
        // The same bytes under a limit that admits them are parsed, and are not JSON.
        PositionDecoder lenient = new PositionDecoder(() -> NOW, TEN_MINUTES, 64, 2 << 20);
        assertThatThrownBy(() -> lenient.decode(megabyte))
                .isInstanceOfSatisfying(InvalidRecordException.class,
                        e -> assertThat(e.reason()).isEqualTo(PositionDecoder.NOT_JSON));
    }

    @Test
    void honoursConfiguredLimitsAndRefusesNonPositiveOnes() throws Exception {
        PositionDecoder strict = new PositionDecoder(() -> NOW, TEN_MINUTES, 4, 200);
        assertThat(strict.decode(recordOf("ABCD", 200)).bikeId).isEqualTo("ABCD");
        assertThatThrownBy(() -> strict.decode(recordOf("ABCDE", 200)))
                .isInstanceOfSatisfying(InvalidRecordException.class, e -> {
                    assertThat(e.reason()).isEqualTo(PositionDecoder.TOO_LARGE);
                    assertThat(e.detail()).contains("'ABCDE...'").contains("at most 4");
                });
        assertThatThrownBy(() -> strict.decode(recordOf("ABCD", 201)))
                .isInstanceOfSatisfying(InvalidRecordException.class,
                        e -> assertThat(e.detail()).contains("at most 200"));
        assertThatThrownBy(() -> new PositionDecoder(() -> NOW, TEN_MINUTES, 0, 200))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PositionDecoder(() -> NOW, TEN_MINUTES, 64, -1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
