package org.bikefence.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleSetRegistryTest {

    private static final Path HULI = Path.of("rulesets/huli.yaml");
    private static final YearMonth MARCH = YearMonth.of(2026, 3);
    private static final YearMonth APRIL = YearMonth.of(2026, 4);

    /** huli.yaml with a new version effective from April that doubles the no-park density price. */
    private static String april2026() throws IOException {
        return Files.readString(HULI)
                .replace("version: huli-2026.1", "version: huli-2026.2")
                .replace("effectiveFrom: 2026-01-01", "effectiveFrom: 2026-04-01")
                .replace("metric: violationsPer1000Bikes\n        pointsPerUnit: 0.5",
                        "metric: violationsPer1000Bikes\n        pointsPerUnit: 1");
    }

    @Test
    void withAddsAVersionCheckedAsAWholeDirectoryIsAndAnEqualOneChangesNothing() throws IOException {
        RuleSet huli = RuleSetLoader.load(HULI);
        RuleSet april = RuleSetLoader.load(new java.io.ByteArrayInputStream(
                april2026().getBytes(java.nio.charset.StandardCharsets.UTF_8)), "april.yaml");
        RuleSetRegistry one = RuleSetRegistry.of(List.of(huli));

        RuleSetRegistry two = one.with(april);
        assertThat(two.forMonth("Xiamen", "Huli", MARCH).version()).isEqualTo("huli-2026.1");
        assertThat(two.forMonth("Xiamen", "Huli", APRIL).version()).isEqualTo("huli-2026.2");
        assertThat(two.contains(april)).isTrue();
        assertThat(one.contains(april)).as("the registry it came from is unchanged").isFalse();
        assertThat(two.with(RuleSetLoader.load(HULI))).as("an equal version").isSameAs(two);

        RuleSet sameDay = RuleSetLoader.load(new java.io.ByteArrayInputStream(april2026()
                .replace("version: huli-2026.2", "version: huli-2026.3")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)), "same-day.yaml");
        assertThatThrownBy(() -> two.with(sameDay)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("huli-2026.3").hasMessageContaining("same day as huli-2026.2");
    }

    @Test
    void theShippedDirectoryLoads() {
        RuleSetRegistry registry = RuleSetRegistry.load(Path.of("rulesets"));

        assertThat(registry.forMonth("Xiamen", "Huli", MARCH).version()).isEqualTo("huli-2026.1");
    }

    @Test
    void aNewerVersionNeverChangesAPastMonth(@TempDir Path dir) throws IOException {
        Files.copy(HULI, dir.resolve("huli.yaml"));
        Scorer scorer = new Scorer();
        List<OperatorMonthMetrics> march = List.of(WorkedExampleTest.hello(), WorkedExampleTest.meituan(),
                WorkedExampleTest.qingju());
        MonthlyAssessment before = scorer.assess(RuleSetRegistry.load(dir), "Xiamen", "Huli", MARCH, march);

        Files.writeString(dir.resolve("huli-2026.2.yaml"), april2026());
        RuleSetRegistry registry = RuleSetRegistry.load(dir);
        MonthlyAssessment after = scorer.assess(registry, "Xiamen", "Huli", MARCH, march);

        assertThat(after).isEqualTo(before);
        assertThat(after.ruleSetVersion()).isEqualTo("huli-2026.1");
        assertThat(registry.forMonth("Xiamen", "Huli", APRIL).version()).isEqualTo("huli-2026.2");
        assertThat(registry.lastDay(registry.forMonth("Xiamen", "Huli", MARCH)))
                .contains(LocalDate.of(2026, 3, 31));
        // The same operator-month under April's rules would score differently (Hello: density 3 -> 3 points).
        OperatorMonthMetrics helloInApril = OperatorMonthMetrics.builder("hello", APRIL)
                .fleetEveryDay(8000, 8200, 7000)
                .noPark(new OperatorMonthMetrics.NoPark(24, 24, 23, 0)).build();
        assertThat(scorer.score(registry.forMonth("Xiamen", "Huli", APRIL), helloInApril)
                .deduction("noPark.density").points()).isEqualTo(3.0);
    }

    @Test
    void picksTheVersionInForceOnADay(@TempDir Path dir) throws IOException {
        Files.copy(HULI, dir.resolve("huli.yaml"));
        Files.writeString(dir.resolve("huli-2026.2.yaml"), april2026());
        RuleSetRegistry registry = RuleSetRegistry.load(dir);

        assertThat(registry.forDay("Xiamen", "Huli", LocalDate.of(2026, 3, 31)).version()).isEqualTo("huli-2026.1");
        assertThat(registry.forDay("Xiamen", "Huli", LocalDate.of(2026, 4, 1)).version()).isEqualTo("huli-2026.2");
        assertThat(registry.find("Xiamen", "Huli", LocalDate.of(2025, 12, 31))).isEmpty();
        assertThat(registry.find("Xiamen", "Siming", LocalDate.of(2026, 3, 1))).isEmpty();
        assertThat(registry.versions("Xiamen", "Huli")).extracting(RuleSet::version)
                .containsExactly("huli-2026.1", "huli-2026.2");
        assertThatThrownBy(() -> registry.forMonth("Xiamen", "Huli", YearMonth.of(2025, 11)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no rule set for Xiamen/Huli");
    }

    @Test
    void anExplicitEndLeavesAGap(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("a.yaml"), Files.readString(HULI)
                .replace("effectiveFrom: 2026-01-01", "effectiveFrom: 2026-01-01\neffectiveUntil: 2026-02-28"));

        RuleSetRegistry registry = RuleSetRegistry.load(dir);

        assertThat(registry.find("Xiamen", "Huli", LocalDate.of(2026, 2, 28))).isPresent();
        assertThat(registry.find("Xiamen", "Huli", LocalDate.of(2026, 3, 1))).isEmpty();
    }

    @Test
    void fallsBackToACityWideVersion() {
        RuleSet cityWide = MonthlyRules.load("""
                city: Xiamen
                version: xm-1
                effectiveFrom: 2026-01-01
                rules:
                  noPark: { deductionPerViolation: 1, maxDeduction: 10 }
                """);

        RuleSetRegistry registry = RuleSetRegistry.of(List.of(cityWide));

        assertThat(registry.forDay("Xiamen", "Siming", LocalDate.of(2026, 5, 1))).isSameAs(cityWide);
    }

    @Test
    void rejectsOverlappingVersionsNamingFileLineAndField(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("a.yaml"), Files.readString(HULI)
                .replace("effectiveFrom: 2026-01-01", "effectiveFrom: 2026-01-01\neffectiveUntil: 2026-06-30"));
        Files.writeString(dir.resolve("b.yaml"), april2026());

        assertThatThrownBy(() -> RuleSetRegistry.load(dir))
                .isInstanceOf(RuleSetException.class)
                .hasMessageContaining("b.yaml, line 17")
                .hasMessageContaining("effectiveFrom = '2026-04-01'")
                .hasMessageContaining("overlaps huli-2026.1")
                .hasMessageContaining("a.yaml")
                .hasMessageContaining("2026-01-01..2026-06-30");
    }

    @Test
    void rejectsTwoVersionsStartingTheSameDay(@TempDir Path dir) throws IOException {
        Files.copy(HULI, dir.resolve("a.yaml"));
        Files.writeString(dir.resolve("b.yaml"), Files.readString(HULI).replace("huli-2026.1", "huli-2026.1b"));

        assertThatThrownBy(() -> RuleSetRegistry.load(dir))
                .isInstanceOf(RuleSetException.class)
                .hasMessageContaining("starts on the same day as huli-2026.1");
    }

    @Test
    void rejectsTheSameVersionNameTwice(@TempDir Path dir) throws IOException {
        Files.copy(HULI, dir.resolve("a.yaml"));
        Files.writeString(dir.resolve("b.yaml"), april2026().replace("huli-2026.2", "huli-2026.1"));

        assertThatThrownBy(() -> RuleSetRegistry.load(dir))
                .isInstanceOf(RuleSetException.class)
                .hasMessageContaining("version = 'huli-2026.1'")
                .hasMessageContaining("appears twice");
    }
}
