package org.bikefence.decode;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import java.util.function.LongSupplier;
import org.bikefence.geofence.crs.Crs;
import org.bikefence.model.BikePosition;
import org.bikefence.model.BikeState;

/**
 * Decodes and validates one position message of the Kafka contract, converting its coordinates to WGS84.
 *
 * <p>A streaming parser rather than data binding: it touches each byte once and allocates only the
 * result, and it lets every rejection name the exact field and value.
 */
public final class PositionDecoder {
    public static final String NOT_JSON = "not_json";
    public static final String MISSING_FIELD = "missing_field";
    public static final String BAD_TYPE = "bad_type";
    public static final String OUT_OF_RANGE = "out_of_range";
    public static final String UNKNOWN_STATE = "unknown_state";
    public static final String UNKNOWN_CRS = "unknown_crs";
    public static final String FUTURE_TIMESTAMP = "future_timestamp";
    /** A top-level field named twice: which value would count is the parser's choice, so neither does. */
    public static final String DUPLICATE_FIELD = "duplicate_field";
    /** A record over the size limit (never parsed), or a bike id over the length limit. */
    public static final String TOO_LARGE = "too_large";

    /**
     * Longest bike id accepted by default, in characters (Unicode code points). Every id becomes keyed state
     * and a tag, so a feed sending 100 KB ids must not be able to fill the state backend with them.
     */
    public static final int DEFAULT_MAX_BIKE_ID_LENGTH = 64;
    /** Largest record accepted by default, in bytes (64 KiB); a contract record is about 150 bytes. */
    public static final int DEFAULT_MAX_RECORD_BYTES = 65_536;
    /** How much of an over-long id a rejection's detail quotes. */
    private static final int QUOTED_ID_CHARS = 16;

    private static final JsonFactory JSON = JsonFactory.builder()
            // Accept NaN/Infinity tokens so they are rejected as out of range with a clear reason,
            // rather than as unparseable JSON.
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private final LongSupplier clock;
    private final long maxFutureMs;
    private final int maxBikeIdLength;
    private final int maxRecordBytes;
    /** Whether plain records skip the parser ({@link #plain}); off only to test the two paths against each other. */
    private boolean fastPath = true;

    /**
     * A decoder with the default size limits ({@link #DEFAULT_MAX_BIKE_ID_LENGTH}, {@link #DEFAULT_MAX_RECORD_BYTES}).
     *
     * @param clock wall clock in epoch ms, for the future-timestamp check
     * @param maxFutureMs how far ahead of the clock an event time may be
     */
    public PositionDecoder(LongSupplier clock, long maxFutureMs) {
        this(clock, maxFutureMs, DEFAULT_MAX_BIKE_ID_LENGTH, DEFAULT_MAX_RECORD_BYTES);
    }

    /**
     * @param clock wall clock in epoch ms, for the future-timestamp check
     * @param maxFutureMs how far ahead of the clock an event time may be
     * @param maxBikeIdLength longest bike id, in characters (Unicode code points)
     * @param maxRecordBytes largest record, in bytes; a larger one is rejected without being parsed
     */
    public PositionDecoder(LongSupplier clock, long maxFutureMs, int maxBikeIdLength, int maxRecordBytes) {
        if (maxBikeIdLength <= 0 || maxRecordBytes <= 0) {
            throw new IllegalArgumentException("size limits must be positive, were bike id " + maxBikeIdLength
                    + " characters and record " + maxRecordBytes + " bytes");
        }
        this.clock = clock;
        this.maxFutureMs = maxFutureMs;
        this.maxBikeIdLength = maxBikeIdLength;
        this.maxRecordBytes = maxRecordBytes;
    }

    /** This decoder with every record read by the parser: the reference the fast path is tested against. */
    PositionDecoder parserOnly() {
        PositionDecoder d = new PositionDecoder(clock, maxFutureMs, maxBikeIdLength, maxRecordBytes);
        d.fastPath = false;
        return d;
    }

    /** Decodes one message or says exactly why it is not a valid position (naming its operator if it could). */
    public BikePosition decode(byte[] value) throws InvalidRecordException {
        String[] operatorSeen = new String[1];
        try {
            return decode(value, operatorSeen);
        } catch (InvalidRecordException e) {
            throw e.withOperator(operatorSeen[0]);
        }
    }

