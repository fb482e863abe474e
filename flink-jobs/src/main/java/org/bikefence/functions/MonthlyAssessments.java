package org.bikefence.functions;

import org.bikefence.influx.InfluxSchema;

import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.bikefence.metrics.MonthSoFar;
import org.bikefence.rules.MonthlyAssessment;
import org.bikefence.rules.OperatorMonthMetrics;
import org.bikefence.rules.RuleSet;
import org.bikefence.rules.RuleSetRegistry;
import org.bikefence.rules.Scorer;
import org.bikefence.influx.InfluxPoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores every operator's month with the rule set, ranks them and assigns quota shares, each time an
 * operator's month changes. Keyed by city (one key): ranking needs all operators together, and the
 * inputs are a few records per operator and minute.
 */
public class MonthlyAssessments extends KeyedProcessFunction<String, MonthSoFar, InfluxPoint> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(MonthlyAssessments.class);

    private final RuleSetRegistry registry;
    private final String city;
    private final String district;
    private final java.time.ZoneId zone;
    private final Scorer scorer = new Scorer();

    private transient MapState<String, OperatorMonthMetrics> latest;
    private transient Counter failures;
    private transient String lastFailure;

    /**
     * @param registry every rule-set version: a month is scored with the version in force that month
     * @param current the version in force now, naming the city and district to score
     */
    public MonthlyAssessments(RuleSetRegistry registry, RuleSet current) {
        this.registry = registry;
        this.city = current.city();
        this.district = current.district().orElse(null);
        this.zone = current.timeZone();
    }

    @Override
    public void open(OpenContext openContext) {
        latest = getRuntimeContext().getMapState(new MapStateDescriptor<>("latest-month-metrics", Types.STRING,
                MonthMetricsSerializer.TYPE));
        failures = getRuntimeContext().getMetricGroup().counter("assessmentFailures");
    }

    @Override
    public void processElement(MonthSoFar c, Context ctx, Collector<InfluxPoint> out) throws Exception {
        OperatorMonthMetrics metrics = c.metrics();
        YearMonth scored = metrics.month();
        latest.put(scored.toString() + '\u0000' + metrics.operator(), metrics);
        for (InfluxPoint p : InfluxSchema.operatorMetrics(metrics, c.asOf(), zone)) {
            out.collect(p);
        }
        List<OperatorMonthMetrics> month = new ArrayList<>();
        List<String> finalMonths = new ArrayList<>();
        YearMonth oldestKept = scored.minusMonths(1);
        for (Map.Entry<String, OperatorMonthMetrics> e : latest.entries()) {
            if (e.getValue().month().equals(scored)) {
                month.add(e.getValue());
            } else if (e.getValue().month().isBefore(oldestKept)) {
                finalMonths.add(e.getKey());
            }
        }
        // Months two or more before the one scored are final: the per-operator step no longer folds into them.
        for (String key : finalMonths) {
            latest.remove(key);
        }
        MonthlyAssessment a;
        try {
            a = scorer.assess(registry, city, district, scored, month);
        } catch (IllegalArgumentException | java.util.NoSuchElementException e) {
            failures.inc();
            // Logged once per distinct problem: the same gap in the rule set repeats every minute.
            if (!e.getMessage().equals(lastFailure)) {
                lastFailure = e.getMessage();
                LOG.warn("Cannot score {} of {} {}: {}", scored, city, district, e.getMessage());
            }
            return;
        }
        for (InfluxPoint p : InfluxSchema.assessment(a, zone)) {
            out.collect(p);
        }
    }
}
