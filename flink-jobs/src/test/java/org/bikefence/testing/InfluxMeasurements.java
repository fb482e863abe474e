package org.bikefence.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.bikefence.local.LocalInfluxd;

/**
 * What a whole-job test compares between two runs: every measurement of an InfluxDB database, row by row,
 * tags and fields included, and a readable difference when two runs disagree.
 */
public final class InfluxMeasurements {
    /** Rows of a measurement's difference printed on failure. */
    public static final int DIFF_ROWS = 15;

    private InfluxMeasurements() {}

    /** Every measurement of the database: each row as its non-null columns, name=value, rows sorted. */
    public static Map<String, List<String>> of(LocalInfluxd influx, String db) throws IOException {
        Map<String, List<String>> out = new TreeMap<>();
        for (List<Object> m : influx.rows(db, "SHOW MEASUREMENTS")) {
            String name = String.valueOf(m.get(0));
            JsonNode series = influx.query(db, "SELECT * FROM \"" + name + "\" ORDER BY time")
                    .path("results").path(0).path("series").path(0);
            List<String> columns = new ArrayList<>();
            series.path("columns").forEach(c -> columns.add(c.asText()));
            List<String> rows = new ArrayList<>();
            for (JsonNode values : series.path("values")) {
                StringBuilder row = new StringBuilder();
                Iterator<JsonNode> it = values.elements();
                for (int i = 0; it.hasNext(); i++) {
                    JsonNode v = it.next();
                    if (!v.isNull()) {
                        row.append(row.isEmpty() ? "" : " ").append(columns.get(i)).append('=').append(v.asText());
                    }
                }
                rows.add(row.toString());
            }
            // Rows start with their time; sorting the whole row orders by time, then tags and fields.
            rows.sort(null);
            out.put(name, rows);
        }
        return out;
    }

    /** Points in all measurements. */
    public static long points(Map<String, List<String>> measurements) {
        return measurements.values().stream().mapToLong(List::size).sum();
    }

    /** What differs between two runs' measurements, readable: per measurement the rows only one of them has. */
    public static String difference(Map<String, List<String>> a, String labelA, Map<String, List<String>> b,
            String labelB) {
        StringBuilder diff = new StringBuilder();
        TreeSet<String> names = new TreeSet<>(a.keySet());
        names.addAll(b.keySet());
        for (String name : names) {
            List<String> ra = a.getOrDefault(name, List.of());
            List<String> rb = b.getOrDefault(name, List.of());
            if (!ra.equals(rb)) {
                diff.append(String.format("%s: %d rows at %s, %d at %s%n", name, ra.size(), labelA, rb.size(), labelB));
                diff.append(onlyIn(ra, rb, labelA)).append(onlyIn(rb, ra, labelB));
            }
        }
        return diff.toString();
    }

    /** The first {@link #DIFF_ROWS} of {@code rows} that {@code other} lacks, one line each, and how many more. */
    public static String onlyIn(List<String> rows, List<String> other, String label) {
        TreeSet<String> rest = new TreeSet<>(other);
        List<String> only = rows.stream().filter(r -> !rest.contains(r)).toList();
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(DIFF_ROWS, only.size()); i++) {
            s.append("  only at ").append(label).append(": ").append(only.get(i)).append('\n');
        }
        if (only.size() > DIFF_ROWS) {
            s.append("  ... and ").append(only.size() - DIFF_ROWS).append(" more only at ").append(label).append('\n');
        }
        return s.toString();
    }
}
