package org.bikefence.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bikefence.report.ReportData.DeductionRow;
import org.bikefence.report.ReportData.OperatorRow;
import org.bikefence.report.ReportData.ViolationRow;
import org.bikefence.rules.RuleSetLoader;
import org.junit.jupiter.api.Test;

class ReportEvidenceTest {
    private static final ReportMonth OCTOBER = new ReportMonth(YearMonth.of(2026, 10), ZoneId.of("Asia/Shanghai"));
    private static final long T = Instant.parse("2026-10-12T00:00:00Z").toEpochMilli();
    private static final ViolationRow MT1 = new ViolationRow("meituan", "no_park", "MT-1", "NP-A", T + 600_000, T, T + 1_500_000,
            900.0, "closed", 24.5005, 118.1005, "it-1");
    private static final ViolationRow MT3 = new ViolationRow("meituan", "no_park", "MT-3", "NP-A", T + 840_000, T + 240_000,
            null, null, "open", 24.5005, 118.1005, "it-1");

    @Test
    void metricsMapToTheViolationTypeThatBacksThem() {
        assertThat(ReportEvidence.violationType("no_park_violations_per_1000_bikes")).contains("no_park");
        assertThat(ReportEvidence.violationType("no_park_cleared_within_deadline_pct")).contains("no_park");
        assertThat(ReportEvidence.violationType("out_of_area_bikes")).contains("out_of_area");
        assertThat(ReportEvidence.violationType("zombie_bikes_per_1000_bikes")).contains("zombie");
        assertThat(ReportEvidence.violationType("condition_handled_within_deadline_pct")).contains("faulty_overdue");
        assertThat(ReportEvidence.violationType("parking_compliance_pct")).isEmpty();
        assertThat(ReportEvidence.violationType("data_late_records_pct")).isEmpty();
    }

    @Test
    void evidenceIdIsTheStreamsViolationId() {
        assertThat(MT1.evidenceId()).isEqualTo("no_park:MT-1@" + (T + 600_000));
    }

    @Test
    void anchorsAreDistinctAndSafeForHtmlIds() {
        String a = ReportEvidence.rowAnchor("no_park:MT-1@1");
        assertThat(a).matches("[A-Za-z0-9._-]+");
        assertThat(a).isNotEqualTo(ReportEvidence.rowAnchor("no_park.MT-1@1"));
        assertThat(ReportEvidence.sectionAnchor("美团", "noPark.density")).matches("[A-Za-z0-9._-]+");
    }

    @Test
    void everyDeductionLinksToItsEvidenceSectionAndCitedIdsLinkToTheirRows() {
        DeductionRow density = new DeductionRow("meituan", "noPark.density", "parkingOrder",
                "no_park_violations_per_1000_bikes", 666.67, 15, true, 2,
                List.of(MT1.evidenceId(), "no_park:MT-9@1"), "huli-2026.1");
        DeductionRow late = new DeductionRow("meituan", "dataFeed.late", "dataQuality", "data_late_records_pct", 100, 2,
                true, 0, List.of(), "huli-2026.1");
        DeductionRow zero = new DeductionRow("meituan", "zombies.density", "operationsResponse",
                "zombie_bikes_per_1000_bikes", 0, 0, false, 0, List.of(), "huli-2026.1");
        ReportData d = new ReportData(OCTOBER, "huli-2026.1",
                List.of(new OperatorRow("meituan", 40.5, "不合格", "fail", false, 1, 0, 0L, 59.5, 0, "huli-2026.1",
                        Map.of("parkingOrder", 10.0), Map.of("parking_compliance_pct", 0.0))),
                List.of(density, late, zero), Map.of("meituan", new TreeMap<>(Map.of(LocalDate.of(2026, 10, 12), 99.0))),
                List.of(new ReportData.FenceCount("NP-A", 2, Map.of("meituan", 2L))),
                Map.of(ReportEvidence.key("meituan", "no_park"), List.of(MT1, MT3)),
                Map.of(ReportEvidence.key("meituan", "no_park"), 2L), new TreeSet<>(Set.of(LocalDate.of(2026, 10, 12))));

        String html = new ReportHtml(d, RuleSetLoader.loadDefault(), ReportLabels.ZH,
                OCTOBER.missingDays(d.daysWithData(), LocalDate.of(2026, 11, 29)), Instant.parse("2026-11-29T00:00:00Z"),
                "huli").render();

        Set<String> ids = matches(html, "id=\"([^\"]+)\"");
        Set<String> hrefs = matches(html, "href=\"#([^\"]+)\"");
        assertThat(ids).containsAll(hrefs);
        assertThat(hrefs).contains(ReportEvidence.sectionAnchor("meituan", "noPark.density"),
                ReportEvidence.sectionAnchor("meituan", "dataFeed.late"), ReportEvidence.rowAnchor(MT1.evidenceId()));
        // A zero-point line is no deduction: no evidence section.
        assertThat(ids).doesNotContain(ReportEvidence.sectionAnchor("meituan", "zombies.density"));
        // The cited row is highlighted, the uncited one listed plainly; an id with no point is shown unlinked.
        assertThat(html).contains("id=\"" + ReportEvidence.rowAnchor(MT1.evidenceId()) + "\" class=\"cited\"")
                .contains("id=\"" + ReportEvidence.rowAnchor(MT3.evidenceId()) + "\"><td>")
                .contains("<code>no_park:MT-9@1</code>")
                .doesNotContain("href=\"#" + ReportEvidence.rowAnchor("no_park:MT-9@1") + "\"");
        assertThat(html).contains("2026-10-12 08:10:00").contains("2026-10-01..2026-10-11, 2026-10-13..2026-10-31");
        assertThat(MonthlyReport.deductionsCsv(d, RuleSetLoader.loadDefault()).render())
                .contains("report.html#" + ReportEvidence.sectionAnchor("meituan", "noPark.density"));
    }

    private static Set<String> matches(String html, String regex) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = Pattern.compile(regex).matcher(html);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
