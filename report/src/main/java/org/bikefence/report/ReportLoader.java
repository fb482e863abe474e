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

import static org.bikefence.influx.InfluxSchema.*;

import org.bikefence.model.ViolationEvent;
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
        for (Series s : influx.query("SELECT * FROM " + OPERATOR_MONTH + " WHERE " + range
                + " GROUP BY " + TAG_OPERATOR)) {
            Map<String, Object> r = s.rows().get(s.rows().size() - 1);
            Map<String, Double> cats = new TreeMap<>();
            Map<String, Double> metrics = new TreeMap<>();
            r.forEach((k, v) -> {
                if (k.startsWith(CATEGORY_FIELD_PREFIX) && v instanceof Number n) {
                    cats.put(k.substring(CATEGORY_FIELD_PREFIX.length()), n.doubleValue());
                } else if (k.startsWith(METRIC_FIELD_PREFIX) && v instanceof Number n) {
                    metrics.put(k.substring(METRIC_FIELD_PREFIX.length()), n.doubleValue());
                }
            });
            operators.add(new OperatorRow(s.tag(TAG_OPERATOR), dbl(r.get(FIELD_SCORE)), str(r.get(FIELD_GRADE)),
                    str(r.get(FIELD_GRADE_EN)), Boolean.TRUE.equals(r.get(FIELD_PASSED)), (int) lng(r.get(FIELD_RANK)),
                    dbl(r.get(FIELD_QUOTA_SHARE_PCT)),
                    r.get(FIELD_QUOTA_BIKES) == null ? null : lng(r.get(FIELD_QUOTA_BIKES)),
                    dbl(r.get(FIELD_DEDUCTED)), dbl(r.get(FIELD_BONUS)), str(r.get(FIELD_RULE_SET)), cats, metrics));
        }
        operators.sort(Comparator.comparingInt(OperatorRow::rank).thenComparing(OperatorRow::operator));
        Map<String, Integer> order = new LinkedHashMap<>();
        operators.forEach(o -> order.put(o.operator(), order.size()));
        String ruleSet = operators.isEmpty() ? null : operators.get(0).ruleSet();

        List<DeductionRow> deductions = new ArrayList<>();
        for (Series s : influx.query("SELECT * FROM " + DEDUCTION + " WHERE " + range
                + " GROUP BY " + String.join(", ", TAG_OPERATOR, TAG_RULE_ID, TAG_CATEGORY))) {
            Map<String, Object> r = s.rows().get(s.rows().size() - 1);
            String ev = str(r.get(FIELD_EVIDENCE));
            deductions.add(new DeductionRow(s.tag(TAG_OPERATOR), s.tag(TAG_RULE_ID), s.tag(TAG_CATEGORY),
                    str(r.get(FIELD_METRIC)), dbl(r.get(FIELD_VALUE)), dbl(r.get(FIELD_POINTS)),
                    Boolean.TRUE.equals(r.get(FIELD_CAPPED)), lng(r.get(FIELD_EVIDENCE_COUNT)),
                    ev.isEmpty() ? List.of() : Arrays.asList(ev.split(";")), str(r.get(FIELD_RULE_SET))));
        }
        deductions.sort(Comparator.<DeductionRow>comparingInt(d -> order.getOrDefault(d.operator(), 999))
                .thenComparing(DeductionRow::operator).thenComparing(d -> d.category() == null ? "" : d.category())
                .thenComparing(DeductionRow::ruleId));

        Map<String, Map<LocalDate, Double>> daily = new TreeMap<>();
        for (Series s : influx.query("SELECT last(" + FIELD_SCORE + ") FROM " + OPERATOR_SCORE + " WHERE " + range
                + " GROUP BY time(1d), " + TAG_OPERATOR + " fill(none)" + tz)) {
            Map<LocalDate, Double> days = daily.computeIfAbsent(s.tag(TAG_OPERATOR), k -> new TreeMap<>());
            for (Map<String, Object> r : s.rows()) {
                days.put(m.dayOf(lng(r.get("time"))), dbl(r.get("last")));
            }
        }

        Map<String, FenceCount> fences = new LinkedHashMap<>();
        for (Series s : influx.query("SELECT count(" + FIELD_STATUS + ") FROM " + VIOLATION + " WHERE \"" + TAG_TYPE
                + "\" = " + literal(ViolationEvent.Type.NO_PARK.wireName()) + " AND " + range + " GROUP BY "
                + TAG_FENCE_ID + ", " + TAG_OPERATOR)) {
            String fence = s.tag(TAG_FENCE_ID) == null || s.tag(TAG_FENCE_ID).isEmpty() ? "-" : s.tag(TAG_FENCE_ID);
            long n = lng(s.rows().get(0).get("count"));
            FenceCount old = fences.getOrDefault(fence, new FenceCount(fence, 0, new TreeMap<>()));
            Map<String, Long> by = new TreeMap<>(old.byOperator());
            by.merge(s.tag(TAG_OPERATOR), n, Long::sum);
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
            String where = " WHERE " + TAG_OPERATOR + " = " + literal(operator) + " AND \"" + TAG_TYPE + "\" = "
                    + literal(type) + " AND " + range;
            List<ViolationRow> rows = new ArrayList<>();
            for (Series s : influx.query("SELECT " + String.join(", ", TAG_BIKE_ID, TAG_FENCE_ID, FIELD_STATUS,
                    FIELD_PARKED_SINCE, FIELD_CLOSED_AT, FIELD_DURATION_S, FIELD_LAT, FIELD_LNG, FIELD_FENCE_SET)
                    + " FROM " + VIOLATION + where + " ORDER BY time LIMIT " + MAX_EVIDENCE_ROWS)) {
                for (Map<String, Object> r : s.rows()) {
                    rows.add(new ViolationRow(operator, type, str(r.get(TAG_BIKE_ID)), str(r.get(TAG_FENCE_ID)),
                            lng(r.get("time")), lngOrNull(r.get(FIELD_PARKED_SINCE)), lngOrNull(r.get(FIELD_CLOSED_AT)),
                            r.get(FIELD_DURATION_S) == null ? null : dbl(r.get(FIELD_DURATION_S)),
                            str(r.get(FIELD_STATUS)), r.get(FIELD_LAT) == null ? null : dbl(r.get(FIELD_LAT)),
                            r.get(FIELD_LNG) == null ? null : dbl(r.get(FIELD_LNG)), str(r.get(FIELD_FENCE_SET))));
                }
            }
            violations.put(key, rows);
            List<Series> count = influx.query("SELECT count(" + FIELD_STATUS + ") FROM " + VIOLATION + where);
            totals.put(key, count.isEmpty() ? 0L : lng(count.get(0).rows().get(0).get("count")));
        }

        TreeSet<LocalDate> days = new TreeSet<>();
        for (Series s : influx.query("SELECT count(" + FIELD_BIKES_SEEN + ") FROM " + OPERATOR_MINUTE + " WHERE "
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
