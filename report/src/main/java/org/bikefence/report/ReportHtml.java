package org.bikefence.report;

import static org.bikefence.report.ReportCharts.esc;
import static org.bikefence.report.ReportCharts.num;

import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.bikefence.report.ReportData.DeductionRow;
import org.bikefence.report.ReportData.FenceCount;
import org.bikefence.report.ReportData.OperatorRow;
import org.bikefence.report.ReportData.ViolationRow;
import org.bikefence.rules.Category;
import org.bikefence.rules.OperatorQuota;
import org.bikefence.rules.RuleSet;

/** Renders report.html: one self-contained page (inline CSS and SVG, no script, no external resource). */
public final class ReportHtml {
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final String CSS = """
            body{font-family:"Noto Sans CJK SC","WenQuanYi Micro Hei","Microsoft YaHei",sans-serif;margin:24px;
            color:#222;max-width:1100px}
            h1{font-size:22px;margin-bottom:4px}h2{font-size:18px;border-bottom:2px solid #0072B2;padding-bottom:3px;
            margin-top:28px}h3{font-size:15px;margin:18px 0 6px}
            .sub{color:#666;font-weight:normal;font-size:.85em}
            table{border-collapse:collapse;margin:8px 0;font-size:13px}
            th,td{border:1px solid #ccc;padding:3px 7px;text-align:left;vertical-align:top}
            th{background:#eef3f8}td.n{text-align:right;font-variant-numeric:tabular-nums}
            .meta td{border:none;padding:1px 10px 1px 0}
            .warn{background:#fff4e0;border-left:4px solid #E69F00;padding:6px 10px;margin:10px 0}
            .ok{background:#e9f7ef;border-left:4px solid #009E73;padding:6px 10px;margin:10px 0}
            .fail{color:#b00020;font-weight:bold}.cited{background:#fffbe0}
            .note{color:#555;font-size:12px}code{font-size:12px}
            @media print{body{margin:8mm}h2{break-after:avoid}table{break-inside:auto}}
            """;

    private final ReportData d;
    private final RuleSet rules;
    private final ReportLabels l;
    private final List<LocalDate> missing;
    private final Instant generatedAt;
    private final String district;

    /**
     * @param rules the rule set the month was scored with, for names and weights; null if not available (ids
     *     are shown instead)
     */
    public ReportHtml(ReportData d, RuleSet rules, ReportLabels l, List<LocalDate> missing, Instant generatedAt,
            String district) {
        this.d = d;
        this.rules = rules;
        this.l = l;
        this.missing = missing;
        this.generatedAt = generatedAt;
        this.district = district;
    }

    public String render() {
        StringBuilder h = new StringBuilder(64 * 1024);
        String month = d.month().month().toString();
        String districtZh = rules != null ? rules.districtZh().orElse(district) : district;
        String districtEn = rules != null ? rules.district().orElse(district) : district;
        h.append("<!DOCTYPE html>\n<html lang=\"").append(l.htmlLang()).append("\"><head><meta charset=\"utf-8\">")
                .append("<title>").append(esc(l.t(districtZh + " 共享单车月度考核报告 " + month,
                        districtEn + " shared-bike monthly assessment " + month)))
                .append("</title><style>").append(CSS).append("</style></head><body>\n");
        h.append("<h1>").append(l.h(districtZh + "共享单车管理绩效考核月度报告 " + month,
                districtEn + " shared-bike operator assessment, " + month)).append("</h1>\n");
        h.append("<table class=\"meta\">");
        meta(h, l.h("考核期间", "Period"), esc(d.month().month().atDay(1) + " 00:00 – "
                + d.month().month().atEndOfMonth() + " 24:00 (" + d.month().zone().getId() + ")"));
        meta(h, l.h("规则版本", "Rule set"), "<b id=\"rule-set\">" + esc(d.ruleSet()) + "</b>"
                + (rules != null && !rules.version().equals(d.ruleSet())
                        ? " <span class=\"fail\">" + esc(l.t("与规则文件版本 " + rules.version() + " 不一致，名称取自该文件",
                                "differs from rule file " + rules.version() + ", used for names only")) + "</span>"
                        : ""));
        meta(h, l.h("生成时间", "Generated"), esc(LOCAL.format(generatedAt.atZone(d.month().zone())) + " ("
                + d.month().zone().getId() + ")"));
        h.append("</table>\n");
        completeness(h);
        ranking(h);
        categories(h);
        deductions(h);
        daily(h);
        fences(h);
        parking(h);
        evidence(h);
        h.append("<h2>").append(l.h("说明", "Notes")).append("</h2><ul class=\"note\">");
        h.append("<li>").append(l.h("所有数值均读自 InfluxDB（operator_month、deduction、operator_score、violation、"
                + "operator_minute），报告本身不重新计分。",
                "Every number is read from InfluxDB (operator_month, deduction, operator_score, violation, "
                        + "operator_minute); the report does not re-score.")).append("</li>");
        h.append("<li>").append(l.h("扣分项的分值为类别封顶前的分值；类别得分（cat_）为封顶后。",
                "Deduction lines are before category caps; category scores (cat_) are after them.")).append("</li>");
        h.append("</ul></body></html>\n");
        return h.toString();
    }