    private BikePosition decode(byte[] value, String[] operatorSeen) throws InvalidRecordException {
        if (value == null || value.length == 0) {
            throw new InvalidRecordException(NOT_JSON, "empty message");
        }
        if (value.length > maxRecordBytes) {
            // Checked before parsing: a megabyte of anything costs nothing to refuse and a lot to parse.
            throw new InvalidRecordException(TOO_LARGE, "record is " + value.length + " bytes; at most "
                    + maxRecordBytes + " allowed");
        }
        BikePosition plain = fastPath ? plain(value) : null;
        if (plain != null) {
            return plain;
        }
        int notUtf8 = Utf8.firstInvalid(value);
        if (notUtf8 >= 0) {
            // JSON text is UTF-8 (RFC 8259); the parser would let some ill-formed bytes through as other characters.
            throw new InvalidRecordException(NOT_JSON, String.format("not UTF-8: byte 0x%02x at offset %d does not begin"
                    + " a well-formed UTF-8 sequence", value[notUtf8] & 0xff, notUtf8));
        }
        String operator = null;
        String bikeId = null;
        long ts = 0;
        boolean hasTs = false;
        double lat = Double.NaN;
        boolean hasLat = false;
        double lng = Double.NaN;
        boolean hasLng = false;
        String state = null;
        String crs = null;
        try (JsonParser p = JSON.createParser(value)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidRecordException(NOT_JSON, "message is not a JSON object");
            }
            JsonToken t;
            int known = 0;
            java.util.Set<String> others = null;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "operator":
                        known = once(known, 1, field);
                        operator = text(field, v, p);
                        operatorSeen[0] = operator.isEmpty() ? null : operator;
                        break;
                    case "bikeId":
                        known = once(known, 2, field);
                        bikeId = text(field, v, p);
                        requireShortId(bikeId);
                        break;
                    case "ts":
                        known = once(known, 4, field);
                        if (v != JsonToken.VALUE_NUMBER_INT) {
                            throw badType(field, p, "an integer epoch-millisecond timestamp");
                        }
                        ts = epochMillis(p);
                        hasTs = true;
                        break;
                    case "lat":
                        known = once(known, 8, field);
                        lat = number(field, v, p);
                        hasLat = true;
                        break;
                    case "lng":
                        known = once(known, 16, field);
                        lng = number(field, v, p);
                        hasLng = true;
                        break;
                    case "state":
                        known = once(known, 32, field);
                        state = text(field, v, p);
                        break;
                    case "crs":
                        known = once(known, 64, field);
                        crs = v == JsonToken.VALUE_NULL ? null : text(field, v, p);
                        break;
                    default:
                        // Ignored, but named once too. A set only here: a contract record has no other fields, and
                        // a 64 KiB record of thousands of them must not cost a comparison of each with each.
                        if (others == null) {
                            others = new java.util.HashSet<>();
                        }
                        if (!others.add(field)) {
                            throw duplicate(field);
                        }
                        p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT) {
                throw new InvalidRecordException(NOT_JSON, "malformed JSON object");
            }
            if (hasTrailingContent(p)) {
                throw new InvalidRecordException(NOT_JSON, "trailing content after the JSON object");
            }
        } catch (IOException e) {
            throw new InvalidRecordException(NOT_JSON, "not JSON: " + firstLine(e.getMessage()));
        }
        require(operator != null && !operator.isEmpty(), "operator");
        require(bikeId != null && !bikeId.isEmpty(), "bikeId");
        require(hasTs, "ts");
        require(hasLat, "lat");
        require(hasLng, "lng");
        require(state != null, "state");
        if (!(lat >= -90.0 && lat <= 90.0)) {
            throw new InvalidRecordException(OUT_OF_RANGE, "field 'lat' = " + lat + " is outside [-90, 90]");
        }
        if (!(lng >= -180.0 && lng <= 180.0)) {
            throw new InvalidRecordException(OUT_OF_RANGE, "field 'lng' = " + lng + " is outside [-180, 180]");
        }
        BikeState bikeState = BikeState.fromWireName(state);
        if (bikeState == null) {
            throw new InvalidRecordException(UNKNOWN_STATE,
                    "field 'state' = '" + state + "' is not one of parked, riding, faulty");
        }
        long now = clock.getAsLong();
        if (ts > now + maxFutureMs) {
            throw new InvalidRecordException(FUTURE_TIMESTAMP, "field 'ts' = " + ts + " is " + (ts - now)
                    + " ms ahead of the clock (" + now + "); at most " + maxFutureMs + " ms allowed");
        }
        Crs system;
        try {
            system = crs == null ? Crs.WGS84 : Crs.parse(crs);
        } catch (IllegalArgumentException e) {
            throw new InvalidRecordException(UNKNOWN_CRS, "field 'crs': " + e.getMessage());
        }
        if (system != Crs.WGS84) {
            double[] wgs = system.toWgs84(lat, lng);
            lat = wgs[0];
            lng = wgs[1];
        }
        return new BikePosition(operator, bikeId, ts, lat, lng, bikeState);
    }

    /**
     * The fast path: a plain record (see {@link PlainRecordScanner}) that passes every check, read without the
     * parser; null for anything else, which the parser then reads, accepts or rejects with its reason.
     */
    private BikePosition plain(byte[] value) {
        PlainRecordScanner r = new PlainRecordScanner(value);
        if (!r.scan() || r.operator.isEmpty() || r.bikeId.isEmpty() || r.bikeId.length() > maxBikeIdLength
                || !(r.lat >= -90.0 && r.lat <= 90.0) || !(r.lng >= -180.0 && r.lng <= 180.0)) {
            return null;
        }
        BikeState bikeState = BikeState.fromWireName(r.state);
        if (bikeState == null || r.ts > clock.getAsLong() + maxFutureMs) {
            return null;
        }
        double lat = r.lat;
        double lng = r.lng;
        if (r.crs != null) {
            Crs system;
            try {
                system = Crs.parse(r.crs);
            } catch (IllegalArgumentException e) {
                return null;
            }
            if (system != Crs.WGS84) {
                double[] wgs = system.toWgs84(lat, lng);
                lat = wgs[0];
                lng = wgs[1];
            }
        }
        return new BikePosition(r.operator, r.bikeId, r.ts, lat, lng, bikeState);
    }

    /** {@code seen} with {@code bit} added; a field whose bit is already there is named twice. */
    private static int once(int seen, int bit, String field) throws InvalidRecordException {
        if ((seen & bit) != 0) {
            throw duplicate(field);
        }
        return seen | bit;
    }

    private static InvalidRecordException duplicate(String field) {
        // An ignored field's name can be as long as the record: the detail (a Kafka header) quotes its start.
        String name = field.length() > 64 ? field.substring(0, 64) + "..." : field;
        return new InvalidRecordException(DUPLICATE_FIELD, "field '" + name + "' appears more than once");
    }

    private static boolean hasTrailingContent(JsonParser p) {
        try {
            return p.nextToken() != null;
        } catch (IOException e) {
            return true;
        }
    }

    private static long epochMillis(JsonParser p) throws IOException, InvalidRecordException {
        try {
            return p.getLongValue();
        } catch (InputCoercionException e) {
            // A well-formed integer, just too big: out of range, not unreadable.
            String digits = p.getText();
            throw new InvalidRecordException(OUT_OF_RANGE, "field 'ts' = "
                    + (digits.length() > 24 ? digits.substring(0, 24) + "..." : digits)
                    + " does not fit a 64-bit epoch-millisecond timestamp");
        }
    }

    private static String text(String field, JsonToken v, JsonParser p) throws IOException, InvalidRecordException {
        if (v != JsonToken.VALUE_STRING) {
            throw badType(field, p, "a string");
        }
        return p.getText();
    }

    private static double number(String field, JsonToken v, JsonParser p) throws IOException, InvalidRecordException {
        if (v != JsonToken.VALUE_NUMBER_FLOAT && v != JsonToken.VALUE_NUMBER_INT) {
            throw badType(field, p, "a number");
        }
        return p.getDoubleValue();
    }

    private static InvalidRecordException badType(String field, JsonParser p, String expected) throws IOException {
        if (p.currentToken() == JsonToken.START_OBJECT || p.currentToken() == JsonToken.START_ARRAY) {
            return new InvalidRecordException(BAD_TYPE, "field '" + field + "' must be " + expected
                    + ", got " + (p.currentToken() == JsonToken.START_OBJECT ? "an object" : "an array"));
        }
        String got = p.currentToken() == JsonToken.VALUE_STRING ? "'" + p.getText() + "'" : p.getText();
        return new InvalidRecordException(BAD_TYPE, "field '" + field + "' must be " + expected + ", got " + got);
    }

    private void requireShortId(String bikeId) throws InvalidRecordException {
        // length() counts UTF-16 units, never fewer than code points: only a long string needs counting.
        if (bikeId.length() > maxBikeIdLength) {
            int chars = bikeId.codePointCount(0, bikeId.length());
            if (chars > maxBikeIdLength) {
                String quoted = bikeId.substring(0, bikeId.offsetByCodePoints(0, Math.min(QUOTED_ID_CHARS, chars)));
                throw new InvalidRecordException(TOO_LARGE, "field 'bikeId' = '" + quoted + "...' is " + chars
                        + " characters long; at most " + maxBikeIdLength + " allowed");
            }
        }
    }

    private static void require(boolean present, String field) throws InvalidRecordException {
        if (!present) {
            throw new InvalidRecordException(MISSING_FIELD, "required field '" + field + "' is missing or empty");
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable input";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
