package org.bikefence.replay;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.core.io.InputStatus;
import org.bikefence.model.RawRecord;

/**
 * Reads the splits given to this reader, one record per {@link #pollNext} call on the task thread, so a
 * checkpoint always sees positions that match exactly what has been emitted.
 *
 * <p>Each split has its own output, so its own watermark (the job's watermark strategy per split, as for
 * Kafka partitions): the reader's watermark is the lowest of its splits', and a file never makes another
 * file's records late. All its splits are read side by side, merged by event time (the next record is always
 * the earliest of the splits' next records, ties to the lowest split), so no split races ahead of the others
 * and the records waiting downstream for the watermark stay few. A split's own records keep their order.
 *
 * <p>An archive has no arrival times, so every record goes out with its archive time as its Kafka timestamp
 * ({@link RawRecord#kafkaTimestamp}, which the job counts a rejected record's month by): its own event time when it
 * has one; else the event time of the latest earlier record of the same file that had one; else (the file's first
 * records) the next one's in the file; else (no record of the file has one) the start of {@code --month}, or 0
 * without it (then the job takes the time of the rejection, as it does for a Kafka record without a timestamp). So
 * the invalid records of a November archive replayed in December count in November.
 *
 * <p>At the end it reports its splits' latest event times and ends only when the enumerator says the whole
 * input is done, with the watermark of the whole input (see {@link ReplayEnumerator}).
 */
final class ReplayReader implements SourceReader<RawRecord, ReplaySplit> {
    private final SourceReaderContext context;
    private final List<InputFile> files;
    private final CsvMapping csv;
    private final ReplayEventTime eventTime;
    private final ReplayProgress progress;
    private final long noTimeInFileMs;
    private final List<ReplaySplit> queued = new ArrayList<>();
    /** The splits being read, in split order. */
    private final List<Reading> reading = new ArrayList<>();
    /** Splits read to their end, by index. */
    private final TreeMap<Integer, ReplaySplit> done = new TreeMap<>();
    private boolean noMoreSplits;
    private boolean reported;
    private Long endOfInputTs;
    private CompletableFuture<Void> available = new CompletableFuture<>();

    ReplayReader(SourceReaderContext context, List<InputFile> files, CsvMapping csv, ReplayEventTime eventTime,
            ReplayProgress progress) {
        this(context, files, csv, eventTime, progress, Long.MIN_VALUE);
    }

    /**
     * @param noTimeInFileMs the archive time of the records of a file none of whose records has an event time (the
     *     start of {@code --month}); {@link Long#MIN_VALUE} to leave them without one
     */
    ReplayReader(SourceReaderContext context, List<InputFile> files, CsvMapping csv, ReplayEventTime eventTime,
            ReplayProgress progress, long noTimeInFileMs) {
        this.noTimeInFileMs = noTimeInFileMs;
        this.context = context;
        this.files = files;
        this.csv = csv;
        this.eventTime = eventTime;
        this.progress = progress;
    }

    @Override
    public void start() {
        context.sendSplitRequest();
    }

    @Override
    public InputStatus pollNext(ReaderOutput<RawRecord> output) throws Exception {
        while (!queued.isEmpty()) {
            open(queued.remove(0), output);
        }
        Reading next = null;
        for (Reading r : reading) {
            if (next == null || r.headTs < next.headTs) {
                next = r;
            }
        }
        if (next != null) {
            next.emit();
            if (!next.advance()) {
                finish(next, output);
            }
            return InputStatus.MORE_AVAILABLE;
        }
        if (!noMoreSplits) {
            return nothingYet();
        }
        if (done.isEmpty()) {
            return InputStatus.END_OF_INPUT;
        }
        if (!reported) {
            TreeMap<Integer, Long> maxTs = new TreeMap<>();
            done.forEach((index, s) -> maxTs.put(index, s.maxTs));
            context.sendSourceEventToCoordinator(new ReplayEvents.SplitsDone(maxTs));
            reported = true;
        }
        if (endOfInputTs == null) {
            return nothingYet();
        }
        long watermark = eventTime.watermarkAfter(endOfInputTs);
        if (watermark != Long.MIN_VALUE) {
            output.emitWatermark(new Watermark(watermark));
        }
        return InputStatus.END_OF_INPUT;
    }

    private InputStatus nothingYet() {
        if (available.isDone()) {
            available = new CompletableFuture<>();
        }
        return InputStatus.NOTHING_AVAILABLE;
    }

