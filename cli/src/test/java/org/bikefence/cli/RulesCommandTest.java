package org.bikefence.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bikefence.rules.RuleSet;
import org.bikefence.rules.RuleSetLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code rules import-mds} and {@code rules check} through the one CLI, as a user runs them. */
class RulesCommandTest {

    private static final Path MODULE = Path.of(System.getProperty("basedir", "."));
    /** The synthetic MDS 2.0 policy of scoring-rules' tests (providers Hello and Qingju, speed rules). */
    private static final Path POLICY = MODULE.resolve("../scoring-rules/src/test/resources/mds/huli-policy-2x.json");
    private static final Path BASE = MODULE.resolve("../scoring-rules/rulesets/huli.yaml");
    private static final String HELLO = "3c6a9f21-8b4e-4d2c-a7f0-5e1d2c3b0001";
    private static final String QINGJU = "3c6a9f21-8b4e-4d2c-a7f0-5e1d2c3b0003";

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cl = Bikefence.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static Run importHuli(Path out, String... more) {
        String[] args = {"rules", "import-mds", POLICY.toString(), "--out", out.toString(),
            "--provider", HELLO + "=hello", "--provider", QINGJU + "=qingju"};
        String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return run(all);
    }

    @Test
    void importMdsWritesARuleSetThatLoadsAndSaysWhatIsNotEnforced(@TempDir Path dir) {
        Path out = dir.resolve("huli-mds.yaml");

        Run r = importHuli(out, "--base", BASE.toString());

        assertThat(r.exit()).as(r.err()).isZero();
        RuleSet rules = RuleSetLoader.load(out);
        assertThat(rules.operator("hello").orElseThrow().fleetQuota()).isEqualTo(7500);
        assertThat(rules.noPark().graceMinutes()).isEqualTo(15);
        assertThat(rules.monitoring().zombies().idleDays()).isEqualTo(5);
        assertThat(r.out().strip()).startsWith("wrote " + out + ": Xiamen/Huli huli-2026.1+mds.")
                .contains("in force from 2026-03-01 until 2026-12-31")
                .contains("5 field(s) from MDS [operators.hello.fleetQuota, operators.qingju.fleetQuota, "
                        + "rules.condition.handleDeadlineHours, rules.noPark.graceMinutes, rules.zombies.idleDays]")
                .endsWith("2 speed/no-ride rule(s) recorded, not enforced")
                .doesNotContain("\n");
        assertThat(r.err().lines().filter(l -> l.startsWith("bikefence rules import-mds: NOT ENFORCED: ")))
                .hasSize(2).anyMatch(l -> l.contains("speed limit 15.0 km/h") && l.contains("'Wuyuan Bay slow zone'"));
        assertThat(r.err()).contains("bikefence rules import-mds: no-park zone rule "
                + "7a0c1e55-3b2d-4f6a-8e90-1c2d3e4f0001");
    }

    @Test
    void sameInputsWriteTheSameBytesAndTheBundledBaseIsTheDefault(@TempDir Path dir) throws IOException {
        Path a = dir.resolve("a.yaml");
        Path b = dir.resolve("b.yaml");

        assertThat(importHuli(a, "--base", BASE.toString()).exit()).isZero();
        assertThat(importHuli(b).exit()).isZero();

        assertThat(Files.readAllBytes(b)).isEqualTo(Files.readAllBytes(a));
    }

    @Test
    void checkSaysValidInOneLineAndChecksADirectoryOfVersions(@TempDir Path dir) throws IOException {
        Path imported = dir.resolve("huli-mds.yaml");
        assertThat(importHuli(imported).exit()).isZero();
        Files.copy(BASE, dir.resolve("huli.yaml"));

        Run one = run("rules", "check", imported.toString());
        assertThat(one.exit()).as(one.err()).isZero();
        assertThat(one.out()).matches(imported + ": valid: Xiamen/Huli huli-2026\\.1\\+mds\\.[0-9a-f]{8}, in force "
                + "from 2026-03-01 until 2026-12-31, 3 operators, 5 categories, 20 scoring lines, no-park grace 15 "
                + "min, zombie after 5 days\\R");

        Run all = run("rules", "check", dir.toString());
        assertThat(all.exit()).as(all.err()).isZero();
        assertThat(all.out()).startsWith(dir + ": valid, 2 rule set(s), versions do not overlap");
    }

