package org.bikefence.report;

import static org.bikefence.report.ReportCharts.esc;

import java.util.Locale;

/**
 * Bilingual labels. Every label of the report is shown in both languages: {@code zh} puts Chinese first with the
 * English as a subtitle, {@code en} the other way round. The city's staff read Chinese; auditors and the operators'
 * head offices often read English; one file serves both and the CSV headers carry both too.
 */
public enum ReportLabels {
    ZH, EN;

    public static ReportLabels parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "zh", "zh-cn", "cn" -> ZH;
            case "en" -> EN;
            default -> throw new IllegalArgumentException("--lang must be zh or en, not '" + s + "'");
        };
    }

    /** HTML: the primary language, then the other in a {@code <span class="sub">}. */
    public String h(String zh, String en) {
        String first = this == ZH ? zh : en;
        String second = this == ZH ? en : zh;
        return esc(first) + " <span class=\"sub\">" + esc(second) + "</span>";
    }

    /** Plain text (SVG labels, messages): {@code primary / other}. */
    public String t(String zh, String en) {
        return this == ZH ? zh + " / " + en : en + " / " + zh;
    }

    public String htmlLang() {
        return this == ZH ? "zh-CN" : "en";
    }
}
