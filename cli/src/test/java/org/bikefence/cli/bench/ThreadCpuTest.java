package org.bikefence.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench pipeline --thread-cpu}: CPU seconds per thread name from /proc, threads that ended included. */
class ThreadCpuTest {

    @Test
    void countsABusyThreadThatEndedBeforeTheStopAndNotAnIdleOne() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux only: no /proc/self/task here");
        ThreadCpu cpu = ThreadCpu.start();
        Thread busy = new Thread(() -> {
            long until = System.nanoTime() + 600_000_000L;
            long x = 0;
            while (System.nanoTime() < until) {
                x += Long.numberOfTrailingZeros(x + 1);
            }
            if (x == 42) {
                System.out.print("");
            }
        }, "cpu-test-busy");
        Thread idle = new Thread(() -> {
            try {
                busy.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "cpu-test-idle");
        busy.start();
        idle.start();
        busy.join();
        idle.join();
        Map<String, Double> seconds = cpu.stop();
        assertThat(seconds).as("the busy thread, ended before the stop").containsKey("cpu-test-busy");
        assertThat(seconds.get("cpu-test-busy")).isBetween(0.2, 5.0);
        assertThat(seconds.getOrDefault("cpu-test-idle", 0.0)).as("a thread that only waited").isLessThan(0.1);
        assertThat(new java.util.ArrayList<>(seconds.values())).as("most first")
                .isSortedAccordingTo((a, b) -> Double.compare(b, a));
    }

    @Test
    void theLineNamesTheTopThreadsAndSumsTheRest(@TempDir Path dir) throws Exception {
        Map<String, Double> s = new LinkedHashMap<>();
        s.put("C2 CompilerThre", 8.9);
        s.put("bike-tracker ->", 2.57);
        s.put("GC Thread#0", 0.25);
        s.put("GC Thread#1", 0.25);
        assertThat(ThreadCpu.line(s, 2)).isEqualTo(
                "cpu s by thread: C2 CompilerThre 8.90; bike-tracker -> 2.57; others 0.50; total 11.97");
        Path f = dir.resolve("r.threads");
        Files.writeString(f, "8.90\tC2 CompilerThre\n2.57\tbike-tracker ->\n");
        assertThat(ThreadCpu.read(f)).containsExactly(Map.entry("C2 CompilerThre", 8.9),
                Map.entry("bike-tracker ->", 2.57));
        Path written = dir.resolve("w.threads");
        ThreadCpu.write(written, s);
        assertThat(Files.readString(written)).isEqualTo(
                "8.90\tC2 CompilerThre\n2.57\tbike-tracker ->\n0.25\tGC Thread#0\n0.25\tGC Thread#1\n");
    }
}
