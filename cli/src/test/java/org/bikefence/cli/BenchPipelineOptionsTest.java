package org.bikefence.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.bikefence.cli.bench.PipelineBench;
import org.bikefence.cli.bench.Variant;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code bench pipeline}'s options: their defaults, their parsing and the usage errors, before anything starts. */
class BenchPipelineOptionsTest {

    private static PipelineBench.Settings parse(String... args) {
        CommandLine cl = Bikefence.commandLine();
        CommandLine.ParseResult r = cl.parseArgs(args);
        CommandLine.ParseResult pipeline = r.subcommand().subcommand();
        assertThat(pipeline.commandSpec().name()).isEqualTo("pipeline");
        return ((BenchCommand.Pipeline) pipeline.commandSpec().userObject()).settings();
    }

    @Test
    void defaultsAreTheIssuesMeasurement() {
        PipelineBench.Settings s = parse("bench", "pipeline");
        assertThat(s.records()).isEqualTo(1_000_000);
        assertThat(s.bikes()).isEqualTo(4_000);
        assertThat(s.partitions()).isEqualTo(2);
        assertThat(s.parallelisms()).containsExactly(1, 2);
        assertThat(s.runsPerVariant()).isEqualTo(1);
        assertThat(s.warmupRuns()).as("cold JVMs, as the issue measured").isZero();
        assertThat(s.variants()).containsExactly(Variant.BARE, Variant.DECODE, Variant.FULL);
        assertThat(s.workDir()).isEqualTo(Path.of(".run/bench-pipeline"));
        assertThat(s.jfrDir()).isNull();
        assertThat(s.jobOptions()).isEmpty();
        assertThat(s.jvmOptions()).isEmpty();
        assertThat(s.threadCpu()).isFalse();
    }

    @Test
    void givenValues() {
        PipelineBench.Settings s = parse("bench", "pipeline", "--records", "20000", "--bikes", "500",
                "--partitions", "3", "--parallelism", "2,1,4", "--runs-per-variant", "3", "--warmup-runs", "2", "--variants", "full,bare,full",
                "--work-dir", "/tmp/b", "--jfr", "/tmp/j", "--job-option", "state.backend=hashmap",
                "--job-option", "now.cell-min-bikes=3", "--jvm-option", "-XX:+PrintCompilation", "--thread-cpu");
        assertThat(s.records()).isEqualTo(20_000);
        assertThat(s.bikes()).isEqualTo(500);
        assertThat(s.partitions()).isEqualTo(3);
        assertThat(s.parallelisms()).containsExactly(2, 1, 4);
        assertThat(s.runsPerVariant()).isEqualTo(3);
        assertThat(s.warmupRuns()).isEqualTo(2);
        assertThat(s.variants()).as("each variant once, in the order given").containsExactly(Variant.FULL, Variant.BARE);
        assertThat(s.workDir()).isEqualTo(Path.of("/tmp/b"));
        assertThat(s.jfrDir()).isEqualTo(Path.of("/tmp/j"));
        assertThat(s.jobOptions()).containsOnly(java.util.Map.entry("state.backend", "hashmap"),
                java.util.Map.entry("now.cell-min-bikes", "3"));
        assertThat(s.jvmOptions()).containsExactly("-XX:+PrintCompilation");
        assertThat(s.threadCpu()).isTrue();
    }

    @Test
    void badValuesAreUsageErrorsOfOneLine() {
        for (List<String> bad : List.of(List.of("--records", "0"), List.of("--bikes", "-1"),
                List.of("--parallelism", "1,0"), List.of("--variants", "fast"), List.of("--runs-per-variant", "x"),
                List.of("--warmup-runs", "-1"), List.of("--job-option", "state.backendx=hashmap"))) {
            CommandLine cl = Bikefence.commandLine();
            StringWriter err = new StringWriter();
            cl.setErr(new PrintWriter(err, true));
            cl.setOut(new PrintWriter(new StringWriter(), true));
            List<String> args = new java.util.ArrayList<>(List.of("bench", "pipeline"));
            args.addAll(bad);
            assertThat(cl.execute(args.toArray(String[]::new))).as(bad.toString()).isEqualTo(2);
            assertThat(err.toString()).as(bad.toString()).hasLineCount(1).contains(bad.get(0));
        }
    }
}
