package org.bikefence.cli.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * The hottest methods of a JFR recording's {@code jdk.ExecutionSample} events (JDK 17's {@code jfr} tool has no
 * {@code view hot-methods}): by self time (the sampled top frame) and by total time (every method on the sampled
 * stack, once per sample; JFR keeps the top 64 frames, so deep callers are undercounted).
 * {@code java -cp ... org.bikefence.cli.bench.HotMethods FILE.jfr [N]} prints both tables.
 */
public final class HotMethods {
    private HotMethods() {}

    /** A method and its share of the samples. */
    public record Hot(String method, long samples, double percent) {}

    public static void main(String[] args) throws IOException {
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        System.out.print(report(stacks(Path.of(args[0])), n));
    }

    /** The sampled Java stacks of the recording, top frame first, as {@code class.method}. */
    public static List<List<String>> stacks(Path jfr) throws IOException {
        List<List<String>> out = new ArrayList<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample")) {
                continue;
            }
            RecordedStackTrace st = e.getStackTrace();
            if (st == null || st.getFrames().isEmpty()) {
                continue;
            }
            List<String> frames = new ArrayList<>();
            for (RecordedFrame f : st.getFrames()) {
                frames.add(f.getMethod().getType().getName() + "." + f.getMethod().getName());
            }
            out.add(frames);
        }
        return out;
    }

    /** The {@code n} methods with the most samples: as the top frame ({@code total} false) or anywhere on the stack. */
    public static List<Hot> top(List<List<String>> stacks, int n, boolean total) {
        Map<String, Long> counts = new HashMap<>();
        for (List<String> stack : stacks) {
            if (total) {
                Set<String> seen = new HashSet<>(stack);
                seen.forEach(m -> counts.merge(m, 1L, Long::sum));
            } else if (!stack.isEmpty()) {
                counts.merge(stack.get(0), 1L, Long::sum);
            }
        }
        double all = stacks.size();
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(n)
                .map(e -> new Hot(e.getKey(), e.getValue(), all == 0 ? 0 : 100.0 * e.getValue() / all))
                .toList();
    }

    /** Both tables as markdown. */
    public static String report(List<List<String>> stacks, int n) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%d execution samples%n", stacks.size()));
        for (boolean total : new boolean[] {false, true}) {
            b.append(String.format(Locale.ROOT, "%n| # | %s | samples | %% |%n|---|---|---|---|%n",
                    total ? "method (total: on the stack)" : "method (self: top frame)"));
            int i = 1;
            for (Hot h : top(stacks, n, total)) {
                b.append(String.format(Locale.ROOT, "| %d | `%s` | %d | %.1f |%n", i++, h.method(), h.samples(),
                        h.percent()));
            }
        }
        return b.toString();
    }
}
