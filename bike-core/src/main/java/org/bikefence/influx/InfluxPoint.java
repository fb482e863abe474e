package org.bikefence.influx;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.Collections;
import java.util.Map;
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
 */
public final class InfluxPoint implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String measurement;
    private final TreeMap<String, String> tags;
    private final TreeMap<String, Object> fields;
    private final long timeMs;

    private InfluxPoint(
            String measurement, TreeMap<String, String> tags, TreeMap<String, Object> fields, long timeMs) {
        this.measurement = measurement;
        this.tags = tags;
        this.fields = fields;
        this.timeMs = timeMs;
    }

    /** Starts a point of the given measurement. */
    public static Builder measurement(String measurement) {
        return new Builder(measurement);
    }

    public String measurement() {
        return measurement;
    }

    public SortedMap<String, String> tags() {
        return Collections.unmodifiableSortedMap(tags);
    }

    /** Field values are {@link Long}, {@link Double}, {@link Boolean} or {@link String}. */
    public SortedMap<String, Object> fields() {
        return Collections.unmodifiableSortedMap(fields);
    }

    /** Timestamp in epoch milliseconds (the sink writes with precision=ms). */
    public long timeMs() {
        return timeMs;
    }

    /** This point as one line of InfluxDB line protocol with millisecond precision, no newline. */
    public String toLineProtocol() {
        StringBuilder sb = new StringBuilder(64);
        escape(sb, measurement, false);
        for (Map.Entry<String, String> tag : tags.entrySet()) {
            sb.append(',');
            escape(sb, tag.getKey(), true);
            sb.append('=');
            escape(sb, tag.getValue(), true);
        }
        char separator = ' ';
        for (Map.Entry<String, Object> field : fields.entrySet()) {
            sb.append(separator);
            separator = ',';
            escape(sb, field.getKey(), true);
            sb.append('=');
            appendFieldValue(sb, field.getValue());
        }
        sb.append(' ').append(timeMs);
        return sb.toString();
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
                && tags.equals(that.tags)
                && fields.equals(that.fields);
    }

    @Override
    public int hashCode() {
        return Objects.hash(measurement, tags, fields, timeMs);
    }

    @Override
    public String toString() {
        return toLineProtocol();
    }

    /** Fluent builder; see {@link InfluxPoint#measurement(String)}. */
    public static final class Builder {
        private final String measurement;
        private TreeMap<String, String> tags = new TreeMap<>();
        private TreeMap<String, Object> fields = new TreeMap<>();
        private Long timeMs;
        /**
         * Whether a point built holds this builder's maps: {@link #build} hands them over instead of copying them (a
         * point per change of the job's output), and a builder used again after it works on copies.
         */
        private boolean shared;

        /** Before a change: the maps a built point holds are not changed, the builder goes on with copies. */
        private void own() {
            if (shared) {
                tags = new TreeMap<>(tags);
                fields = new TreeMap<>(fields);
                shared = false;
            }
        }

        private Builder(String measurement) {
            this.measurement = requireName("measurement", measurement);
        }

        /** Adds a tag; a null or empty value omits the tag (line protocol cannot carry an empty tag). */
        public Builder tag(String key, String value) {
            requireName("tag key", key);
            own();
            if (value == null || value.isEmpty()) {
                tags.remove(key);
                return this;
            }
            requireNoNewline("tag value of '" + key + "'", value);
            tags.put(key, value);
            return this;
        }

        public Builder field(String key, long value) {
            own();
            fields.put(requireName("field key", key), value);
            return this;
        }

        public Builder field(String key, double value) {
            if (Double.isNaN(value) || Double.isInfinite(value)) {
                throw new IllegalArgumentException(
                        "field '" + key + "' of measurement '" + measurement + "' is " + value
                                + ": InfluxDB cannot store NaN or infinite floats");
            }
            own();
            fields.put(requireName("field key", key), value);
            return this;
        }

        public Builder field(String key, boolean value) {
            own();
            fields.put(requireName("field key", key), value);
            return this;
        }

        /** Adds a string field; a null value omits the field. */
        public Builder field(String key, String value) {
            requireName("field key", key);
            own();
            if (value == null) {
                fields.remove(key);
            } else {
                fields.put(key, value);
            }
            return this;
        }

        /** Timestamp in epoch milliseconds; required so that replays are idempotent. */
        public Builder time(long epochMs) {
            this.timeMs = epochMs;
            return this;
        }

        public InfluxPoint build() {
            if (fields.isEmpty()) {
                throw new IllegalArgumentException(
                        "point of measurement '" + measurement + "' has no fields: InfluxDB requires at least one field");
            }
            if (timeMs == null) {
                throw new IllegalArgumentException(
                        "point of measurement '" + measurement + "' has no time: set time(epochMs) from the data,"
                                + " so that a replayed point overwrites itself");
            }
            shared = true;
            return new InfluxPoint(measurement, tags, fields, timeMs);
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
