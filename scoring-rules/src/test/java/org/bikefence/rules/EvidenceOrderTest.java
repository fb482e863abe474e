package org.bikefence.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvidenceOrderTest {
    static final Instant T = Instant.parse("2026-11-10T01:00:00Z");
    static final Evidence EARLY = Evidence.of(Evidence.Kind.ZOMBIE, "zombie:MT-2@1", "MT-2", null, T, null);
    static final Evidence SAME_TIME_KIND_FIRST = Evidence.of(Evidence.Kind.NO_PARK_VIOLATION, "no_park:MT-9@2",
            "MT-9", "np-1", T.plusSeconds(60), T.plusSeconds(600));
    static final Evidence SAME_TIME_ID_A = Evidence.of(Evidence.Kind.ZOMBIE, "zombie:MT-1@2", "MT-1", null,
            T.plusSeconds(60), null);
    static final Evidence SAME_TIME_ID_B = Evidence.of(Evidence.Kind.ZOMBIE, "zombie:MT-3@2", "MT-3", null,
            T.plusSeconds(60), null);
    static final List<Evidence> IN_ORDER = List.of(EARLY, SAME_TIME_KIND_FIRST, SAME_TIME_ID_A, SAME_TIME_ID_B);

    @Test
    void monthMetricsListEvidenceByTimeThenKindThenIdWhateverOrderTheyCameIn() {
        for (int seed = 0; seed < 5; seed++) {
            List<Evidence> shuffled = new ArrayList<>(IN_ORDER);
            Collections.shuffle(shuffled, new java.util.Random(seed));
            OperatorMonthMetrics.Builder b = MonthlyRules.metrics("meituan");
            shuffled.forEach(b::evidence);
            assertThat(b.build().evidence()).as("evidence added as " + shuffled).containsExactlyElementsOf(IN_ORDER);
        }
    }

    @Test
    void deductionsKeepEvidenceInTheSameOrder() {
        List<Evidence> reversed = new ArrayList<>(IN_ORDER);
        Collections.reverse(reversed);
        Deduction d = new Deduction("zombie_bikes", "zombies.count", 3, 1.5, false, "fleet", reversed);
        assertThat(d.evidence()).containsExactlyElementsOf(IN_ORDER);
    }
}
