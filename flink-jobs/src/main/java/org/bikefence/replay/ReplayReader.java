package org.bikefence.replay;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.core.io.InputStatus;
import org.bikefence.model.RawRecord;

/**
 * Reads the replay split one line per {@link #pollNext} call on the task thread, so a checkpoint always
 * sees a position that matches exactly what has been emitted.
 */
final class ReplayReader implements SourceReader<RawRecord, ReplaySplit> {
    private final SourceReaderContext context;
    private final List<InputFile> files;
    private final CsvMapping csv;
    private final ReplayProgress progress;
    private final List<ReplaySplit> queued = new ArrayList<>();
    private ReplayCursor cursor;
    private long records;
    private boolean noMoreSplits;
    private CompletableFuture<Void> available = new CompletableFuture<>();

    ReplayReader(SourceReaderContext context, List<InputFile> files, CsvMapping csv, ReplayProgress progress) {
        this.context = context;
        this.files = files;
        this.csv = csv;
        this.progress = progress;
    }

    @Override
    public void start() {
        context.sendSplitRequest();
    }

    @Override
    public InputStatus pollNext(ReaderOutput<RawRecord> output) throws Exception {
        if (cursor == null && !queued.isEmpty()) {
            ReplaySplit s = queued.remove(0);
            cursor = new ReplayCursor(files, csv, s.fileIndex, s.linesDone);
            records = s.records;
        }
        if (cursor != null) {
            RawRecord r = cursor.next();
            if (r != null) {
                output.collect(r);
                records++;
                if (progress != null) {
                    progress.update(records, cursor.bytesRead());
                }
                return InputStatus.MORE_AVAILABLE;
            }
            cursor.close();
            cursor = null;
            if (progress != null) {
                progress.update(records, progress.totalBytes());
            }
            if (!queued.isEmpty()) {
                return InputStatus.MORE_AVAILABLE;
            }
        }
        if (noMoreSplits) {
            return InputStatus.END_OF_INPUT;
        }
        if (available.isDone()) {
            available = new CompletableFuture<>();
        }
        return InputStatus.NOTHING_AVAILABLE;
    }

    @Override
    public List<ReplaySplit> snapshotState(long checkpointId) {
        List<ReplaySplit> state = new ArrayList<>();
        if (cursor != null) {
            state.add(new ReplaySplit(cursor.fileIndex(), cursor.linesDone(), records));
        }
        state.addAll(queued);
        return state;
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
        return available;
    }

    @Override
    public void addSplits(List<ReplaySplit> splits) {
        queued.addAll(splits);
        available.complete(null);
    }

    @Override
    public void notifyNoMoreSplits() {
        noMoreSplits = true;
        available.complete(null);
    }

    @Override
    public void close() throws Exception {
        if (cursor != null) {
            cursor.close();
        }
    }
}
