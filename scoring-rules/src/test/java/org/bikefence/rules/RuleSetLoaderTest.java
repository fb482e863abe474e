package org.bikefence.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleSetLoaderTest {

    private static final Path HULI_FILE = Path.of("rulesets/huli.yaml");

    /** A minimal valid file; line numbers below refer to it. */
    private static final String VALID = """
            city: Xiamen
            district: Huli
            version: test-1
            effectiveFrom: 2026-01-01
            timeZone: Asia/Shanghai
            score:
              base: 100
              floor: 0
            rules:
              noPark:
                graceMinutes: 10
                deductionPerViolation: 0.5
                maxDeduction: 40
            """;

    @Test
    void loadsHuliRuleSetFromTheModuleDirectory() {
        RuleSet rules = RuleSetLoader.load(HULI_FILE);

        assertThat(rules.city()).isEqualTo("Xiamen");
        assertThat(rules.cityZh()).contains("厦门");
        assertThat(rules.district()).contains("Huli");
        assertThat(rules.districtZh()).contains("湖里区");
        assertThat(rules.version()).isEqualTo("huli-2026.1");
        assertThat(rules.effectiveFrom()).isEqualTo(LocalDate.of(2026, 1, 1));
        assertThat(rules.timeZone()).isEqualTo(ZoneId.of("Asia/Shanghai"));
        assertThat(rules.baseScore()).isEqualByComparingTo("100");
        assertThat(rules.floor()).isEqualByComparingTo("0");
        assertThat(rules.noPark().grace()).isEqualTo(Duration.ofMinutes(10));
        assertThat(rules.noPark().deductionPerViolation()).isEqualByComparingTo("0.5");
        assertThat(rules.noPark().maxDeduction()).isEqualByComparingTo("40");
    }

    @Test
    void classpathCopyIsIdenticalToTheFileOnDisk() {
        assertThat(RuleSetLoader.loadDefault()).isEqualTo(RuleSetLoader.load(HULI_FILE));
    }

    @Test
    void survivesJavaSerializationAsFlinkShipsIt() throws Exception {
        RuleSet rules = RuleSetLoader.loadDefault();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(rules);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertThat(in.readObject()).isEqualTo(rules);
        }
    }

    @Test
    void appliesDefaultsForOptionalFields() {
        RuleSet rules = load("""
                city: Xiamen
                version: minimal
                effectiveFrom: 2026-01-01
                rules:
                  noPark:
                    deductionPerViolation: 1
                    maxDeduction: 10
                """);

        assertThat(rules.district()).isEmpty();
        assertThat(rules.timeZone()).isEqualTo(ZoneId.of("Asia/Shanghai"));
        assertThat(rules.baseScore()).isEqualByComparingTo("100");
        assertThat(rules.floor()).isEqualByComparingTo("0");
        assertThat(rules.noPark().graceMinutes()).isEqualTo(10);
    }

    @Test
    void rejectsUnknownFieldNamingLineAndField() {
        assertThatThrownBy(() -> load(VALID.replace("graceMinutes: 10", "graceMinute: 10")))
                .isInstanceOf(RuleSetException.class)
                .hasMessageContaining("bad.yaml")
                .hasMessageContaining("line 11")
                .hasMessageContaining("rules.noPark.graceMinute")
                .hasMessageContaining("'10'")
                .hasMessageContaining("unknown field 'graceMinute'")
                .hasMessageContaining("graceMinutes");
    }

    @Test
    void rejectsUnknownTopLevelSection() {
        assertThatThrownBy(() -> load(VALID + "penalties:\n  A: 90\n"))
                .isInstanceOf(RuleSetException.class)
                .hasMessageContaining("line 14")
                .hasMessageContaining("unknown field 'penalties'");
    }

    @Test
    void rejectsMissingCity() {
        RuleSetException e = loadFails(VALID.replace("city: Xiamen\n", ""));
        assertThat(e.field()).isEqualTo("city");
        assertThat(e.line()).isEqualTo(1);
        assertThat(e).hasMessageContaining("bad.yaml, line 1").hasMessageContaining("city: is required");
    }

    @Test
    void rejectsMissingVersion() {
        assertThat(loadFails(VALID.replace("version: test-1\n", "")))
                .hasMessageContaining("version: is required");
    }

    @Test
    void rejectsBlankVersionAtItsLine() {
        assertThat(loadFails(VALID.replace("version: test-1", "version: \"  \"")))
                .hasMessageContaining("line 3")
                .hasMessageContaining("version = '  '")
                .hasMessageContaining("must not be blank");
    }

    @Test
    void rejectsMissingEffectiveFrom() {
        assertThat(loadFails(VALID.replace("effectiveFrom: 2026-01-01\n", "")))
                .hasMessageContaining("effectiveFrom: is required");
    }

    @Test
    void rejectsNegativeDeduction() {
        RuleSetException e = loadFails(VALID.replace("deductionPerViolation: 0.5", "deductionPerViolation: -0.5"));
        assertThat(e.line()).isEqualTo(12);
        assertThat(e.field()).isEqualTo("rules.noPark.deductionPerViolation");
        assertThat(e.value()).isEqualTo("-0.5");
        assertThat(e).hasMessageContaining(
                "bad.yaml, line 12, column 28: rules.noPark.deductionPerViolation = '-0.5': must not be negative");
    }

    @Test
    void rejectsNegativeCap() {
        assertThat(loadFails(VALID.replace("maxDeduction: 40", "maxDeduction: -1")))
                .hasMessageContaining("line 13")
                .hasMessageContaining("rules.noPark.maxDeduction = '-1'")
                .hasMessageContaining("must not be negative");
    }

    @Test
    void rejectsNonNumericDeduction() {
        RuleSetException e = loadFails(VALID.replace("deductionPerViolation: 0.5", "deductionPerViolation: half"));
        assertThat(e.line()).isEqualTo(12);
        assertThat(e.field()).isEqualTo("rules.noPark.deductionPerViolation");
        assertThat(e).hasMessageContaining("line 12")
                .hasMessageContaining("rules.noPark.deductionPerViolation = 'half'")
                .hasMessageContaining("expected a number");
    }

    @Test
    void rejectsMissingDeductionPointingAtItsSection() {
        assertThat(loadFails(VALID.replace("    deductionPerViolation: 0.5\n", "")))
                .hasMessageContaining("line 10")
                .hasMessageContaining("rules.noPark.deductionPerViolation: is required");
    }

    @Test
    void rejectsZeroGrace() {
        assertThat(loadFails(VALID.replace("graceMinutes: 10", "graceMinutes: 0")))
                .hasMessageContaining("line 11")
                .hasMessageContaining("rules.noPark.graceMinutes = '0'")
                .hasMessageContaining("must be at least 1 minute");
    }

    @Test
    void rejectsNegativeGrace() {
        assertThat(loadFails(VALID.replace("graceMinutes: 10", "graceMinutes: -5")))
                .hasMessageContaining("rules.noPark.graceMinutes = '-5'");
    }

    @Test
    void rejectsFractionalGrace() {
        assertThat(loadFails(VALID.replace("graceMinutes: 10", "graceMinutes: 2.5")))
                .hasMessageContaining("line 11")
                .hasMessageContaining("rules.noPark.graceMinutes = '2.5'")
                .hasMessageContaining("expected a whole number");
    }

    @Test
    void rejectsFloorAboveBase() {
        assertThat(loadFails(VALID.replace("floor: 0", "floor: 120")))
                .hasMessageContaining("line 8")
                .hasMessageContaining("score.floor = '120'")
                .hasMessageContaining("floor 120 is above base score 100");
    }

    @Test
    void rejectsUnparseableDate() {
        RuleSetException e = loadFails(VALID.replace("2026-01-01", "2026-13-01"));
        assertThat(e.line()).isEqualTo(4);
        assertThat(e).hasMessageContaining("effectiveFrom = '2026-13-01'")
                .hasMessageContaining("yyyy-MM-dd");
    }

    @Test
    void rejectsUnknownZoneId() {
        assertThat(loadFails(VALID.replace("Asia/Shanghai", "Asia/Shangai")))
                .hasMessageContaining("line 5")
                .hasMessageContaining("timeZone = 'Asia/Shangai'")
                .hasMessageContaining("time-zone id");
    }

    @Test
    void rejectsDuplicateKeys() {
        assertThat(loadFails(VALID.replace("floor: 0", "floor: 0\n  floor: 10")))
                .hasMessageContaining("line 9")
                .hasMessageContaining("score.floor: appears twice");
    }

    @Test
    void rejectsScalarWhereSectionExpected() {
        assertThat(loadFails(VALID.replace("score:\n  base: 100\n  floor: 0\n", "score: 100\n")))
                .hasMessageContaining("line 6")
                .hasMessageContaining("score = '100'")
                .hasMessageContaining("expected a mapping");
    }

    @Test
    void rejectsMalformedYaml() {
        assertThat(loadFails(VALID.replace("  noPark:", "  noPark: [")))
                .hasMessageContaining("bad.yaml")
                .hasMessageContaining("line 12")
                .hasMessageContaining("malformed YAML: while parsing a flow sequence: expected ',' or ']'");
    }

    @Test
    void rejectsEmptyFile() {
        assertThat(loadFails("# nothing here\n")).hasMessageContaining("file is empty");
    }

    @Test
    void namesTheFilePathWhenLoadingFromDisk(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("typo.yaml");
        Files.writeString(file, VALID.replace("maxDeduction: 40", "maxDeduction: forty"));

        assertThatThrownBy(() -> RuleSetLoader.load(file))
                .isInstanceOf(RuleSetException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("line 13")
                .hasMessageContaining("rules.noPark.maxDeduction = 'forty'");
    }

    @Test
    void keepsDecimalsExact() {
        RuleSet rules = load(VALID.replace("deductionPerViolation: 0.5", "deductionPerViolation: 0.1"));
        assertThat(rules.noPark().deductionPerViolation()).isEqualTo(new BigDecimal("0.1"));
    }

    private static RuleSet load(String yaml) {
        return RuleSetLoader.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "bad.yaml");
    }

    private static RuleSetException loadFails(String yaml) {
        try {
            load(yaml);
        } catch (RuleSetException e) {
            return e;
        }
        throw new AssertionError("expected RuleSetException for:\n" + yaml);
    }
}