    private void open(ReplaySplit s, ReaderOutput<RawRecord> output) throws Exception {
        if (s.finished) {
            done.put(s.index, s);
            return;
        }
        int end = Math.min(s.endFile, files.size());
        Reading r = new Reading(s, new ReplayCursor(files.subList(s.firstFile, end), csv, s.fileIndex - s.firstFile,
                s.linesDone), output.createOutputForSplit(s.splitId()));
        if (r.advance()) {
            int at = 0;
            while (at < reading.size() && reading.get(at).split.index < s.index) {
                at++;
            }
            reading.add(at, r);
        } else {
            finish(r, output);
        }
    }

    private void finish(Reading r, ReaderOutput<RawRecord> output) throws Exception {
        r.cursor.close();
        reading.remove(r);
        output.releaseOutputForSplit(r.split.splitId());
        done.put(r.split.index, r.split.finished(r.records, r.maxTs));
        if (r.slot != null) {
            r.slot.update(r.records, r.cursor.bytesRead());
        }
    }

    @Override
    public List<ReplaySplit> snapshotState(long checkpointId) {
        List<ReplaySplit> state = new ArrayList<>();
        for (Reading r : reading) {
            state.add(r.split.at(r.emittedFile, r.emittedLines, r.records, r.maxTs, r.fileTs));
        }
        state.addAll(queued);
        state.addAll(done.values());
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
    public void handleSourceEvents(SourceEvent event) {
        if (event instanceof ReplayEvents.EndOfInput end) {
            endOfInputTs = end.maxTs();
            available.complete(null);
        }
    }

    @Override
    public void close() throws Exception {
        for (Reading r : reading) {
            r.cursor.close();
        }
    }

    /** One split being read: its cursor, its output, the next record (read ahead) and what has been emitted. */
    private final class Reading {
        final ReplaySplit split;
        final ReplayCursor cursor;
        final SourceOutput<RawRecord> out;
        final ReplayProgress.Slot slot;
        RawRecord head;
        long headTs;
        int headFile;
        long headLines;
        int emittedFile;
        long emittedLines;
        long records;
        long maxTs;
        /** The event time of the latest emitted record of {@link #emittedFile} that had one (or MIN_VALUE). */
        long fileTs;
        /** What {@link #fileTs} becomes once the head is emitted. */
        long headFileTs;
        /** The look-ahead for a file's first records: the file, the line of its first timed record, its time. */
        int aheadFile = -1;
        long aheadLine;
        long aheadTs;

        Reading(ReplaySplit split, ReplayCursor cursor, SourceOutput<RawRecord> out) {
            this.split = split;
            this.cursor = cursor;
            this.out = out;
            this.slot = progress == null ? null : progress.slot(split.index);
            this.emittedFile = split.fileIndex;
            this.emittedLines = split.linesDone;
            this.records = split.records;
            this.maxTs = split.maxTs;
            this.fileTs = split.fileTs;
        }

        /** Reads the next record of the split ahead; false at its end. */
        boolean advance() throws Exception {
            head = cursor.next();
            if (head == null) {
                return false;
            }
            headTs = eventTime.of(head);
            headFile = split.firstFile + cursor.fileIndex();
            headLines = cursor.linesDone();
            headFileTs = headTs != Long.MIN_VALUE ? headTs : headFile == emittedFile ? fileTs : Long.MIN_VALUE;
            long archiveTs = headFileTs != Long.MIN_VALUE ? headFileTs : nextTimeInFile();
            if (archiveTs != Long.MIN_VALUE) {
                head.kafkaTimestamp = archiveTs;
            }
            return true;
        }

        /**
         * For a record before the first timed one of its file: the event time of that first one, or the fallback
         * when the file has none. Read from a cursor of its own, once per file (the lines up to the first timed
         * record are read twice).
         */
        private long nextTimeInFile() throws Exception {
            if (aheadFile != headFile || headLines >= aheadLine) {
                aheadFile = headFile;
                aheadLine = Long.MAX_VALUE;
                aheadTs = noTimeInFileMs;
                try (ReplayCursor ahead = new ReplayCursor(files.subList(headFile, headFile + 1), csv, 0, headLines)) {
                    RawRecord r;
                    while ((r = ahead.next()) != null) {
                        long ts = eventTime.of(r);
                        if (ts != Long.MIN_VALUE) {
                            aheadLine = r.offset;
                            aheadTs = ts;
                            break;
                        }
                    }
                }
            }
            return aheadTs;
        }

        void emit() {
            out.collect(head);
            records++;
            maxTs = Math.max(maxTs, headTs);
            emittedFile = headFile;
            emittedLines = headLines;
            fileTs = headFileTs;
            if (slot != null) {
                slot.update(records, cursor.bytesRead());
            }
        }
    }
}
