package org.bikefence.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.bikefence.model.BikePosition;
import org.junit.jupiter.api.Test;

/**
 * The decoder's fast path ({@link PlainRecordScanner}) against the parser alone: for records as feeds write them
 * and for their near misses (escapes, exponents, leading zeros, duplicates, unknown fields and values, bad ranges,
 * non-ASCII, truncation, ...), both give the same position or the same rejection, reason and detail.
 */
class PlainRecordScannerTest {
    private static final long NOW = 1_790_000_000_000L;
    private final PositionDecoder decoder = new PositionDecoder(() -> NOW, 600_000L);
    private final PositionDecoder parser = decoder.parserOnly();

    private static final String[] OPERATORS = {"hello", "meituan", "qingju", "", "op w", "哈啰", "a\\\"b", "x\\u0041"};
    private static final String[] STATES = {"parked", "riding", "faulty", "PARKED", "flying", ""};
    private static final String[] CRS = {null, "WGS84", "wgs84", "GCJ02", "gcj-02", "BD09", "EPSG:4326", "mars"};
    private static final String[] NUMBERS = {"24.4812", "118.0896", "-0", "-0.0", "0", "24", "90", "90.0000001",
        "-180", "180.5", "1e2", "2.4E1", "024.5", "24.", ".5", "-", "24.48123456789012345678901", "NaN", "1e400",
        "118.089612345678", "\"24.5\"", "null", "true", "[24.5]", "{}", "00", "-.5", "1234567890123456789"};
    private static final String[] TIMESTAMPS = {"1789999999000", "1790000600000", "1790000600001", "0", "-5",
        "017", "1.79e12", "1789999999000.0", "\"1789999999000\"", "99999999999999999999", "123456789012345678",
        "1234567890123456789", "null"};

    @Test
    void plainRecordsAndTheirNearMissesGiveWhatTheParserGives() throws Exception {
        Random r = new Random(42);
        int plainAccepted = 0;
        int total = 0;
        for (int n = 0; n < 60_000; n++) {
            String json = record(r);
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            if (r.nextInt(40) == 0) {
                bytes = mangle(r, bytes);
            }
            String fast = outcome(decoder, bytes);
            String slow = outcome(parser, bytes);
            assertThat(fast).as("record %s", new String(bytes, StandardCharsets.UTF_8)).isEqualTo(slow);
            total++;
            if (slow.startsWith("ok ") && new PlainRecordScanner(bytes).scan()) {
                plainAccepted++;
            }
        }
        assertThat(plainAccepted).as("records the fast path took, of %d", total).isGreaterThan(total / 10);
    }

    @Test
    void aFeedsPlainRecordIsReadByTheFastPath() {
        byte[] rec = ("{\"operator\":\"meituan\",\"bikeId\":\"MT-000123\",\"ts\":1789999999000,\"lat\":24.4812,"
                + "\"lng\":118.0896,\"state\":\"parked\"}").getBytes(StandardCharsets.UTF_8);
        PlainRecordScanner s = new PlainRecordScanner(rec);
        assertThat(s.scan()).isTrue();
        assertThat(s.bikeId).isEqualTo("MT-000123");
        assertThat(s.lat).isEqualTo(24.4812);
        assertThat(new PlainRecordScanner(("{\"operator\":\"m\",\"bikeId\":\"b\",\"ts\":1,\"lat\":1,\"lng\":1,"
                + "\"state\":\"parked\",\"note\":1}").getBytes(StandardCharsets.UTF_8)).scan())
                .as("an unknown field: the parser's").isFalse();
    }

