package org.bikefence.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every test of this module that starts a MiniCluster takes it from {@link FlinkTestCluster}: a MiniCluster of its
 * own would run the job with Flink's defaults, checkpoints in the JobManager's memory and RocksDB's files in the
 * shared temporary directory.
 */
class WholeJobTestsUseTheTestClusterTest {
    private static final Path TESTS = Path.of("src", "test", "java");

    @Test
    void noTestBuildsAMiniClusterOfItsOwn() throws IOException {
        List<String> own;
        List<String> clusters;
        try (Stream<Path> files = Files.walk(TESTS)) {
            List<Path> sources = files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> !f.getFileName().toString().equals("FlinkTestCluster.java"))
                    .filter(f -> !f.getFileName().toString().equals("WholeJobTestsUseTheTestClusterTest.java")).sorted().toList();
            own = sources.stream().filter(f -> read(f).contains("new MiniClusterExtension(")
                    || read(f).contains("new MiniCluster(")).map(Path::toString).toList();
            clusters = sources.stream().filter(f -> read(f).contains("MiniClusterExtension ")).map(Path::toString)
                    .toList();
        }
        assertThat(own).as("tests that build a MiniCluster themselves").isEmpty();
        assertThat(clusters).as("the whole-job tests are found").contains(
                TESTS.resolve("org/bikefence/job/ParallelismITCase.java").toString(),
                TESTS.resolve("org/bikefence/replay/ReplayITCase.java").toString());
        for (String test : clusters) {
            assertThat(read(Path.of(test))).as(test).contains("FlinkTestCluster.");
        }
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
