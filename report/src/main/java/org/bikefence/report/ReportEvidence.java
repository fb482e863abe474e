package org.bikefence.report;

import java.util.Locale;
import java.util.Optional;

/**
 * How a deduction reaches its evidence: which violation points back a metric, and the HTML anchors that link a
 * deduction line to its evidence section and a cited evidence id to its row.
 */
public final class ReportEvidence {
    private ReportEvidence() {}

    /**
     * The violation type whose points are the incidents behind a metric, or empty when the stream writes no
     * per-incident point for it (ride ends, fleet counts, feed records: their evidence is the metric value and
     * the ids in the deduction's {@code evidence} field).
     */
    public static Optional<String> violationType(String metricId) {
        if (metricId == null) {
            return Optional.empty();
        }
        if (metricId.startsWith("no_park_")) {
            return Optional.of("no_park");
        }
        if (metricId.startsWith("out_of_area_")) {
            return Optional.of("out_of_area");
        }
        if (metricId.startsWith("zombie_")) {
            return Optional.of("zombie");
        }
        if (metricId.equals("condition_handled_within_deadline_pct")
                || metricId.equals("condition_mean_hours_to_handle")) {
            return Optional.of("faulty_overdue");
        }
        return Optional.empty();
    }

    /** Key of an operator's violations of one type in {@link ReportData#violations()}. */
    public static String key(String operator, String type) {
        return operator + "|" + type;
    }

    /** Anchor of a deduction's evidence section. */
    public static String sectionAnchor(String operator, String ruleId) {
        return "ev-" + slug(operator) + "-" + slug(ruleId);
    }

    /** Anchor of one violation row (unique per evidence id). */
    public static String rowAnchor(String evidenceId) {
        return "v-" + slug(evidenceId);
    }

    /** Letters, digits, '-' and '_' kept; anything else (':', '@', '.', CJK ...) becomes its hex code. */
    static String slug(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            if (c < 128 && (Character.isLetterOrDigit(c) || c == '-' || c == '_')) {
                sb.appendCodePoint(c);
            } else {
                sb.append('.').append(Integer.toHexString(c).toLowerCase(Locale.ROOT));
            }
            i += Character.charCount(c);
        }
        return sb.toString();
    }
}
