package org.bikefence.functions;

import java.time.Instant;
import java.time.LocalDate;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.bikefence.model.OperatorMinute;
import org.bikefence.model.OperatorScore;
import org.bikefence.rules.OperatorDayMetrics;
import org.bikefence.rules.RuleSet;
import org.bikefence.rules.ScoreResult;
import org.bikefence.rules.Scorer;

/**
 * Keeps each operator's daily score up to date, minute by minute, from the per-minute counts.
 *
 * <p>Days are cut in the rule set's time zone (Asia/Shanghai for Xiamen). Minute windows of one
 * operator fire in event-time order, so the running count needs no buffering.
 */
public class DailyScores extends KeyedProcessFunction<String, OperatorMinute, OperatorScore> {
    private static final long serialVersionUID = 1L;

    private final RuleSet rules;
    private final Scorer scorer = new Scorer();

    private transient ValueState<DayCount> today;

    public DailyScores(RuleSet rules) {
        this.rules = rules;
    }

    @Override
    public void open(OpenContext openContext) {
        today = getRuntimeContext().getState(new ValueStateDescriptor<>("day-count", DayCount.class));
    }

    @Override
    public void processElement(OperatorMinute m, Context ctx, Collector<OperatorScore> out) throws Exception {
        LocalDate day = Instant.ofEpochMilli(m.minuteStart).atZone(rules.timeZone()).toLocalDate();
        DayCount count = today.value();
        if (count == null || !count.day.equals(day.toString())) {
            count = new DayCount();
            count.day = day.toString();
        }
        count.violationsOpened += m.violationsOpened;
        today.update(count);

        ScoreResult result = scorer.score(rules, new OperatorDayMetrics(m.operator, day, count.violationsOpened));
        OperatorScore s = new OperatorScore();
        s.operator = m.operator;
        s.asOf = m.minuteStart;
        s.day = count.day;
        s.ruleSetVersion = result.ruleSetVersion();
        s.noParkViolations = count.violationsOpened;
        s.deduction = result.totalDeducted();
        s.score = result.score();
        out.collect(s);
    }
}
