package org.bikefence.rules.mds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.Map;
import org.bikefence.rules.RuleSet;
import org.bikefence.rules.RuleSetException;
import org.bikefence.rules.RuleSetLoader;
import org.bikefence.rules.RuleSetRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MdsRuleSetWriterTest {

    private static final String HELLO = "3c6a9f21-8b4e-4d2c-a7f0-5e1d2c3b0001";
    private static final String QINGJU = "3c6a9f21-8b4e-4d2c-a7f0-5e1d2c3b0003";
    private static final Map<String, String> PROVIDERS = Map.of(HELLO, "hello", QINGJU, "qingju");

    private static byte[] resource(String name) {
        try (InputStream in = MdsRuleSetWriterTest.class.getClassLoader().getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final byte[] BASE = resource(RuleSetLoader.DEFAULT_RESOURCE);
    private static final byte[] POLICY = resource("mds/huli-policy-2x.json");

    private static MdsRuleSetWriter.Result importHuli() {
        return MdsRuleSetWriter.write(POLICY, "src/test/resources/mds/huli-policy-2x.json", BASE,
                "rulesets/huli.yaml", "huli-mds.yaml", PROVIDERS, null);
    }

    private static MdsRuleSetWriter.Result importInline(String policyJson) {
        return MdsRuleSetWriter.write(policyJson.getBytes(StandardCharsets.UTF_8), "inline.json", BASE, "huli.yaml",
                "out.yaml", PROVIDERS, "test-1");
    }

    @Test
    void countRulesBecomeFleetQuotasAndTimeRulesGraceAndIdleLimits() {
        RuleSet base = RuleSetLoader.load(new java.io.ByteArrayInputStream(BASE), "base");
        RuleSet imported = importHuli().rules();

        assertThat(imported.operator("hello").orElseThrow().fleetQuota()).isEqualTo(7500);
        assertThat(imported.operator("qingju").orElseThrow().fleetQuota()).isEqualTo(5000);
        assertThat(imported.operator("meituan")).isEqualTo(base.operator("meituan"));
        assertThat(imported.operator("hello").orElseThrow().nameZh()).isEqualTo("哈啰");
        assertThat(imported.noPark().grace()).isEqualTo(Duration.ofMinutes(15));
        assertThat(imported.monitoring().zombies().idleDays()).isEqualTo(5);
        assertThat(imported.monitoring().condition().handleDeadlineHours()).isEqualTo(48);
        // Whole days of the policies that set a field, in the base's zone (Asia/Shanghai).
        assertThat(imported.effectiveFrom()).isEqualTo(LocalDate.of(2026, 3, 1));
        assertThat(imported.effectiveUntil()).contains(LocalDate.of(2026, 12, 31));
        assertThat(imported.version()).matches("huli-2026\\.1\\+mds\\.[0-9a-f]{8}");
        // Everything MDS does not say is the base's.
        assertThat(imported.city()).isEqualTo(base.city());
        assertThat(imported.district()).isEqualTo(base.district());
        assertThat(imported.timeZone()).isEqualTo(base.timeZone());
        assertThat(imported.baseScore()).isEqualByComparingTo(base.baseScore());
        assertThat(imported.noPark().deductionPerViolation()).isEqualByComparingTo(
                base.noPark().deductionPerViolation());
        assertThat(imported.noPark().maxDeduction()).isEqualByComparingTo(base.noPark().maxDeduction());
        assertThat(imported.categories()).isEqualTo(base.categories());
        assertThat(imported.scoringRules()).isEqualTo(base.scoringRules());
        assertThat(imported.grades()).isEqualTo(base.grades());
        assertThat(imported.quota()).isEqualTo(base.quota());
        assertThat(imported.monitoring().accumulation()).isEqualTo(base.monitoring().accumulation());
        assertThat(imported.monitoring().dataFeed()).isEqualTo(base.monitoring().dataFeed());
        assertThat(imported.monitoring().outOfArea()).isEqualTo(base.monitoring().outOfArea());
    }

    @Test
    void speedRulesAreRecordedAsNotEnforcedAndNoParkZonesAsFences() {
        MdsRuleSetWriter.Result r = importHuli();

        assertThat(r.yaml()).contains("# NOT ENFORCED 未执行")
                .containsPattern("(?m)^#   speed limit 15\\.0 km/h rule 7a0c1e55-3b2d-4f6a-8e90-1c2d3e4f0005 "
                        + "'Wuyuan Bay slow zone' \\(policies\\[0]\\.rules\\[4]\\) in geographies "
                        + "\\[9b3e2d10-4c5a-4e7f-8a1b-0c9d8e7f0020] \\(sat,sun 08:00-20:00\\)")
                .containsPattern("(?m)^#   no-ride rule .*'Zhongshan Park no riding'")
                .containsPattern("(?m)^#   no-park zone rule .*'Metro entrances no parking'.* are fences")
                .contains("#   rules.zombies.idleDays = 5  <- rule 7a0c1e55-3b2d-4f6a-8e90-1c2d3e4f0003 "
                        + "'Huli idle limit' (policies[0].rules[2])");
        assertThat(r.notes()).filteredOn(n -> n.startsWith("NOT ENFORCED")).hasSize(2)
                .allMatch(n -> n.contains("imported as a comment only"));
        assertThat(r.assigned()).containsOnlyKeys("operators.hello.fleetQuota", "operators.qingju.fleetQuota",
                "rules.noPark.graceMinutes", "rules.zombies.idleDays", "rules.condition.handleDeadlineHours");
    }

    @Test
    void sameInputsGiveTheSameBytesWhateverThePaths() {
        byte[] first = importHuli().bytes();
        byte[] again = MdsRuleSetWriter.write(POLICY, "/elsewhere/huli-policy-2x.json", BASE,
                "/etc/bikefence/huli.yaml", "other.yaml", Map.of(QINGJU, "qingju", HELLO, "hello"), null).bytes();

        assertThat(again).isEqualTo(first);
        String changed = new String(POLICY, StandardCharsets.UTF_8).replace("\"maximum\": 7500", "\"maximum\": 7400");
        MdsRuleSetWriter.Result other = MdsRuleSetWriter.write(changed.getBytes(StandardCharsets.UTF_8),
                "huli-policy-2x.json", BASE, "huli.yaml", "x.yaml", PROVIDERS, null);
        assertThat(other.rules().version()).as("a changed policy is a new version")
                .isNotEqualTo(importHuli().rules().version());
    }

    @Test
    void writtenFileLoadsByPathAndTakesOverFromItsDayInTheRegistry(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("huli.yaml"), BASE);
        Files.write(dir.resolve("huli-mds.yaml"), importHuli().bytes());

        assertThat(RuleSetLoader.load(dir.resolve("huli-mds.yaml")).noPark().graceMinutes()).isEqualTo(15);
        RuleSetRegistry registry = RuleSetRegistry.load(dir);
        assertThat(registry.forMonth("Xiamen", "Huli", YearMonth.of(2026, 2)).version()).isEqualTo("huli-2026.1");
        assertThat(registry.forMonth("Xiamen", "Huli", YearMonth.of(2026, 3)).operator("hello").orElseThrow()
                .fleetQuota()).isEqualTo(7500);
    }

    @Test
    void textThatLooksLikeAnotherTypeStaysText() {
        byte[] base = new String(BASE, StandardCharsets.UTF_8).replace("cityZh: 厦门", "cityZh: \"on\"")
                .replace("districtZh: 湖里区", "districtZh: \"2026.10\"").getBytes(StandardCharsets.UTF_8);

        RuleSet r = MdsRuleSetWriter.write(POLICY, "p.json", base, "huli.yaml", "o.yaml", PROVIDERS, "007").rules();

        assertThat(r.cityZh()).contains("on");
        assertThat(r.districtZh()).contains("2026.10");
        assertThat(r.version()).isEqualTo("007");
    }

    @Test
    void aPolicyThatStartsBeforeTheBaseTakesTheBasesDayAndSaysToReplaceIt() {
        MdsRuleSetWriter.Result r = importInline("""
                {"version": "2.0.0", "policies": [{"policy_id": "p1", "name": "n", "start_date": 1735660800000,
                  "rules": [{"rule_id": "r1", "name": "Idle", "rule_type": "time", "rule_units": "days",
                     "geographies": ["area"], "states": {"available": []}, "maximum": 4}]}]}
                """);

        assertThat(r.rules().effectiveFrom()).isEqualTo(LocalDate.of(2026, 1, 1));
        assertThat(r.notes()).anyMatch(n -> n.startsWith("effectiveFrom 2026-01-01 is the base's own")
                && n.contains("use this file instead of the base"));
        assertThat(r.yaml()).contains("# effectiveFrom 2026-01-01 is the base's own");
        assertThat(importHuli().notes()).noneMatch(n -> n.startsWith("effectiveFrom"));
    }

    @Test
    void givenVersionIsWritten() {
        MdsRuleSetWriter.Result r = MdsRuleSetWriter.write(POLICY, "p.json", BASE, "huli.yaml", "o.yaml", PROVIDERS,
                "huli-2026.2");

        assertThat(r.rules().version()).isEqualTo("huli-2026.2");
    }

    @Test
    void capOnAllProvidersTogetherAndUnknownProvidersAreRejectedWithTheirPlace() {
        assertThatThrownBy(() -> MdsRuleSetWriter.write(resource("mds/huli-policy-1x.json"), "mds/huli-policy-1x.json",
                BASE, "huli.yaml", "o.yaml", Map.of(), null))
                .isInstanceOfSatisfying(MdsPolicyException.class, e -> assertThat(e.rejections()).hasSize(2))
                .hasMessageContaining("Cannot import MDS policy mds/huli-policy-1x.json")
                .hasMessageContaining("rule 11111111-0000-4000-8000-000000000003 'Huli all operators cap': count "
                        + "maximum 25000 for all providers together has no rule-set field")
                .hasMessageContaining("(at data.policies[0].provider_ids = none)")
                .hasMessageContaining("rule 11111111-0000-4000-8000-000000000005 'Operator H Huli cap': provider is "
                        + "not an operator of the base rule set [hello, meituan, qingju]; give its operator id "
                        + "(--provider bbbbbbbb-0000-4000-8000-00000000000h=ID) (at data.policies[1].provider_ids[0] "
                        + "= \"bbbbbbbb-0000-4000-8000-00000000000h\")");
    }

    @Test
    void unknownRuleTypeNamesFileRuleFieldAndValue() {
        assertThatThrownBy(() -> importInline("""
                {"version": "2.0.0", "policies": [{"policy_id": "p1", "name": "n", "start_date": 1772294400000,
                  "rules": [
                    {"rule_id": "r1", "name": "Congestion toll", "rule_type": "toll", "rule_units": "devices",
                     "geographies": ["g"], "states": {}, "maximum": 3}]}]}
                """))
                .isInstanceOf(MdsPolicyException.class)
                .hasMessageContaining("Cannot import MDS policy inline.json")
                .hasMessageContaining("policy p1, rule r1 'Congestion toll': unknown rule_type 'toll'")
                .hasMessageContaining("(at policies[0].rules[0].rule_type = \"toll\")");
    }

    @Test
    void limitsTheRuleSetCannotHoldAreRejectedEachWithItsRule() {
        assertThatThrownBy(() -> importInline("""
                {"version": "2.0.0", "policies": [
                 {"policy_id": "p1", "name": "all", "start_date": 1772294400000, "rules": [
                    {"rule_id": "r1", "name": "36-hour idle", "rule_type": "time", "rule_units": "hours",
                     "geographies": ["area"], "states": {"available": []}, "maximum": 36},
                    {"rule_id": "r2", "name": "Night idle", "rule_type": "time", "rule_units": "days",
                     "geographies": ["area"], "states": {"available": []}, "maximum": 3,
                     "start_time": "22:00:00", "end_time": "06:00:00"}]},
                 {"policy_id": "p2", "name": "hello", "start_date": 1772294400000,
                  "provider_ids": ["3c6a9f21-8b4e-4d2c-a7f0-5e1d2c3b0001"], "rules": [
                    {"rule_id": "r3", "name": "Cap A", "rule_type": "count", "rule_units": "devices",
                     "geographies": ["a"], "states": {}, "maximum": 10000},
                    {"rule_id": "r4", "name": "Cap B", "rule_type": "count", "rule_units": "devices",
                     "geographies": ["b"], "states": {}, "maximum": 3000},
                    {"rule_id": "r5", "name": "Hello idle", "rule_type": "time", "rule_units": "days",
                     "geographies": ["area"], "states": {"available": []}, "maximum": 3}]}]}
                """))
                .isInstanceOfSatisfying(MdsPolicyException.class, e -> assertThat(e.rejections())
                        .extracting(MdsPolicyException.Rejection::ruleId).containsExactly("r1", "r2", "r4", "r5"))
                .hasMessageContaining("rule r1 '36-hour idle': an idle limit of 36 hours is not whole days; "
                        + "rules.zombies.idleDays counts whole days (at policies[0].rules[0].maximum = 36 hours)")
                .hasMessageContaining("rule r2 'Night idle': an idle limit in force only (mon,tue,wed,thu,fri,sat,sun "
                        + "22:00-06:00) has no rule-set field")
                .hasMessageContaining("(at policies[0].rules[1].start_time = ")
                .hasMessageContaining("rule r4 'Cap B': operators.hello.fleetQuota would be 3000 here but 10000 by "
                        + "rule r3 'Cap A' (policies[1].rules[0])")
                .hasMessageContaining("rule r5 'Hello idle': a time limit for some providers only");
    }

    @Test
    void invalidBaseIsReportedWithItsLine() {
        byte[] badBase = new String(BASE, StandardCharsets.UTF_8).replace("graceMinutes: 10", "graceMinutes: -1")
                .getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> MdsRuleSetWriter.write(POLICY, "p.json", badBase, "base.yaml", "o.yaml",
                PROVIDERS, null))
                .isInstanceOf(RuleSetException.class)
                .hasMessageContaining("base.yaml, line ")
                .hasMessageContaining("rules.noPark.graceMinutes = '-1'");
    }
}
