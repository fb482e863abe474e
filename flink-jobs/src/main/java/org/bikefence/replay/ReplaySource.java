package org.bikefence.replay;

import java.util.List;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.bikefence.model.RawRecord;

/**
 * A bounded Source V2 over archived position files (JSON Lines of the contract, or CSV with a column
 * mapping; gzip accepted) that emits them in the order given, line by line, as the raw records the job
 * reads from Kafka. Whatever the source's parallelism, reader 0 reads everything (see
 * {@link ReplayEnumerator}): file order is what makes the watermarks, and so the points, those of the
 * live stream. Checkpoints record (file, line), so a restarted replay resumes where it stood.
 */
public final class ReplaySource implements Source<RawRecord, ReplaySplit, List<ReplaySplit>> {
    private static final long serialVersionUID = 1L;

    private final List<InputFile> files;
    private final CsvMapping csv;
    private final String progressId;

    /**
     * @param csv how CSV files map to the contract; unused when all files are JSON Lines
     * @param progressId the {@link ReplayProgress} to update when the job runs in this JVM; null for none
     */
    public ReplaySource(List<InputFile> files, CsvMapping csv, String progressId) {
        this.files = List.copyOf(files);
        this.csv = csv;
        this.progressId = progressId;
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.BOUNDED;
    }

    @Override
    public SourceReader<RawRecord, ReplaySplit> createReader(SourceReaderContext context) {
        return new ReplayReader(context, files, csv, progressId == null ? null : ReplayProgress.find(progressId));
    }

    @Override
    public SplitEnumerator<ReplaySplit, List<ReplaySplit>> createEnumerator(SplitEnumeratorContext<ReplaySplit> context) {
        return new ReplayEnumerator(context, List.of(ReplaySplit.atStart()));
    }

    @Override
    public SplitEnumerator<ReplaySplit, List<ReplaySplit>> restoreEnumerator(
            SplitEnumeratorContext<ReplaySplit> context, List<ReplaySplit> checkpoint) {
        return new ReplayEnumerator(context, checkpoint);
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