    private void completeness(StringBuilder h) {
        h.append("<h2 id=\"completeness\">").append(l.h("数据完整性", "Data completeness")).append("</h2>");
        int have = d.daysWithData().size();
        if (missing.isEmpty()) {
            h.append("<div class=\"ok\">").append(l.h("本月每天均有数据（" + have + " 天）。",
                    "Every day of the month has data (" + have + " days).")).append("</div>");
        } else {
            String ranges = ReportMonth.ranges(missing);
            h.append("<div class=\"warn\" id=\"missing-days\"><b>").append(l.h("数据不完整", "Partial data"))
                    .append("</b>: ").append(l.h("有数据 " + have + " 天，缺少 " + missing.size() + " 天：",
                            have + (have == 1 ? " day" : " days") + " with data, " + missing.size()
                                    + (missing.size() == 1 ? " day" : " days") + " missing:"))
                    .append(" <code>").append(esc(ranges)).append("</code>. ")
                    .append(l.h("缺失日期的车辆、违停与上报均未计入本月得分。",
                            "Nothing on the missing days counts in this month's scores."))
                    .append("</div>");
        }
    }

    private void ranking(StringBuilder h) {
        h.append("<h2 id=\"ranking\">").append(l.h("得分与排名", "Scores and ranking")).append("</h2>");
        h.append("<table id=\"ranking-table\"><tr><th>").append(l.h("名次", "Rank")).append("</th><th>")
                .append(l.h("运营企业", "Operator")).append("</th><th>").append(l.h("得分", "Score"))
                .append("</th><th>").append(l.h("等级", "Grade")).append("</th><th>")
                .append(l.h("扣分", "Deducted")).append("</th><th>").append(l.h("加分", "Bonus")).append("</th><th>")
                .append(l.h("配额比例", "Quota share")).append("</th><th>").append(l.h("配额车辆", "Quota bikes"))
                .append("</th></tr>");
        for (OperatorRow o : d.operators()) {
            h.append("<tr data-operator=\"").append(esc(o.operator())).append("\"><td class=\"n\">").append(o.rank())
                    .append("</td><td>").append(operatorHtml(o.operator())).append("</td><td class=\"n score\">")
                    .append(fmt2(o.score())).append("</td><td").append(o.passed() ? "" : " class=\"fail\"").append('>')
                    .append(l.h(o.grade(), o.gradeEn())).append("</td><td class=\"n\">").append(fmt2(o.deducted()))
                    .append("</td><td class=\"n\">").append(fmt2(o.bonus())).append("</td><td class=\"n\">")
                    .append(num(o.quotaSharePct())).append(" %")
                    .append(o.passed() ? "" : " <span class=\"sub\">" + esc(l.t("不合格，份额收回", "failed: withheld"))
                            + "</span>")
                    .append("</td><td class=\"n\">").append(o.quotaBikes() == null ? "–" : o.quotaBikes())
                    .append("</td></tr>");
        }
        h.append("</table>");
        List<ReportCharts.Bar> bars = new ArrayList<>();
        for (OperatorRow o : d.operators()) {
            bars.add(new ReportCharts.Bar(operatorText(o.operator()), o.score()));
        }
        double base = rules != null ? rules.ceiling().doubleValue() : 100;
        h.append("<h3>").append(l.h("各企业得分", "Score per operator")).append("</h3>")
                .append(ReportCharts.bars(l.t("各企业得分", "Score per operator"), bars, base, ""));
    }

