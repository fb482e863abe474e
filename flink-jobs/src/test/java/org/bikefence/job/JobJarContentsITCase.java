package org.bikefence.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shaded job jar that goes to a cluster holds only what the job runs: no class of the simulator, the
 * report, the feed adapters, the development services, the command lines or the Kafka broker. Runs after
 * {@code package}, on the jar the build just made.
 */
class JobJarContentsITCase {

    /** Packages of the modules that never run inside the job. */
    private static final List<String> FOREIGN_PACKAGES = List.of(
            "org/bikefence/simulator/", "org/bikefence/report/", "org/bikefence/ingest/",
            "org/bikefence/local/", "org/bikefence/testing/", "org/bikefence/launcher/", "org/bikefence/cli/",
            "org/bikefence/geofence/tool/");

    private static Path jobJar;
    private static Set<String> entries;

    @BeforeAll
    static void readTheJar() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            List<Path> jars = files.filter(p -> p.getFileName().toString().endsWith("-job.jar")).toList();
            assertThat(jars).as("exactly one shaded job jar in target/ (run after mvn package)").hasSize(1);
            jobJar = jars.get(0);
        }
        entries = entriesOf(jobJar);
    }

    @Test
    void holdsTheJobAndItsConnectors() throws IOException {
        assertThat(entries).contains(
                "org/bikefence/job/JobMain.class",
                "org/bikefence/functions/BikeTracker.class",
                "org/bikefence/influx/V1HttpWriteClient.class",
                "org/bikefence/geofence/FenceIndex.class",
                "org/bikefence/rules/RuleSet.class",
                "org/apache/flink/connector/kafka/source/KafkaSource.class",
                "org/apache/kafka/clients/consumer/KafkaConsumer.class");
        try (JarFile jar = new JarFile(jobJar.toFile())) {
            assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class"))
                    .isEqualTo("org.bikefence.job.JobMain");
        }
    }

    @Test
    void holdsNoClassOfTheApplicationsOrDevelopmentServices() {
        assertThat(entries.stream().filter(e -> FOREIGN_PACKAGES.stream().anyMatch(e::startsWith)))
                .as("classes of other deployables in %s", jobJar)
                .isEmpty();
    }

    @Test
    void holdsNoClassOfTheKafkaBrokerNorOfTheFlinkRuntime() {
        // The broker's jars are on this test's classpath (dev-support): every class they hold is forbidden,
        // which catches the broker whatever its packages are called.
        List<String> brokerJars = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(p -> p.contains("/org/apache/kafka/") && !p.contains("/kafka-clients/")
                        || p.contains("/org/scala-lang/"))
                .toList();
        assertThat(brokerJars).as("the broker's jars on the test classpath")
                .anyMatch(p -> p.contains("/kafka_2.13/"));
        Set<String> brokerClasses = new TreeSet<>();
        for (String jar : brokerJars) {
            entriesOf(Path.of(jar)).stream().filter(e -> e.endsWith(".class")).forEach(brokerClasses::add);
        }
        assertThat(brokerClasses).hasSizeGreaterThan(1000);
        assertThat(entries.stream().filter(brokerClasses::contains).limit(20))
                .as("broker classes in %s", jobJar)
                .isEmpty();
        assertThat(entries.stream().filter(e -> e.startsWith("org/apache/flink/runtime/")
                        || e.startsWith("org/apache/flink/streaming/api/") || e.startsWith("picocli/")
                        // The RocksDB backend and its native library ship with Flink's distribution.
                        || e.startsWith("org/apache/flink/state/rocksdb/") || e.startsWith("org/rocksdb/")
                        || e.startsWith("librocksdbjni")).limit(20))
                .as("classes the cluster provides, or the command line needs, in %s", jobJar)
                .isEmpty();
    }

    private static Set<String> entriesOf(Path jar) {
        Set<String> names = new TreeSet<>();
        try (JarFile f = new JarFile(jar.toFile())) {
            f.stream().forEach(e -> names.add(e.getName()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jar, e);
        }
        return names;
    }
}
