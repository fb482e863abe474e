package org.bikefence.decode;

import java.nio.charset.StandardCharsets;

/**
 * The decoder's fast path: reads a position message that is plain, as every operator's feed writes it (one JSON
 * object of the contract's fields, ASCII only, no escapes, each field once, numbers without exponents), in one
 * pass over the bytes without a JSON parser. Anything else, and anything the validation would refuse, it leaves to
 * the parser ({@link #scan} returns false), so a record's fate and every rejection's reason and detail are the
 * parser's; {@code PlainRecordScannerTest} holds the two to the same positions.
 */
final class PlainRecordScanner {
    private static final int OPERATOR = 1;
    private static final int BIKE_ID = 2;
    private static final int TS = 4;
    private static final int LAT = 8;
    private static final int LNG = 16;
    private static final int STATE = 32;
    private static final int CRS = 64;
    /** Longest number the scanner reads itself (longer ones are rare and left to the parser). */
    private static final int MAX_NUMBER_CHARS = 24;

    private final byte[] b;
    private int i;

    String operator;
    String bikeId;
    long ts;
    double lat;
    double lng;
    String state;
    /** Null when absent or JSON null. */
    String crs;
    private int seen;

    PlainRecordScanner(byte[] value) {
        this.b = value;
    }

    /** Whether the record is plain and every field was read; false leaves it to the parser. */
    boolean scan() {
        skipWhitespace();
        if (!take('{')) {
            return false;
        }
        skipWhitespace();
        if (peek() == '}') {
            return false;
        }
        while (true) {
            skipWhitespace();
            int field = fieldName();
            if (field == 0 || (seen & field) != 0) {
                return false;
            }
            seen |= field;
            skipWhitespace();
            if (!take(':')) {
                return false;
            }
            skipWhitespace();
            if (!value(field)) {
                return false;
            }
            skipWhitespace();
            if (take(',')) {
                continue;
            }
            if (!take('}')) {
                return false;
            }
            break;
        }
        skipWhitespace();
        return i == b.length && (seen & (OPERATOR | BIKE_ID | TS | LAT | LNG | STATE)) == (OPERATOR | BIKE_ID | TS
                | LAT | LNG | STATE);
    }

    private boolean value(int field) {
        switch (field) {
            case OPERATOR:
                operator = string();
                return operator != null;
            case BIKE_ID:
                bikeId = string();
                return bikeId != null;
            case STATE:
                state = string();
                return state != null;
            case CRS:
                if (literal("null")) {
                    crs = null;
                    return true;
                }
                crs = string();
                return crs != null;
            case TS:
                return integer();
            case LAT:
                lat = decimal();
                return !Double.isNaN(lat);
            case LNG:
                lng = decimal();
                return !Double.isNaN(lng);
            default:
                return false;
        }
    }

    /** The bit of a known field name, or 0 (unknown, escaped or not a name). */
    private int fieldName() {
        if (!take('"')) {
            return 0;
        }
        int start = i;
        while (i < b.length && b[i] != '"') {
            if (b[i] == '\\' || b[i] < 0x20) {
                return 0;
            }
            i++;
        }
        if (i >= b.length) {
            return 0;
        }
        int len = i - start;
        i++;
        return switch (len) {
            case 2 -> is(start, "ts") ? TS : 0;
            case 3 -> is(start, "lat") ? LAT : is(start, "lng") ? LNG : is(start, "crs") ? CRS : 0;
            case 5 -> is(start, "state") ? STATE : 0;
            case 6 -> is(start, "bikeId") ? BIKE_ID : 0;
            case 8 -> is(start, "operator") ? OPERATOR : 0;
            default -> 0;
        };
    }