    private void categories(StringBuilder h) {
        List<String> cats = categoryIds();
        h.append("<h2 id=\"categories\">").append(l.h("分类扣分", "Deductions by category")).append("</h2>");
        List<String> names = new ArrayList<>();
        cats.forEach(c -> names.add(categoryText(c)));
        List<ReportCharts.Stack> stacks = new ArrayList<>();
        double max = 0;
        for (OperatorRow o : d.operators()) {
            double[] v = new double[cats.size()];
            double total = 0;
            for (DeductionRow r : d.deductions()) {
                if (r.operator().equals(o.operator()) && cats.contains(r.category())) {
                    v[cats.indexOf(r.category())] += r.points();
                    total += r.points();
                }
            }
            max = Math.max(max, total);
            stacks.add(new ReportCharts.Stack(operatorText(o.operator()), v));
        }
        double scale = Math.max(10, Math.ceil(max / 10) * 10);
        h.append(ReportCharts.stacked(l.t("分类扣分（封顶前）", "Deductions by category (before caps)"), names, stacks,
                scale));
        h.append("<h3>").append(l.h("类别得分（封顶后）", "Category scores (after caps)")).append("</h3>");
        h.append("<table id=\"category-table\"><tr><th>").append(l.h("运营企业", "Operator")).append("</th>");
        for (String c : cats) {
            h.append("<th>").append(categoryHtml(c)).append(rules != null && rules.category(c).isPresent()
                    ? " <span class=\"sub\">/" + num(rules.category(c).get().points().doubleValue()) + "</span>" : "")
                    .append("</th>");
        }
        h.append("</tr>");
        for (OperatorRow o : d.operators()) {
            h.append("<tr><td>").append(operatorHtml(o.operator())).append("</td>");
            for (String c : cats) {
                Double v = o.categories().get(c.replaceAll("[^A-Za-z0-9]", "_"));
                h.append("<td class=\"n\">").append(v == null ? "–" : fmt2(v)).append("</td>");
            }
            h.append("</tr>");
        }
        h.append("</table>");
    }

    private void deductions(StringBuilder h) {
        h.append("<h2 id=\"deductions\">").append(l.h("扣分明细", "Deductions")).append("</h2>");
        h.append("<p class=\"note\">").append(l.h("仅列出扣分大于 0 的规则；每行链接到其证据。",
                "Only rules that deducted points are listed; each links to its evidence.")).append("</p>");
        h.append("<table id=\"deduction-table\"><tr><th>").append(l.h("运营企业", "Operator")).append("</th><th>")
                .append(l.h("类别", "Category")).append("</th><th>").append(l.h("规则编号", "Rule")).append("</th><th>")
                .append(l.h("指标", "Metric")).append("</th><th>").append(l.h("指标值", "Value")).append("</th><th>")
                .append(l.h("扣分", "Points")).append("</th><th>").append(l.h("封顶", "Capped")).append("</th><th>")
                .append(l.h("证据", "Evidence")).append("</th></tr>");
        int shown = 0;
        for (DeductionRow r : ordered()) {
            if (r.points() <= 0) {
                continue;
            }
            shown++;
            h.append("<tr class=\"deduction\" data-rule=\"").append(esc(r.ruleId())).append("\"><td>")
                    .append(operatorHtml(r.operator())).append("</td><td>").append(categoryHtml(r.category()))
                    .append("</td><td><code>").append(esc(r.ruleId())).append("</code></td><td><code>")
                    .append(esc(r.metric())).append("</code></td><td class=\"n\">").append(num(r.value()))
                    .append("</td><td class=\"n\">").append(fmt2(r.points())).append("</td><td>")
                    .append(r.capped() ? l.h("是", "yes") : "").append("</td><td><a href=\"#")
                    .append(ReportEvidence.sectionAnchor(r.operator(), r.ruleId())).append("\">")
                    .append(esc(l.t(r.evidenceCount() + " 条", r.evidenceCount() + " items"))).append(" →</a></td></tr>");
        }
        h.append("</table>");
        if (shown == 0) {
            h.append("<p>").append(l.h("本月无扣分。", "No deductions this month.")).append("</p>");
        }
    }

