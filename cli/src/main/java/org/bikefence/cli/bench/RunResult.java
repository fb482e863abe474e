package org.bikefence.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * One timed run: a variant at a parallelism, how many records its source read and the job's net run time
 * (Flink's {@code JobExecutionResult.getNetRuntime}: from submission to the end of the bounded input, without the
 * JVM and the local cluster's start).
 */
public record RunResult(Variant variant, int parallelism, int run, long records, long millis) {

    public double recordsPerSecond() {
        return millis <= 0 ? 0 : records * 1000.0 / millis;
    }

    /** The line printed for the run: variant, parallelism, run, records, seconds, records/s. */
    public String line() {
        return String.format(Locale.ROOT, "%-6s p=%d  run %d  records %d  seconds %.3f  records/s %.0f",
                variant.label(), parallelism, run, records, millis / 1000.0, recordsPerSecond());
    }

    /** The median records/s of a variant's runs at a parallelism; empty when it did not run. */
    static OptionalDouble median(List<RunResult> results, Variant variant, int parallelism) {
        List<Double> rates = new ArrayList<>();
        for (RunResult r : results) {
            if (r.variant == variant && r.parallelism == parallelism) {
                rates.add(r.recordsPerSecond());
            }
        }
        if (rates.isEmpty()) {
            return OptionalDouble.empty();
        }
        rates.sort(null);
        int n = rates.size();
        return OptionalDouble.of(n % 2 == 1 ? rates.get(n / 2) : (rates.get(n / 2 - 1) + rates.get(n / 2)) / 2);
    }

    /**
     * The benchmark's last line: full over bare records/s (medians of their runs) per parallelism, two decimals,
     * e.g. {@code full/bare p=1 = 0.19, p=2 = 0.15}; {@code n/a} where either variant did not run.
     */
    public static String ratioLine(List<RunResult> results, List<Integer> parallelisms) {
        List<String> parts = new ArrayList<>();
        for (int p : parallelisms) {
            OptionalDouble full = median(results, Variant.FULL, p);
            OptionalDouble bare = median(results, Variant.BARE, p);
            parts.add("p=" + p + " = " + (full.isPresent() && bare.isPresent() && bare.getAsDouble() > 0
                    ? String.format(Locale.ROOT, "%.2f", full.getAsDouble() / bare.getAsDouble()) : "n/a"));
        }
        return "full/bare " + String.join(", ", parts);
    }
}
