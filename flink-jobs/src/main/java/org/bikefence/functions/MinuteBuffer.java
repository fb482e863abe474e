package org.bikefence.functions;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.streaming.api.TimerService;

/**
 * Keyed state that gathers elements per event-time minute and hands back the minutes the watermark has
 * passed, oldest first: the way counting operators fold their input in event-time order, whatever order it
 * arrives in. An element for a minute already folded is handed back at the next watermark.
 */
final class MinuteBuffer<T> {
    static final long MINUTE = 60_000L;

    /** One minute's elements. */
    record Minute<T>(long start, List<T> elements) {}

    private final MapState<Long, List<T>> pending;

    MinuteBuffer(RuntimeContext ctx, String name, Class<T> type) {
        this.pending = ctx.getMapState(new MapStateDescriptor<>(name, Types.LONG,
                new ListTypeInfo<>(TypeInformation.of(type))));
    }

    void add(long ts, T element, TimerService timers) throws Exception {
        long minute = Math.floorDiv(ts, MINUTE) * MINUTE;
        List<T> list = pending.get(minute);
        if (list == null) {
            list = new ArrayList<>();
        }
        list.add(element);
        pending.put(minute, list);
        timers.registerEventTimeTimer(Math.max(minute + MINUTE - 1, timers.currentWatermark() + 1));
    }

    /** Removes and returns, oldest first, every minute that ends at or before {@code t}. */
    List<Minute<T>> takeDue(long t) throws Exception {
        List<Long> due = new ArrayList<>();
        for (Long minute : pending.keys()) {
            if (minute + MINUTE - 1 <= t) {
                due.add(minute);
            }
        }
        due.sort(null);
        List<Minute<T>> out = new ArrayList<>(due.size());
        for (Long minute : due) {
            out.add(new Minute<>(minute, pending.get(minute)));
            pending.remove(minute);
        }
        return out;
    }
}