    private void daily(StringBuilder h) {
        h.append("<h2 id=\"daily\">").append(l.h("每日实时分走势", "Daily live score")).append("</h2>");
        h.append("<p class=\"note\">").append(l.h("每天每个企业最后一个 operator_score 点（日实时分只计违停）。",
                "Last operator_score point per day and operator (the daily live score prices no-park only)."))
                .append("</p>");
        Map<String, Map<LocalDate, Double>> series = new LinkedHashMap<>();
        for (String op : operatorOrder(d.dailyScores().keySet())) {
            series.put(operatorText(op), d.dailyScores().get(op));
        }
        double base = rules != null ? rules.baseScore().doubleValue() : 100;
        h.append(ReportCharts.daily(l.t("每日实时分", "Daily live score"), d.month().days(), series, base));
        // The figures behind the chart, since points of close scores overlap.
        java.util.TreeSet<LocalDate> days = new java.util.TreeSet<>();
        d.dailyScores().values().forEach(m -> days.addAll(m.keySet()));
        h.append("<table id=\"daily-table\"><tr><th>").append(l.h("日期", "Day")).append("</th>");
        series.keySet().forEach(op -> h.append("<th>").append(esc(op)).append("</th>"));
        h.append("</tr>");
        for (LocalDate day : days) {
            h.append("<tr><td>").append(day).append("</td>");
            for (Map<LocalDate, Double> m : series.values()) {
                Double v = m.get(day);
                h.append("<td class=\"n\">").append(v == null ? "–" : fmt2(v)).append("</td>");
            }
            h.append("</tr>");
        }
        h.append("</table>");
    }

    private void fences(StringBuilder h) {
        h.append("<h2 id=\"fences\">").append(l.h("违停最多的禁停区（前 10）", "Top 10 fences by no-park violations"))
                .append("</h2>");
        if (d.topFences().isEmpty()) {
            h.append("<p>").append(l.h("本月无违停。", "No no-park violations this month.")).append("</p>");
            return;
        }
        List<ReportCharts.Bar> bars = new ArrayList<>();
        long max = 0;
        for (FenceCount f : d.topFences()) {
            bars.add(new ReportCharts.Bar(f.fenceId(), f.total()));
            max = Math.max(max, f.total());
        }
        // A multiple of 4 keeps the axis's five ticks on whole violations.
        h.append(ReportCharts.bars(l.t("各禁停区违停次数", "No-park violations per fence"), bars,
                Math.max(4, (max + 3) / 4 * 4), ""));
        h.append("<table id=\"fence-table\"><tr><th>").append(l.h("禁停区", "Fence")).append("</th><th>")
                .append(l.h("违停次数", "Violations")).append("</th><th>").append(l.h("按企业", "By operator"))
                .append("</th></tr>");
        for (FenceCount f : d.topFences()) {
            StringBuilder by = new StringBuilder();
            f.byOperator().forEach((op, n) -> by.append(by.length() == 0 ? "" : ", ").append(operatorHtml(op))
                    .append(' ').append(n));
            h.append("<tr><td><code>").append(esc(f.fenceId())).append("</code></td><td class=\"n\">")
                    .append(f.total()).append("</td><td>").append(by).append("</td></tr>");
        }
        h.append("</table>");
    }

