package org.bikefence.influx;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Collections;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One immutable InfluxDB point (measurement, tags, fields, millisecond timestamp) that renders itself
 * as deterministic line protocol.
 *
 * <p>Tags and fields are kept sorted, so equal points always produce byte-identical lines; together
 * with a timestamp taken from the data (never from the wall clock) this makes a replayed point
 * overwrite itself in InfluxDB instead of adding a row.
 *
 * <p>A point holds its tags and its fields each as one array of keys and values, sorted by key, not as maps: the job
 * makes a point per change of its output (about 0.4 per position record), and two tree maps per point were a
 * twentieth of the job's allocation. The builder hands its arrays to the point it builds.
 */
public final class InfluxPoint implements Serializable {

    private static final long serialVersionUID = 2L;

    private final String measurement;
    /** Key, value, key, value, ... in ascending key order: {@link #tagCount} pairs (the array may be longer). */
    private final String[] tags;
    private final int tagCount;
    /** The same for the fields; values are {@link Long}, {@link Double}, {@link Boolean} or {@link String}. */
    private final Object[] fields;
    private final int fieldCount;
    private final long timeMs;

    private InfluxPoint(String measurement, String[] tags, int tagCount, Object[] fields, int fieldCount,
            long timeMs) {
        this.measurement = measurement;
        this.tags = tags;
        this.tagCount = tagCount;
        this.fields = fields;
        this.fieldCount = fieldCount;
        this.timeMs = timeMs;
    }

    /** Starts a point of the given measurement. */
    public static Builder measurement(String measurement) {
        return new Builder(measurement);
    }

    public String measurement() {
        return measurement;
    }

    /** The tags, sorted by key (a new map each call: {@link #tag} and {@link #tagKey} read without one). */
    public SortedMap<String, String> tags() {
        TreeMap<String, String> m = new TreeMap<>();
        for (int i = 0; i < tagCount; i++) {
            m.put(tags[2 * i], tags[2 * i + 1]);
        }
        return Collections.unmodifiableSortedMap(m);
    }

    /** Field values are {@link Long}, {@link Double}, {@link Boolean} or {@link String}; see {@link #tags()}. */
    public SortedMap<String, Object> fields() {
        TreeMap<String, Object> m = new TreeMap<>();
        for (int i = 0; i < fieldCount; i++) {
            m.put((String) fields[2 * i], fields[2 * i + 1]);
        }
        return Collections.unmodifiableSortedMap(m);
    }

    /** The tag's value, or null. */
    public String tag(String key) {
        int i = find(tags, tagCount, key);
        return i < 0 ? null : tags[2 * i + 1];
    }

    /** The field's value, or null. */
    public Object field(String key) {
        int i = find(fields, fieldCount, key);
        return i < 0 ? null : fields[2 * i + 1];
    }

    public int tagCount() {
        return tagCount;
    }

    /** The {@code i}-th tag key in ascending order. */
    public String tagKey(int i) {
        return tags[2 * Objects.checkIndex(i, tagCount)];
    }

    public String tagValue(int i) {
        return tags[2 * Objects.checkIndex(i, tagCount) + 1];
    }

    public int fieldCount() {
        return fieldCount;
    }

    /** The {@code i}-th field key in ascending order. */
    public String fieldKey(int i) {
        return (String) fields[2 * Objects.checkIndex(i, fieldCount)];
    }

    public Object fieldValue(int i) {
        return fields[2 * Objects.checkIndex(i, fieldCount) + 1];
    }

    /** Timestamp in epoch milliseconds (the sink writes with precision=ms). */
    public long timeMs() {
        return timeMs;
    }

    /** This point as one line of InfluxDB line protocol with millisecond precision, no newline. */
    public String toLineProtocol() {
        return appendLineProtocol(new StringBuilder(64)).toString();
    }

