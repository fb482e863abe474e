package org.bikefence.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.bikefence.ingest.IngestMain;
import org.bikefence.job.JobMain;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfiles against the build (an ITCase: it runs after this module's package phase, which stages what
 * the images copy in deploy-tests/target/image; see the pom): every COPY source exists, tracked by git or
 * produced by the build, and what the build produced is what the images need.
 */
class DockerImagesITCase {
    private static final String STAGING = "deploy-tests/target/image/";
    private final Dockerfile job = Dockerfile.parse(DeployFiles.DOCKER.resolve("job.Dockerfile"));
    private final Dockerfile ingest = Dockerfile.parse(DeployFiles.DOCKER.resolve("ingest.Dockerfile"));

    @Test
    void everyCopySourceIsARepositoryFileOrProducedByTheBuild() throws IOException {
        for (Dockerfile d : List.of(job, ingest)) {
            assertThat(d.copies()).isNotEmpty();
            for (Dockerfile.Copy c : d.copies()) {
                assertThat(c.fromStage()).as("%s line %d: no build stages", d.file(), c.line()).isFalse();
                for (String source : c.sources()) {
                    Path p = DeployFiles.ROOT.resolve(source);
                    String where = d.file().getFileName() + " line " + c.line() + ": COPY " + source;
                    assertThat(Files.exists(p)).as("%s: does not exist after the build", where).isTrue();
                    if (Files.isDirectory(p)) {
                        try (Stream<Path> files = Files.list(p)) {
                            assertThat(files.count()).as("%s: empty directory", where).isPositive();
                        }
                    }
                    if (source.startsWith(STAGING)) {
                        continue;   // produced by this module's package phase (maven-dependency-plugin)
                    }
                    DeployFiles.Run tracked = DeployFiles.run(DeployFiles.ROOT,
                            List.of("git", "ls-files", "--error-unmatch", source));
                    assertThat(tracked.exitCode()).as("%s: neither tracked by git nor staged by the build (%s)",
                            where, tracked.output().strip()).isZero();
                }
            }
        }
    }

    @Test
    void dockerignoreSendsEveryCopySourceAndNothingElse() {
        for (Dockerfile d : List.of(job, ingest)) {
            Path ignore = d.file().resolveSibling(d.file().getFileName() + ".dockerignore");
            List<String> lines = DeployFiles.read(ignore).lines().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
            assertThat(lines).as("%s: everything excluded first", ignore).startsWith("*");
            List<String> allowed = lines.stream().filter(l -> l.startsWith("!")).map(l -> l.substring(1)).toList();
            for (Dockerfile.Copy c : d.copies()) {
                for (String source : c.sources()) {
                    assertThat(allowed).as("%s: COPY %s is not sent to the build", ignore, source)
                            .anyMatch(a -> source.startsWith(a) || (source + "/").startsWith(a));
                }
            }
        }
    }

