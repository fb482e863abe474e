package org.bikefence.replay;

import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.bikefence.job.JobSettings;
import org.bikefence.model.RawRecord;

/**
 * A bounded Source V2 over archived position files (JSON Lines of the contract, or CSV with a column
 * mapping; gzip accepted) that emits them line by line as the raw records the job reads from Kafka.
 *
 * <p>By default the files are one split, read in the order given by reader 0 whatever the source's
 * parallelism: file order is what makes the watermarks, and so the points, those of the live stream. With
 * {@code partitioned}, each file holds a key-partitioned slice of the archive (one file per Kafka partition,
 * per operator, per bike-hash bucket) and is a split of its own, read in its own order with its own watermark,
 * the files spread over the readers (see {@link ReplayEnumerator}, {@link ReplayReader}). Checkpoints record
 * (file, line) per split, so a restarted replay resumes where it stood.
 */
public final class ReplaySource implements Source<RawRecord, ReplaySplit, List<ReplaySplit>> {
    private static final long serialVersionUID = 1L;

    private final List<InputFile> files;
    private final CsvMapping csv;
    private final String progressId;
    private final ReplayEventTime eventTime;
    private final boolean partitioned;
    private final long noTimeInFileMs;

    /**
     * @param csv how CSV files map to the contract; unused when all files are JSON Lines
     * @param progressId the {@link ReplayProgress} to update when the job runs in this JVM; null for none
     * @param settings the job's settings: the source orders and ends with the event time and watermark they make
     * @param partitioned true: each file is a key-partitioned slice, a split of its own; false: one split of all
     */
    public ReplaySource(List<InputFile> files, CsvMapping csv, String progressId, JobSettings settings,
            boolean partitioned) {
        this(files, csv, progressId, settings, partitioned, null);
    }

    /**
     * @param month the archive's month ({@code --month}): the archive time of the records of a file none of whose
     *     records has an event time is its start, in the rule set's time zone (see {@link ReplayReader}); null
     *     leaves them without one
     */
    public ReplaySource(List<InputFile> files, CsvMapping csv, String progressId, JobSettings settings,
            boolean partitioned, YearMonth month) {
        this.noTimeInFileMs = month == null ? Long.MIN_VALUE
                : month.atDay(1).atStartOfDay(settings.rules().timeZone()).toInstant().toEpochMilli();
        this.files = List.copyOf(files);
        this.csv = csv;
        this.progressId = progressId;
        this.eventTime = ReplayEventTime.of(settings);
        this.partitioned = partitioned;
    }

    /** The splits of a replay at its start. */
    List<ReplaySplit> initialSplits() {
        if (!partitioned) {
            return List.of(ReplaySplit.of(0, 0, files.size()));
        }
        List<ReplaySplit> splits = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            splits.add(ReplaySplit.of(i, i, i + 1));
        }
        return splits;
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.BOUNDED;
    }

    @Override
    public SourceReader<RawRecord, ReplaySplit> createReader(SourceReaderContext context) {
        return new ReplayReader(context, files, csv, eventTime,
                progressId == null ? null : ReplayProgress.find(progressId), noTimeInFileMs);
    }

    @Override
    public SplitEnumerator<ReplaySplit, List<ReplaySplit>> createEnumerator(SplitEnumeratorContext<ReplaySplit> context) {
        return new ReplayEnumerator(context, initialSplits().size(), initialSplits());
    }

    @Override
    public SplitEnumerator<ReplaySplit, List<ReplaySplit>> restoreEnumerator(
            SplitEnumeratorContext<ReplaySplit> context, List<ReplaySplit> checkpoint) {
        return new ReplayEnumerator(context, initialSplits().size(), checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<ReplaySplit> getSplitSerializer() {
        return ReplaySplit.Serializer.INSTANCE;
    }

    @Override
    public SimpleVersionedSerializer<List<ReplaySplit>> getEnumeratorCheckpointSerializer() {
        return ReplayEnumerator.StateSerializer.INSTANCE;
    }
}