    private void parking(StringBuilder h) {
        h.append("<h2 id=\"parking\">").append(l.h("入栏率", "Parking compliance")).append("</h2>");
        h.append("<p class=\"note\">").append(l.h("流处理只保存本月累计值（operator_month.m_parking_compliance_pct），"
                + "没有逐日入栏率，因此此处只显示月度值。",
                "The stream keeps only the month's value (operator_month.m_parking_compliance_pct), no per-day "
                        + "compliance, so only the month value is shown.")).append("</p>");
        List<ReportCharts.Bar> bars = new ArrayList<>();
        for (OperatorRow o : d.operators()) {
            Double v = o.metrics().get("parking_compliance_pct");
            if (v != null) {
                bars.add(new ReportCharts.Bar(operatorText(o.operator()), v));
            }
        }
        if (bars.isEmpty()) {
            h.append("<p>").append(l.h("无入栏率数据。", "No parking compliance data.")).append("</p>");
        } else {
            h.append(ReportCharts.bars(l.t("本月入栏率", "Parking compliance, month"), bars, 100, " %"));
        }
    }

    private void evidence(StringBuilder h) {
        h.append("<h2 id=\"evidence\">").append(l.h("证据", "Evidence")).append("</h2>");
        h.append("<p class=\"note\">").append(l.h("每条扣分规则的证据：本月该企业该类型的全部违规记录（violation 点，时间为北京时间）；"
                + "标黄的行是扣分记录中引用的证据编号。",
                "Evidence per deduction: all of the operator's violation points of that type in the month (local time); "
                        + "highlighted rows are the evidence ids the deduction cites.")).append("</p>");
        for (DeductionRow r : ordered()) {
            if (r.points() <= 0) {
                continue;
            }
            h.append("<section id=\"").append(ReportEvidence.sectionAnchor(r.operator(), r.ruleId())).append("\">");
            h.append("<h3>").append(operatorHtml(r.operator())).append(" · <code>").append(esc(r.ruleId()))
                    .append("</code> · <code>").append(esc(r.metric())).append("</code> = ").append(num(r.value()))
                    .append(" → −").append(fmt2(r.points())).append(" <a class=\"note\" href=\"#deductions\">↑</a></h3>");
            Optional<String> type = ReportEvidence.violationType(r.metric());
            Set<String> cited = new LinkedHashSet<>(r.evidence());
            List<ViolationRow> rows = type.map(t -> d.violations().getOrDefault(ReportEvidence.key(r.operator(), t),
                    List.of())).orElse(List.of());
            if (type.isPresent()) {
                long total = d.violationTotals().getOrDefault(ReportEvidence.key(r.operator(), type.get()), 0L);
                h.append("<p>").append(l.h("违规类型 " + type.get() + "：本月共 " + total + " 条"
                        + (total > rows.size() ? "，列出前 " + rows.size() + " 条" : ""),
                        "Violation type " + type.get() + ": " + total + " in the month"
                                + (total > rows.size() ? ", first " + rows.size() + " listed" : ""))).append("</p>");
                violationTable(h, rows, cited);
            } else {
                h.append("<p>").append(l.h("该指标没有逐条违规点；依据为指标值（operator_month.m_" + r.metric()
                        + "）及下列证据编号。", "The stream writes no per-incident points for this metric; the evidence "
                        + "is its value (operator_month.m_" + r.metric() + ") and the ids below.")).append("</p>");
            }
            Set<String> listed = new LinkedHashSet<>();
            rows.forEach(v -> listed.add(v.evidenceId()));
            h.append("<p class=\"note\">").append(l.h("扣分记录引用的证据编号", "Evidence ids cited by the deduction"))
                    .append(" (").append(r.evidence().size()).append(" / ").append(r.evidenceCount()).append("): ");
            if (r.evidence().isEmpty()) {
                h.append("–");
            }
            for (String id : r.evidence()) {
                h.append(listed.contains(id) ? "<a href=\"#" + ReportEvidence.rowAnchor(id) + "\"><code>" + esc(id)
                        + "</code></a> " : "<code>" + esc(id) + "</code> ");
            }
            h.append("</p></section>\n");
        }
    }

