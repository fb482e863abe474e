package org.bikefence.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * A CSV table for the city's spreadsheets (RFC 4180, written by Apache Commons CSV): UTF-8 with a byte-order
 * mark, because Excel reads a BOM-less file in the machine's ANSI code page and garbles the Chinese; CRLF line
 * ends; fields quoted when they hold a comma, quote, CR or LF (and, as Commons CSV does, an empty first cell
 * or one that starts with a space, {@code !}, {@code "} or {@code #}, or ends with a space), quotes doubled.
 */
public final class ReportCsv {
    static final String BOM = "\uFEFF";
    private static final CSVFormat FORMAT = CSVFormat.RFC4180;

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
        try (CSVPrinter out = new CSVPrinter(sb, FORMAT)) {
            for (List<String> r : rows) {
                for (String cell : r) {
                    out.print(neutralise(cell));
                }
                out.println();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("a StringBuilder does not fail", e);
        }
        return sb.toString();
    }

    public void write(Path file) throws IOException {
        Files.writeString(file, render(), StandardCharsets.UTF_8);
    }

    /**
     * A leading =, +, -, @, tab or CR would make Excel evaluate the cell as a formula (CSV injection); bike
     * and fence ids come from operators' feeds, so such cells are prefixed with an apostrophe. Numbers stay.
     */
    static String neutralise(String cell) {
        if (!cell.isEmpty() && "=+-@\t\r".indexOf(cell.charAt(0)) >= 0 && !isNumber(cell)) {
            return "'" + cell;
        }
        return cell;
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
