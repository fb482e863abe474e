package org.bikefence.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.metrics.groups.SourceReaderMetricGroup;
import org.apache.flink.metrics.groups.SplitEnumeratorMetricGroup;
import org.apache.flink.util.UserCodeClassLoader;
import org.bikefence.model.RawRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay's readers and enumerator wired to each other in process (each context only passes calls on, on
 * one thread, as the task and coordinator threads would): which reader reads which file, the order records come
 * out in and through which split's output, resuming from a checkpoint, and the end of the input.
 */
class ReplayReaderTest {
    private static final CsvMapping CSV =
            CsvMapping.of(CsvMapping.DEFAULT_COLUMNS, Map.of(), ZoneId.of("Asia/Shanghai"), ',');
    private static final long BOUND = 30_000;
    private static final ReplayEventTime EVENT_TIME = new ReplayEventTime(BOUND, 600_000, 10_000_000L);

    @TempDir
    Path tmp;

    private List<InputFile> files;
    /** The archive time of the records of a file without any event time ({@code --month}); none by default. */
    private long noTimeInFileMs = Long.MIN_VALUE;

    @BeforeEach
    void threeFilesOfBikeBuckets() throws IOException {
        files = List.of(file("a.jsonl", "a1", 1_000, 4_000, 9_000), file("b.jsonl", "b1", 2_000, 3_000, 5_000),
                file("c.jsonl", "c1", 6_000, 7_000));
    }

    @Test
    void eachReaderGetsItsFilesAtOnceAndReadsThemSideBySideInEventTimeOrderThroughOneOutputPerFile()
            throws Exception {
        Replay replay = new Replay(partitioned(), 2);

        replay.drain(0);
        replay.drain(1);

        // Reader 0: files 0 and 2 (lowest first), merged by event time; reader 1: file 1.
        assertThat(replay.outputs[0].records).containsExactly("replay-0 a1@1000", "replay-0 a1@4000",
                "replay-2 c1@6000", "replay-2 c1@7000", "replay-0 a1@9000");
        assertThat(replay.outputs[0].released).containsExactly("replay-2", "replay-0");
        assertThat(replay.outputs[1].records).containsExactly("replay-1 b1@2000", "replay-1 b1@3000",
                "replay-1 b1@5000");
    }

    @Test
    void aReaderThatHasReadItsFilesWaitsForTheOthersAndAllEndWithTheWatermarkOfTheWholeInput() throws Exception {
        Replay replay = new Replay(partitioned(), 2);

        assertThat(replay.drain(1)).isEqualTo(InputStatus.NOTHING_AVAILABLE);
        assertThat(replay.outputs[1].watermarks).isEmpty();
        assertThat(replay.drain(0)).isEqualTo(InputStatus.END_OF_INPUT);
        assertThat(replay.drain(1)).isEqualTo(InputStatus.END_OF_INPUT);

        // The latest event time of all files (9,000 in file a) less the bound, as bounded out-of-orderness makes it.
        assertThat(replay.outputs[0].watermarks).containsExactly(9_000 - BOUND - 1);
        assertThat(replay.outputs[1].watermarks).containsExactly(9_000 - BOUND - 1);
    }

    @Test
    void oneSplitOfAllFilesIsReadInTheOrderGivenByReaderZeroAndTheOtherReadersEndAtOnce() throws Exception {
        Replay replay = new Replay(List.of(ReplaySplit.of(0, 0, files.size())), 2);

        assertThat(replay.drain(1)).isEqualTo(InputStatus.END_OF_INPUT);
        assertThat(replay.drain(0)).isEqualTo(InputStatus.END_OF_INPUT);

        assertThat(replay.outputs[0].records).extracting(r -> r.substring(r.indexOf(' ') + 1)).containsExactly(
                "a1@1000", "a1@4000", "a1@9000", "b1@2000", "b1@3000", "b1@5000", "c1@6000", "c1@7000");
        assertThat(replay.outputs[0].watermarks).containsExactly(9_000 - BOUND - 1);
        assertThat(replay.outputs[1].records).isEmpty();
    }

