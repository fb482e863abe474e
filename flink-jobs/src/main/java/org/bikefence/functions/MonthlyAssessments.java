package org.bikefence.functions;

import org.bikefence.influx.InfluxSchema;

import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
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
 * Scores every operator's month with the rule set, ranks them and assigns quota shares, once per watermark that
 * follows a change of the month (the operators' minutes in between all counted). Keyed by city (one key): ranking needs all operators together, and the
 * inputs are a few records per operator and minute.
 */
public class MonthlyAssessments extends KeyedProcessFunction<String, MonthSoFar, InfluxPoint>
        implements RuleSetsOperator.Scoring {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(MonthlyAssessments.class);

    /** Every version known: those given at submission, and those accepted while running ({@link RuleSetsOperator}). */
    private RuleSetRegistry registry;
    private final String city;
    private final String district;
    private final java.time.ZoneId zone;
    private final Scorer scorer = new Scorer();

    private transient MapState<String, OperatorMonthMetrics> latest;
    /**
     * The key's {@link #latest} on the heap, read once: the city key is the only key, and reading every operator's
     * month (with its evidence) back from RocksDB for every minute of every operator cost more than scoring it.
     */
    private transient Map<String, OperatorMonthMetrics> mirror;
    private transient String mirrorKey;
    /** Entries of {@link #mirror} changed or removed since {@link #latest} was last written. */
    private transient Set<String> changed;
    /** False when run by {@link Batching}, which writes {@link #latest} before each checkpoint barrier. */
    private transient boolean writeThrough = true;
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
    public RuleSetRegistry registry() {
        return registry;
    }

    @Override
    public void use(RuleSetRegistry registry) {
        this.registry = registry;
    }

    /** The operator to run this function in: see {@link Batching}; its second input takes versions accepted live. */
    public static RuleSetsOperator<MonthSoFar, InfluxPoint> operator(RuleSetRegistry registry,
            RuleSet current) {
        return new Batching(new MonthlyAssessments(registry, current));
    }

    /** Runs the function with the latest month figures written to keyed state only before checkpoint barriers. */
    static final class Batching extends RuleSetsOperator<MonthSoFar, InfluxPoint> {
        private static final long serialVersionUID = 1L;

        Batching(MonthlyAssessments f) {
            super(f);
        }

        @Override
        public void open() throws Exception {
            super.open();
            ((MonthlyAssessments) userFunction).writeThrough = false;
        }

        @Override
        public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
            MonthlyAssessments f = (MonthlyAssessments) userFunction;
            if (f.mirrorKey != null) {
                setCurrentKey(f.mirrorKey);
                f.write();
            }
            super.prepareSnapshotPreBarrier(checkpointId);
        }
    }

    /** The current key's latest month figures, read from state the first time (the current key must be it). */
    private Map<String, OperatorMonthMetrics> mirror(String key) throws Exception {
        if (mirror != null && !key.equals(mirrorKey)) {
            write();
            mirror = null;
        }
        if (mirror == null) {
            mirror = new HashMap<>();
            for (Map.Entry<String, OperatorMonthMetrics> e : latest.entries()) {
                mirror.put(e.getKey(), e.getValue());
            }
            mirrorKey = key;
            changed = new HashSet<>();
        }
        return mirror;
    }

    /** Writes the changed entries of the mirror into keyed state (the current key must be the mirror's). */
    private void write() throws Exception {
        for (String k : changed) {
            OperatorMonthMetrics m = mirror.get(k);
            if (m == null) {
                latest.remove(k);
            } else {
                latest.put(k, m);
            }
        }
        changed.clear();
    }

    @Override
    public void processElement(MonthSoFar c, Context ctx, Collector<InfluxPoint> out) throws Exception {
        OperatorMonthMetrics metrics = c.metrics();
        YearMonth scored = metrics.month();
        Map<String, OperatorMonthMetrics> mirror = mirror(ctx.getCurrentKey());
        String key = scored.toString() + '\u0000' + metrics.operator();
        mirror.put(key, metrics);
        changed.add(key);
        for (InfluxPoint p : InfluxSchema.operatorMetrics(metrics, c.asOf(), zone)) {
            out.collect(p);
        }
        List<String> finalMonths = new ArrayList<>();
        YearMonth oldestKept = scored.minusMonths(1);
        for (Map.Entry<String, OperatorMonthMetrics> e : mirror.entrySet()) {
            if (e.getValue().month().isBefore(oldestKept)) {
                finalMonths.add(e.getKey());
            }
        }
        // Months two or more before the one scored are final: the per-operator step no longer folds into them. Each
        // is scored a last time first, with every figure it got (its timer may not have fired yet).
        java.util.Set<YearMonth> finals = new java.util.TreeSet<>();
        for (String k : finalMonths) {
            finals.add(mirror.get(k).month());
        }
        for (YearMonth m : finals) {
            score(m, mirror, out);
        }
        for (String k : finalMonths) {
            mirror.remove(k);
            changed.add(k);
        }
        if (writeThrough) {
            write();
        }
        // Scored once the watermark moves on, with every operator's figures of the minute in: a timer at the month's
        // start (at or before the watermark to come, so it fires then; one per month, however many operators and
        // minutes changed it). Scoring at every operator's minute scored each month once per operator for the same
        // point (an operator's month has one point, at the month's start, which each scoring overwrote).
        if (ctx.timerService().currentWatermark() == Long.MAX_VALUE) {
            // After the end of a bounded input's last watermark no timer fires any more, yet figures still come: the
            // invalid records' slices are not held to the watermark (their times are the broker's) and may arrive
            // after it. Scored at once, so that the last write of the month has every record in.
            score(scored, mirror, out);
            return;
        }
        ctx.timerService().registerEventTimeTimer(monthStart(scored));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<InfluxPoint> out) throws Exception {
        YearMonth scored = YearMonth.from(java.time.Instant.ofEpochMilli(timestamp).atZone(zone));
        score(scored, mirror(ctx.getCurrentKey()), out);
    }

    /** Scores, ranks and writes one month from the operators' figures the mirror holds for it (none: nothing). */
    private void score(YearMonth scored, Map<String, OperatorMonthMetrics> mirror, Collector<InfluxPoint> out) {
        List<OperatorMonthMetrics> month = new ArrayList<>();
        for (OperatorMonthMetrics m : mirror.values()) {
            if (m.month().equals(scored)) {
                month.add(m);
            }
        }
        if (month.isEmpty()) {
            return;
        }
        // The same order whatever order the operators' minutes arrived in.
        month.sort(java.util.Comparator.comparing(OperatorMonthMetrics::operator));
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

    private long monthStart(YearMonth m) {
        return m.atDay(1).atStartOfDay(zone).toInstant().toEpochMilli();
    }
}
