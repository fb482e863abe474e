package org.bikefence.deploy;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The repository's deployment files for the tests: where they are, read as YAML the way docker-compose and
 * kubectl read them (anchors and merge keys resolved), the external tools, and ../shared/schemas.
 */
final class DeployFiles {
    /** The repository root: the tests run in deploy-tests/. */
    static final Path ROOT = findRoot();
    static final Path DOCKER = ROOT.resolve("docker");
    static final Path COMPOSE = DOCKER.resolve("compose.yaml");
    static final Path K8S = DOCKER.resolve("k8s");
    /** ../shared/schemas beside the repository; -Dbikefence.schemas=DIR points elsewhere (a worktree). */
    static final Path SCHEMAS = Path.of(System.getProperty("bikefence.schemas",
            ROOT.resolve("../shared/schemas").normalize().toString()));

    private DeployFiles() {}

    private static Path findRoot() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("pom.xml")) && Files.isDirectory(p.resolve("docker"))
                    && Files.isDirectory(p.resolve("deploy-tests"))) {
                return p;
            }
        }
        throw new IllegalStateException("no repository root (pom.xml, docker/, deploy-tests/) above " + here);
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static Yaml yamlLoader() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(16 * 1024 * 1024);
        return new Yaml(new SafeConstructor(options));
    }

    /** One YAML document as maps and lists. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> yaml(Path file) {
        Object doc = yamlLoader().load(read(file));
        if (!(doc instanceof Map)) {
            fail(ROOT.relativize(file) + ": not a YAML mapping");
        }
        return (Map<String, Object>) doc;
    }

    /** Every document of a multi-document YAML file. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> yamlDocuments(Path file) {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : yamlLoader().loadAll(read(file))) {
            if (doc != null) {
                docs.add((Map<String, Object>) doc);
            }
        }
        return docs;
    }

    /** The child mapping at {@code key}, empty when absent. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Map<String, Object> m, String key) {
        Object v = m == null ? null : m.get(key);
        return v instanceof Map ? (Map<String, Object>) v : Map.of();
    }

    /** The child list at {@code key}, empty when absent. */
    @SuppressWarnings("unchecked")
    static List<Object> list(Map<String, Object> m, String key) {
        Object v = m == null ? null : m.get(key);
        return v instanceof List ? (List<Object>) v : List.of();
    }

    /** A nested YAML mapping flattened to Flink's dotted keys ({@code a: {b: 1}} -> {@code a.b=1}). */
    static Map<String, String> flatten(Map<String, Object> m) {
        Map<String, String> out = new LinkedHashMap<>();
        flatten("", m, out);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Map<String, Object> m, Map<String, String> out) {
        for (Map.Entry<String, Object> e : m.entrySet()) {
            String key = prefix + e.getKey();
            if (e.getValue() instanceof Map) {
                flatten(key + ".", (Map<String, Object>) e.getValue(), out);
            } else {
                out.put(key, String.valueOf(e.getValue()));
            }
        }
    }

    /**
     * A file of ../shared/schemas; the test is skipped, with a message, when it is absent (the schemas are
     * published by other projects and never copied into the repository).
     */
    static Path sharedSchema(String name) {
        Path p = SCHEMAS.resolve(name);
        if (!Files.isRegularFile(p)) {
            System.err.println("SKIPPED: " + p + " is absent (../shared/schemas beside the repository)");
        }
        assumeTrue(Files.isRegularFile(p), p + " is absent (../shared/schemas beside the repository): skipped");
        return p;
    }

    /** The tool on the PATH; fails (never skips) naming the Debian package when it is missing. */
    static String tool(String name, String debianPackage) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return fail(name + " not found on PATH: install the Debian package " + debianPackage
                + " (apt-get install -y " + debianPackage + "; ./bikefence test installs it when run as root)");
    }

    /** What a finished command printed, and its exit code. */
    record Run(int exitCode, String output) {}

    /** Runs a command in {@code dir} with a deadline; stdout and stderr together. */
    static Run run(Path dir, List<String> command) {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return fail(String.join(" ", command) + ": no exit within 120 s");
            }
            return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
