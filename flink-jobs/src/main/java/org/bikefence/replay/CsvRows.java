package org.bikefence.replay;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Streams one CSV file of a replay record by record through Apache Commons CSV (quoted delimiters, quotes
 * and line breaks; CRLF, LF or CR), with the line each record starts on, the lines read so far, and the
 * record's text as exported for the dead-letter file. A UTF-8 byte-order mark is dropped; records of only
 * spaces and tabs are skipped like blank lines. A record the parser cannot read comes back with the
 * parser's complaint instead of cells, and reading goes on after the line it stopped on.
 */
final class CsvRows implements Closeable {
    /** Longest record kept, in characters: past this, a quote is taken to be left open by mistake. */
    static final int MAX_RECORD_CHARS = 1 << 20;

    /**
     * A record: the line it starts on, its text without the final line break, and its cells, or (cells null)
     * why it cannot be read.
     */
    record Row(long line, String text, List<String> cells, String malformed) {}

    private final Path file;
    private final LineReader.CountingInputStream counted;
    private final RowText text;
    private final CSVParser parser;
    private final Iterator<CSVRecord> records;
    private long linesDone;

    private CsvRows(Path file, LineReader.CountingInputStream counted, RowText text, CSVParser parser) {
        this.file = file;
        this.counted = counted;
        this.text = text;
        this.parser = parser;
        this.records = parser.iterator();
    }

    /**
     * Empty lines must be records (of one empty cell), not skipped: every line break the parser has read then
     * belongs to a record before the next one, so the parser's line count before a record plus one is the
     * line the record starts on, also after quoted line breaks. (The parser's own line number is where the
     * record ends.)
     */
    static CSVFormat format(char delimiter) {
        return CSVFormat.RFC4180.builder()
                .setDelimiter(delimiter)
                .setIgnoreSurroundingSpaces(true)
                .setIgnoreEmptyLines(false)
                .get();
    }

    static CsvRows open(Path file, boolean gzipped, char delimiter) throws IOException {
        LineReader.CountingInputStream counted = new LineReader.CountingInputStream(Files.newInputStream(file));
        try {
            RowText text = new RowText(new InputStreamReader(LineReader.inflated(counted, file, gzipped),
                    StandardCharsets.UTF_8));
            CSVParser parser = CSVParser.builder().setReader(text).setFormat(format(delimiter)).get();
            return new CsvRows(file, counted, text, parser);
        } catch (IOException | RuntimeException e) {
            counted.close();
            throw e;
        }
    }

    /** The next record that is not blank, or null at the end of the file. */
    Row next() throws IOException {
        while (true) {
            long start = parser.getCurrentLineNumber() + 1;
            List<String> cells = null;
            String malformed = null;
            while (true) {
                try {
                    if (records.hasNext()) {
                        cells = Arrays.asList(records.next().values());
                    }
                    break;
                } catch (UncheckedIOException e) {
                    if (!(e.getCause() instanceof CSVException bad)) {
                        throw new IOException(file + ": " + e.getCause().getMessage(), e.getCause());
                    }
                    // The parser goes on mid-line: what it reads through the end of the record it then
                    // completes (normally the rest of the line) belongs to the malformed one.
                    malformed = malformed != null ? malformed : bad.getMessage();
                }
            }
            if (cells == null && malformed == null) {
                return null;
            }
            long end = parser.getCurrentLineNumber();
            String row = text.take(end - linesDone);
            linesDone = end;
            if (malformed != null) {
                return new Row(start, row, null, malformed);
            }
            if (!isBlank(row)) {
                return new Row(start, row, cells, null);
            }
        }
    }

    /** Lines of the file read so far: through the last line of the record last returned or skipped. */
    long linesDone() {
        return linesDone;
    }

    /** Bytes of the file on disk consumed so far (compressed bytes for a gzip file). */
    long bytesRead() {
        return counted.count();
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }

    private static boolean isBlank(String row) {
        for (int i = 0; i < row.length(); i++) {
            if (row.charAt(i) != ' ' && row.charAt(i) != '\t') {
                return false;
            }
        }
        return true;
    }

    /**
     * Hands the parser the file's characters and keeps those of the lines it has not yet read back as
     * records, with where each of those lines ends (line breaks counted as the parser counts them).
     */
    private static final class RowText extends Reader {
        private final Reader in;
        private char[] kept = new char[1 << 17];
        private int from;
        private int to;
        private long keptStart; // position in the file of kept[from]
        private long position; // characters handed to the parser
        private long firstLine = 1; // line that starts at keptStart
        // Per line break not yet taken: where the line's text ends and where the next line starts.
        private long[] breaks = new long[256];
        private int breakHead;
        private int breakTail;
        private boolean afterCr;

        RowText(Reader in) {
            this.in = in;
        }

        @Override
        public int read(char[] buf, int off, int len) throws IOException {
            int n = in.read(buf, off, len);
            if (position == 0 && n > 0 && buf[off] == '\uFEFF') { // a byte-order mark is not part of the text
                System.arraycopy(buf, off + 1, buf, off, --n);
                if (n == 0) {
                    return read(buf, off, len);
                }
            }
            if (n <= 0) {
                return n;
            }
            for (int i = off; i < off + n; i++) {
                char c = buf[i];
                if (c == '\n' && afterCr) {
                    breaks[breakTail - 1]++; // CR LF is one line break
                } else if (c == '\n' || c == '\r') {
                    addBreak(position + i - off);
                }
                afterCr = c == '\r';
            }
            position += n;
            keep(buf, off, n);
            return n;
        }

        /** The text of the next {@code lines} lines, without the last one's line break, which is dropped too. */
        String take(long lines) {
            if (lines <= 0) {
                return "";
            }
            for (long l = 1; l < lines && breakHead < breakTail; l++) {
                breakHead += 2; // a line break inside the record
            }
            long end = keptStart + (to - from);
            long next = end;
            if (breakHead < breakTail) {
                end = breaks[breakHead];
                next = breaks[breakHead + 1];
                breakHead += 2;
            }
            String row = new String(kept, from, (int) (end - keptStart));
            from += (int) (next - keptStart);
            keptStart = next;
            firstLine += lines;
            return row;
        }

        private void addBreak(long at) {
            if (breakTail + 2 > breaks.length) {
                if (breakHead > 0) {
                    System.arraycopy(breaks, breakHead, breaks, 0, breakTail - breakHead);
                    breakTail -= breakHead;
                    breakHead = 0;
                }
                if (breakTail + 2 > breaks.length) {
                    breaks = Arrays.copyOf(breaks, breaks.length * 2);
                }
            }
            breaks[breakTail++] = at;
            breaks[breakTail++] = at + 1;
        }

        private void keep(char[] buf, int off, int n) throws IOException {
            if (to + n > kept.length) {
                int size = to - from;
                if (size + n > MAX_RECORD_CHARS) {
                    throw new IOException(String.format(Locale.ROOT, "the record starting on line %,d is longer"
                            + " than %,d characters: is a quote not closed?", firstLine, MAX_RECORD_CHARS));
                }
                char[] target = size + n > kept.length ? new char[Math.max(kept.length * 2, size + n)] : kept;
                System.arraycopy(kept, from, target, 0, size);
                kept = target;
                from = 0;
                to = size;
            }
            System.arraycopy(buf, off, kept, to, n);
            to += n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
