package org.bikefence.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * A seeded, deterministic feed of good position records with hostile ones interleaved, each hostile record of a
 * {@link Kind} that names the dead-letter reason the decoder must give it (bike-core's README, "The Kafka message
 * contract"). Every record carries the time of its place in the feed ({@link Record#feedTime}), and every hostile
 * record that has a readable {@code ts} carries that time too, so hostile records never move a partition's watermark
 * past the good ones (a real feed's bad records are no older or younger than its good ones).
 *
 * <p>"Future times" are at least 73 years ahead (2100 on): far beyond {@code decode.max-future-ms} whatever the
 * clock of the machine, so which records are future does not depend on when the test runs.
 */
public final class HostileRecords {
    /** The feed's first time: 2026-10-12 00:00 UTC, the scenario fixtures' day, in the past and in the rule set. */
    public static final long START = Instant.parse("2026-10-12T00:00:00Z").toEpochMilli();
    /** Feed time between consecutive records. */
    public static final long STEP_MS = 30;
    public static final List<String> OPERATORS = List.of("hello", "meituan", "qingju");
    private static final List<String> PREFIXES = List.of("HL", "MT", "QJ");
    /** Depth of the nesting kind (the issue's figure); a quarter of those records nest somewhere in 1,001-5,000. */
    static final int DEPTH = 5000;
    private static final long YEAR_2100 = Instant.parse("2100-01-01T00:00:00Z").toEpochMilli();

    /** What is wrong with a hostile record, and the reason its dead letter must carry. */
    public enum Kind {
        TRUNCATED("not_json", 10),
        GARBAGE("not_json", 10),
        /** 1,001 to 5,000 levels of arrays or objects, in an ignored field or as the whole record. */
        NESTED_5000_DEEP("not_json", 0.5),
        WRONG_TYPE("bad_type", 10),
        NAN("out_of_range", 7),
        EXPONENT_1E400("out_of_range", 7),
        OUT_OF_RANGE("out_of_range", 8),
        UNKNOWN_STATE("unknown_state", 7),
        UNKNOWN_CRS("unknown_crs", 7),
        FUTURE_TIME("future_timestamp", 7),
        NOT_UTF8("not_json", 10),
        DUPLICATE_KEY("duplicate_field", 8),
        EMPTY_OPERATOR("missing_field", 5),
        MISSING_FIELD("missing_field", 2.45),
        /** A bike id over 64 characters, or (one in twenty) a record over 64 KiB (issue 10). */
        TOO_LARGE("too_large", 1.05);

        public final String reason;
        final double weight;

        Kind(String reason, double weight) {
            this.reason = reason;
            this.weight = weight;
        }
    }

    /** One record of the feed: {@code kind} null for a good one. */
    public record Record(long feedTime, Kind kind, byte[] key, byte[] value) {
        public boolean good() {
            return kind == null;
        }
    }

    private final Random random;
    private final int bikes;
    private final double[][] where;

    private HostileRecords(long seed, int bikes) {
        this.random = new Random(seed);
        this.bikes = bikes;
        this.where = new double[bikes][];
        for (int b = 0; b < bikes; b++) {
            where[b] = new double[] {24.49 + 0.02 * random.nextDouble(), 118.09 + 0.02 * random.nextDouble()};
        }
    }

    /**
     * {@code good} good records of {@code bikes} bikes (each bike's in feed order) and {@code hostile} hostile ones
     * interleaved at random places, the kinds in proportion to their weights (each at least once).
     */
    public static List<Record> feed(long seed, int good, int hostile, int bikes) {
        return new HostileRecords(seed, bikes).generate(good, hostile);
    }

    /** How many of each kind {@link #feed} makes for {@code hostile} hostile records. */
    public static Map<Kind, Integer> quotas(int hostile) {
        Map<Kind, Integer> quotas = new EnumMap<>(Kind.class);
        double total = 0;
        for (Kind k : Kind.values()) {
            total += k.weight;
        }
        int given = 0;
        for (Kind k : Kind.values()) {
            int n = Math.max(1, (int) (hostile * k.weight / total));
            quotas.put(k, n);
            given += n;
        }
        quotas.merge(Kind.TRUNCATED, hostile - given, Integer::sum);
        return quotas;
    }

    private List<Record> generate(int good, int hostile) {
        List<Kind> kinds = new ArrayList<>(hostile);
        quotas(hostile).forEach((k, n) -> kinds.addAll(Collections.nCopies(n, k)));
        Collections.shuffle(kinds, random);
        List<Record> out = new ArrayList<>(good + hostile);
        int goodLeft = good;
        int hostileLeft = hostile;
        int goodMade = 0;
        for (int slot = 0; goodLeft + hostileLeft > 0; slot++) {
            long t = START + slot * STEP_MS;
            if (random.nextInt(goodLeft + hostileLeft) < hostileLeft) {
                hostileLeft--;
                out.add(hostile(kinds.get(hostileLeft), t));
            } else {
                goodLeft--;
                out.add(goodRecord(goodMade++ % bikes, t));
            }
        }
        return out;
    }

    private String operatorOf(int bike) {
        return OPERATORS.get(bike % OPERATORS.size());
    }

    private String bikeIdOf(int bike) {
        return PREFIXES.get(bike % PREFIXES.size()) + "-" + String.format("%05d", bike);
    }

    /** The fields of a valid record of {@code bike} at {@code t}, in the contract's order, as raw JSON values. */
    private Fields valid(int bike, long t) {
        double[] p = where[bike];
        // A short walk per report, inside the operating area of the test fences.
        p[0] = Math.min(24.509, Math.max(24.491, p[0] + (random.nextDouble() - 0.5) * 1e-4));
        p[1] = Math.min(118.109, Math.max(118.091, p[1] + (random.nextDouble() - 0.5) * 1e-4));
        int s = random.nextInt(10);
        return new Fields()
                .put("operator", quote(operatorOf(bike)))
                .put("bikeId", quote(bikeIdOf(bike)))
                .put("ts", Long.toString(t))
                .put("lat", micro(p[0]))
                .put("lng", micro(p[1]))
                .put("state", quote(s < 7 ? "parked" : s < 9 ? "riding" : "faulty"));
    }

    /** A good record, now and then with what the contract allows but a careless decoder might refuse. */
    private Record goodRecord(int bike, long t) {
        Fields f = valid(bike, t);
        switch (random.nextInt(12)) {
            case 0 -> f.put("crs", pick("\"WGS84\"", "\"wgs-84\"", "\"EPSG:4326\"", "null", "\" WGS_84 \""));
            case 1 -> f.put("battery", Integer.toString(random.nextInt(101)))
                    .put("meta", "{\"fw\":\"1.2.3\",\"tags\":[\"a\",{\"ts\":1}],\"ok\":true,\"n\":null}");
            case 2 -> f.put("note", quote("停车 ✓ 🚲 é \\\"quoted\\\" \\u00e9 \\n"));
            case 3 -> f.reverse();
            case 4 -> f.set("lat", f.get("lat").substring(0, 2)); // an integer latitude: 24
            case 5 -> f.put("deep", "[".repeat(900) + "]".repeat(900)); // deep, but within the parser's limit
            default -> { }
        }
        String json = random.nextInt(20) == 0 ? f.pretty() : f.json();
        return new Record(t, null, utf8(bikeIdOf(bike)), utf8(json));
    }

    private Record hostile(Kind kind, long t) {
        int bike = random.nextInt(bikes);
        Fields f = valid(bike, t);
        byte[] value = switch (kind) {
            case TRUNCATED -> truncated(f);
            case GARBAGE -> garbage(f);
            case NESTED_5000_DEEP -> nested(f);
            case WRONG_TYPE -> wrongType(f);
            case NAN -> utf8(f.set(pick("lat", "lng"), pick("NaN", "Infinity", "-Infinity", "+Infinity")).json());
            case EXPONENT_1E400 -> utf8(f.set(pick("lat", "lng"), pick("1e400", "-1e400", "1E400", "1e+400",
                    "-9.99e999", "2.5e308")).json());
            case OUT_OF_RANGE -> outOfRange(f);
            case UNKNOWN_STATE -> utf8(f.set("state", pick("\"docked\"", "\"PARKED\"", "\"Parked\"", "\"\"",
                    "\"parked \"", "\"ride\"", "\"broken\"", "\"停车\"", "\"null\"", "\"riding\\n\"")).json());
            case UNKNOWN_CRS -> utf8(f.put("crs", pick("\"UTM50\"", "\"EPSG:3857\"", "\"\"", "\"WGS 84\"",
                    "\"GCJ\"", "\"CGCS2000\"", "\"BD09MC\"", "\"mercator\"", "\"WGS72\"")).json());
            case FUTURE_TIME -> utf8(f.set("ts", pick(Long.toString(YEAR_2100 + (long) (random.nextDouble() * 1e12)),
                    "253402300799999", "9223372036854775807", "32503680000000")).json());
            case NOT_UTF8 -> notUtf8(f);
            case DUPLICATE_KEY -> duplicate(f, t);
            case EMPTY_OPERATOR -> utf8(f.set("operator", "\"\"").json());
            case MISSING_FIELD -> missing(f);
            case TOO_LARGE -> tooLarge(f);
        };
        return new Record(t, kind, utf8(bikeIdOf(bike)), value);
    }

    private byte[] truncated(Fields f) {
        byte[] whole = utf8(random.nextBoolean() ? f.json() : f.put("note", quote("停车 🚲")).json());
        int lastBrace = new String(whole, StandardCharsets.ISO_8859_1).lastIndexOf('}');
        // Anything short of the closing brace; 0 is an empty message.
        return java.util.Arrays.copyOf(whole, random.nextInt(lastBrace + 1));
    }

    private byte[] garbage(Fields f) {
        String json = f.json();
        return switch (random.nextInt(4)) {
            case 0 -> {
                byte[] b = new byte[1 + random.nextInt(200)];
                random.nextBytes(b);
                // Not the start of an object: random bytes can close one, "{}" would be a missing field.
                while (b[0] == '{' || b[0] == ' ' || b[0] == '\t' || b[0] == '\r' || b[0] == '\n') {
                    b[0] = (byte) random.nextInt(256);
                }
                yield b;
            }
            case 1 -> utf8(pick("hello world", "MT-00042,24.5005,118.1005,parked", "<pos lat=\"24.5\"/>",
                    "null", "true", "42", "\"" + json.replace("\"", "'") + "\"", "[" + json + "]", "operator=hello"));
            case 2 -> utf8(pick(
                    json.replace('"', '\''),                                  // single quotes
                    json.replace("\"operator\"", "operator"),                 // an unquoted name
                    json.replace("}", ",}"),                                  // a trailing comma
                    json.replace("\"ts\":", "\"ts\""),                        // no colon
                    json.replace(",\"lat\"", " \"lat\""),                     // no comma
                    "/* feed */" + json,                                      // a comment
                    json + json,                                              // two objects
                    json + " x",                                              // trailing content
                    json.replace("\"ts\":", "\"ts\":0"),                      // a leading zero
                    json.replace("\"lat\":", "\"lat\":."),                    // no digit before the point
                    json.replace("\"bikeId\":\"", "\"bikeId\":\"\\q"),        // an invalid escape
                    json.replace("\"bikeId\":\"", "\"bikeId\":\"\u0001"),     // a raw control character
                    json.replace("\"lat\":", "\"lat\":0x")));                 // hexadecimal
            default -> {
                // One quote dropped: an odd number of them never makes JSON.
                int quotes = (int) json.chars().filter(c -> c == '"').count();
                int drop = random.nextInt(quotes);
                int at = -1;
                for (int q = 0; q <= drop; q++) {
                    at = json.indexOf('"', at + 1);
                }
                yield utf8(json.substring(0, at) + json.substring(at + 1));
            }
        };
    }

    private byte[] nested(Fields f) {
        int depth = random.nextInt(4) == 0 ? 1001 + random.nextInt(DEPTH - 1000) : DEPTH;
        String arrays = "[".repeat(depth) + "]".repeat(depth);
        String objects = "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
        int where = random.nextInt(4);
        String deep = where == 1 || (where == 3 && random.nextBoolean()) ? objects : arrays;
        return utf8(switch (where) {
            case 0, 1 -> f.put("extra", deep).json();
            case 2 -> arrays;
            default -> f.reverse().put("meta", deep).reverse().json();
        });
    }

    private byte[] wrongType(Fields f) {
        String field = pick("operator", "bikeId", "ts", "lat", "lng", "state", "crs");
        String value = switch (field) {
            case "operator" -> pick("7", "true", "null", "[\"hello\"]", "{\"name\":\"hello\"}");
            case "bikeId" -> random.nextInt(50) == 0 ? "[".repeat(DEPTH) + "]".repeat(DEPTH)
                    : pick("42", "false", "null", "[\"X-1\"]", "{}");
            case "ts" -> pick("\"" + f.get("ts") + "\"", f.get("ts") + ".0", "1.79e12", "1e400", "true", "null",
                    "[" + f.get("ts") + "]", "{}");
            case "lat", "lng" -> pick("\"" + f.get(field) + "\"", "\"NaN\"", "true", "null", "[" + f.get(field) + "]",
                    "{\"v\":24.5}");
            case "state" -> pick("1", "true", "null", "[\"parked\"]", "{}");
            default -> pick("4326", "true", "[\"WGS84\"]", "{}"); // crs; null is allowed
        };
        return utf8((field.equals("crs") ? f.put(field, value) : f.set(field, value)).json());
    }

    private byte[] outOfRange(Fields f) {
        Fields broken = switch (random.nextInt(3)) {
            case 0 -> f.set("lat", pick("90.0000001", "-90.5", "91", "180", "-1000", "1e10", "100000000000000000000"));
            case 1 -> f.set("lng", pick("180.0000001", "-180.5", "181", "360", "1e300", "-1e20"));
            default -> f.set("ts", pick("9223372036854775808", "18446744073709551616", "-9223372036854775809",
                    "100000000000000000000000000000"));
        };
        return utf8(broken.json());
    }

    /** Ill-formed UTF-8 sequences, each as hex. */
    private static final List<String> NOT_UTF8 = List.of(
            "ff", "fe", "80", "bf", "c0af", "c1bf", "e080af", "eda080", "edbfbf", "f08080af", "f4908080", "f888808080",
            "fc8480808080", "e282", "e9", "cda3b3b5", "c3", "f0928d");

    private byte[] notUtf8(Fields f) {
        byte[] bad = java.util.HexFormat.of().parseHex(pick(NOT_UTF8.toArray(new String[0])));
        if (random.nextInt(8) == 0) {
            // The whole record in another encoding.
            return random.nextBoolean() ? concat(new byte[] {(byte) 0xff, (byte) 0xfe},
                    f.json().getBytes(StandardCharsets.UTF_16LE))
                    : f.put("note", quote("café")).json().getBytes(StandardCharsets.ISO_8859_1);
        }
        String field = pick("operator", "bikeId", "note", "name");
        String json = switch (field) {
            case "note" -> f.put("note", "\"a@b\"").json();
            case "name" -> f.put("n@", "1").json();
            default -> f.set(field, f.get(field).replaceFirst("\"$", "@\"")).json();
        };
        int at = json.indexOf('@');
        return concat(concat(utf8(json.substring(0, at)), bad), utf8(json.substring(at + 1)));
    }

    private byte[] duplicate(Fields f, long t) {
        String field = pick("operator", "bikeId", "ts", "lat", "lng", "state", "crs", "battery");
        if (field.equals("crs")) {
            f.put("crs", "\"WGS84\"");
        } else if (field.equals("battery")) {
            f.put("battery", "80");
        }
        String again = switch (field) {
            case "ts" -> Long.toString(t - random.nextInt(1000));
            case "state" -> pick("\"parked\"", "\"riding\"");
            case "operator" -> quote(pick(OPERATORS.toArray(new String[0])));
            case "battery" -> "81";
            default -> f.get(field);
        };
        return utf8(f.add(random.nextInt(f.size() + 1), field, again).json());
    }

    private byte[] missing(Fields f) {
        String field = pick("operator", "bikeId", "ts", "lat", "lng", "state", "bikeId-empty");
        return utf8((field.equals("bikeId-empty") ? f.set("bikeId", "\"\"") : f.remove(field)).json());
    }

    private byte[] tooLarge(Fields f) {
        if (random.nextInt(20) == 0) {
            int size = 65_537 + random.nextInt(4000);
            String json = f.put("pad", "\"\"").json();
            return utf8(json.replace("\"pad\":\"\"", "\"pad\":\"" + "x".repeat(size - utf8(json).length) + "\""));
        }
        int length = 65 + random.nextInt(200);
        String id = random.nextBoolean() ? "X".repeat(length) : "车".repeat(length);
        return utf8(f.set("bikeId", quote(id)).json());
    }

    /** A positive number with six decimals (String.format is slow for a feed of 200,000). */
    private static String micro(double v) {
        String digits = Long.toString(Math.round(v * 1e6));
        return digits.substring(0, digits.length() - 6) + "." + digits.substring(digits.length() - 6);
    }

    private String pick(String... options) {
        return options[random.nextInt(options.length)];
    }

    private static String quote(String s) {
        return "\"" + s + "\"";
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(a.length + b.length);
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }

    /** An ordered list of top-level fields with raw JSON values; names may repeat (for duplicates). */
    private static final class Fields {
        private final List<String[]> fields = new ArrayList<>();

        /** Replaces the value of an existing field, or adds it at the end. */
        Fields put(String name, String raw) {
            for (String[] f : fields) {
                if (f[0].equals(name)) {
                    f[1] = raw;
                    return this;
                }
            }
            fields.add(new String[] {name, raw});
            return this;
        }

        /** Replaces the value of a field that must be there. */
        Fields set(String name, String raw) {
            get(name);
            return put(name, raw);
        }

        String get(String name) {
            for (String[] f : fields) {
                if (f[0].equals(name)) {
                    return f[1];
                }
            }
            throw new IllegalArgumentException("no field " + name);
        }

        Fields add(int index, String name, String raw) {
            fields.add(index, new String[] {name, raw});
            return this;
        }

        Fields remove(String name) {
            get(name);
            fields.removeIf(f -> f[0].equals(name));
            return this;
        }

        Fields reverse() {
            Collections.reverse(fields);
            return this;
        }

        int size() {
            return fields.size();
        }

        String json() {
            return join(f -> "\"" + f[0] + "\":" + f[1], ",", "{", "}");
        }

        String pretty() {
            return join(f -> "  \"" + f[0] + "\" : " + f[1], ",\n", "{\n", "\n}\n");
        }

        private String join(Function<String[], String> field, String separator, String open, String close) {
            StringBuilder b = new StringBuilder(open);
            for (int i = 0; i < fields.size(); i++) {
                b.append(i == 0 ? "" : separator).append(field.apply(fields.get(i)));
            }
            return b.append(close).toString();
        }
    }
}
