package org.bikefence.functions;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.bikefence.model.OperatorMinute;
import org.bikefence.model.OperatorScore;
import org.bikefence.rules.OperatorDayMetrics;
import org.bikefence.rules.RuleSet;
import org.bikefence.rules.RuleSetRegistry;
import org.bikefence.rules.ScoreResult;
import org.bikefence.rules.Scorer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each operator's daily score up to date, minute by minute, from the per-minute counts.
 *
 * <p>Days are cut in the rule set's time zone (Asia/Shanghai for Xiamen). Minute windows of one
 * operator fire in event-time order, so the running count needs no buffering. Each day is scored with the
 * rule-set version in force that day, as {@link MonthlyAssessments} scores each month; a day no version covers
 * (a record dated before the first version's {@code effectiveFrom}, say) gets no score: it is counted in
 * {@code daysWithoutRuleSet} and logged, and never fails the job. Run by {@link #operator}, it also takes the versions
 * the job accepts while running: each minute is scored with the versions known when it arrives.
 */
public class DailyScores extends KeyedProcessFunction<String, OperatorMinute, OperatorScore>
        implements RuleSetsOperator.Scoring {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(DailyScores.class);

    /** Every version known: those given at submission, and those accepted while running ({@link RuleSetsOperator}). */
    private RuleSetRegistry registry;
    private final String city;
    private final String district;
    private final java.time.ZoneId zone;
    private final Scorer scorer = new Scorer();

    private transient ValueState<DayCount> today;
    private transient Counter daysWithoutRuleSet;
    /** The last day logged as unscored, so a day's many minutes log once (per subtask). */
    private transient String lastUnscoredDay;

    /**
     * @param registry every rule-set version: a day is scored with the version in force that day
     * @param current the version in force now, naming the city, district and time zone
     */
    public DailyScores(RuleSetRegistry registry, RuleSet current) {
        this.registry = registry;
        this.city = current.city();
        this.district = current.district().orElse(null);
        this.zone = current.timeZone();
    }

    /** The operator that also takes the versions accepted while running, as a second input. */
    public static RuleSetsOperator<OperatorMinute, OperatorScore> operator(RuleSetRegistry registry, RuleSet current) {
        return new RuleSetsOperator<>(new DailyScores(registry, current));
    }

    @Override
    public RuleSetRegistry registry() {
        return registry;
    }

    @Override
    public void use(RuleSetRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void open(OpenContext openContext) {
        today = getRuntimeContext().getState(new ValueStateDescriptor<>("day-count", DayCount.class));
        daysWithoutRuleSet = getRuntimeContext().getMetricGroup().counter("daysWithoutRuleSet");
    }

    @Override
    public void processElement(OperatorMinute m, Context ctx, Collector<OperatorScore> out) throws Exception {
        LocalDate day = Instant.ofEpochMilli(m.minuteStart).atZone(zone).toLocalDate();
        DayCount count = today.value();
        boolean newDay = count == null || !count.day.equals(day.toString());
        if (newDay) {
            count = new DayCount();
            count.day = day.toString();
        }
        count.violationsOpened += m.violationsOpened;
        today.update(count);

        Optional<RuleSet> rules = registry.find(city, district, day);
        if (rules.isEmpty()) {
            if (newDay) {
                daysWithoutRuleSet.inc();
            }
            if (!count.day.equals(lastUnscoredDay)) {
                lastUnscoredDay = count.day;
                LOG.warn("No daily score for {} on {}: no rule set for {}{} is in force that day; known: {}",
                        m.operator, day, city, district == null ? "" : "/" + district, registry);
            }
            return;
        }
        ScoreResult result = scorer.score(rules.get(), new OperatorDayMetrics(m.operator, day, count.violationsOpened));
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

    /** Operator-days (per subtask) that got no score because no rule set was in force; for tests. */
    long daysWithoutRuleSet() {
        return daysWithoutRuleSet.getCount();
    }
}
