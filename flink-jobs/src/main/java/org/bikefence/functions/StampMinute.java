package org.bikefence.functions;

import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;
import org.bikefence.model.OperatorMinute;

/** Stamps a minute's counts with their operator and window start. */
public class StampMinute extends ProcessWindowFunction<OperatorMinute, OperatorMinute, String, TimeWindow> {
    private static final long serialVersionUID = 1L;

    @Override
    public void process(String operator, Context ctx, Iterable<OperatorMinute> counts, Collector<OperatorMinute> out) {
        for (OperatorMinute m : counts) {
            m.operator = operator;
            m.minuteStart = ctx.window().getStart();
            out.collect(m);
        }
    }
}
