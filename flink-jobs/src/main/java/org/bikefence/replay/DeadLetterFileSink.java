package org.bikefence.replay;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.bikefence.model.DeadLetter;

/**
 * Appends a replay's dead letters to a JSON Lines file (see {@link DeadLetterJson}), since a replay may
 * have no Kafka. Subtask 0, which decodes everything a replay of one split reads (see {@link ReplayEnumerator}),
 * writes the file itself; any other subtask, decoding the files of a key-partitioned replay, writes
 * {@code FILE.<subtask>}. Files are opened on the first dead
 * letter in append mode: the replay command empties them before the job starts. The writer flushes at every
 * checkpoint and at the end; after a restart from a checkpoint, lines written since it can appear twice
 * (at-least-once, each line names its file:line).
 */
public final class DeadLetterFileSink implements Sink<DeadLetter> {
    private static final long serialVersionUID = 1L;

    private final String path;

    public DeadLetterFileSink(Path path) {
        this.path = path.toString();
    }

    /** The file subtask {@code subtask} writes. */
    public static Path fileOf(Path path, int subtask) {
        return subtask == 0 ? path : path.resolveSibling(path.getFileName() + "." + subtask);
    }

    @Override
    public SinkWriter<DeadLetter> createWriter(WriterInitContext context) {
        return new FileWriter(fileOf(Path.of(path), context.getTaskInfo().getIndexOfThisSubtask()));
    }

    private static final class FileWriter implements SinkWriter<DeadLetter> {
        private final Path file;
        private Writer out;

        FileWriter(Path file) {
            this.file = file;
        }

        @Override
        public void write(DeadLetter d, Context context) throws IOException {
            if (out == null) {
                out = new BufferedWriter(Channels.newWriter(
                        Files.newByteChannel(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                                StandardOpenOption.APPEND), StandardCharsets.UTF_8));
            }
            out.write(DeadLetterJson.toJson(d));
            out.write('\n');
        }

        @Override
        public void flush(boolean endOfInput) throws IOException {
            if (out != null) {
                out.flush();
            }
        }

        @Override
        public void close() throws IOException {
            if (out != null) {
                out.close();
                out = null;
            }
        }
    }
}
