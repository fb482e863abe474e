package org.bikefence.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A CSV table for the city's spreadsheets (RFC 4180): UTF-8 with a byte-order mark, because Excel reads a
 * BOM-less file in the machine's ANSI code page and garbles the Chinese; CRLF line ends; fields quoted when
 * they hold a comma, quote, CR or LF, quotes doubled.
 */
public final class ReportCsv {
    static final String BOM = "\uFEFF";

    private final List<List<String>> rows = new ArrayList<>();

    /** Starts a table with its header row. */
    public ReportCsv(List<String> header) {
        rows.add(List.copyOf(header));
    }

    /** Adds a row; null cells are written empty. */
    public ReportCsv row(List<?> cells) {
        if (cells.size() != rows.get(0).size()) {
            throw new IllegalArgumentException("row has " + cells.size() + " cells, header " + rows.get(0).size());
        }
        List<String> r = new ArrayList<>();
        for (Object c : cells) {
            r.add(c == null ? "" : c.toString());
        }
        rows.add(r);
        return this;
    }

    public String render() {
        StringBuilder sb = new StringBuilder(BOM);
        for (List<String> r : rows) {
            for (int i = 0; i < r.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                sb.append(escape(r.get(i)));
            }
            sb.append("\r\n");
        }
        return sb.toString();
    }

    public void write(Path file) throws IOException {
        Files.writeString(file, render(), StandardCharsets.UTF_8);
    }

    static String escape(String cell) {
        boolean quote = cell.indexOf(',') >= 0 || cell.indexOf('"') >= 0 || cell.indexOf('\n') >= 0
                || cell.indexOf('\r') >= 0;
        // A leading =, +, - or @ would make Excel evaluate the cell as a formula (CSV injection); bike and
        // fence ids come from operators' feeds, so such cells are prefixed with an apostrophe. Numbers stay.
        if (!cell.isEmpty() && "=+-@".indexOf(cell.charAt(0)) >= 0 && !isNumber(cell)) {
            cell = "'" + cell;
        }
        return quote ? '"' + cell.replace("\"", "\"\"") + '"' : cell;
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
