package org.bikefence.geofence;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A small RFC 4180 CSV reader (commas, double quotes, quotes doubled inside quoted fields, CRLF or
 * LF) that reports the line each record starts on, for error messages. A UTF-8 byte-order mark
 * (which Chinese Excel exports carry) is dropped.
 */
public final class CsvReader implements Closeable {

    /** One record and the 1-based line it starts on. */
    public record Row(int line, List<String> fields) {}

    private final BufferedReader in;
    private int line = 1;
    private boolean first = true;
    private boolean eof;

    public CsvReader(Reader in) {
        this.in = in instanceof BufferedReader b ? b : new BufferedReader(in, 1 << 16);
    }

    /**
     * The next record, or null at the end.
     *
     * @throws IllegalArgumentException on a quoted field left open at the end of input
     * @throws UncheckedIOException on a read error
     */
    public Row next() {
        if (eof) {
            return null;
        }
        try {
            int startLine = line;
            List<String> fields = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            boolean quoted = false;
            boolean any = false;
            while (true) {
                int c = in.read();
                if (first) {
                    first = false;
                    if (c == '\uFEFF') {
                        c = in.read();
                    }
                }
                if (c == -1) {
                    eof = true;
                    if (quoted) {
                        throw new IllegalArgumentException("line " + startLine
                                + ": quoted field is not closed before the end of the file");
                    }
                    if (!any && field.length() == 0 && fields.isEmpty()) {
                        return null;
                    }
                    fields.add(field.toString());
                    return new Row(startLine, fields);
                }
                any = true;
                if (quoted) {
                    if (c == '"') {
                        in.mark(1);
                        int n = in.read();
                        if (n == '"') {
                            field.append('"');
                        } else {
                            quoted = false;
                            if (n != -1) {
                                in.reset();
                            }
                        }
                    } else {
                        if (c == '\n') {
                            line++;
                        }
                        field.append((char) c);
                    }
                } else if (c == '"' && field.length() == 0) {
                    quoted = true;
                } else if (c == ',') {
                    fields.add(field.toString());
                    field.setLength(0);
                } else if (c == '\r') {
                    in.mark(1);
                    if (in.read() != '\n') {
                        in.reset();
                    }
                    line++;
                    fields.add(field.toString());
                    return new Row(startLine, fields);
                } else if (c == '\n') {
                    line++;
                    fields.add(field.toString());
                    return new Row(startLine, fields);
                } else {
                    field.append((char) c);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Quotes a field when it holds a comma, quote or line break. */
    public static String quote(String field) {
        if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\n') < 0
                && field.indexOf('\r') < 0) {
            return field;
        }
        return '"' + field.replace("\"", "\"\"") + '"';
    }

    /** Joins fields into one CSV line (without line break). */
    public static String join(List<String> fields) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(quote(fields.get(i)));
        }
        return sb.toString();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