    /** Appends {@link #toLineProtocol()} to {@code sb} (a batch of lines is one builder). */
    public StringBuilder appendLineProtocol(StringBuilder sb) {
        escape(sb, measurement, false);
        for (int i = 0; i < tagCount; i++) {
            sb.append(',');
            escape(sb, tags[2 * i], true);
            sb.append('=');
            escape(sb, tags[2 * i + 1], true);
        }
        char separator = ' ';
        for (int i = 0; i < fieldCount; i++) {
            sb.append(separator);
            separator = ',';
            escape(sb, (String) fields[2 * i], true);
            sb.append('=');
            appendFieldValue(sb, fields[2 * i + 1]);
        }
        return sb.append(' ').append(timeMs);
    }

    /**
     * The index of {@code key} among the first {@code n} keys of a key-value array sorted by key, or (-(insertion
     * point) - 1). Keys mostly come in ascending order (a deserialized point's always): the last one is looked at
     * first.
     */
    private static int find(Object[] pairs, int n, String key) {
        if (n == 0) {
            return -1;
        }
        int c = key.compareTo((String) pairs[2 * (n - 1)]);
        if (c > 0) {
            return -n - 1;
        }
        if (c == 0) {
            return n - 1;
        }
        int lo = 0;
        int hi = n - 2;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int d = ((String) pairs[2 * mid]).compareTo(key);
            if (d < 0) {
                lo = mid + 1;
            } else if (d > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -lo - 1;
    }

    private static void escape(StringBuilder sb, String s, boolean escapeEquals) {
        int n = s.length();
        int first = 0;
        while (first < n) {
            char c = s.charAt(first);
            if (c == ',' || c == ' ' || (escapeEquals && c == '=')) {
                break;
            }
            first++;
        }
        if (first == n) {
            // Nothing to escape (names, ids, numbers as tags): one bulk append.
            sb.append(s);
            return;
        }
        sb.append(s, 0, first);
        for (int i = first; i < n; i++) {
            char c = s.charAt(i);
            if (c == ',' || c == ' ' || (escapeEquals && c == '=')) {
                sb.append('\\');
            }
            sb.append(c);
        }
    }

    /**
     * A double in plain notation, as {@code BigDecimal.valueOf(d).toPlainString()} writes it: that is
     * {@link Double#toString} whenever it has no exponent (|d| from 1e-3 to 1e7, nearly every field), and zero of
     * either sign is "0.0"; only the rest goes through {@code BigDecimal}.
     */
    static String plain(double d) {
        if (d == 0) {
            return "0.0";
        }
        String s = Double.toString(d);
        return s.indexOf('E') < 0 ? s : BigDecimal.valueOf(d).toPlainString();
    }

    private static void appendFieldValue(StringBuilder sb, Object value) {
        if (value instanceof Long) {
            sb.append((long) (Long) value).append('i');
        } else if (value instanceof Double) {
            // Plain notation: InfluxDB reads "1E10" too, but plain digits are unambiguous for every version.
            sb.append(plain((Double) value));
        } else if (value instanceof Boolean) {
            sb.append((boolean) (Boolean) value);
        } else {
            String s = (String) value;
            sb.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '"' || c == '\\') {
                    sb.append('\\');
                }
                sb.append(c);
            }
            sb.append('"');
        }
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof InfluxPoint)) {
            return false;
        }
        InfluxPoint that = (InfluxPoint) o;
        return timeMs == that.timeMs
                && measurement.equals(that.measurement)
                && Arrays.equals(tags, 0, 2 * tagCount, that.tags, 0, 2 * that.tagCount)
                && Arrays.equals(fields, 0, 2 * fieldCount, that.fields, 0, 2 * that.fieldCount);
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(measurement, timeMs);
        for (int i = 0; i < 2 * tagCount; i++) {
            h = 31 * h + tags[i].hashCode();
        }
        for (int i = 0; i < 2 * fieldCount; i++) {
            h = 31 * h + fields[i].hashCode();
        }
        return h;
    }

    @Override
    public String toString() {
        return toLineProtocol();
    }

    /** Fluent builder; see {@link InfluxPoint#measurement(String)}. Set a key again and its last value counts. */
    public static final class Builder {
        private final String measurement;
        /** The tags and fields so far as in a point (a point has a handful: insertion in order is cheap). */
        private String[] tags = new String[8];
        private int tagCount;
        private Object[] fields = new Object[8];
        private int fieldCount;
        private Long timeMs;
        /**
         * Whether a point built holds this builder's arrays: {@link #build} hands them over instead of copying them,
         * and a builder used again after it works on copies.
         */
        private boolean shared;

        private Builder(String measurement) {
            this.measurement = requireName("measurement", measurement);
        }

        /** Before a change: the arrays a built point holds are not changed, the builder goes on with copies. */
        private void own() {
            if (shared) {
                tags = tags.clone();
                fields = fields.clone();
                shared = false;
            }
        }

        /** Adds a tag; a null or empty value omits the tag (line protocol cannot carry an empty tag). */
        public Builder tag(String key, String value) {
            requireName("tag key", key);
            own();
            int i = find(tags, tagCount, key);
            if (value == null || value.isEmpty()) {
                if (i >= 0) {
                    remove(tags, tagCount--, i);
                }
                return this;
            }
            requireNoNewline("tag value of '" + key + "'", value);
            if (i >= 0) {
                tags[2 * i + 1] = value;
                return this;
            }
            if (2 * tagCount == tags.length) {
                tags = Arrays.copyOf(tags, 2 * tags.length);
            }
            insert(tags, tagCount++, -i - 1, key, value);
            return this;
        }

        public Builder field(String key, long value) {
            return putField(requireName("field key", key), value);
        }

        public Builder field(String key, double value) {
            if (Double.isNaN(value) || Double.isInfinite(value)) {
                throw new IllegalArgumentException(
                        "field '" + key + "' of measurement '" + measurement + "' is " + value
                                + ": InfluxDB cannot store NaN or infinite floats");
            }
            return putField(requireName("field key", key), value);
        }

        public Builder field(String key, boolean value) {
            return putField(requireName("field key", key), value);
        }

        /** Adds a string field; a null value omits the field. */
        public Builder field(String key, String value) {
            requireName("field key", key);
            if (value == null) {
                own();
                int i = find(fields, fieldCount, key);
                if (i >= 0) {
                    remove(fields, fieldCount--, i);
                }
                return this;
            }
            return putField(key, value);
        }

        private Builder putField(String key, Object value) {
            own();
            int i = find(fields, fieldCount, key);
            if (i >= 0) {
                fields[2 * i + 1] = value;
                return this;
            }
            if (2 * fieldCount == fields.length) {
                fields = Arrays.copyOf(fields, 2 * fields.length);
            }
            insert(fields, fieldCount++, -i - 1, key, value);
            return this;
        }

        /** Puts a pair at index {@code at} of the {@code n} pairs, moving those from there one up. */
        private static void insert(Object[] pairs, int n, int at, String key, Object value) {
            System.arraycopy(pairs, 2 * at, pairs, 2 * at + 2, 2 * (n - at));
            pairs[2 * at] = key;
            pairs[2 * at + 1] = value;
        }

        /** Removes the pair at index {@code at} of the {@code n} pairs. */
        private static void remove(Object[] pairs, int n, int at) {
            System.arraycopy(pairs, 2 * at + 2, pairs, 2 * at, 2 * (n - at - 1));
            pairs[2 * n - 2] = null;
            pairs[2 * n - 1] = null;
        }

        /** Timestamp in epoch milliseconds; required so that replays are idempotent. */
        public Builder time(long epochMs) {
            this.timeMs = epochMs;
            return this;
        }

        public InfluxPoint build() {
            if (fieldCount == 0) {
                throw new IllegalArgumentException(
                        "point of measurement '" + measurement + "' has no fields: InfluxDB requires at least one field");
            }
            if (timeMs == null) {
                throw new IllegalArgumentException(
                        "point of measurement '" + measurement + "' has no time: set time(epochMs) from the data,"
                                + " so that a replayed point overwrites itself");
            }
            shared = true;
            return new InfluxPoint(measurement, tags, tagCount, fields, fieldCount, timeMs);
        }

        private static String requireName(String what, String name) {
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException(what + " must not be null or empty");
            }
            return requireNoNewline(what, name);
        }

        private static String requireNoNewline(String what, String s) {
            if (s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
                throw new IllegalArgumentException(what + " must not contain a line break: " + s.strip());
            }
            return s;
        }
    }
}
