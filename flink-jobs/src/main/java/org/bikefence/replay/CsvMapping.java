package org.bikefence.replay;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * How a city platform's CSV export becomes the position contract: which column holds which contract field,
 * defaults for fields without a column, the delimiter, and the time zone of naive timestamps.
 *
 * <p>Each row becomes the contract's JSON, so the job validates it exactly as a live record. A cell that
 * cannot be mapped (a bad number, a bad time) is passed on as a JSON string in its field, which the decoder
 * rejects as {@code bad_type} naming field and value; the row also carries a {@value #PROBLEM_FIELD} object
 * naming the CSV column, the cell and the problem, which the decoder ignores and the dead-letter file shows.
 */
public final class CsvMapping implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Contract fields in the order they are written (that is also the decoder's order of complaints). */
    static final List<String> FIELDS = List.of("operator", "bikeId", "ts", "lat", "lng", "state", "crs");
    /** Fields that may come from a default instead of a column. */
    static final List<String> DEFAULTABLE = List.of("operator", "state", "crs");
    /** Columns as a city platform exports them. */
    public static final String DEFAULT_COLUMNS =
            "bikeId=BIKE_ID,lat=LATITUDE,lng=LONGITUDE,ts=TIME,state=STATE,operator=OPERATOR,crs=CRS";
    /** Extra member of a row whose cell could not be mapped. */
    static final String PROBLEM_FIELD = "_replay";

    private static final JsonFactory JSON = new JsonFactory();
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

    private final LinkedHashMap<String, String> columns;
    private final LinkedHashMap<String, String> defaults;
    private final String zone;
    private transient ZoneId zoneId; // resolved once, not per row
    private final char delimiter;

    private CsvMapping(LinkedHashMap<String, String> columns, LinkedHashMap<String, String> defaults, ZoneId zone,
            char delimiter) {
        this.columns = columns;
        this.defaults = defaults;
        this.zone = zone.getId();
        this.delimiter = delimiter;
    }

    /**
     * @param spec {@code field=COLUMN,...}; fields are those of the contract: operator, bikeId, ts, lat,
     *     lng, state, crs
     * @param defaults values for operator, state and crs when the file has no such column (or the cell is
     *     empty); null entries are ignored
     */
    public static CsvMapping of(String spec, Map<String, String> defaults, ZoneId zone, char delimiter) {
        LinkedHashMap<String, String> cols = new LinkedHashMap<>();
        for (String part : spec.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            String field = eq < 0 ? "" : part.substring(0, eq).trim();
            String column = eq < 0 ? "" : part.substring(eq + 1).trim();
            if (!FIELDS.contains(field) || column.isEmpty()) {
                throw new IllegalArgumentException("--csv-columns: '" + part.trim()
                        + "' is not field=COLUMN with a field of " + FIELDS);
            }
            cols.put(field, column);
        }
        LinkedHashMap<String, String> defs = new LinkedHashMap<>();
        defaults.forEach((field, value) -> {
            if (value == null) {
                return;
            }
            if (!DEFAULTABLE.contains(field)) {
                throw new IllegalArgumentException("no default can be given for field '" + field + "'");
            }
            defs.put(field, value);
        });
        return new CsvMapping(cols, defs, zone, delimiter);
    }

    public ZoneId zone() {
        if (zoneId == null) {
            zoneId = ZoneId.of(zone);
        }
        return zoneId;
    }

    public char delimiter() {
        return delimiter;
    }

    /** This mapping applied to a header given as text; fails naming the file and the missing column. */
    public Bound bind(String headerLine, String file) {
        List<String> header;
        try {
            header = cells(headerLine, delimiter);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": cannot read the CSV header: " + e.getMessage());
        }
        return bind(header, file);
    }

    /** This mapping applied to a file's header row; fails naming the file and the missing column. */
    Bound bind(CsvRows.Row header, String file) {
        if (header.cells() == null) {
            throw new IllegalArgumentException(file + ": cannot read the CSV header: " + header.malformed());
        }
        return bind(header.cells(), file);
    }

    private Bound bind(List<String> header, String file) {
        int[] index = new int[FIELDS.size()];
        String[] columnOf = new String[FIELDS.size()];
        List<String> problems = new ArrayList<>();
        for (int f = 0; f < FIELDS.size(); f++) {
            String field = FIELDS.get(f);
            String column = columns.get(field);
            index[f] = column == null ? -1 : indexOf(header, column);
            columnOf[f] = column;
            if (index[f] < 0 && !defaults.containsKey(field) && !field.equals("crs")) {
                problems.add(column == null
                        ? "no column is mapped to field '" + field + "'" + defaultHint(field)
                        : "column '" + column + "' (field '" + field + "') is not in the header" + defaultHint(field));
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(file + ": " + String.join("; ", problems) + " (header: " + header + ")");
        }
        return new Bound(index, columnOf);
    }

    private static String defaultHint(String field) {
        return DEFAULTABLE.contains(field) ? " and no --" + field + " default is given" : "";
    }

    private static int indexOf(List<String> header, String column) {
        for (int i = 0; i < header.size(); i++) {
            if (header.get(i).trim().equalsIgnoreCase(column)) {
                return i;
            }
        }
        return -1;
    }

    /** A mapping bound to the columns of one file's header. */
    public final class Bound {
        private final int[] index;
        private final String[] columnOf;

        private Bound(int[] index, String[] columnOf) {
            this.index = index;
            this.columnOf = columnOf;
        }

        /** The contract JSON of one data row given as text (UTF-8). */
        public byte[] map(String row) {
            List<String> cells;
            try {
                cells = cells(row, delimiter);
            } catch (IllegalArgumentException e) {
                return malformed(e.getMessage());
            }
            return map(cells);
        }

        /**
         * The JSON of a row the CSV parser could not read: no field is written, so the decoder rejects it as
         * missing 'operator', and the problem names the parser's complaint.
         */
        byte[] malformed(String complaint) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(160);
            try (JsonGenerator g = JSON.createGenerator(out)) {
                g.writeStartObject();
                problem(g, null, null, "malformed CSV: " + complaint);
                g.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toByteArray();
        }

        /** The contract JSON of one data row's cells (UTF-8). */
        byte[] map(List<String> cells) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(160);
            try (JsonGenerator g = JSON.createGenerator(out)) {
                g.writeStartObject();
                String[] problem = null;
                for (int f = 0; f < FIELDS.size(); f++) {
                    String field = FIELDS.get(f);
                    String cell = index[f] >= 0 && index[f] < cells.size() ? cells.get(index[f]) : null;
                    if (cell == null || cell.isBlank()) {
                        cell = defaults.get(field);
                        if (cell == null) {
                            continue; // absent: the decoder names the missing field
                        }
                    }
                    switch (field) {
                        case "ts":
                            try {
                                g.writeNumberField(field, Timestamps.parse(cell, zone()));
                            } catch (IllegalArgumentException | java.time.DateTimeException e) {
                                g.writeStringField(field, cell);
                                problem = problem != null ? problem
                                        : new String[] {columnOf[f], cell, "bad time: " + e.getMessage()};
                            }
                            break;
                        case "lat":
                        case "lng":
                            String n = cell.trim();
                            if (NUMBER.matcher(n).matches()) {
                                g.writeNumberField(field, Double.parseDouble(n));
                            } else {
                                g.writeStringField(field, cell);
                                problem = problem != null ? problem
                                        : new String[] {columnOf[f], cell, "bad number"};
                            }
                            break;
                        case "state":
                            // Exports often write states in upper case; the contract's names are lower case.
                            g.writeStringField(field, cell.toLowerCase(Locale.ROOT));
                            break;
                        default:
                            g.writeStringField(field, cell);
                    }
                }
                if (problem != null) {
                    problem(g, problem[0], problem[1], problem[2]);
                }
                g.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toByteArray();
        }

        private void problem(JsonGenerator g, String column, String value, String what) throws IOException {
            g.writeObjectFieldStart(PROBLEM_FIELD);
            g.writeStringField("column", column);
            g.writeStringField("value", value);
            g.writeStringField("problem", what);
            g.writeEndObject();
        }
    }

    /**
     * The cells of one row given as text, read as the replay reads a file.
     *
     * @throws IllegalArgumentException with the CSV parser's complaint when the row is malformed
     */
    static List<String> cells(String row, char delimiter) {
        try (CSVParser p = CSVParser.parse(row, CsvRows.format(delimiter))) {
            Iterator<CSVRecord> records = p.iterator();
            return records.hasNext() ? records.next().toList() : List.of();
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof CSVException bad) {
                throw new IllegalArgumentException(bad.getMessage(), bad);
            }
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "columns " + columns + ", defaults " + defaults + ", zone " + zone + ", delimiter '" + delimiter + "'";
    }

    /** The column map in {@code --csv-columns} form, for the startup summary. */
    Map<String, String> columns() {
        return new LinkedHashMap<>(columns);
    }
}