    @Test
    void aRestoredReplayGoesOnAfterTheLastRecordEachSplitEmittedAndStillEndsWithTheWholeInputsWatermark()
            throws Exception {
        Replay first = new Replay(partitioned(), 2);
        first.poll(0, 3);
        first.drain(1);
        List<ReplaySplit> reader0 = first.readers[0].snapshotState(1);
        List<ReplaySplit> reader1 = first.readers[1].snapshotState(1);
        List<ReplaySplit> enumerator = first.enumerator.snapshotState(1);
        List<ReplaySplit> stored = new ArrayList<>();
        for (ReplaySplit s : concat(reader0, reader1, enumerator)) {
            stored.add(ReplaySplit.Serializer.INSTANCE.deserialize(
                    ReplaySplit.Serializer.INSTANCE.getVersion(), ReplaySplit.Serializer.INSTANCE.serialize(s)));
        }
        assertThat(stored).hasSize(reader0.size() + reader1.size() + enumerator.size());

        Replay restored = new Replay(ReplayEnumerator.StateSerializer.INSTANCE.deserialize(
                ReplayEnumerator.StateSerializer.INSTANCE.getVersion(),
                ReplayEnumerator.StateSerializer.INSTANCE.serialize(enumerator)), 2,
                stored.subList(0, reader0.size()), stored.subList(reader0.size(), reader0.size() + reader1.size()));
        assertThat(restored.drain(0)).isEqualTo(InputStatus.END_OF_INPUT);
        assertThat(restored.drain(1)).isEqualTo(InputStatus.END_OF_INPUT);

        List<String> before = first.outputs[0].records;
        assertThat(before).containsExactly("replay-0 a1@1000", "replay-0 a1@4000", "replay-2 c1@6000");
        assertThat(restored.outputs[0].records).containsExactly("replay-2 c1@7000", "replay-0 a1@9000");
        assertThat(restored.outputs[1].records).isEmpty();
        assertThat(restored.outputs[0].watermarks).containsExactly(9_000 - BOUND - 1);
        assertThat(restored.outputs[1].watermarks).containsExactly(9_000 - BOUND - 1);
    }

    @Test
    void everyRecordGoesOutWithItsArchiveTimeItsOwnEventTimeElseItsFilesLatestEarlierElseNextElseTheMonth()
            throws Exception {
        files = List.of(archiveWithInvalidRecords(), archive("no-times.jsonl", "garbage", "{\"operator\":\"hello\"}"));
        noTimeInFileMs = 1_000_000;
        Replay replay = new Replay(List.of(ReplaySplit.of(0, 0, files.size())), 1);

        assertThat(replay.drain(0)).isEqualTo(InputStatus.END_OF_INPUT);

        // Lines 1-2 before the file's first time (line 3) take it; line 6 has its own; line 7 the latest earlier
        // one (line 6's 7,000, not the highest, 8,000); the second file has none: the month's start.
        assertThat(replay.outputs[0].stamps).containsExactly("1@5000", "2@5000", "3@5000", "4@5000", "5@8000",
                "6@7000", "7@7000", "1@1000000", "2@1000000");
    }

    @Test
    void withoutAMonthTheRecordsOfAFileWithoutEventTimesKeepNoArchiveTime() throws Exception {
        files = List.of(archive("no-times.jsonl", "garbage", "{\"operator\":\"hello\"}"));
        Replay replay = new Replay(List.of(ReplaySplit.of(0, 0, 1)), 1);

        assertThat(replay.drain(0)).isEqualTo(InputStatus.END_OF_INPUT);

        assertThat(replay.outputs[0].stamps).containsExactly("1@0", "2@0");
    }

    @Test
    void aRestoredReplayStampsRecordsWithoutEventTimeWithTheTimeItsFileHadAtTheCheckpoint() throws Exception {
        files = List.of(archiveWithInvalidRecords());
        Replay first = new Replay(partitioned(), 1);
        first.poll(0, 3);
        List<ReplaySplit> stored = new ArrayList<>();
        for (ReplaySplit s : first.readers[0].snapshotState(1)) {
            stored.add(ReplaySplit.Serializer.INSTANCE.deserialize(ReplaySplit.Serializer.INSTANCE.getVersion(),
                    ReplaySplit.Serializer.INSTANCE.serialize(s)));
        }

        Replay restored = new Replay(first.enumerator.snapshotState(1), 1, stored, List.of());
        assertThat(restored.drain(0)).isEqualTo(InputStatus.END_OF_INPUT);

        // Line 4 after line 3's 5,000, as without the restart (not line 5's 8,000, the next time after it).
        assertThat(first.outputs[0].stamps).containsExactly("1@5000", "2@5000", "3@5000");
        assertThat(restored.outputs[0].stamps).containsExactly("4@5000", "5@8000", "6@7000", "7@7000");
    }

