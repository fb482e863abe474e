package org.bikefence.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bikefence.rules.RuleSet;
import org.bikefence.rules.RuleSetException;
import org.bikefence.rules.RuleSetLoader;
import org.bikefence.rules.RuleSetRegistry;
import org.bikefence.rules.mds.MdsRuleSetWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code rules}: the rule-set files of scoring-rules. {@code check} validates them with the loader's messages,
 * {@code import-mds} writes a rule set from an MDS Policy document on top of a base rule set, {@code publish} sends a
 * version to the jobs' rule-set topic ({@link org.bikefence.launcher.RuleSetPublisher}).
 */
@Command(name = "rules", mixinStandardHelpOptions = true,
        description = "Validates rule-set files, imports MDS policies into them (scoring-rules/README.md) and publishes "
                + "versions to running jobs.",
        subcommands = {RulesCommand.Check.class, RulesCommand.ImportMds.class,
            org.bikefence.launcher.RuleSetPublisher.Publish.class})
public final class RulesCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "a command is needed: check, import-mds or publish");
    }

    /** One line about a valid rule set: what a person checking a file wants to see at a glance. */
    static String summary(RuleSet r) {
        return r.city() + r.district().map(d -> "/" + d).orElse("") + " " + r.version() + ", in force from "
                + r.effectiveFrom() + r.effectiveUntil().map(u -> " until " + u).orElse("") + ", "
                + r.operators().size() + " operators, " + r.categories().size() + " categories, "
                + r.scoringRules().size() + " scoring lines, no-park grace " + r.noPark().graceMinutes()
                + " min, zombie after " + r.monitoring().zombies().idleDays() + " days";
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Validates rule-set files, or a directory of versions as the job reads it (overlapping "
                    + "versions are errors too).",
                "Valid: one line per rule set on stdout, exit 0. Invalid: the loader's message (file, line, field, "
                    + "value) on stderr, exit 1."})
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE|DIR", arity = "1..*",
                description = "rule-set YAML files or directories of them (default: none, required)")
        List<Path> files = new ArrayList<>();

        @Override
        public Integer call() {
            for (Path f : files) {
                if (!Files.exists(f)) {
                    throw new ParameterException(spec.commandLine(), "FILE '" + f + "': no such file or directory");
                }
            }
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            int exit = 0;
            for (Path f : files) {
                try {
                    if (Files.isDirectory(f)) {
                        List<RuleSet> all = versions(f);
                        RuleSetRegistry.load(f); // the checks across files: overlapping versions, same names
                        out.println(f + ": valid, " + all.size() + " rule set(s), versions do not overlap");
                        for (RuleSet r : all) {
                            out.println("  " + summary(r));
                        }
                    } else {
                        out.println(f + ": valid: " + summary(RuleSetLoader.load(f)));
                    }
                } catch (RuleSetException | UncheckedIOException | IllegalArgumentException e) {
                    err.println(spec.qualifiedName() + ": " + oneLine(e.getMessage()));
                    exit = 1;
                }
            }
            out.flush();
            err.flush();
            return exit;
        }

        private static List<RuleSet> versions(Path dir) {
            List<RuleSet> all = new ArrayList<>();
            try (var s = Files.list(dir)) {
                for (Path p : s.filter(Files::isRegularFile)
                        .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted()
                        .toList()) {
                    all.add(RuleSetLoader.load(p));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + dir, e);
            }
            if (all.isEmpty()) {
                throw new IllegalArgumentException(dir + " holds no .yaml rule set");
            }
            return all;
        }
    }

    @Command(name = "import-mds", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Writes a rule set from an MDS Policy document (1.x or 2.x) on top of a base rule set: "
                    + "count caps for named providers -> operators.<id>.fleetQuota; time limits on no-park zones -> "
                    + "rules.noPark.graceMinutes, on non_operational bikes -> rules.condition.handleDeadlineHours, "
                    + "on other parked states -> rules.zombies.idleDays. Speed and no-ride rules are recorded as a "
                    + "comment and NOT enforced (also said on stderr); no-park zones are fences (fences commands).",
                "A rule the rule set cannot hold is an error naming the file, the rule (place, id, name), field and "
                    + "value; nothing is written then. The same inputs give the same bytes."})
    static final class ImportMds implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "POLICY.json", description = "MDS Policy document: policies.json or a /policies "
                + "response (default: none, required)")
        Path policy;

        @Option(names = "--base", paramLabel = "FILE.yaml", description = "rule set that supplies what MDS does not "
                + "(city, scores, categories, grades, quota) (default: the bundled " + RuleSetLoader.DEFAULT_RESOURCE
                + ", the same as scoring-rules/" + RuleSetLoader.DEFAULT_RESOURCE + ")")
        Path base;

        @Option(names = "--out", paramLabel = "FILE.yaml", required = true,
                description = "where to write the rule set (default: none, required)")
        Path out;

        @Option(names = "--provider", paramLabel = "MDS_ID=OPERATOR", mapFallbackValue = "",
                description = "operator id of an MDS provider_id, e.g. --provider "
                        + "3c6a9f21-8b4e-4d2c-a7f0-5e1d2c3b0001=hello; repeat for each (default: none: a provider "
                        + "must then be an operator id of the base)")
        Map<String, String> providers = new LinkedHashMap<>();

        @Option(names = "--rule-set-version", paramLabel = "VERSION", description = "version to write (default: "
                + "the base's version + '+mds.' + the first 8 hex digits of the policy file's SHA-256)")
        String version;

        @Override
        public Integer call() throws IOException {
            for (Map.Entry<String, String> e : providers.entrySet()) {
                if (e.getKey().isBlank() || e.getValue().isBlank()) {
                    throw new ParameterException(spec.commandLine(), "--provider '" + e.getKey() + "=" + e.getValue()
                            + "': expected MDS_ID=OPERATOR");
                }
            }
            if (!Files.isRegularFile(policy)) {
                throw new ParameterException(spec.commandLine(), "POLICY.json '" + policy + "': no such file");
            }
            if (base != null && !Files.isRegularFile(base)) {
                throw new ParameterException(spec.commandLine(), "--base '" + base + "': no such file");
            }
            byte[] policyBytes = Files.readAllBytes(policy);
            byte[] baseBytes = base != null ? Files.readAllBytes(base) : bundledBase();
            String baseName = base != null ? base.toString() : "classpath:" + RuleSetLoader.DEFAULT_RESOURCE;
            MdsRuleSetWriter.Result r = MdsRuleSetWriter.write(policyBytes, policy.toString(), baseBytes, baseName,
                    out.toString(), providers, version);
            write(out, r.bytes());
            PrintWriter err = spec.commandLine().getErr();
            for (String note : r.notes()) {
                err.println(spec.qualifiedName() + ": " + note);
            }
            err.flush();
            PrintWriter o = spec.commandLine().getOut();
            long notEnforced = r.notes().stream().filter(n -> n.startsWith("NOT ENFORCED")).count();
            o.println("wrote " + out + ": " + summary(r.rules()) + "; " + r.assigned().size()
                    + " field(s) from MDS " + r.assigned().keySet() + (notEnforced == 0 ? ""
                    : ", " + notEnforced + " speed/no-ride rule(s) recorded, not enforced"));
            o.flush();
            return 0;
        }

        private static byte[] bundledBase() throws IOException {
            try (InputStream in = RuleSetLoader.class.getClassLoader()
                    .getResourceAsStream(RuleSetLoader.DEFAULT_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(RuleSetLoader.DEFAULT_RESOURCE + " is not on the classpath; "
                            + "give --base");
                }
                return in.readAllBytes();
            }
        }

        /** Whole or nothing: a reader of the directory (the job) never sees half a rule set. */
        private static void write(Path target, byte[] bytes) throws IOException {
            Path dir = target.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
            try {
                Files.write(tmp, bytes);
                try {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
    }

    private static String oneLine(String message) {
        return org.bikefence.geofence.tool.CliSupport.oneLine(message);
    }
}
