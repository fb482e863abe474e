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
 * One small real {@code bench state}: a real broker and influxd, the full job on RocksDB in a JVM of its own, two
 * checkpoints triggered. Checks that it prints every figure with plausible values, never a speed.
 */
class StateBenchITCase {
    private static final Pattern BYTES_PER_BIKE = Pattern.compile(
            "^checkpointed bytes per bike: (\\d+\\.\\d) B \\(full size .+ / 2000 bikes\\)  goal <= 300 B: (met|MISSED)$");
    private static final Pattern FULL = Pattern.compile(
            "^first full checkpoint: (\\d+\\.\\d) s \\((.+)\\)  goal <= 30 s: (met|MISSED)$");
    private static final Pattern INCREMENTAL = Pattern.compile("^incremental checkpoint after one more report per "
            + "bike: (\\d+\\.\\d) s \\((.+) uploaded, full size (.+)\\)  goal <= 10 s: (met|MISSED)$");
    private static final Pattern HEAP = Pattern.compile(
            "^heap used after GC: (\\d+\\.\\d) (MB|GB)  goal <= 2 GB: (met|MISSED)  \\(process RSS .+\\)$");

    @BeforeEach
    void projectRoot() {
        System.setProperty("bikefence.root", Path.of("..").toAbsolutePath().normalize().toString());
    }

    @AfterEach
    void noRoot() {
        System.clearProperty("bikefence.root");
    }

    @Test
    void aSmallFleetPrintsBytesPerBikeBothCheckpointsAndTheHeap(@TempDir Path work) throws Exception {
        CommandLine cl = Bikefence.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute("bench", "state", "--bikes", "2000", "--reports-per-bike", "3", "--parallelism", "2",
                "--work-dir", work.toString());
        assertThat(exit).as(out + "\n" + err).isZero();
        // The figures stay in the test report, for whoever wants to see them.
        System.out.print(out);

        List<String> lines = out.toString().lines().toList();
        assertThat(lines.get(0)).startsWith("bench state: 2000 bikes of 5 operators, 3 reports each (6000 records), "
                + "parallelism 2, state backend rocksdb;");
        assertThat(lines).contains("sent rounds 1-2: 4000 records in " + seconds(lines, "sent rounds 1-2: 4000 records in "),
                "sent round 3: 2000 records in " + seconds(lines, "sent round 3: 2000 records in "));
        assertThat(lines).anyMatch(l -> l.startsWith("rounds before the first checkpoint: 4000 records read and tracked"));
        assertThat(lines).anyMatch(l -> l.startsWith("the last round: 6000 records read and tracked"));

        List<String> result = lines.subList(lines.size() - 5, lines.size());
        assertThat(result.get(0)).isEqualTo("state backend EmbeddedRocksDBStateBackend, checkpoint storage "
                + "FileSystemCheckpointStorage; 6000 records read, 0 dead letters");
        Matcher perBike = matcher(BYTES_PER_BIKE, result.get(1));
        assertThat(Double.parseDouble(perBike.group(1))).isPositive();
        Matcher full = matcher(FULL, result.get(2));
        assertThat(Double.parseDouble(full.group(1))).isGreaterThanOrEqualTo(0);
        Matcher incremental = matcher(INCREMENTAL, result.get(3));
        assertThat(Double.parseDouble(incremental.group(1))).isGreaterThanOrEqualTo(0);
        Matcher heap = matcher(HEAP, result.get(4));
        assertThat(Double.parseDouble(heap.group(1))).isPositive();

        // The run's own file: sizes in bytes, and the second checkpoint re-used files of the first.
        StateResult r = StateResult.parse(Files.readString(work.resolve(StateBench.RUN).resolve("result.properties")));
        assertThat(r.first().checkpointedBytes()).isPositive();
        assertThat(r.later().stateSizeBytes()).isPositive();
        assertThat(r.later().checkpointedBytes()).as("incremental").isPositive().isLessThan(r.later().stateSizeBytes());
        assertThat(r.later().id()).isGreaterThan(r.first().id());
        assertThat(r.heapAfterGcBytes()).isPositive();
    }

    private static Matcher matcher(Pattern p, String line) {
        Matcher m = p.matcher(line);
        assertThat(m.matches()).as(line + " matches " + p).isTrue();
        return m;
    }

    /** The seconds a line starting with {@code prefix} ends with, as printed. */
    private static String seconds(List<String> lines, String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).findFirst().map(l -> l.substring(prefix.length()))
                .filter(s -> s.matches("\\d+\\.\\d s")).orElse("<no such line>");
    }
}
