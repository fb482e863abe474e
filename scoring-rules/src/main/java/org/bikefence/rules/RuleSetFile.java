package org.bikefence.rules;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * The YAML file's shape as Jackson binds it, before validation; every section beyond the first slice's is
 * optional so that older files keep loading.
 */
record RuleSetFile(
        String city,
        String cityZh,
        String district,
        String districtZh,
        String version,
        // Dates and zones stay text here so that a bad value is reported by the validator with its position.
        String effectiveFrom,
        String effectiveUntil,
        String timeZone,
        Score score,
        Map<String, Operator> operators,
        Map<String, CategoryDef> categories,
        Rules rules,
        List<GradeDef> grades,
        Ranking ranking,
        Quota quota) {

    record Score(BigDecimal base, BigDecimal floor, BigDecimal ceiling) {
    }

    record Operator(String nameZh, Long fleetQuota) {
    }

    record CategoryDef(String name, String nameZh, BigDecimal points, BigDecimal maxBonus) {
    }

    record Rules(NoPark noPark, Scored parking, Accumulation accumulation, Scored fleet, OutOfArea outOfArea,
            Zombies zombies, Condition condition, DataFeed dataFeed) {
    }

    record NoPark(Integer graceMinutes, BigDecimal deductionPerViolation, BigDecimal maxDeduction,
            Integer clearDeadlineMinutes, Map<String, Item> scoring) {
    }

    record Scored(Map<String, Item> scoring) {
    }

    record Accumulation(Integer h3Resolution, Integer cellThreshold, Integer minDurationMinutes,
            Integer clearDeadlineMinutes, Map<String, Item> scoring) {
    }

    record OutOfArea(Integer graceMinutes, Map<String, Item> scoring) {
    }

    record Zombies(Integer idleDays, Map<String, Item> scoring) {
    }

    record Condition(Integer handleDeadlineHours, Map<String, Item> scoring) {
    }

    record DataFeed(Integer parkedReportIntervalMinutes, Integer ridingReportIntervalSeconds,
            Integer lateAfterSeconds, Integer gapMinutes, Map<String, Item> scoring) {
    }

    record Item(String category, String metric, BigDecimal pointsPerUnit, BigDecimal above,
            BigDecimal pointsPerPointBelow, BigDecimal target, BigDecimal bonus, BigDecimal atLeast,
            BigDecimal atMost, BigDecimal max) {
    }

    record GradeDef(String name, String nameEn, BigDecimal min, Boolean pass) {
    }

    record Ranking(List<String> tieBreak) {
    }

    record Quota(Long poolBikes, List<BigDecimal> sharesByRankPct) {
    }
}
