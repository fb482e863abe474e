package org.bikefence.rules;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.YearMonth;

/** Small inline rule sets for monthly-scoring tests: two categories (order 60, data 40), three grades. */
final class MonthlyRules {

    static final YearMonth MONTH = YearMonth.of(2026, 3);

    static final String HEAD = """
            city: Testville
            version: t-1
            effectiveFrom: 2026-01-01
            score:
              base: 100
              floor: 0
            operators:
              A: { fleetQuota: 1000 }
              B: { fleetQuota: 1000 }
              C: { fleetQuota: 1000 }
              D: { fleetQuota: 1000 }
            categories:
              order: { points: 60, maxBonus: 5 }
              data: { points: 40 }
            grades:
              - { name: 优秀, min: 90 }
              - { name: 合格, min: 60 }
              - { name: 不合格, min: 0, pass: false }
            """;

    static final String NO_PARK_DAILY = """
              noPark:
                deductionPerViolation: 0.5
                maxDeduction: 40
            """;

    private MonthlyRules() {
    }

    /** HEAD + {@code rules:} with the daily no-park rule + {@code rulesBody} (indented two spaces) + extra. */
    static RuleSet with(String rulesBody, String extra) {
        return load(HEAD + "rules:\n" + NO_PARK_DAILY + rulesBody + extra);
    }

    static RuleSet with(String rulesBody) {
        return with(rulesBody, "");
    }

    static RuleSet load(String yaml) {
        return RuleSetLoader.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "test.yaml");
    }

    static OperatorMonthMetrics.Builder metrics(String operator) {
        return OperatorMonthMetrics.builder(operator, MONTH).fleetEveryDay(1000, 1000, 800);
    }
}
