package org.bikefence.report;

import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Headless Chromium as a one-shot command (print to PDF, screenshot, dump the DOM), each run with a fresh
 * profile directory so that runs never share state and nothing reaches the network.
 */
public final class HeadlessChromium {
    static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync");
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    private final Path binary;

    private HeadlessChromium(Path binary) {
        this.binary = binary;
    }

    /** The browser named by {@code BIKEFENCE_CHROMIUM}, else chromium / chromium-browser / google-chrome on PATH. */
    public static Optional<HeadlessChromium> find() {
        String env = System.getenv("BIKEFENCE_CHROMIUM");
        if (env != null && !env.isBlank()) {
            Path p = Paths.get(env);
            return Files.isExecutable(p) ? Optional.of(new HeadlessChromium(p)) : Optional.empty();
        }
        String path = System.getenv("PATH");
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String dir : (path == null ? "" : path).split(File.pathSeparator)) {
                Path p = dir.isEmpty() ? null : Paths.get(dir, name);
                if (p != null && Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return Optional.of(new HeadlessChromium(p));
                }
            }
        }
        Path fallback = Paths.get("/usr/bin/chromium");
        return Files.isExecutable(fallback) ? Optional.of(new HeadlessChromium(fallback)) : Optional.empty();
    }

    public Path binary() {
        return binary;
    }

    /** What one run printed. */
    public record Run(int exitCode, String stdout, String stderr) {
        /** Lines of the page's console output and uncaught errors (needs {@code --enable-logging=stderr}). */
        public List<String> consoleErrors() {
            List<String> out = new ArrayList<>();
            for (String line : stderr.split("\n")) {
                if (line.contains(":CONSOLE") || line.contains("Uncaught")) {
                    out.add(line);
                }
            }
            return out;
        }
    }

    public void printToPdf(Path html, Path pdf) throws IOException {
        Run r = run(List.of("--no-pdf-header-footer", "--print-to-pdf=" + pdf.toAbsolutePath(), url(html)));
        if (r.exitCode() != 0 || !Files.isRegularFile(pdf) || Files.size(pdf) == 0) {
            throw new IOException("chromium could not print " + html + " to PDF (exit " + r.exitCode() + "): "
                    + tail(r.stderr()));
        }
    }

    public Run screenshot(Path html, Path png, int width, int height) throws IOException {
        return run(List.of("--hide-scrollbars", "--window-size=" + width + "," + height,
                "--screenshot=" + png.toAbsolutePath(), url(html)));
    }

    /** The rendered DOM on stdout and the page's console messages in stderr. */
    public Run dumpDom(Path html) throws IOException {
        return run(List.of("--enable-logging=stderr", "--v=0", "--dump-dom", url(html)));
    }

    public Run run(List<String> args) throws IOException {
        Path profile = Files.createTempDirectory("bikefence-chromium-");
        Path out = profile.resolveSibling(profile.getFileName() + ".out");
        Path err = profile.resolveSibling(profile.getFileName() + ".err");
        List<String> cmd = new ArrayList<>();
        cmd.add(binary.toString());
        cmd.addAll(FLAGS);
        cmd.add("--user-data-dir=" + profile);
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            if (!p.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new IOException("chromium did not finish within " + TIMEOUT.toSeconds() + " s: " + cmd);
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for chromium");
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            deleteTree(profile);
        }
    }

    static String url(Path file) {
        return file.toAbsolutePath().toUri().toString();
    }

    private static String tail(String s) {
        return s.length() <= 2000 ? s : s.substring(s.length() - 2000);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A leftover profile in the temp directory is harmless.
        }
    }
}
