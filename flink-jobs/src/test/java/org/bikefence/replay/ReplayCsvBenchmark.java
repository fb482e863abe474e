package org.bikefence.replay;

import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bikefence.model.RawRecord;

/**
 * How fast a replay turns a city CSV export into contract records: generates a CSV of N rows (default
 * 1,000,000; one row in ten has a quoted cell holding the delimiter), then reads it through
 * {@link ReplayCursor} (line reading, CSV parsing, mapping to the contract JSON) several times and prints
 * each run, with the reading thread's CPU time (steadier than wall time on a shared machine). A command, not
 * a test: see BENCHMARKS.md for how to run it.
 *
 * <p>Arguments: {@code [rows] [runs] [file]}; the file is generated when it does not exist.
 */
public final class ReplayCsvBenchmark {
    private ReplayCsvBenchmark() {}

    public static void main(String[] args) throws IOException {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path file = args.length > 2 ? Path.of(args[2])
                : Path.of(System.getProperty("java.io.tmpdir"), "replay-bench-" + rows + ".csv");
        if (!Files.exists(file)) {
            generate(file, rows);
        }
        CsvMapping mapping = CsvMapping.of(CsvMapping.DEFAULT_COLUMNS, Map.of("operator", "meituan"),
                ZoneId.of("Asia/Shanghai"), ',');
        List<InputFile> files = List.of(InputFile.of(file, null));
        System.out.printf(Locale.ROOT, "%s: %,d bytes, %,d rows%n", file, Files.size(file), rows);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int run = 1; run <= runs; run++) {
            long cpuStarted = threads.getCurrentThreadCpuTime();
            long started = System.nanoTime();
            long records = 0;
            long bytes = 0;
            try (ReplayCursor c = new ReplayCursor(files, mapping, 0, 0)) {
                RawRecord r;
                while ((r = c.next()) != null) {
                    records++;
                    bytes += r.value.length;
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            double cpu = (threads.getCurrentThreadCpuTime() - cpuStarted) / 1e9;
            System.out.printf(Locale.ROOT, "run %d: %,d records in %.2f s = %,.0f records/s; thread CPU %.2f s ="
                    + " %,.0f records/CPU-s (%,d JSON bytes)%n", run, records, seconds, records / seconds, cpu,
                    records / cpu, bytes);
        }
    }

    private static void generate(Path file, int rows) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("BIKE_ID,LATITUDE,LONGITUDE,TIME,STATE,NOTE\n");
            for (int i = 0; i < rows; i++) {
                w.write(String.format(Locale.ROOT, "MT-%d,%.5f,%.5f,2026-10-12 %02d:%02d:%02d,%s,%s%n", i % 50_000,
                        24.45 + (i % 997) * 1e-4, 118.08 + (i % 991) * 1e-4, (i / 3600) % 24, (i / 60) % 60, i % 60,
                        i % 7 == 0 ? "riding" : "PARKED", i % 10 == 0 ? "\"in front of 7-Eleven, Huli Ave\"" : ""));
            }
        }
    }
}
