package org.bikefence.cli.bench;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.apache.flink.configuration.Configuration;

/**
 * A metric reporter for the benchmark's local cluster: it keeps the {@code numRecordsOut} and {@code numRecordsIn}
 * counters of every operator subtask, so that the records of the operators whose name contains a given text (the
 * positions source, {@code bike-positions}; the {@code bike-tracker}) can be counted in this JVM, while the job
 * runs or once a bounded job has finished, the same way for every variant, the full job included, without
 * touching the job. Only active where {@link #configure} put it.
 */
public final class SourceRecordCounter implements MetricReporter {
    private static final String NAME = "bench-source-records";
    private static final String OPERATOR = "<operator_name>";
    private static final String SUBTASK = "<subtask_index>";

    /** Operator name, then subtask index, to its counter: records out, records in. */
    private static final Map<String, Map<String, Counter>> COUNTERS = new ConcurrentHashMap<>();
    private static final Map<String, Map<String, Counter>> IN_COUNTERS = new ConcurrentHashMap<>();

    /** Adds this reporter to a local cluster's configuration. */
    public static Configuration configure(Configuration conf) {
        conf.setString("metrics.reporter." + NAME + ".factory.class", Factory.class.getName());
        return conf;
    }

    /** Forgets every counter: the next job's operators register theirs afresh. */
    public static void reset() {
        COUNTERS.clear();
        IN_COUNTERS.clear();
    }

    /**
     * The records sent on by the operators whose name contains {@code operatorName}, summed over their subtasks;
     * -1 when no such operator reported.
     */
    public static long recordsOut(String operatorName) {
        return sum(COUNTERS, operatorName);
    }

    /** The records received by the operators whose name contains {@code operatorName}; -1 when none reported. */
    public static long recordsIn(String operatorName) {
        return sum(IN_COUNTERS, operatorName);
    }

    private static long sum(Map<String, Map<String, Counter>> counters, String operatorName) {
        long sum = 0;
        boolean found = false;
        for (Map.Entry<String, Map<String, Counter>> e : counters.entrySet()) {
            if (e.getKey().contains(operatorName)) {
                found = true;
                for (Counter c : e.getValue().values()) {
                    sum += c.getCount();
                }
            }
        }
        return found ? sum : -1;
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String metricName, MetricGroup group) {
        Map<String, String> vars = group.getAllVariables();
        Map<String, Map<String, Counter>> counters = "numRecordsOut".equals(metricName) ? COUNTERS
                : "numRecordsIn".equals(metricName) ? IN_COUNTERS : null;
        if (counters != null && metric instanceof Counter c && vars.containsKey(OPERATOR)) {
            counters.computeIfAbsent(vars.get(OPERATOR), k -> new ConcurrentHashMap<>())
                    .put(vars.getOrDefault(SUBTASK, "0"), c);
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String metricName, MetricGroup group) {
        // Kept: a finished task's counter still holds its final count, which is what is read.
    }

    /** Found by Flink through META-INF/services, used only where {@link #configure} named it. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new SourceRecordCounter();
        }
    }
}