    private void violationTable(StringBuilder h, List<ViolationRow> rows, Set<String> cited) {
        if (rows.isEmpty()) {
            return;
        }
        h.append("<table class=\"evidence\"><tr><th>").append(l.h("车辆", "Bike")).append("</th><th>")
                .append(l.h("禁停区", "Fence")).append("</th><th>").append(l.h("开始停放", "Standing since"))
                .append("</th><th>").append(l.h("违规开始", "Violation from")).append("</th><th>")
                .append(l.h("结束", "Closed")).append("</th><th>").append(l.h("时长（分钟）", "Minutes")).append("</th><th>")
                .append(l.h("位置", "Position")).append("</th><th>").append(l.h("围栏版本", "Fence set"))
                .append("</th></tr>");
        for (ViolationRow v : rows) {
            h.append("<tr id=\"").append(ReportEvidence.rowAnchor(v.evidenceId())).append('"')
                    .append(cited.contains(v.evidenceId()) ? " class=\"cited\"" : "").append("><td><code>")
                    .append(esc(v.bikeId())).append("</code></td><td><code>").append(esc(v.fenceId()))
                    .append("</code></td><td>").append(v.parkedSince() == null ? "" : time(v.parkedSince()))
                    .append("</td><td>").append(time(v.openedAt())).append("</td><td>")
                    .append(v.closedAt() == null ? l.h("未结束", "open") : time(v.closedAt())).append("</td><td class=\"n\">")
                    .append(v.durationS() == null ? "" : num(v.durationS() / 60.0)).append("</td><td>")
                    .append(v.lat() == null ? "" : String.format(java.util.Locale.ROOT, "%.5f, %.5f", v.lat(), v.lng()))
                    .append("</td><td>").append(esc(v.fenceSet())).append("</td></tr>");
        }
        h.append("</table>");
    }

    /** Deductions by operator rank, then the rule set's category order, then rule id. */
    private List<DeductionRow> ordered() {
        List<String> cats = categoryIds();
        List<DeductionRow> out = new ArrayList<>(d.deductions());
        out.sort(java.util.Comparator.<DeductionRow>comparingInt(r -> rank(r.operator()))
                .thenComparing(DeductionRow::operator).thenComparingInt(r -> cats.indexOf(r.category()))
                .thenComparing(DeductionRow::ruleId));
        return out;
    }

    private int rank(String operator) {
        return d.operators().stream().filter(o -> o.operator().equals(operator)).mapToInt(OperatorRow::rank)
                .findFirst().orElse(Integer.MAX_VALUE);
    }

    private List<String> categoryIds() {
        List<String> ids = new ArrayList<>();
        if (rules != null) {
            rules.categories().forEach(c -> ids.add(c.id()));
        }
        d.deductions().forEach(r -> {
            if (r.category() != null && !ids.contains(r.category())) {
                ids.add(r.category());
            }
        });
        return ids;
    }

    private List<String> operatorOrder(Set<String> ops) {
        List<String> out = new ArrayList<>();
        d.operators().forEach(o -> {
            if (ops.contains(o.operator())) {
                out.add(o.operator());
            }
        });
        ops.stream().sorted().filter(o -> !out.contains(o)).forEach(out::add);
        return out;
    }

    private String operatorZh(String id) {
        return rules == null ? null : rules.operator(id).map(OperatorQuota::nameZh).orElse(null);
    }

    private String operatorHtml(String id) {
        String zh = operatorZh(id);
        return zh == null ? esc(id) : l.h(zh, id);
    }

    String operatorText(String id) {
        String zh = operatorZh(id);
        return zh == null ? id : l == ReportLabels.ZH ? zh + " " + id : id + " " + zh;
    }

    private Optional<Category> category(String id) {
        return rules == null || id == null ? Optional.empty() : rules.category(id);
    }

    private String categoryHtml(String id) {
        return category(id).map(c -> l.h(c.nameZh() == null ? c.id() : c.nameZh(), c.name() == null ? c.id()
                : c.name())).orElse(esc(id));
    }

    private String categoryText(String id) {
        return category(id).map(c -> l.t(c.nameZh() == null ? c.id() : c.nameZh(), c.name() == null ? c.id()
                : c.name())).orElse(id);
    }

    private String time(long ms) {
        return esc(LOCAL.format(Instant.ofEpochMilli(ms).atZone(d.month().zone())));
    }

    private static void meta(StringBuilder h, String k, String v) {
        h.append("<tr><td>").append(k).append("</td><td>").append(v).append("</td></tr>");
    }

    static String fmt2(double v) {
        return String.format(java.util.Locale.ROOT, "%.2f", v);
    }
}
