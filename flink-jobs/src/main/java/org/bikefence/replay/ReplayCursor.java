package org.bikefence.replay;

import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.bikefence.model.RawRecord;

/**
 * Walks the input files in the order given, line by line (JSON Lines) or record by record (CSV), and turns
 * each into the raw record the job would have read from Kafka: the contract JSON as value; the file as topic
 * and the 1-based line number (where a CSV record starts) as offset, so a dead letter names file and line. A
 * CSV record also carries its original row as key (the job never reads keys), so the dead-letter file can
 * show the row as it was exported.
 *
 * <p>Its position is (file index, lines consumed in that file): a cursor created at a position skips
 * exactly the lines already emitted, which is how a restored replay resumes.
 */
final class ReplayCursor implements Closeable {
    private final List<InputFile> files;
    private final CsvMapping csv;
    private int fileIndex;
    private long skipLines;
    private LineReader lines;
    private CsvRows rows;
    private CsvMapping.Bound bound;
    private long bytesOfFinishedFiles;

    ReplayCursor(List<InputFile> files, CsvMapping csv, int fileIndex, long linesDone) {
        this.files = files;
        this.csv = csv;
        this.fileIndex = fileIndex;
        this.skipLines = linesDone;
        for (int i = 0; i < fileIndex && i < files.size(); i++) {
            bytesOfFinishedFiles += files.get(i).size();
        }
    }

    /** The next record, or null when every file has been read. */
    RawRecord next() throws IOException {
        while (fileIndex < files.size()) {
            InputFile file = files.get(fileIndex);
            RawRecord r = file.format() == InputFile.Format.CSV ? nextCsv(file) : nextJsonLine(file);
            if (r != null) {
                return r;
            }
            bytesOfFinishedFiles += file.size();
            fileIndex++;
            skipLines = 0;
        }
        return null;
    }

    private RawRecord nextJsonLine(InputFile file) throws IOException {
        if (lines == null) {
            lines = LineReader.open(Path.of(file.path()), file.gzipped());
        }
        byte[] line;
        while ((line = lines.nextLine()) != null) {
            long n = lines.lineNumber();
            if (!LineReader.isBlank(line) && n > skipLines) {
                return new RawRecord(null, line, file.path(), 0, n, 0L);
            }
        }
        lines.close();
        lines = null;
        return null;
    }

    private RawRecord nextCsv(InputFile file) throws IOException {
        if (rows == null) {
            rows = CsvRows.open(Path.of(file.path()), file.gzipped(), csv.delimiter());
            bound = null;
        }
        CsvRows.Row row;
        while ((row = rows.next()) != null) {
            if (bound == null) {
                bound = csv.bind(row, file.path());
            } else if (row.line() > skipLines) {
                byte[] json = row.cells() == null ? bound.malformed(row.malformed()) : bound.map(row.cells());
                return new RawRecord(row.text().getBytes(StandardCharsets.UTF_8), json, file.path(), 0, row.line(),
                        0L);
            }
        }
        rows.close();
        rows = null;
        return null;
    }

    /** Index of the file being read (the number of files when all are done). */
    int fileIndex() {
        return fileIndex;
    }

    /** Lines of the current file consumed so far, blank lines and the CSV header included. */
    long linesDone() {
        long read = lines != null ? lines.lineNumber() : rows != null ? rows.linesDone() : 0;
        return Math.max(read, skipLines);
    }

    /** Bytes on disk of the input read so far. */
    long bytesRead() {
        return bytesOfFinishedFiles + (lines != null ? lines.bytesRead() : rows != null ? rows.bytesRead() : 0);
    }

    @Override
    public void close() throws IOException {
        if (lines != null) {
            lines.close();
            lines = null;
        }
        if (rows != null) {
            rows.close();
            rows = null;
        }
    }
}
