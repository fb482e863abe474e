package org.bikefence.report;

import static org.bikefence.report.ReportInflux.literal;

import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.bikefence.influx.InfluxSchema;
import org.bikefence.report.ReportData.DeductionRow;
import org.bikefence.report.ReportData.FenceCount;
import org.bikefence.report.ReportData.OperatorRow;
import org.bikefence.report.ReportData.ViolationRow;
import org.bikefence.report.ReportInflux.Series;

/** Reads one month of the job's measurements from InfluxDB into {@link ReportData}. */
public final class ReportLoader {
    /** Violation rows listed per operator and type; the total is always reported. */
    public static final int MAX_EVIDENCE_ROWS = 1000;

    private final ReportInflux influx;

    public ReportLoader(ReportInflux influx) {
        this.influx = influx;
    }

    public ReportData load(ReportMonth m) throws IOException {
        String range = m.influxTimeRange();
        String tz = " tz(" + literal(m.zone().getId()) + ")";

        List<OperatorRow> operators = new ArrayList<>();
        for (Series s : influx.query("SELECT * FROM " + InfluxSchema.OPERATOR_MONTH + " WHERE " + range
                + " GROUP BY operator")) {
            Map<String, Object> r = s.rows().get(s.rows().size() - 1);
            Map<String, Double> cats = new TreeMap<>();
            Map<String, Double> metrics = new TreeMap<>();
            r.forEach((k, v) -> {
                if (k.startsWith("cat_") && v instanceof Number n) {
                    cats.put(k.substring(4), n.doubleValue());
                } else if (k.startsWith("m_") && v instanceof Number n) {
                    metrics.put(k.substring(2), n.doubleValue());
                }
            });
            operators.add(new OperatorRow(s.tag("operator"), dbl(r.get("score")), str(r.get("grade")),
                    str(r.get("grade_en")), Boolean.TRUE.equals(r.get("passed")), (int) lng(r.get("rank")),
                    dbl(r.get("quota_share_pct")), r.get("quota_bikes") == null ? null : lng(r.get("quota_bikes")),
                    dbl(r.get("deducted")), dbl(r.get("bonus")), str(r.get("rule_set")), cats, metrics));
        }
        operators.sort(Comparator.comparingInt(OperatorRow::rank).thenComparing(OperatorRow::operator));
        Map<String, Integer> order = new LinkedHashMap<>();
        operators.forEach(o -> order.put(o.operator(), order.size()));
        String ruleSet = operators.isEmpty() ? null : operators.get(0).ruleSet();

        List<DeductionRow> deductions = new ArrayList<>();
        for (Series s : influx.query("SELECT * FROM " + InfluxSchema.DEDUCTION + " WHERE " + range
                + " GROUP BY operator, rule_id, category")) {
            Map<String, Object> r = s.rows().get(s.rows().size() - 1);
            String ev = str(r.get("evidence"));
            deductions.add(new DeductionRow(s.tag("operator"), s.tag("rule_id"), s.tag("category"),
                    str(r.get("metric")), dbl(r.get("value")), dbl(r.get("points")), Boolean.TRUE.equals(r.get("capped")),
                    lng(r.get("evidence_count")), ev.isEmpty() ? List.of() : Arrays.asList(ev.split(";")),
                    str(r.get("rule_set"))));
        }
        deductions.sort(Comparator.<DeductionRow>comparingInt(d -> order.getOrDefault(d.operator(), 999))
                .thenComparing(DeductionRow::operator).thenComparing(d -> d.category() == null ? "" : d.category())
                .thenComparing(DeductionRow::ruleId));

        Map<String, Map<LocalDate, Double>> daily = new TreeMap<>();
        for (Series s : influx.query("SELECT last(score) FROM " + InfluxSchema.OPERATOR_SCORE + " WHERE " + range
                + " GROUP BY time(1d), operator fill(none)" + tz)) {
            Map<LocalDate, Double> days = daily.computeIfAbsent(s.tag("operator"), k -> new TreeMap<>());
            for (Map<String, Object> r : s.rows()) {
                days.put(m.dayOf(lng(r.get("time"))), dbl(r.get("last")));
            }
        }

        Map<String, FenceCount> fences = new LinkedHashMap<>();
        for (Series s : influx.query("SELECT count(status) FROM " + InfluxSchema.VIOLATION + " WHERE \"type\" = "
                + literal("no_park") + " AND " + range + " GROUP BY fence_id, operator")) {
            String fence = s.tag("fence_id") == null || s.tag("fence_id").isEmpty() ? "-" : s.tag("fence_id");
            long n = lng(s.rows().get(0).get("count"));
            FenceCount old = fences.getOrDefault(fence, new FenceCount(fence, 0, new TreeMap<>()));
            Map<String, Long> by = new TreeMap<>(old.byOperator());
            by.merge(s.tag("operator"), n, Long::sum);
            fences.put(fence, new FenceCount(fence, old.total() + n, by));
        }
        List<FenceCount> top = new ArrayList<>(fences.values());
        top.sort(Comparator.comparingLong(FenceCount::total).reversed().thenComparing(FenceCount::fenceId));
        top = List.copyOf(top.subList(0, Math.min(10, top.size())));

        Set<String> keys = new LinkedHashSet<>();
        for (DeductionRow d : deductions) {
            if (d.points() > 0) {
                ReportEvidence.violationType(d.metric()).ifPresent(t -> keys.add(ReportEvidence.key(d.operator(), t)));
            }
        }
        Map<String, List<ViolationRow>> violations = new LinkedHashMap<>();
        Map<String, Long> totals = new LinkedHashMap<>();
        for (String key : keys) {
            String operator = key.substring(0, key.indexOf('|'));
            String type = key.substring(key.indexOf('|') + 1);
            String where = " WHERE operator = " + literal(operator) + " AND \"type\" = " + literal(type) + " AND "
                    + range;
            List<ViolationRow> rows = new ArrayList<>();
            for (Series s : influx.query("SELECT bike_id, fence_id, status, parked_since, closed_at, duration_s, lat, "
                    + "lng, fence_set FROM " + InfluxSchema.VIOLATION + where + " ORDER BY time LIMIT "
                    + MAX_EVIDENCE_ROWS)) {
                for (Map<String, Object> r : s.rows()) {
                    rows.add(new ViolationRow(operator, type, str(r.get("bike_id")), str(r.get("fence_id")),
                            lng(r.get("time")), lngOrNull(r.get("parked_since")), lngOrNull(r.get("closed_at")),
                            r.get("duration_s") == null ? null : dbl(r.get("duration_s")), str(r.get("status")),
                            r.get("lat") == null ? null : dbl(r.get("lat")),
                            r.get("lng") == null ? null : dbl(r.get("lng")), str(r.get("fence_set"))));
                }
            }
            violations.put(key, rows);
            List<Series> count = influx.query("SELECT count(status) FROM " + InfluxSchema.VIOLATION + where);
            totals.put(key, count.isEmpty() ? 0L : lng(count.get(0).rows().get(0).get("count")));
        }

        TreeSet<LocalDate> days = new TreeSet<>();
        for (Series s : influx.query("SELECT count(bikes_seen) FROM " + InfluxSchema.OPERATOR_MINUTE + " WHERE "
                + range + " GROUP BY time(1d) fill(none)" + tz)) {
            for (Map<String, Object> r : s.rows()) {
                if (lng(r.get("count")) > 0) {
                    days.add(m.dayOf(lng(r.get("time"))));
                }
            }
        }
        return new ReportData(m, ruleSet, List.copyOf(operators), List.copyOf(deductions), daily, top, violations,
                totals, days);
    }

    private static double dbl(Object o) {
        return o instanceof Number n ? n.doubleValue() : 0.0;
    }

    private static long lng(Object o) {
        return o instanceof Number n ? n.longValue() : 0L;
    }

    private static Long lngOrNull(Object o) {
        return o instanceof Number n ? n.longValue() : null;
    }

    private static String str(Object o) {
        return o == null ? "" : o.toString();
    }
}
