package org.bikefence.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bikefence.cli.Bikefence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * One small real {@code bench pipeline}: a real broker and influxd, every variant at parallelism 1 and 2, each in a
 * JVM of its own. Checks the output's shape, never a speed.
 */
class PipelineBenchITCase {
    private static final Pattern RUN = Pattern.compile(
            "^(bare|decode|classify|keyed|full) +p=(\\d)  run 1  records (\\d+)  seconds (\\d+\\.\\d{3})  records/s (\\d+)$");

    @BeforeEach
    void projectRoot() {
        // The fences and the rule set are found from the project root, as the launcher runs in it.
        System.setProperty("bikefence.root", Path.of("..").toAbsolutePath().normalize().toString());
    }

    @AfterEach
    void noRoot() {
        System.clearProperty("bikefence.root");
    }

    @Test
    void everyVariantReadsEveryRecordAtEachParallelismAndTheRatioLineIsLast(@TempDir Path work) throws Exception {
        Path jfr = work.resolve("jfr");
        String out = bench("--records", "20000", "--bikes", "500", "--parallelism", "1,2",
                "--work-dir", work.toString(), "--jfr", jfr.toString());

        List<String> lines = out.lines().toList();
        assertThat(lines.get(0)).startsWith("bench pipeline: 20000 records of 500 bikes");
        assertThat(lines.get(1)).startsWith("pre-loaded 20000 records");
        List<String> runs = lines.subList(2, lines.size() - 1);
        assertThat(runs).hasSize(6);
        String[] expected = {"bare 1", "decode 1", "full 1", "bare 2", "decode 2", "full 2"};
        for (int i = 0; i < runs.size(); i++) {
            Matcher m = RUN.matcher(runs.get(i));
            assertThat(m.matches()).as(runs.get(i)).isTrue();
            assertThat(m.group(1) + " " + m.group(2)).isEqualTo(expected[i]);
            assertThat(m.group(3)).as("records read by " + expected[i]).isEqualTo("20000");
            assertThat(Double.parseDouble(m.group(4))).isPositive();
        }
        assertThat(lines.get(lines.size() - 1)).matches("full/bare p=1 = \\d+\\.\\d\\d, p=2 = \\d+\\.\\d\\d");

        for (String run : List.of("bare-p1-r1", "full-p2-r1")) {
            assertThat(jfr.resolve(run + ".jfr")).isNotEmptyFile();
            assertThat(Files.readString(jfr.resolve(run + ".hot.md"))).contains("execution samples",
                    "| 1 | `");
        }
    }

    @Test
    void theStepVariantsReadEveryRecordIntoTheirLastStep(@TempDir Path work) {
        // A run fails when its last step (classify-fences, keyed-by-bike) received fewer records than were read.
        String out = bench("--records", "20000", "--bikes", "500", "--parallelism", "2",
                "--variants", "classify,keyed", "--work-dir", work.toString());
        List<String> runs = out.lines().filter(l -> RUN.matcher(l).matches()).toList();
        assertThat(runs).hasSize(2);
        assertThat(runs.get(0)).startsWith("classify p=2").contains("records 20000");
        assertThat(runs.get(1)).startsWith("keyed  p=2").contains("records 20000");
        assertThat(out.lines().reduce((a, b) -> b)).hasValue("full/bare p=2 = n/a");
    }

    /** Runs {@code bikefence bench pipeline ARGS}, which must exit 0; its standard output. */
    private static String bench(String... args) {
        CommandLine cl = Bikefence.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 2];
        all[0] = "bench";
        all[1] = "pipeline";
        System.arraycopy(args, 0, all, 2, args.length);
        assertThat(cl.execute(all)).as(err.toString()).isZero();
        return out.toString();
    }
}