    private boolean is(int start, String name) {
        for (int k = 0; k < name.length(); k++) {
            if (b[start + k] != name.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /** A string of printable ASCII without escapes, or null. */
    private String string() {
        if (!take('"')) {
            return null;
        }
        int start = i;
        while (i < b.length) {
            byte c = b[i];
            if (c == '"') {
                String s = new String(b, start, i - start, StandardCharsets.ISO_8859_1);
                i++;
                return s;
            }
            // Negative: a byte of a multi-byte UTF-8 sequence; below 0x20: a control character.
            if (c == '\\' || c < 0x20 || c == 0x7f) {
                return null;
            }
            i++;
        }
        return null;
    }

    /** An integer of at most 18 digits (so it fits a long) without a leading zero. */
    private boolean integer() {
        boolean negative = take('-');
        int start = i;
        long v = 0;
        while (i < b.length && b[i] >= '0' && b[i] <= '9') {
            v = v * 10 + (b[i] - '0');
            i++;
        }
        int digits = i - start;
        if (digits == 0 || digits > 18 || (digits > 1 && b[start] == '0')) {
            return false;
        }
        if (i < b.length && (b[i] == '.' || b[i] == 'e' || b[i] == 'E')) {
            return false;
        }
        ts = negative ? -v : v;
        return true;
    }

    /** A JSON number without an exponent, as the parser reads it (Double.parseDouble), or NaN. */
    private double decimal() {
        int start = i;
        take('-');
        int intStart = i;
        while (i < b.length && b[i] >= '0' && b[i] <= '9') {
            i++;
        }
        int intDigits = i - intStart;
        if (intDigits == 0 || (intDigits > 1 && b[intStart] == '0')) {
            return Double.NaN;
        }
        boolean fraction = take('.');
        if (fraction) {
            int fracStart = i;
            while (i < b.length && b[i] >= '0' && b[i] <= '9') {
                i++;
            }
            if (i == fracStart) {
                return Double.NaN;
            }
        }
        if (i < b.length && (b[i] == 'e' || b[i] == 'E')) {
            return Double.NaN;
        }
        int len = i - start;
        if (len > MAX_NUMBER_CHARS || (!fraction && intDigits > 18)) {
            return Double.NaN;
        }
        if (fraction) {
            double exact = shortFraction(start, i);
            if (!Double.isNaN(exact)) {
                return exact;
            }
        }
        String text = new String(b, start, len, StandardCharsets.ISO_8859_1);
        // An integer is the parser's integer token made a double (so -0 is 0.0); a fraction is Double.parseDouble.
        return fraction ? Double.parseDouble(text) : (double) Long.parseLong(text);
    }

    /**
     * A fraction of at most 15 significant digits, as {@link Double#parseDouble} reads it but without a string: its
     * digits make an integer below 2^53 and its scale a power of ten up to 10^22, both exact in a double, and one
     * IEEE division of exact operands is correctly rounded, as parseDouble is. NaN when the number is longer (the
     * caller then parses it the slow way). Positions have 6-8 decimals, so this is the common case.
     */
    private double shortFraction(int from, int to) {
        boolean negative = b[from] == '-';
        long m = 0;
        int digits = 0;
        int scale = 0;
        boolean afterPoint = false;
        for (int k = negative ? from + 1 : from; k < to; k++) {
            byte c = b[k];
            if (c == '.') {
                afterPoint = true;
                continue;
            }
            if (m != 0 || c != '0') {
                digits++;
            }
            m = m * 10 + (c - '0');
            if (afterPoint) {
                scale++;
            }
        }
        if (digits > 15 || scale >= POWERS_OF_TEN.length) {
            return Double.NaN;
        }
        double v = m / POWERS_OF_TEN[scale];
        return negative ? -v : v;
    }

    private static final double[] POWERS_OF_TEN = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
        1e19, 1e20, 1e21, 1e22
    };

    private boolean literal(String word) {
        if (i + word.length() > b.length || !is(i, word)) {
            return false;
        }
        i += word.length();
        return true;
    }

    private void skipWhitespace() {
        while (i < b.length && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) {
            i++;
        }
    }

    private boolean take(char c) {
        if (i < b.length && b[i] == c) {
            i++;
            return true;
        }
        return false;
    }

    private int peek() {
        return i < b.length ? b[i] : -1;
    }
}
