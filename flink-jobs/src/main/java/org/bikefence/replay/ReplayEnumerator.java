package org.bikefence.replay;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * Hands out the replay's splits and ends the replay for every reader at once.
 *
 * <p><b>Assignment.</b> Split {@code i} goes to reader {@code i mod parallelism}, all of a reader's splits in
 * one assignment, lowest-numbered first, when it asks; then it is told there are no more. A reader therefore
 * reads all its files side by side from the start (see {@link ReplayReader}): a file handed to a reader after
 * it had finished another would find its records behind that reader's watermark, late. The one split of a
 * replay of all files in order goes to reader 0, as before; readers without a split finish at once (their
 * end-of-input watermark releases the event-time operators downstream).
 *
 * <p><b>End of input.</b> A reader that has read its splits reports their latest event times and waits. When
 * every split is done, each such reader is told the latest event time of the whole input, emits the watermark
 * the job's bounded out-of-orderness makes from it, and only then ends (which moves the watermark to
 * +infinity). So the last watermark before that jump is the same in every run and at every parallelism: the one
 * the live job reaches on the same records. Without it, the last watermark was whatever the periodic emitter
 * had emitted before the input ran out, and deadlines past it (zombies, say) were judged by the end-of-input
 * rule instead (see {@code BikeTracker}), a different number of them in each run.
 *
 * <p>Its checkpoint holds the splits not yet assigned and the finished ones with their latest event time.
 */
final class ReplayEnumerator implements SplitEnumerator<ReplaySplit, List<ReplaySplit>> {
    private final SplitEnumeratorContext<ReplaySplit> context;
    private final int splits;
    private final TreeMap<Integer, ReplaySplit> pending = new TreeMap<>();
    private final TreeMap<Integer, Long> finished = new TreeMap<>();
    private final TreeSet<Integer> waiting = new TreeSet<>();

    /**
     * @param splits how many splits the replay has in all
     * @param state the splits not yet assigned, and the finished ones
     */
    ReplayEnumerator(SplitEnumeratorContext<ReplaySplit> context, int splits, List<ReplaySplit> state) {
        this.context = context;
        this.splits = splits;
        for (ReplaySplit s : state) {
            if (s.finished) {
                finished.put(s.index, s.maxTs);
            } else {
                pending.put(s.index, s);
            }
        }
    }

    /** The reader that reads split {@code index}. */
    static int readerOf(int index, int parallelism) {
        return index % parallelism;
    }

    @Override
    public void start() {}

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {
        int parallelism = context.currentParallelism();
        List<ReplaySplit> mine = new ArrayList<>();
        pending.values().removeIf(s -> readerOf(s.index, parallelism) == subtaskId && mine.add(s));
        if (!mine.isEmpty()) {
            context.assignSplits(new SplitsAssignment<>(Map.of(subtaskId, mine)));
        }
        context.signalNoMoreSplits(subtaskId);
    }

    /** Splits of a failed reader since its last checkpoint: read again (and reported again) by its successor. */
    @Override
    public void addSplitsBack(List<ReplaySplit> back, int subtaskId) {
        for (ReplaySplit s : back) {
            if (s.finished) {
                finished.put(s.index, s.maxTs);
            } else {
                finished.remove(s.index);
                pending.put(s.index, s);
            }
        }
        waiting.remove(subtaskId);
    }

    @Override
    public void addReader(int subtaskId) {}

    @Override
    public void handleSourceEvent(int subtaskId, SourceEvent event) {
        if (event instanceof ReplayEvents.SplitsDone done) {
            finished.putAll(done.maxTsBySplit());
            waiting.add(subtaskId);
            if (finished.size() >= splits) {
                long maxTs = Collections.max(finished.values());
                for (int reader : waiting) {
                    context.sendEventToSourceReader(reader, new ReplayEvents.EndOfInput(maxTs));
                }
                waiting.clear();
            }
        }
    }

    @Override
    public List<ReplaySplit> snapshotState(long checkpointId) {
        List<ReplaySplit> state = new ArrayList<>(pending.values());
        finished.forEach((index, maxTs) -> state.add(ReplaySplit.of(index, 0, 0).finished(0, maxTs)));
        return state;
    }

    @Override
    public void close() {}

    /** The enumerator's checkpoint: the splits not yet assigned, and the finished ones. */
    static final class StateSerializer implements SimpleVersionedSerializer<List<ReplaySplit>> {
        static final StateSerializer INSTANCE = new StateSerializer();

        @Override
        public int getVersion() {
            // The same as the splits' (ReplaySplit.Serializer): the version is passed on to them.
            return 3;
        }

        @Override
        public byte[] serialize(List<ReplaySplit> splits) throws IOException {
            DataOutputSerializer out = new DataOutputSerializer(64);
            out.writeInt(splits.size());
            for (ReplaySplit s : splits) {
                byte[] b = ReplaySplit.Serializer.INSTANCE.serialize(s);
                out.writeInt(b.length);
                out.write(b);
            }
            return out.getCopyOfBuffer();
        }

        @Override
        public List<ReplaySplit> deserialize(int version, byte[] bytes) throws IOException {
            if (version < 1 || version > 3) {
                throw new IOException("unknown replay enumerator state version " + version);
            }
            DataInputDeserializer in = new DataInputDeserializer(bytes);
            int n = in.readInt();
            List<ReplaySplit> splits = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                byte[] b = new byte[in.readInt()];
                in.readFully(b);
                splits.add(ReplaySplit.Serializer.INSTANCE.deserialize(version, b));
            }
            return splits;
        }
    }
}
