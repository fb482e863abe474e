package org.bikefence.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.bikefence.geofence.tool.CliSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

class BikefenceCliTest {

    private static final List<String> COMMANDS =
            List.of("demo", "test", "jar", "cluster", "fences", "ingest", "report", "influxd", "bench", "replay");

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        return run(Bikefence.commandLine(), args);
    }

    private static Run run(CommandLine cl, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void helpListsEveryCommand() {
        Run r = run("--help");
        assertThat(r.exit()).isZero();
        for (String c : COMMANDS) {
            assertThat(r.out()).containsPattern("(?m)^  " + c + " +\\S");
        }
        assertThat(Bikefence.commandLine().getSubcommands().keySet()).containsAll(COMMANDS);
        assertThat(Bikefence.commandLine().getSubcommands().get("fences").getSubcommands().keySet())
                .containsExactly("check", "classify", "publish");
        assertThat(Bikefence.commandLine().getSubcommands().get("ingest").getSubcommands().keySet())
                .containsExactly("gbfs", "mds", "push", "check");
        assertThat(run("test", "--help").out()).contains("mvn -B verify");
    }

    @Test
    void clusterSubmitRefusesAnUnknownJobOptionAsAUsageErrorAndStatusNamesAMissingCluster(@TempDir Path dir) {
        assertThat(Bikefence.commandLine().getSubcommands().get("cluster").getSubcommands().keySet())
                .containsExactly("up", "submit", "status", "down");
        Run bad = run("cluster", "submit", "--run-dir", dir.toString(), "--influx.dbb", "x");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err().strip()).startsWith("bikefence cluster submit: unknown option(s) [influx.dbb]")
                .doesNotContain("\n");
        Run none = run("cluster", "status", "--run-dir", dir.toString());
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.err().strip()).isEqualTo("bikefence cluster status: no Flink cluster runs in " + dir
                + ": start one with ./bikefence cluster up");
        Run down = run("cluster", "down", "--run-dir", dir.toString());
        assertThat(down.exit()).isZero();
        assertThat(down.out()).contains("no Flink cluster runs in " + dir);
    }

    @Test
    void everyOptionOfEveryCommandHasADescriptionWithItsDefault() {
        List<String> checked = new ArrayList<>();
        forEachCommand(Bikefence.commandLine(), cl -> {
            String help = cl.getUsageMessage();
            for (ArgSpec a : cl.getCommandSpec().args()) {
                if (a instanceof OptionSpec o && (o.usageHelp() || o.versionHelp() || o.hidden())) {
                    continue;
                }
                String where = cl.getCommandSpec().qualifiedName() + " " + a.paramLabel()
                        + (a instanceof OptionSpec o ? " " + o.longestName() : "");
                String description = String.join(" ", a.description()).trim();
                assertThat(description).as(where).isNotBlank().containsPattern("\\(default: [^)]+\\)$");
                if (a instanceof OptionSpec o) {
                    assertThat(help).as(where).contains(o.longestName());
                }
                checked.add(where);
            }
        });
        assertThat(checked).as("options checked").hasSizeGreaterThan(50);
    }

    @Test
    void anUnknownReplayOptionIsOneLineAndExitTwo() {
        Run r = run("replay", "--no-such-option");
        assertThat(r.exit()).isEqualTo(2);
        assertOneCleanLine(r.err());
        assertThat(r.err()).contains("--no-such-option");
    }

    @Test
    void aBadValueIsOneLineNamingOptionAndValue() {
        Run r = run("report", "--month", "2026-13");
        assertThat(r.exit()).isEqualTo(2);
        assertOneCleanLine(r.err());
        assertThat(r.err()).startsWith("bikefence report: ").contains("--month", "'2026-13'");

        Run bikes = run("demo", "--bikes", "many");
        assertThat(bikes.exit()).isEqualTo(2);
        assertOneCleanLine(bikes.err());
        assertThat(bikes.err()).contains("--bikes", "many");

        Run range = run("demo", "--bad-per-mille", "2000");
        assertThat(range.exit()).isEqualTo(2);
        assertThat(range.err()).hasLineCount(1).contains("--bad-per-mille", "0..1000");

        Run crs = run("fences", "check", "--crs", "NAD27", "x.csv");
        assertThat(crs.exit()).isEqualTo(2);
        assertOneCleanLine(crs.err());
        assertThat(crs.err()).contains("unknown coordinate system 'NAD27'");
    }

    @Test
    void anUnknownOptionSuggestsTheNearestOne() {
        Run r = run("report", "--month", "2026-10", "--no-pfd");
        assertThat(r.exit()).isEqualTo(2);
        assertOneCleanLine(r.err());
        assertThat(r.err()).contains("'--no-pfd'", "Did you mean", "--no-pdf");
        Run cmd = run("fence");
        assertThat(cmd.exit()).isEqualTo(2);
        assertOneCleanLine(cmd.err());
        assertThat(cmd.err()).contains("fences");
    }

    @Command(name = "boom")
    static final class Boom implements Callable<Integer> {
        @Override
        public Integer call() throws IOException {
            throw new IOException("disk full", new IllegalStateException("inner"));
        }
    }

    @Test
    void aRuntimeFailureIsOneLineAndExitOne() {
        Run r = run(CliSupport.configure(new CommandLine(new Boom())));
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("boom: disk full" + System.lineSeparator());
    }

    @Test
    void fencesCheckRunsInTheCli() {
        Run r = run("fences", "check", "../geo-fences/fences/huli-demo.geojson");
        // FencesTool writes its results to System.out; the exit status says it was valid.
        assertThat(r.exit()).isZero();
        assertThat(r.err()).isEmpty();
    }

    @Test
    void environmentFallbacksAreTheDefaults(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("ops.yaml");
        Files.writeString(config, "operators:\n  - {id: envco, kind: gbfs, url: 'https://envco.example/gbfs.json'}\n");
        Child report = child(Map.of("BIKEFENCE_INFLUX_URL", "http://influx.example:8086", "BIKEFENCE_INFLUX_DB",
                "city", "BIKEFENCE_INFLUX_USERNAME", "reader"), "report", "--help");
        assertThat(report.exit()).isZero();
        assertThat(report.out().replaceAll("\\s+", " ")).contains("(default: http://influx.example:8086)",
                "(default: city)", "(default: reader)");

        Child ingest = child(Map.of("BIKEFENCE_INGEST_CONFIG", config.toString()), "ingest", "check");
        assertThat(ingest.exit()).as(ingest.err()).isZero();
        assertThat(ingest.out()).contains("envco");

        Child none = child(Map.of(), "report", "--help");
        assertThat(none.out().replaceAll("\\s+", " ")).contains("(default: http://127.0.0.1:18086)");
    }

    private record Child(int exit, String out, String err) {}

    /** The CLI in its own JVM, with these environment variables (and no other BIKEFENCE_ one). */
    private static Child child(Map<String, String> env, String... args) throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", cp, Bikefence.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("BIKEFENCE_"));
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.PIPE);
        Path out = Files.createTempFile("cli-out", ".txt");
        Path err = Files.createTempFile("cli-err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the CLI ended").isTrue();
        return new Child(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private static void assertOneCleanLine(String err) {
        assertThat(err).hasLineCount(1).doesNotContain("Exception").doesNotContain("\tat ");
    }

    private static void forEachCommand(CommandLine cl, java.util.function.Consumer<CommandLine> action) {
        if (cl.getCommand() instanceof CommandLine.HelpCommand) {
            return;
        }
        action.accept(cl);
        cl.getSubcommands().values().forEach(sub -> forEachCommand(sub, action));
    }
}
