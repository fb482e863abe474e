package org.bikefence.report;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;

/**
 * Everything one monthly report shows, as read from InfluxDB: nothing in it is computed by the report except
 * grouping and sorting, so every number can be found again with the InfluxQL in the README.
 *
 * @param ruleSet rule-set version recorded in the month's operator_month points
 * @param operators operator_month points, by rank
 * @param deductions deduction points, by operator rank, then category and rule id
 * @param dailyScores last operator_score per local day, per operator
 * @param topFences no-park violations per fence, most first, at most ten
 * @param violations violation points behind deductions, by {@link ReportEvidence#key(String, String)}
 * @param violationTotals how many violation points each such key has in the month (rows may be limited)
 * @param daysWithData local days with at least one operator_minute point
 */
public record ReportData(
        ReportMonth month,
        String ruleSet,
        List<OperatorRow> operators,
        List<DeductionRow> deductions,
        Map<String, Map<LocalDate, Double>> dailyScores,
        List<FenceCount> topFences,
        Map<String, List<ViolationRow>> violations,
        Map<String, Long> violationTotals,
        SortedSet<LocalDate> daysWithData) {

    /** One operator_month point. {@code quotaBikes} is null when the rule set has no quota pool. */
    public record OperatorRow(String operator, double score, String grade, String gradeEn, boolean passed, int rank,
            double quotaSharePct, Long quotaBikes, double deducted, double bonus, String ruleSet,
            Map<String, Double> categories, Map<String, Double> metrics) {}

    /** One deduction point; {@code evidence} holds the first (at most 20) evidence ids the stream recorded. */
    public record DeductionRow(String operator, String ruleId, String category, String metric, double value,
            double points, boolean capped, long evidenceCount, List<String> evidence, String ruleSet) {}

    /** No-park violations opened in one fence during the month. */
    public record FenceCount(String fenceId, long total, Map<String, Long> byOperator) {}

    /** One violation point. {@code closedAt} and {@code durationS} are null while it is open. */
    public record ViolationRow(String operator, String type, String bikeId, String fenceId, long openedAt,
            Long parkedSince, Long closedAt, Double durationS, String status, Double lat, Double lng,
            String fenceSet) {
        /** The id the stream gives this violation in evidence lists: {@code type:bike@openedAtMs}. */
        public String evidenceId() {
            return type + ":" + bikeId + "@" + openedAt;
        }
    }

    public boolean hasAssessment() {
        return !operators.isEmpty();
    }
}
