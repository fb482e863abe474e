package org.bikefence.cli.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The CPU time of this JVM's threads while a run lasts, by thread name, from Linux's {@code /proc/self/task/TID/stat}
 * (user plus system time): JFR samples only threads running Java code, so it shows neither the JIT compilers nor
 * threads in native code (RocksDB). A daemon thread polls every {@link #POLL_MS} ms and keeps each thread's latest
 * figure, so threads that end before the run does (a finished job's task threads) are counted too; threads that were
 * there at {@link #start} count only what they used after it. Names are the kernel's, cut at 15 characters.
 */
final class ThreadCpu {
    static final long POLL_MS = 100;
    private static final Path TASKS = Path.of("/proc/self/task");

    /** Per thread id: its name and its CPU ticks at the start (0 for a thread started later) and last seen. */
    private final Map<Long, long[]> ticks = new HashMap<>();
    private final Map<Long, String> names = new HashMap<>();
    private final Thread poller;
    private final long hz;
    private volatile boolean running = true;

    private ThreadCpu(long hz) {
        this.hz = hz;
        poll(true);
        poller = new Thread(() -> {
            while (running) {
                poll(false);
                try {
                    Thread.sleep(POLL_MS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "bench-thread-cpu");
        poller.setDaemon(true);
        poller.start();
    }

    /**
     * Starts polling.
     *
     * @throws IllegalStateException when this is not Linux (no {@code /proc/self/task})
     */
    static ThreadCpu start() {
        if (!Files.isDirectory(TASKS)) {
            throw new IllegalStateException("--thread-cpu needs Linux's /proc/self/task, which this system lacks");
        }
        return new ThreadCpu(100); // USER_HZ: 100 on every Linux architecture Java runs on
    }

    private synchronized void poll(boolean baseline) {
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path t : tasks) {
                long tid;
                try {
                    tid = Long.parseLong(t.getFileName().toString());
                } catch (NumberFormatException e) {
                    continue;
                }
                String stat;
                try {
                    stat = Files.readString(t.resolve("stat"), StandardCharsets.US_ASCII);
                } catch (IOException e) {
                    continue; // ended meanwhile
                }
                int open = stat.indexOf('(');
                int close = stat.lastIndexOf(')');
                if (open < 0 || close < open) {
                    continue;
                }
                String[] f = stat.substring(close + 2).split(" ");
                long used = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
                long[] seen = ticks.computeIfAbsent(tid, k -> new long[] {baseline ? used : 0, 0});
                seen[1] = used;
                names.put(tid, stat.substring(open + 1, close));
            }
        } catch (IOException e) {
            // A failed poll loses nothing: the next one reads the same counters.
        }
    }

    /** Stops polling and returns the CPU seconds used since the start, per thread name, most first. */
    synchronized Map<String, Double> stop() throws InterruptedException {
        running = false;
        poller.interrupt();
        poller.join();
        poll(false);
        Map<String, Double> byName = new TreeMap<>();
        for (Map.Entry<Long, long[]> e : ticks.entrySet()) {
            long used = e.getValue()[1] - e.getValue()[0];
            if (used > 0) {
                byName.merge(names.get(e.getKey()), (double) used / hz, Double::sum);
            }
        }
        List<Map.Entry<String, Double>> sorted = new ArrayList<>(byName.entrySet());
        sorted.sort(Map.Entry.<String, Double>comparingByValue().reversed());
        Map<String, Double> out = new java.util.LinkedHashMap<>();
        sorted.forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    /** Writes {@code seconds} as a run's thread file: "seconds TAB name" lines, in the map's order. */
    static void write(Path file, Map<String, Double> seconds) throws IOException {
        StringBuilder lines = new StringBuilder();
        seconds.forEach((name, s) -> lines.append(String.format(Locale.ROOT, "%.2f\t%s\n", s, name)));
        Files.writeString(file, lines, StandardCharsets.UTF_8);
    }

    /** Reads a thread file {@link #write} wrote, in its order. */
    static Map<String, Double> read(Path file) throws IOException {
        Map<String, Double> seconds = new java.util.LinkedHashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int tab = line.indexOf('\t');
            if (tab > 0) {
                seconds.put(line.substring(tab + 1), Double.parseDouble(line.substring(0, tab)));
            }
        }
        return seconds;
    }

    /** One line: each name with its seconds, the {@code top} largest, then the rest summed. */
    static String line(Map<String, Double> seconds, int top) {
        StringBuilder sb = new StringBuilder("cpu s by thread:");
        int i = 0;
        double rest = 0;
        double total = 0;
        for (Map.Entry<String, Double> e : seconds.entrySet()) {
            total += e.getValue();
            if (i++ < top) {
                sb.append(String.format(Locale.ROOT, " %s %.2f;", e.getKey(), e.getValue()));
            } else {
                rest += e.getValue();
            }
        }
        sb.append(String.format(Locale.ROOT, " others %.2f; total %.2f", rest, total));
        return sb.toString();
    }
}
