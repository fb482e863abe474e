package org.bikefence.replay;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits one CSV line into cells (RFC 4180 quoting: a quoted cell may hold the delimiter and doubled
 * quotes). Unquoted cells are trimmed. A record is one line: quoted line breaks are not supported.
 */
final class CsvCells {
    private CsvCells() {}

    static List<String> split(String line, char delimiter) {
        List<String> cells = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (true) {
            while (i < n && line.charAt(i) == ' ') {
                i++;
            }
            if (i < n && line.charAt(i) == '"') {
                StringBuilder sb = new StringBuilder();
                i++;
                while (true) {
                    if (i >= n) {
                        throw new IllegalArgumentException("unterminated quoted cell " + (cells.size() + 1));
                    }
                    char c = line.charAt(i++);
                    if (c == '"') {
                        if (i < n && line.charAt(i) == '"') {
                            sb.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        sb.append(c);
                    }
                }
                while (i < n && line.charAt(i) == ' ') {
                    i++;
                }
                if (i < n && line.charAt(i) != delimiter) {
                    throw new IllegalArgumentException("text after the closing quote of cell " + (cells.size() + 1));
                }
                cells.add(sb.toString());
            } else {
                int start = i;
                while (i < n && line.charAt(i) != delimiter) {
                    i++;
                }
                cells.add(line.substring(start, i).trim());
            }
            if (i >= n) {
                return cells;
            }
            i++; // the delimiter
        }
    }
}
