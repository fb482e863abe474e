package org.bikefence.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.YearMonth;
import java.util.Map;
import org.bikefence.config.JobConfig;
import org.bikefence.rules.RuleSet;
import org.bikefence.rules.RuleSetException;
import org.bikefence.rules.mds.MdsRuleSetWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job's rule-set directory ({@code --rules DIR}, {@link JobMain#settings}) with a rule set imported from an
 * MDS policy: the version in force today sets the per-bike parameters, and each month is scored with its own.
 */
class JobMainRulesDirectoryTest {

    /** Hello's MDS provider id in the synthetic policy below. */
    private static final String HELLO = "3c6a9f21-8b4e-4d2c-a7f0-5e1d2c3b0001";

    /**
     * A synthetic MDS 2.0 policies.json written for this test: from 2021-03-01 00:00 Asia/Shanghai
     * (1614528000000), a cap of 6500 bikes for Hello, a 20-minute grace in the no-park zone, a 3-day idle limit and
     * a slow zone (recorded, not enforced).
     */
    static final String POLICY = """
            {"version": "2.0.0", "last_updated": 1613800000000, "policies": [
             {"mode_id": "micromobility", "policy_id": "6a1e0000-0000-4000-8000-000000000001", "name": "Huli order",
              "description": "synthetic", "start_date": 1614528000000, "published_date": 1613800000000, "rules": [
                {"rule_id": "6a1e0000-0000-4000-8000-000000000011", "name": "Metro no parking", "rule_type": "count",
                 "rule_units": "devices", "geographies": ["6a1e0000-0000-4000-8000-0000000000a1"],
                 "states": {"available": []}, "maximum": 0},
                {"rule_id": "6a1e0000-0000-4000-8000-000000000012", "name": "Metro grace", "rule_type": "time",
                 "rule_units": "minutes", "geographies": ["6a1e0000-0000-4000-8000-0000000000a1"],
                 "states": {"available": []}, "maximum": 20},
                {"rule_id": "6a1e0000-0000-4000-8000-000000000013", "name": "Idle limit", "rule_type": "time",
                 "rule_units": "days", "geographies": ["6a1e0000-0000-4000-8000-0000000000a0"],
                 "states": {"available": [], "non_operational": []}, "maximum": 3},
                {"rule_id": "6a1e0000-0000-4000-8000-000000000014", "name": "Slow zone", "rule_type": "speed",
                 "rule_units": "kph", "geographies": ["6a1e0000-0000-4000-8000-0000000000a2"],
                 "states": {"on_trip": []}, "maximum": 10}]},
             {"mode_id": "micromobility", "policy_id": "6a1e0000-0000-4000-8000-000000000002", "name": "Hello cap",
              "description": "synthetic", "provider_ids": ["3c6a9f21-8b4e-4d2c-a7f0-5e1d2c3b0001"],
              "start_date": 1614528000000, "published_date": 1613800000000, "rules": [
                {"rule_id": "6a1e0000-0000-4000-8000-000000000021", "name": "Hello cap", "rule_type": "count",
                 "rule_units": "devices", "geographies": ["6a1e0000-0000-4000-8000-0000000000a0"],
                 "states": {"available": [], "non_operational": [], "reserved": [], "on_trip": []},
                 "maximum": 6500}]}]}
            """;

    /** The district's rule set, in force from 2021-01-01 so that the imported version is in force today. */
    static byte[] base() throws IOException {
        return Files.readString(Path.of(ScenarioFixtures.RULES), StandardCharsets.UTF_8)
                .replace("version: huli-2026.1", "version: huli-test")
                .replace("effectiveFrom: 2026-01-01", "effectiveFrom: 2021-01-01")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A rules directory holding the base and the rule set imported from {@link #POLICY} onto it. */
    static Path rulesDirectory(Path dir) throws IOException {
        byte[] base = base();
        Files.write(dir.resolve("huli.yaml"), base);
        MdsRuleSetWriter.Result imported = MdsRuleSetWriter.write(POLICY.getBytes(StandardCharsets.UTF_8),
                "policies.json", base, "huli.yaml", "huli-mds.yaml", Map.of(HELLO, "hello"), null);
        Files.write(dir.resolve("huli-mds.yaml"), imported.bytes());
        return dir;
    }

    private static JobSettings settings(Path rules) {
        return JobMain.settings(JobConfig.fromArgs(new String[] {"--fences", ScenarioFixtures.FENCES,
            "--rules", rules.toString()}, Map.of()));
    }

    @Test
    void theImportedVersionInForceTodaySetsThePerBikeParameters(@TempDir Path dir) throws IOException {
        JobSettings settings = settings(rulesDirectory(dir));

        RuleSet live = settings.rules();
        assertThat(live.version()).startsWith("huli-test+mds.");
        assertThat(live.noPark().grace()).isEqualTo(Duration.ofMinutes(20));
        assertThat(live.monitoring().zombies().idle()).isEqualTo(Duration.ofDays(3));
        // What the bike tracker is built with: the 3-day idle limit is the longest rule, plus a day's margin.
        assertThat(settings.tracker().expiryHorizonMs()).isEqualTo(Duration.ofDays(4).toMillis());
    }

    @Test
    void eachMonthIsScoredWithTheVersionInForceAndTheFleetCapComesFromMds(@TempDir Path dir) throws IOException {
        JobSettings settings = settings(rulesDirectory(dir));

        RuleSet february = settings.registry().forMonth("Xiamen", "Huli", YearMonth.of(2021, 2));
        RuleSet march = settings.registry().forMonth("Xiamen", "Huli", YearMonth.of(2021, 3));
        assertThat(february.version()).isEqualTo("huli-test");
        assertThat(february.operator("hello").orElseThrow().fleetQuota()).isEqualTo(8000);
        assertThat(march.version()).isEqualTo(settings.rules().version());
        assertThat(march.operator("hello").orElseThrow().fleetQuota()).isEqualTo(6500);
        assertThat(march.operator("meituan").orElseThrow().fleetQuota()).isEqualTo(8000);
    }

    @Test
    void aSingleFileIsTheOnlyVersion(@TempDir Path dir) throws IOException {
        Path file = rulesDirectory(dir).resolve("huli-mds.yaml");

        JobSettings settings = settings(file);

        assertThat(settings.rules().noPark().grace()).isEqualTo(Duration.ofMinutes(20));
        assertThat(settings.registry().forMonth("Xiamen", "Huli", YearMonth.of(2021, 3)))
                .isEqualTo(settings.rules());
    }

    @Test
    void aDirectoryWithoutRuleSetsOrWithOverlappingVersionsIsRefusedNamingIt(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> settings(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("option 'rules': directory " + dir + " holds no .yaml rule set");

        rulesDirectory(dir);
        Files.write(dir.resolve("huli-copy.yaml"), base());
        assertThatThrownBy(() -> settings(dir)).isInstanceOf(RuleSetException.class)
                .hasMessageContaining("huli");
    }
}