    @Test
    void checkReportsTheLoadersFileLineFieldAndValue(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, Files.readString(BASE, StandardCharsets.UTF_8).replace("graceMinutes: 10",
                "graceMinute: 10"), StandardCharsets.UTF_8);

        Run r = run("rules", "check", bad.toString());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip()).matches("bikefence rules check: Invalid rule set " + java.util.regex.Pattern
                .quote(bad.toString()) + ", line \\d+, column \\d+: rules\\.noPark\\.graceMinute = '10': unknown "
                + "field 'graceMinute'; expected one of \\[.*]");
        Run missing = run("rules", "check", dir.resolve("none.yaml").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err().strip()).startsWith("bikefence rules check: FILE '" + dir.resolve("none.yaml")
                + "': no such file or directory");
    }

    @Test
    void checkRefusesTwoFilesOfTheSameVersionInADirectory(@TempDir Path dir) throws IOException {
        Files.copy(BASE, dir.resolve("huli.yaml"));
        Files.copy(BASE, dir.resolve("huli-copy.yaml"));

        Run r = run("rules", "check", dir.toString());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("bikefence rules check: Invalid rule set ").doesNotContain("\n");
    }

    @Test
    void importOfARuleTheRuleSetCannotHoldNamesFileRuleFieldAndValueAndWritesNothing(@TempDir Path dir)
            throws IOException {
        Path policy = dir.resolve("toll.json");
        Files.writeString(policy, """
                {"version": "2.0.0", "policies": [{"mode_id": "micromobility", "policy_id": "p1", "name": "n",
                  "start_date": 1772294400000, "published_date": 1771552800000, "rules": [
                    {"rule_id": "r1", "name": "Congestion toll", "rule_type": "toll", "rule_units": "devices",
                     "geographies": ["g"], "states": {}, "maximum": 3}]}]}
                """);
        Path out = dir.resolve("out.yaml");

        Run r = run("rules", "import-mds", policy.toString(), "--out", out.toString());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("bikefence rules import-mds: Cannot import MDS policy " + policy
                + ": 1 rule(s) do not map: policy p1, rule r1 'Congestion toll': unknown rule_type 'toll'; bikefence "
                + "maps count, time and speed rules (at policies[0].rules[0].rule_type = \"toll\")");
        assertThat(out).doesNotExist();
        assertThat(Files.list(dir).map(p -> p.getFileName().toString())).containsExactly("toll.json");
    }

    @Test
    void rulesIsACommandOfTheOneCli() {
        assertThat(run("--help").out()).containsPattern("(?m)^  rules +\\S");
        assertThat(Bikefence.commandLine().getSubcommands().get("rules").getSubcommands().keySet())
                .containsExactly("check", "import-mds", "publish");
    }

    @Test
    void usageErrorsExitTwoInOneLine(@TempDir Path dir) {
        Run none = run("rules");
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err().strip()).startsWith("bikefence rules: a command is needed: check, import-mds or publish");

        Run noOut = run("rules", "import-mds", POLICY.toString());
        assertThat(noOut.exit()).isEqualTo(2);
        assertThat(noOut.err().strip()).contains("--out").doesNotContain("\n");

        Run badProvider = run("rules", "import-mds", POLICY.toString(), "--out", dir.resolve("x.yaml").toString(),
                "--provider", HELLO);
        assertThat(badProvider.exit()).isEqualTo(2);
        assertThat(badProvider.err().strip()).startsWith("bikefence rules import-mds: --provider '" + HELLO
                + "=': expected MDS_ID=OPERATOR");
    }
}
