package org.bikefence.geofence;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads RFC 4180 CSV (Apache Commons CSV) record by record with the line each record starts on, for error
 * messages. A UTF-8 byte-order mark (which Chinese Excel exports carry) is dropped. Fields are not trimmed;
 * text after a closing quote is kept ({@code "ab"cd} is {@code abcd}), as spreadsheet exports sometimes have.
 */
public final class CsvReader implements Closeable {

    /**
     * Empty lines are records (of one empty field) rather than skipped, so that every line break the parser
     * has read belongs to a record before the next one: the line a record starts on is then the parser's
     * line count before it plus one, also when an earlier record held quoted line breaks. (The parser's own
     * line number is where a record ends.)
     */
    static final CSVFormat FORMAT = CSVFormat.RFC4180.builder()
            .setIgnoreEmptyLines(false)
            .setTrailingData(true)
            .get();

    /** One record and the 1-based line it starts on. */
    public record Row(int line, List<String> fields) {}

    private final CSVParser parser;
    private final Iterator<CSVRecord> records;

    public CsvReader(Reader in) {
        try {
            BufferedReader r = in instanceof BufferedReader b ? b : new BufferedReader(in, 1 << 16);
            r.mark(1);
            if (r.read() != '\uFEFF') {
                r.reset();
            }
            parser = CSVParser.builder().setReader(r).setFormat(FORMAT).get();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        records = parser.iterator();
    }

    /**
     * The next record, or null at the end.
     *
     * @throws IllegalArgumentException naming the line, on malformed CSV such as a quoted field left open
     *     at the end of input
     * @throws UncheckedIOException on a read error
     */
    public Row next() {
        long startLine = parser.getCurrentLineNumber() + 1;
        try {
            return records.hasNext() ? new Row((int) startLine, records.next().toList()) : null;
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof CSVException bad) {
                throw new IllegalArgumentException("line " + startLine + ": " + bad.getMessage(), bad);
            }
            throw e;
        }
    }

    /** Joins fields into one CSV line (without line break), quoting those that need it. */
    public static String join(List<String> fields) {
        return FORMAT.format(fields.toArray());
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }
}
