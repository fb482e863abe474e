package org.bikefence.replay;

import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.bikefence.model.RawRecord;

/**
 * Walks the input files in the order given, line by line, and turns each line into the raw record the
 * job would have read from Kafka: the contract JSON as value; the file as topic and the 1-based line
 * number as offset, so a dead letter names file and line. A CSV record also carries its original row
 * as key (the job never reads keys), so the dead-letter file can show the row as it was exported.
 *
 * <p>Its position is (file index, lines consumed in that file): a cursor created at a position skips
 * exactly the lines already emitted, which is how a restored replay resumes.
 */
final class ReplayCursor implements Closeable {
    private final List<InputFile> files;
    private final CsvMapping csv;
    private int fileIndex;
    private long skipLines;
    private LineReader reader;
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
            if (reader == null) {
                reader = LineReader.open(Path.of(file.path()), file.gzipped());
                bound = null;
            }
            byte[] line;
            while ((line = reader.nextLine()) != null) {
                long n = reader.lineNumber();
                if (LineReader.isBlank(line)) {
                    continue;
                }
                if (file.format() == InputFile.Format.CSV && bound == null) {
                    bound = csv.bind(new String(line, StandardCharsets.UTF_8), file.path());
                    continue;
                }
                if (n <= skipLines) {
                    continue;
                }
                return file.format() == InputFile.Format.CSV
                        ? new RawRecord(line, bound.map(new String(line, StandardCharsets.UTF_8)), file.path(), 0, n, 0L)
                        : new RawRecord(null, line, file.path(), 0, n, 0L);
            }
            reader.close();
            reader = null;
            bytesOfFinishedFiles += file.size();
            fileIndex++;
            skipLines = 0;
        }
        return null;
    }

    /** Index of the file being read (the number of files when all are done). */
    int fileIndex() {
        return fileIndex;
    }

    /** Lines of the current file consumed so far, blank lines and the CSV header included. */
    long linesDone() {
        return reader == null ? skipLines : Math.max(reader.lineNumber(), skipLines);
    }

    /** Bytes on disk of the input read so far. */
    long bytesRead() {
        return bytesOfFinishedFiles + (reader == null ? 0 : reader.bytesRead());
    }

    @Override
    public void close() throws IOException {
        if (reader != null) {
            reader.close();
            reader = null;
        }
    }
}
