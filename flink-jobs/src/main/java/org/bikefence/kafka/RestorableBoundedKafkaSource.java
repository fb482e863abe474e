package org.bikefence.kafka;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.KafkaSourceEnumState;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.metrics.groups.SplitEnumeratorMetricGroup;

/**
 * A bounded {@link KafkaSource} that also ends after its enumerator was restored from a snapshot (a global
 * failover, a savepoint, a retained checkpoint); otherwise it is the KafkaSource, unchanged.
 *
 * <p>Why: the connector's enumerator (flink-connector-kafka 5.0.0-2.2) tells its readers "no more splits", which a
 * bounded reader needs to finish, only from the handler of a partition discovery that found new partitions. A
 * restored enumerator whose partitions are all in its state finds none, returns early, and never sends it: every
 * reader reads its splits to their stopping offsets, then waits for ever, RUNNING (the "bounded run that restores
 * from a checkpoint never finishes" of BENCHMARKS.md). A TaskManager lost in a running job is not affected, since
 * Flink then keeps the enumerator and only gives splits back to it; a checkpoint failure (a global failover) and a
 * resume from a savepoint are.
 *
 * <p>The fix watches the restored enumerator through its context: once its first discovery has completed without
 * starting further work, it lets the enumerator assign what it has pending to every registered reader (its
 * {@code addReader} does only that) and then signals "no more splits" to each reader the enumerator has not
 * signalled itself, now and as readers register. New partitions found by that discovery take the connector's own
 * path, which signals by itself.
 */
