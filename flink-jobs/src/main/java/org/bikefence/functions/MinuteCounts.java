package org.bikefence.functions;

import java.util.HashSet;
import java.util.Set;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.bikefence.model.OperatorMinute;

/** Counts one operator's minute: distinct bikes seen and standing in no-park zones, violations opened/closed. */
public class MinuteCounts implements AggregateFunction<OperatorActivity, MinuteCounts.Acc, OperatorMinute> {
    private static final long serialVersionUID = 1L;

    /** The running counts of one window. */
    public static class Acc {
        public Set<String> seen = new HashSet<>();
        public Set<String> inNoPark = new HashSet<>();
        public long opened;
        public long closed;
    }

    @Override
    public Acc createAccumulator() {
        return new Acc();
    }

    @Override
    public Acc add(OperatorActivity a, Acc acc) {
        switch (a.kind) {
            case POSITION:
                acc.seen.add(a.bikeId);
                if (a.inNoPark) {
                    acc.inNoPark.add(a.bikeId);
                }
                break;
            case VIOLATION_OPENED:
                acc.opened++;
                break;
            case VIOLATION_CLOSED:
                acc.closed++;
                break;
            default:
                throw new IllegalStateException("unknown activity " + a.kind);
        }
        return acc;
    }

    @Override
    public OperatorMinute getResult(Acc acc) {
        return new OperatorMinute(null, 0L, acc.seen.size(), acc.inNoPark.size(), acc.opened, acc.closed);
    }

    @Override
    public Acc merge(Acc a, Acc b) {
        a.seen.addAll(b.seen);
        a.inNoPark.addAll(b.inNoPark);
        a.opened += b.opened;
        a.closed += b.closed;
        return a;
    }
}
