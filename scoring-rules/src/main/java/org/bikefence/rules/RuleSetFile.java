package org.bikefence.rules;

import java.math.BigDecimal;

/**
 * The YAML file's shape as Jackson binds it, before validation; later rules and sections (categories, grades,
 * quota) are added as new optional components so existing files keep loading.
 */
record RuleSetFile(
        String city,
        String cityZh,
        String district,
        String districtZh,
        String version,
        // Dates and zones stay text here so that a bad value is reported by the validator with its position.
        String effectiveFrom,
        String timeZone,
        Score score,
        Rules rules) {

    record Score(BigDecimal base, BigDecimal floor) {
    }

    record Rules(NoPark noPark) {
    }

    record NoPark(Integer graceMinutes, BigDecimal deductionPerViolation, BigDecimal maxDeduction) {
    }
}