    /** Seven lines: two without a time, a position at 5,000, garbage, 8,000, a bad one at 7,000, garbage. */
    private InputFile archiveWithInvalidRecords() throws IOException {
        return archive("invalid.jsonl", "not json", "{\"operator\":\"hello\",\"bikeId\":\"a1\"}",
                position("a1", 5_000), "{\"operator\":\"hello\",\"ts\":\"yesterday\"}", position("a1", 8_000),
                "{\"operator\":\"hello\",\"bikeId\":\"a1\",\"ts\":7000,\"lat\":\"north\"}", "{");
    }

    private InputFile archive(String name, String... lines) throws IOException {
        return InputFile.of(Files.writeString(tmp.resolve(name), String.join("\n", lines) + "\n"), null);
    }

    private static String position(String bike, long ts) {
        return "{\"operator\":\"hello\",\"bikeId\":\"" + bike + "\",\"ts\":" + ts
                + ",\"lat\":24.5,\"lng\":118.1,\"state\":\"parked\"}";
    }

    private List<ReplaySplit> partitioned() {
        List<ReplaySplit> splits = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            splits.add(ReplaySplit.of(i, i, i + 1));
        }
        return splits;
    }

    @SafeVarargs
    private static List<ReplaySplit> concat(List<ReplaySplit>... lists) {
        List<ReplaySplit> all = new ArrayList<>();
        for (List<ReplaySplit> l : lists) {
            all.addAll(l);
        }
        return all;
    }

    private InputFile file(String name, String bike, long... ts) throws IOException {
        StringBuilder s = new StringBuilder();
        for (long t : ts) {
            s.append("{\"operator\":\"hello\",\"bikeId\":\"").append(bike).append("\",\"ts\":").append(t)
                    .append(",\"lat\":24.5,\"lng\":118.1,\"state\":\"parked\"}\n");
        }
        return InputFile.of(Files.writeString(tmp.resolve(name), s), null);
    }

    /** An enumerator and its readers, each context passing calls straight to the other side. */
    private final class Replay {
        final ReplayEnumerator enumerator;
        final ReplayReader[] readers;
        final Output[] outputs;

        /** A replay of these splits at its start. */
        Replay(List<ReplaySplit> splits, int parallelism) {
            this(splits.size(), splits, parallelism, List.of());
        }

        /** A partitioned replay restored from these states. */
        Replay(List<ReplaySplit> enumeratorState, int parallelism, List<ReplaySplit> reader0,
                List<ReplaySplit> reader1) {
            this(files.size(), enumeratorState, parallelism, List.of(reader0, reader1));
        }

        private Replay(int splits, List<ReplaySplit> enumeratorState, int parallelism,
                List<List<ReplaySplit>> readerStates) {
            readers = new ReplayReader[parallelism];
            outputs = new Output[parallelism];
            enumerator = new ReplayEnumerator(new EnumeratorContext(this, parallelism), splits, enumeratorState);
            for (int i = 0; i < parallelism; i++) {
                outputs[i] = new Output();
                readers[i] = new ReplayReader(new ReaderContext(this, i), files, CSV, EVENT_TIME, null,
                        noTimeInFileMs);
                if (readerStates.size() > i) {
                    readers[i].addSplits(readerStates.get(i));
                }
            }
            for (ReplayReader r : readers) {
                r.start();
            }
        }

        /** Polls reader {@code i} until it has nothing more for now; returns its last status. */
        InputStatus drain(int i) throws Exception {
            InputStatus status;
            do {
                status = readers[i].pollNext(outputs[i]);
            } while (status == InputStatus.MORE_AVAILABLE);
            return status;
        }

        /** Polls reader {@code i} until it has emitted {@code n} records. */
        void poll(int i, int n) throws Exception {
            while (outputs[i].stamps.size() < n) {
                assertThat(readers[i].pollNext(outputs[i])).isEqualTo(InputStatus.MORE_AVAILABLE);
            }
        }
    }

    /**
     * Records as "split record@ts" by the split output they went through, as "line@Kafka timestamp", watermarks,
     * released splits.
     */
    private static final class Output implements ReaderOutput<RawRecord> {
        final List<String> records = new ArrayList<>();
        final List<String> stamps = new ArrayList<>();
        final List<Long> watermarks = new ArrayList<>();
        final List<String> released = new ArrayList<>();

        @Override
        public void collect(RawRecord r) {
            throw new AssertionError("a record went to the reader's main output, not its split's");
        }

        @Override
        public void collect(RawRecord r, long ts) {
            collect(r);
        }

        @Override
        public void emitWatermark(Watermark w) {
            watermarks.add(w.getTimestamp());
        }

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}

        @Override
        public SourceOutput<RawRecord> createOutputForSplit(String splitId) {
            return new SourceOutput<>() {
                @Override
                public void collect(RawRecord r) {
                    stamps.add(r.offset + "@" + r.kafkaTimestamp);
                    String v = new String(r.value, StandardCharsets.UTF_8);
                    if (!v.contains("\",\"ts\":") || !v.contains("bikeId")) {
                        return;
                    }
                    String bike = v.substring(v.indexOf("bikeId\":\"") + 9, v.indexOf("\",\"ts"));
                    records.add(splitId + " " + bike + "@" + EVENT_TIME.of(r));
                }

                @Override
                public void collect(RawRecord r, long ts) {
                    collect(r);
                }

                @Override
                public void emitWatermark(Watermark w) {
                    throw new AssertionError("the reader emitted a watermark for split " + splitId);
                }

                @Override
                public void markIdle() {}

                @Override
                public void markActive() {}
            };
        }

        @Override
        public void releaseOutputForSplit(String splitId) {
            released.add(splitId);
        }
    }

    private static final class ReaderContext implements SourceReaderContext {
        private final Replay replay;
        private final int subtask;

        ReaderContext(Replay replay, int subtask) {
            this.replay = replay;
            this.subtask = subtask;
        }

        @Override
        public SourceReaderMetricGroup metricGroup() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Configuration getConfiguration() {
            return new Configuration();
        }

        @Override
        public String getLocalHostName() {
            return "localhost";
        }

        @Override
        public int getIndexOfSubtask() {
            return subtask;
        }

        @Override
        public void sendSplitRequest() {
            replay.enumerator.handleSplitRequest(subtask, "localhost");
        }

        @Override
        public void sendSourceEventToCoordinator(SourceEvent event) {
            replay.enumerator.handleSourceEvent(subtask, event);
        }

        @Override
        public UserCodeClassLoader getUserCodeClassLoader() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int currentParallelism() {
            return replay.readers.length;
        }
    }

    private static final class EnumeratorContext implements SplitEnumeratorContext<ReplaySplit> {
        private final Replay replay;
        private final int parallelism;

        EnumeratorContext(Replay replay, int parallelism) {
            this.replay = replay;
            this.parallelism = parallelism;
        }

        @Override
        public SplitEnumeratorMetricGroup metricGroup() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void sendEventToSourceReader(int subtask, SourceEvent event) {
            replay.readers[subtask].handleSourceEvents(event);
        }

        @Override
        public int currentParallelism() {
            return parallelism;
        }

        @Override
        public Map<Integer, ReaderInfo> registeredReaders() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void assignSplits(SplitsAssignment<ReplaySplit> assignment) {
            assignment.assignment().forEach((subtask, splits) -> replay.readers[subtask].addSplits(splits));
        }

        @Override
        public void signalNoMoreSplits(int subtask) {
            replay.readers[subtask].notifyNoMoreSplits();
        }

        @Override
        public <T> void callAsync(Callable<T> callable, BiConsumer<T, Throwable> handler) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <T> void callAsync(Callable<T> callable, BiConsumer<T, Throwable> handler, long initialDelay,
                long period) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void runInCoordinatorThread(Runnable runnable) {
            runnable.run();
        }
    }
}
