package org.bikefence.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.connector.kafka.source.enumerator.KafkaSourceEnumState;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.metrics.groups.SplitEnumeratorMetricGroup;
import org.junit.jupiter.api.Test;

/**
 * The order in which a restored bounded enumerator's readers get "no more splits": only after its discovery has
 * completed, and after the enumerator assigned them what it had pending.
 */
class RestorableBoundedKafkaSourceTest {
    private final List<String> events = new ArrayList<>();
    private final Map<Integer, ReaderInfo> registered = new LinkedHashMap<>();
    private final List<Runnable> asyncResults = new ArrayList<>();

    @Test
    void signalsRegisteredReadersOnceTheRestoredEnumeratorsDiscoveryFoundNothingNew() {
        RestorableBoundedKafkaSource.EndingContext ending = restored(false);
        registered.put(0, new ReaderInfo(0, "localhost"));
        registered.put(1, new ReaderInfo(1, "localhost"));
        ending.start();
        assertThat(events).as("before the discovery completed").isEmpty();

        completeAsync();
        assertThat(events).containsExactly("assign-pending 0", "no-more-splits 0", "assign-pending 1",
                "no-more-splits 1");

        events.clear();
        ending.addReader(2);
        assertThat(events).as("a reader registering later").containsExactly("assign-pending 2", "no-more-splits 2");
    }

    @Test
    void waitsForTheSplitInitialisationOfNewPartitionsAndDoesNotSignalTwice() {
        RestorableBoundedKafkaSource.EndingContext ending = restored(true);
        registered.put(0, new ReaderInfo(0, "localhost"));
        ending.start();
        completeAsync();
        assertThat(events).as("discovery done, new partitions being initialised").isEmpty();

        completeAsync();
        // The connector's own path assigned and signalled; the wrapper adds no second signal.
        assertThat(events).containsExactly("assign 0", "no-more-splits 0", "assign-pending 0");
    }

    /** A restored enumerator shaped like the connector's: discovery, then (with new partitions) split initialisation. */
    private RestorableBoundedKafkaSource.EndingContext restored(boolean newPartitions) {
        RestorableBoundedKafkaSource.EndingContext ending = new RestorableBoundedKafkaSource.EndingContext(context());
        ending.enumerator = new SplitEnumerator<>() {
            @Override
            public void start() {
                ending.callAsync(() -> "partitions", (partitions, error) -> {
                    if (newPartitions) {
                        ending.callAsync(() -> "splits", (splits, e) -> {
                            for (int reader : ending.registeredReaders().keySet()) {
                                events.add("assign " + reader);
                                ending.signalNoMoreSplits(reader);
                            }
                        });
                    }
                });
            }

            @Override
            public void addReader(int subtask) {
                events.add("assign-pending " + subtask);
            }

            @Override
            public void handleSplitRequest(int subtask, String host) {}

            @Override
            public void addSplitsBack(List<KafkaPartitionSplit> splits, int subtask) {}

            @Override
            public KafkaSourceEnumState snapshotState(long checkpointId) {
                return null;
            }

            @Override
            public void close() {}
        };
        return ending;
    }

    private void completeAsync() {
        List<Runnable> due = new ArrayList<>(asyncResults);
        asyncResults.clear();
        due.forEach(Runnable::run);
    }

    /** Flink's side: readers, the coordinator thread (async results run when the test says), the signals. */
    private SplitEnumeratorContext<KafkaPartitionSplit> context() {
        return new SplitEnumeratorContext<>() {
            @Override
            public SplitEnumeratorMetricGroup metricGroup() {
                return null;
            }

            @Override
            public void sendEventToSourceReader(int subtask, SourceEvent event) {}

            @Override
            public int currentParallelism() {
                return 3;
            }

            @Override
            public Map<Integer, ReaderInfo> registeredReaders() {
                return registered;
            }

            @Override
            public void assignSplits(SplitsAssignment<KafkaPartitionSplit> assignment) {}

            @Override
            public void signalNoMoreSplits(int subtask) {
                events.add("no-more-splits " + subtask);
            }

            @Override
            public <T> void callAsync(Callable<T> callable, BiConsumer<T, Throwable> handler) {
                asyncResults.add(() -> {
                    try {
                        handler.accept(callable.call(), null);
                    } catch (Exception e) {
                        handler.accept(null, e);
                    }
                });
            }

            @Override
            public <T> void callAsync(Callable<T> callable, BiConsumer<T, Throwable> handler, long delay, long period) {
                throw new UnsupportedOperationException("bounded: no periodic discovery");
            }

            @Override
            public void runInCoordinatorThread(Runnable runnable) {
                runnable.run();
            }
        };
    }
}
