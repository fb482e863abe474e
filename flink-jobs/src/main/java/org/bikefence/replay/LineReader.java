package org.bikefence.replay;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Reads a file line by line as bytes, so a JSON line reaches the decoder exactly as it was archived
 * (no charset round trip). Lines end at LF; a CR before it is dropped, as is a UTF-8 byte-order mark at
 * the start. Gzip files (also concatenated members) are inflated on the fly; {@link #bytesRead()} counts
 * bytes of the file on disk, so progress against the file size works for both.
 */
final class LineReader implements Closeable {
    private static final int BUFFER = 1 << 16;

    private final CountingInputStream counted;
    private final InputStream in;
    private final byte[] buf = new byte[BUFFER];
    private int pos;
    private int limit;
    private boolean eof;
    private byte[] line = new byte[256];
    private long lineNumber;

    private LineReader(CountingInputStream counted, InputStream in) {
        this.counted = counted;
        this.in = in;
    }

    static LineReader open(Path file, boolean gzipped) throws IOException {
        CountingInputStream counted = new CountingInputStream(Files.newInputStream(file));
        return new LineReader(counted, inflated(counted, file, gzipped));
    }

    /** The content of {@code file} read through {@code counted}, inflated when gzipped. */
    static InputStream inflated(CountingInputStream counted, Path file, boolean gzipped) throws IOException {
        try {
            return gzipped ? new GZIPInputStream(counted, BUFFER) : counted;
        } catch (IOException e) {
            counted.close();
            throw new IOException("'" + file + "' is not a gzip file: " + e.getMessage(), e);
        }
    }

    /** The next line without its line ending, or null at the end of the file. */
    byte[] nextLine() throws IOException {
        int len = 0;
        boolean any = false;
        while (true) {
            if (pos == limit) {
                if (eof || !fill()) {
                    break;
                }
            }
            any = true;
            int start = pos;
            while (pos < limit && buf[pos] != '\n') {
                pos++;
            }
            len = append(len, start, pos);
            if (pos < limit) {
                pos++; // the LF
                return finish(len);
            }
        }
        return any ? finish(len) : null;
    }

    /** The 1-based number of the line last returned by {@link #nextLine()}. */
    long lineNumber() {
        return lineNumber;
    }

    /** Bytes of the file on disk consumed so far (compressed bytes for a gzip file). */
    long bytesRead() {
        return counted.count();
    }

    private boolean fill() throws IOException {
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
            eof = true;
            return false;
        }
        pos = 0;
        limit = n;
        return true;
    }

    private int append(int len, int from, int to) {
        int n = to - from;
        if (len + n > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, len + n));
        }
        System.arraycopy(buf, from, line, len, n);
        return len + n;
    }

    private byte[] finish(int len) {
        lineNumber++;
        int start = 0;
        if (lineNumber == 1 && len >= 3 && line[0] == (byte) 0xEF && line[1] == (byte) 0xBB && line[2] == (byte) 0xBF) {
            start = 3;
        }
        if (len > start && line[len - 1] == '\r') {
            len--;
        }
        return Arrays.copyOfRange(line, start, len);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** True for a line of only spaces and tabs (or nothing): skipped, but still counted as a line. */
    static boolean isBlank(byte[] line) {
        for (byte b : line) {
            if (b != ' ' && b != '\t') {
                return false;
            }
        }
        return true;
    }

    /** Counts the bytes read from a file on disk, for progress against its size. */
    static final class CountingInputStream extends InputStream {
        private final InputStream in;
        private long count;

        CountingInputStream(InputStream in) {
            this.in = in;
        }

        long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
