package org.bikefence.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bikefence.influx.InfluxSchema;
import org.bikefence.local.LocalInfluxd;
import org.bikefence.rules.Category;
import org.bikefence.rules.OperatorQuota;
import org.bikefence.rules.RuleSet;

/**
 * The demo scoreboard's monthly assessment (月度考核), what the bureau assesses operators by: per operator the
 * latest month's score, grade, rank, quota share and largest deduction, read back from the {@code operator_month}
 * and {@code deduction} points the job writes ({@link InfluxSchema#assessment}).
 */
final class AssessmentBoard {
    /** One operator's month as InfluxDB holds it; {@code ruleId} null when nothing was deducted. */
    record Row(String operator, YearMonth month, double score, String grade, String gradeEn, boolean passed,
            long rank, double quotaSharePct, String ruleId, String category, String metric, double points) {}

    private AssessmentBoard() {}

    /** The latest month of every operator, by rank; months in {@code zone} (the rule set's). */
    static List<Row> read(LocalInfluxd influx, String database, ZoneId zone) throws IOException {
        JsonNode months = influx.query(database, "SELECT " + String.join(", ", InfluxSchema.FIELD_SCORE,
                InfluxSchema.FIELD_GRADE, InfluxSchema.FIELD_GRADE_EN, InfluxSchema.FIELD_PASSED,
                InfluxSchema.FIELD_RANK, InfluxSchema.FIELD_QUOTA_SHARE_PCT) + " FROM " + InfluxSchema.OPERATOR_MONTH
                + " GROUP BY " + InfluxSchema.TAG_OPERATOR + " ORDER BY time DESC LIMIT 1");
        Map<String, JsonNode> latest = new HashMap<>();
        long earliest = Long.MAX_VALUE;
        for (JsonNode s : series(months)) {
            JsonNode v = s.path("values").path(0);
            latest.put(s.path("tags").path(InfluxSchema.TAG_OPERATOR).asText(), v);
            earliest = Math.min(earliest, v.path(0).asLong());
        }
        if (latest.isEmpty()) {
            return List.of();
        }
        // Every priced rule of those months, the largest deduction per operator (ties: the first rule id).
        JsonNode deductions = influx.query(database, "SELECT " + InfluxSchema.FIELD_POINTS + ", "
                + InfluxSchema.FIELD_METRIC + " FROM " + InfluxSchema.DEDUCTION + " WHERE time >= " + earliest
                + "ms GROUP BY " + InfluxSchema.TAG_OPERATOR + ", " + InfluxSchema.TAG_RULE_ID + ", "
                + InfluxSchema.TAG_CATEGORY);
        Map<String, JsonNode[]> largest = new HashMap<>();
        for (JsonNode s : series(deductions)) {
            JsonNode tags = s.path("tags");
            String op = tags.path(InfluxSchema.TAG_OPERATOR).asText();
            JsonNode month = latest.get(op);
            if (month == null) {
                continue;
            }
            for (JsonNode v : s.path("values")) {
                if (v.path(0).asLong() != month.path(0).asLong() || !(v.path(1).asDouble() > 0)) {
                    continue;
                }
                JsonNode[] best = largest.get(op);
                int cmp = best == null ? 1 : Double.compare(v.path(1).asDouble(), best[1].path(1).asDouble());
                if (cmp > 0 || (cmp == 0 && tags.path(InfluxSchema.TAG_RULE_ID).asText()
                        .compareTo(best[0].path(InfluxSchema.TAG_RULE_ID).asText()) < 0)) {
                    largest.put(op, new JsonNode[] {tags, v});
                }
            }
        }
        List<Row> rows = new ArrayList<>();
        latest.forEach((op, v) -> {
            JsonNode[] d = largest.get(op);
            rows.add(new Row(op, YearMonth.from(Instant.ofEpochMilli(v.path(0).asLong()).atZone(zone)),
                    v.path(1).asDouble(), v.path(2).asText(), v.path(3).asText(), v.path(4).asBoolean(),
                    v.path(5).asLong(), v.path(6).asDouble(),
                    d == null ? null : d[0].path(InfluxSchema.TAG_RULE_ID).asText(),
                    d == null ? null : d[0].path(InfluxSchema.TAG_CATEGORY).asText(),
                    d == null ? null : d[1].path(2).asText(), d == null ? 0 : d[1].path(1).asDouble()));
        });
        rows.sort(Comparator.comparingLong(Row::rank).thenComparing(Row::operator));
        return rows;
    }

    /** The table the scoreboard prints, labels in Chinese and English; operator and category names from the rules. */
    static String render(List<Row> rows, RuleSet rules) {
        StringBuilder b = new StringBuilder();
        b.append("-- monthly assessment 月度考核 (").append(rules.version()).append(") --\n");
        b.append(String.format(Locale.ROOT, "%-16s %-8s %9s %-20s %8s %18s  %s%n", "operator 企业", "month 月份",
                "score 得分", "grade 等级", "rank 排名", "quota share 配额占比", "largest deduction 最大扣分项"));
        for (Row r : rows) {
            String name = rules.operator(r.operator()).map(OperatorQuota::nameZh).orElse(null);
            String grade = r.grade() + (r.gradeEn().isEmpty() ? "" : " " + r.gradeEn())
                    + (r.passed() ? "" : " (failed 不合格)");
            String deduction = r.ruleId() == null ? "none 无扣分"
                    : String.format(Locale.ROOT, "-%.2f %s (%s: %s)", r.points(), r.ruleId(), category(rules, r.category()),
                            r.metric());
            b.append(String.format(Locale.ROOT, "%-16s %-8s %9.2f %-20s %8d %17.1f%%  %s%n",
                    r.operator() + (name == null ? "" : " " + name), r.month(), r.score(), grade, r.rank(),
                    r.quotaSharePct(), deduction));
        }
        if (rows.isEmpty()) {
            b.append("(no monthly assessment in InfluxDB yet: the month is assessed once its first minute is folded)\n");
        }
        return b.toString();
    }

    private static String category(RuleSet rules, String id) {
        return rules.category(id).map(c -> label(c)).orElse(id);
    }

    private static String label(Category c) {
        return (c.nameZh() == null ? "" : c.nameZh() + " ") + (c.name() == null ? c.id() : c.name());
    }

    private static List<JsonNode> series(JsonNode result) {
        List<JsonNode> out = new ArrayList<>();
        result.path("results").path(0).path("series").forEach(out::add);
        return out;
    }
}