    @Test
    void jobImageIsFlinksOwnWithTheJobJarAndThePrometheusReporter() throws IOException {
        String flinkVersion = EnvironmentInformation.getVersion();
        assertThat(job.from()).as("job.Dockerfile FROM: the official image of the job's Flink version")
                .isEqualTo("flink:" + flinkVersion + "-java17");

        Dockerfile.Copy jar = copyTo(job, "/opt/flink/usrlib/");
        Path jobJar = DeployFiles.ROOT.resolve(jar.sources().get(0));
        try (JarFile j = new JarFile(jobJar.toFile())) {
            assertThat(j.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo(JobMain.class.getName());
            assertThat(j.getEntry(JobMain.class.getName().replace('.', '/') + ".class")).isNotNull();
            assertThat(j.getEntry("org/apache/flink/runtime/jobgraph/JobGraph.class"))
                    .as("the job jar must not carry Flink's runtime (the image has it)").isNull();
        }

        Dockerfile.Copy plugin = copyTo(job, "/opt/flink/plugins/metrics-prometheus/");
        List<Path> pluginJars = jars(DeployFiles.ROOT.resolve(plugin.sources().get(0)));
        assertThat(pluginJars).extracting(p -> p.getFileName().toString())
                .containsExactly("flink-metrics-prometheus-" + flinkVersion + ".jar");
        String factory = DeployFiles.flatten(DeployFiles.yaml(DeployFiles.DOCKER.resolve("flink/cluster.yaml")))
                .get("metrics.reporter.prom.factory.class");
        try (JarFile j = new JarFile(pluginJars.get(0).toFile())) {
            assertThat(j.getEntry(factory.replace('.', '/') + ".class"))
                    .as("cluster.yaml metrics.reporter.prom.factory.class %s in the plugin", factory).isNotNull();
        }
    }

    @Test
    void ingestImageRunsIngestMainFromItsOwnClasspathWithoutFlink() throws Exception {
        assertThat(ingest.entrypoint()).contains(IngestMain.class.getName()).contains("/opt/bikefence/lib/*");
        Dockerfile.Copy lib = copyTo(ingest, "/opt/bikefence/lib/");
        List<Path> jars = jars(DeployFiles.ROOT.resolve(lib.sources().get(0)));
        assertThat(jars).extracting(p -> p.getFileName().toString())
                .anyMatch(n -> n.startsWith("ingest-"))
                .anyMatch(n -> n.startsWith("kafka-clients-"))
                .anyMatch(n -> n.startsWith("picocli-"))
                .noneMatch(n -> n.startsWith("flink-"))
                .noneMatch(n -> n.startsWith("junit") || n.startsWith("dev-support"));
        // The image's classpath alone loads and initialises the main class and its commands.
        List<URL> urls = new ArrayList<>();
        for (Path j : jars) {
            urls.add(j.toUri().toURL());
        }
        try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            Class<?> main = Class.forName(IngestMain.class.getName(), true, loader);
            Class<?> commandLine = Class.forName("picocli.CommandLine", true, loader);
            Object cl = commandLine.getConstructor(Object.class).newInstance(main.getConstructor().newInstance());
            Object subcommands = commandLine.getMethod("getSubcommands").invoke(cl);
            assertThat(((java.util.Map<?, ?>) subcommands).keySet()).map(String::valueOf)
                    .contains("gbfs", "mds", "push", "check");
            // Reads and validates a configuration (YAML, the geo-fences and bike-core classes) with that classpath.
            Object status = commandLine.getMethod("execute", String[].class).invoke(cl, (Object) new String[] {
                "check", "--config", DeployFiles.DOCKER.resolve("ingest/operators.compose.yaml").toString()});
            assertThat(status).as("ingest check on the image's classpath").isEqualTo(0);
        }
        // One Jackson: annotations of the databind's version (the test classpath has Jackson 3's newer ones).
        assertThat(jars).extracting(p -> p.getFileName().toString())
                .filteredOn(n -> n.startsWith("jackson-annotations-") || n.startsWith("jackson-databind-"))
                .extracting(n -> n.replaceAll("^jackson-[a-z]+-", ""))
                .hasSize(2).containsOnly(jars.stream().map(p -> p.getFileName().toString())
                        .filter(n -> n.startsWith("jackson-databind-")).findFirst().orElseThrow()
                        .replaceAll("^jackson-[a-z]+-", ""));
    }

    private static Dockerfile.Copy copyTo(Dockerfile d, String destination) {
        return d.copies().stream().filter(c -> c.destination().startsWith(destination)).findFirst()
                .orElseThrow(() -> new AssertionError(d.file() + ": no COPY to " + destination));
    }

    private static List<Path> jars(Path p) throws IOException {
        if (Files.isRegularFile(p)) {
            return List.of(p);
        }
        try (Stream<Path> files = Files.list(p)) {
            return files.filter(f -> f.toString().endsWith(".jar")).sorted().toList();
        }
    }
}
