package org.bikefence.functions;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.bikefence.metrics.MinuteSlice;
import org.bikefence.metrics.MonthlyMetricsFolder;
import org.bikefence.model.OperatorSignal;
import org.bikefence.rules.RuleSet;

/**
 * Pre-aggregates one subtask's signals per operator and event-time minute into {@link MinuteSlice}s before they
 * are keyed by operator, so the per-operator operators receive a few slices per subtask and minute instead of
 * every record (no hot key on the per-record path). Chained to the operator that makes the signals, so the
 * signals themselves never cross the network (Flink's default chaining strategy for operators, ALWAYS).
 *
 * <p>A minute's slice goes out when the watermark passes the minute, ahead of that watermark, so downstream it
 * is complete when its own watermark passes. At a checkpoint everything open goes out before the barrier, so the
 * operator keeps no state; downstream merges the parts of a minute. A signal for a minute already sent (a late
 * report) goes out with the next watermark, as a further part of that minute.
 */
public class MinuteSlicer extends AbstractStreamOperator<MinuteSlice>
        implements OneInputStreamOperator<OperatorSignal, MinuteSlice> {
    private static final long serialVersionUID = 1L;
    private static final long MINUTE = 60_000L;

    private final MonthlyMetricsFolder folder;
    private transient Map<Key, Open> open;
    /** The slice the previous signal went into, while it is open. */
    private transient Open last;

    private record Key(String operator, long minute) {}

    /** A slice being filled, with its evidence-leaving signals. */
    private static final class Open {
        final MinuteSlice slice;
        final List<OperatorSignal> events = new ArrayList<>();

        Open(Key k) {
            slice = new MinuteSlice(k.operator(), k.minute());
        }
    }

    public MinuteSlicer(RuleSet rules) {
        this.folder = new MonthlyMetricsFolder(rules);
    }

    @Override
    public void open() throws Exception {
        super.open();
        open = new HashMap<>();
    }

    @Override
    public void processElement(StreamRecord<OperatorSignal> element) {
        OperatorSignal s = element.getValue();
        long minute = MinuteSlice.minuteOf(s.ts);
        Open o = last;
        // A bike's signals come together, mostly of one minute: the slice of the previous signal usually serves.
        if (o == null || o.slice.minute != minute || !java.util.Objects.equals(o.slice.operator, s.operator)) {
            o = open.computeIfAbsent(new Key(s.operator, minute), Open::new);
            last = o;
        }
        if (folder.count(o.slice, s)) {
            o.events.add(s);
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        emit(mark.getTimestamp());
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        emit(Long.MAX_VALUE);
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void finish() throws Exception {
        emit(Long.MAX_VALUE);
        super.finish();
    }

    /** Sends every slice whose minute ends at or before {@code upTo}. */
    private void emit(long upTo) {
        if (open.isEmpty()) {
            return;
        }
        Iterator<Map.Entry<Key, Open>> it = open.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Key, Open> e = it.next();
            long end = e.getKey().minute() + MINUTE - 1;
            if (end <= upTo) {
                Open o = e.getValue();
                o.slice.events = o.events.toArray(new OperatorSignal[0]);
                output.collect(new StreamRecord<>(o.slice, end));
                it.remove();
                if (o == last) {
                    last = null;
                }
            }
        }
    }
}
