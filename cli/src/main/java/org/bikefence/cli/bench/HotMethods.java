package org.bikefence.cli.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a JFR recording's {@code jdk.ExecutionSample} events fall (JDK 17's {@code jfr} tool has no
 * {@code view hot-methods}): by thread (in Flink, one operator chain per task thread), by self time (the sampled
 * top frame) and its package, and by the first bikefence frame from the top (which of the project's methods the time is spent
 * under, library calls included). {@code java -cp ... org.bikefence.cli.bench.HotMethods FILE.jfr [N]} prints
 * the four tables.
 */
public final class HotMethods {
    static final String PROJECT = "org.bikefence.";
    static final String NO_PROJECT_FRAME = "(no bikefence frame: Flink, Kafka or JDK only)";

    private HotMethods() {}

    /** One sample: the thread's name and its Java stack, top frame first, as {@code class.method}. */
    public record Sample(String thread, List<String> frames) {}

    /** A key (method or thread) and its share of the samples. */
    public record Hot(String key, long samples, double percent) {}

    public static void main(String[] args) throws IOException {
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        System.out.print(report(samples(Path.of(args[0])), n));
    }

    /** The execution samples of the recording. */
    public static List<Sample> samples(Path jfr) throws IOException {
        List<Sample> out = new ArrayList<>();
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
            RecordedThread t = e.getThread("sampledThread");
            out.add(new Sample(t == null ? "?" : threadName(t.getJavaName()), frames));
        }
        return out;
    }

    /** A task thread's name without its attempt suffix, e.g. {@code classify-fences -> (...) (1/1)}. */
    static String threadName(String name) {
        return name == null ? "?" : name.replaceFirst("#\\d+$", "");
    }

    /** The sampled top frame. */
    static String self(Sample s) {
        return s.frames().get(0);
    }

    /** The package of the sampled top frame, at most its first four names (e.g. {@code org.apache.flink.runtime}). */
    static String selfPackage(Sample s) {
        String f = self(s);
        int dot = f.lastIndexOf('.', f.lastIndexOf('.') - 1);
        String[] parts = (dot < 0 ? f : f.substring(0, dot)).split("\\.");
        return String.join(".", java.util.Arrays.copyOf(parts, Math.min(4, parts.length)));
    }

    /** The first project method from the top of the stack, or {@link #NO_PROJECT_FRAME}. */
    static String underProject(Sample s) {
        return s.frames().stream().filter(f -> f.startsWith(PROJECT)).findFirst().orElse(NO_PROJECT_FRAME);
    }

    /** The {@code n} keys with the most samples. */
    public static List<Hot> top(List<Sample> samples, int n, Function<Sample, String> key) {
        Map<String, Long> counts = new HashMap<>();
        samples.forEach(s -> counts.merge(key.apply(s), 1L, Long::sum));
        double all = samples.size();
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(n)
                .map(e -> new Hot(e.getKey(), e.getValue(), all == 0 ? 0 : 100.0 * e.getValue() / all))
                .toList();
    }

    /** The four tables as markdown. */
    public static String report(List<Sample> samples, int n) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%d execution samples%n", samples.size()));
        table(b, "thread", top(samples, n, Sample::thread));
        table(b, "method (self: top frame)", top(samples, n, HotMethods::self));
        table(b, "package of the top frame (self)", top(samples, n, HotMethods::selfPackage));
        table(b, "first bikefence method from the top", top(samples, n, HotMethods::underProject));
        return b.toString();
    }

    private static void table(StringBuilder b, String what, List<Hot> rows) {
        b.append(String.format(Locale.ROOT, "%n| # | %s | samples | %% |%n|---|---|---|---|%n", what));
        int i = 1;
        for (Hot h : rows) {
            b.append(String.format(Locale.ROOT, "| %d | `%s` | %d | %.1f |%n", i++, h.key().replace("|", "\\|"),
                    h.samples(), h.percent()));
        }
    }
}