public final class RestorableBoundedKafkaSource<T>
        implements Source<T, KafkaPartitionSplit, KafkaSourceEnumState>, ResultTypeQueryable<T> {
    private static final long serialVersionUID = 1L;

    private final KafkaSource<T> kafka;

    private RestorableBoundedKafkaSource(KafkaSource<T> kafka) {
        this.kafka = kafka;
    }

    /** The source to run: the fixed one for a bounded KafkaSource, the KafkaSource itself for an unbounded one. */
    public static <T> Source<T, KafkaPartitionSplit, KafkaSourceEnumState> of(KafkaSource<T> kafka) {
        return kafka.getBoundedness() == Boundedness.BOUNDED ? new RestorableBoundedKafkaSource<>(kafka) : kafka;
    }

    @Override
    public Boundedness getBoundedness() {
        return kafka.getBoundedness();
    }

    @Override
    public SourceReader<T, KafkaPartitionSplit> createReader(SourceReaderContext context) throws Exception {
        return kafka.createReader(context);
    }

    @Override
    public SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> createEnumerator(
            SplitEnumeratorContext<KafkaPartitionSplit> context) throws Exception {
        // A fresh enumerator's first discovery finds every partition new, and that path signals the readers.
        return kafka.createEnumerator(context);
    }

    @Override
    public SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> restoreEnumerator(
            SplitEnumeratorContext<KafkaPartitionSplit> context, KafkaSourceEnumState state) throws Exception {
        EndingContext ending = new EndingContext(context);
        ending.enumerator = kafka.restoreEnumerator(ending, state);
        return ending;
    }

    @Override
    public SimpleVersionedSerializer<KafkaPartitionSplit> getSplitSerializer() {
        return kafka.getSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<KafkaSourceEnumState> getEnumeratorCheckpointSerializer() {
        return kafka.getEnumeratorCheckpointSerializer();
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return kafka.getProducedType();
    }

    /**
     * The restored enumerator's context (what it calls) and the enumerator Flink sees (what calls it), in one: all
     * of it runs in the source coordinator's thread, so it needs no locking.
     */
    static final class EndingContext implements SplitEnumeratorContext<KafkaPartitionSplit>,
            SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> {
        private final SplitEnumeratorContext<KafkaPartitionSplit> context;
        private final Set<Integer> signalled = new HashSet<>();
        SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> enumerator;
        private int asyncIssued;
        private int asyncPending;
        private boolean discoveryDone;

        EndingContext(SplitEnumeratorContext<KafkaPartitionSplit> context) {
            this.context = context;
        }

        // ---- what the enumerator calls ----

        @Override
        public <R> void callAsync(Callable<R> callable, BiConsumer<R, Throwable> handler) {
            asyncIssued++;
            asyncPending++;
            context.callAsync(callable, (result, error) -> {
                asyncPending--;
                int issuedBefore = asyncIssued;
                handler.accept(result, error);
                if (error == null && asyncPending == 0 && asyncIssued == issuedBefore && !discoveryDone) {
                    // The discovery (and the split initialisation it may have started) has completed.
                    discoveryDone = true;
                    context.registeredReaders().keySet().forEach(this::assignPendingAndEnd);
                }
            });
        }

        @Override
        public <R> void callAsync(Callable<R> callable, BiConsumer<R, Throwable> handler, long initialDelay,
                long period) {
            // Periodic discovery: an unbounded source, which this class never wraps.
            context.callAsync(callable, handler, initialDelay, period);
        }

        @Override
        public void signalNoMoreSplits(int subtask) {
            signalled.add(subtask);
            context.signalNoMoreSplits(subtask);
        }

        @Override
        public void assignSplits(SplitsAssignment<KafkaPartitionSplit> assignment) {
            context.assignSplits(assignment);
        }

        @Override
        public SplitEnumeratorMetricGroup metricGroup() {
            return context.metricGroup();
        }

        @Override
        public void sendEventToSourceReader(int subtask, SourceEvent event) {
            context.sendEventToSourceReader(subtask, event);
        }

        @Override
        public void sendEventToSourceReader(int subtask, int attempt, SourceEvent event) {
            context.sendEventToSourceReader(subtask, attempt, event);
        }

        @Override
        public int currentParallelism() {
            return context.currentParallelism();
        }

        @Override
        public Map<Integer, ReaderInfo> registeredReaders() {
            return context.registeredReaders();
        }

        @Override
        public Map<Integer, Map<Integer, ReaderInfo>> registeredReadersOfAttempts() {
            return context.registeredReadersOfAttempts();
        }

        @Override
        public void runInCoordinatorThread(Runnable runnable) {
            context.runInCoordinatorThread(runnable);
        }

        @Override
        public void setIsProcessingBacklog(boolean isProcessingBacklog) {
            context.setIsProcessingBacklog(isProcessingBacklog);
        }

        // ---- what Flink calls ----

        @Override
        public void start() {
            enumerator.start();
        }

        @Override
        public void addReader(int subtask) {
            // A new registration (a restarted reader) needs the signal anew.
            signalled.remove(subtask);
            enumerator.addReader(subtask);
            if (discoveryDone) {
                end(subtask);
            }
        }

        @Override
        public void handleSplitRequest(int subtask, String host) {
            enumerator.handleSplitRequest(subtask, host);
        }

        @Override
        public void addSplitsBack(List<KafkaPartitionSplit> splits, int subtask) {
            enumerator.addSplitsBack(splits, subtask);
        }

        @Override
        public KafkaSourceEnumState snapshotState(long checkpointId) throws Exception {
            return enumerator.snapshotState(checkpointId);
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) throws Exception {
            enumerator.notifyCheckpointComplete(checkpointId);
        }

        @Override
        public void notifyCheckpointAborted(long checkpointId) throws Exception {
            enumerator.notifyCheckpointAborted(checkpointId);
        }

        @Override
        public void handleSourceEvent(int subtask, SourceEvent event) {
            enumerator.handleSourceEvent(subtask, event);
        }

        @Override
        public void close() throws java.io.IOException {
            enumerator.close();
        }

        /** The enumerator's {@code addReader} assigns what it has pending for that reader, and nothing else. */
        private void assignPendingAndEnd(int subtask) {
            enumerator.addReader(subtask);
            end(subtask);
        }

        private void end(int subtask) {
            if (!signalled.contains(subtask)) {
                signalNoMoreSplits(subtask);
            }
        }
    }
}