    @Test
    void coordinatesReadWithoutAStringAreBitForBitWhatParseDoubleGives() {
        Random r = new Random(7);
        int checked = 0;
        for (int n = 0; n < 200_000; n++) {
            // 0-17 decimals, integer parts of every size a coordinate has and some it has not, both signs.
            StringBuilder num = new StringBuilder();
            if (r.nextBoolean()) {
                num.append('-');
            }
            num.append(r.nextInt(4) == 0 ? r.nextInt(10) : r.nextInt(r.nextBoolean() ? 181 : 100_000));
            num.append('.');
            int decimals = 1 + r.nextInt(17);
            for (int d = 0; d < decimals; d++) {
                num.append(r.nextInt(10) == 0 ? '0' : (char) ('0' + r.nextInt(10)));
            }
            String lat = num.toString();
            byte[] rec = ("{\"operator\":\"m\",\"bikeId\":\"b\",\"ts\":1789999999000,\"lat\":" + lat
                    + ",\"lng\":118.0896,\"state\":\"parked\"}").getBytes(StandardCharsets.UTF_8);
            PlainRecordScanner s = new PlainRecordScanner(rec);
            if (s.scan()) {
                assertThat(Double.doubleToRawLongBits(s.lat)).as(lat)
                        .isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(lat)));
                checked++;
            }
        }
        assertThat(checked).as("numbers the scanner read").isGreaterThan(150_000);
    }

    private static String outcome(PositionDecoder d, byte[] bytes) {
        try {
            BikePosition p = d.decode(bytes);
            return "ok " + p.operator + "|" + p.bikeId + "|" + p.ts + "|" + Double.doubleToRawLongBits(p.lat) + "|"
                    + Double.doubleToRawLongBits(p.lng) + "|" + p.state;
        } catch (InvalidRecordException e) {
            return "rejected " + e.reason() + " " + e.detail() + " operator=" + e.operator();
        }
    }

    private static String record(Random r) {
        List<String> fields = new ArrayList<>();
        fields.add("\"operator\":" + str(pick(r, OPERATORS, 0.85)));
        fields.add("\"bikeId\":" + (r.nextInt(50) == 0 ? "\"" + "B".repeat(70) + "\"" : str("b" + r.nextInt(1000))));
        fields.add("\"ts\":" + (r.nextInt(4) == 0 ? pick(r, TIMESTAMPS, 0) : Long.toString(NOW - r.nextInt(1_000_000))));
        fields.add("\"lat\":" + (r.nextInt(5) == 0 ? pick(r, NUMBERS, 0) : decimal(r, 24.4, 0.1)));
        fields.add("\"lng\":" + (r.nextInt(5) == 0 ? pick(r, NUMBERS, 0) : decimal(r, 118.1, 0.1)));
        fields.add("\"state\":" + str(pick(r, STATES, 0.8)));
        if (r.nextInt(3) == 0) {
            String crs = pick(r, CRS, 0);
            fields.add("\"crs\":" + (crs == null ? "null" : str(crs)));
        }
        if (r.nextInt(20) == 0) {
            fields.add("\"note\":\"x\"");
        }
        if (r.nextInt(30) == 0) {
            fields.add(fields.get(r.nextInt(fields.size())));
        }
        if (r.nextInt(20) == 0) {
            fields.remove(r.nextInt(fields.size()));
        }
        if (r.nextInt(3) == 0) {
            Collections.shuffle(fields, r);
        }
        String sep = r.nextInt(5) == 0 ? ", " : ",";
        String json = "{" + String.join(sep, fields) + "}";
        return r.nextInt(8) == 0 ? " \n" + json.replace(":", " : ") + "\t" : json;
    }

    private static String decimal(Random r, double centre, double spread) {
        double v = centre + (r.nextDouble() - 0.5) * spread;
        return switch (r.nextInt(3)) {
            case 0 -> Double.toString(v);
            case 1 -> String.format(java.util.Locale.ROOT, "%.6f", v);
            default -> String.format(java.util.Locale.ROOT, "%.15f", v);
        };
    }

    private static String pick(Random r, String[] options, double firstThreeShare) {
        if (r.nextDouble() < firstThreeShare) {
            return options[r.nextInt(3)];
        }
        return options[r.nextInt(options.length)];
    }

    private static String str(String s) {
        return "\"" + s + "\"";
    }

    /** Truncated, a byte flipped, a byte above 0x7f, or trailing content. */
    private static byte[] mangle(Random r, byte[] b) {
        switch (r.nextInt(4)) {
            case 0:
                return java.util.Arrays.copyOf(b, r.nextInt(b.length));
            case 1: {
                byte[] c = b.clone();
                c[r.nextInt(c.length)] = (byte) r.nextInt(128);
                return c;
            }
            case 2: {
                byte[] c = b.clone();
                c[r.nextInt(c.length)] = (byte) (0x80 + r.nextInt(128));
                return c;
            }
            default: {
                byte[] c = java.util.Arrays.copyOf(b, b.length + 2);
                c[b.length] = ' ';
                c[b.length + 1] = '1';
                return c;
            }
        }
    }
}
