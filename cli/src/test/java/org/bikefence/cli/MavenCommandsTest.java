package org.bikefence.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** test, jar and bench run Maven in the project root with the arguments the bash launcher used to give. */
class MavenCommandsTest {

    @TempDir
    Path tmp;
    Path root;
    Path calls;

    @BeforeEach
    void fakeMaven() throws Exception {
        root = Files.createDirectories(tmp.resolve("work/project"));
        calls = tmp.resolve("calls.txt");
        Path mvn = tmp.resolve("mvn");
        // One line per call: the working directory, then each argument between brackets.
        Files.writeString(mvn, "#!/bin/sh\n{ printf '%s' \"$PWD\"; for a in \"$@\"; do printf ' [%s]' \"$a\"; done; echo; }"
                + " >> '" + calls + "'\n");
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
        System.setProperty("bikefence.mvn", mvn.toString());
        System.setProperty("bikefence.root", root.toString());
    }

    @AfterEach
    void realMaven() {
        System.clearProperty("bikefence.mvn");
        System.clearProperty("bikefence.root");
    }

    private int run(String... args) {
        CommandLine cl = Bikefence.commandLine();
        cl.setErr(new PrintWriter(new StringWriter(), true));
        return cl.execute(args);
    }

    private List<String> calls() throws Exception {
        return Files.readAllLines(calls, StandardCharsets.UTF_8);
    }

    @Test
    void testRunsVerifyWithTheRestOfTheArguments() throws Exception {
        assertThat(run("test", "-pl", "report", "-Dtest=Report*Test")).isZero();
        assertThat(calls()).containsExactly(root + " [-B] [verify] [-pl] [report] [-Dtest=Report*Test]");
    }

    @Test
    void benchGeofenceFindsTheSharedRealDataAndPassesJmhArguments() throws Exception {
        Path real = Files.createDirectories(tmp.resolve("shared/data/xiamen-dcic2021-bike"));
        Files.writeString(real.resolve("gxdc_tcd_fences.geojson"), "{}");
        Files.writeString(real.resolve("morning_peak_bike_positions.csv"), "");
        assertThat(run("bench", "geofence", "-wi", "2", "-i", "3")).isZero();
        assertThat(calls()).containsExactly(
                root + " [-B] [-q] [-pl] [geo-fences] [-Pbench] [test-compile] [exec:exec] [-Dbench.realData=" + real
                        + "] [-Djmh.args=org.bikefence.geofence.bench -f 1 -wi 3 -w 2s -i 5 -r 2s"
                        + " -p dataset=synthetic,real -wi 2 -i 3]",
                root + " [-B] [-q] [-pl] [geo-fences] [-Pbench] [exec:exec] [-Dbench.realData=" + real
                        + "] [-Dbench.main=org.bikefence.geofence.bench.GeofenceFootprint]"
                        + " [-Dbench.args=synthetic real]");
    }

    @Test
    void benchGeofenceWithoutRealDataRunsTheSyntheticCity() throws Exception {
        assertThat(run("bench", "geofence", "--real-data", tmp.resolve("nowhere").toString())).isZero();
        assertThat(calls()).hasSize(2);
        assertThat(calls().get(0)).contains("-p dataset=synthetic]", "[-Dbench.realData=" + tmp.resolve("nowhere"));
        assertThat(calls().get(1)).endsWith("[-Dbench.args=synthetic]");
        assertThat(run("bench")).as("a benchmark must be named").isEqualTo(2);
    }

    @Test
    void jarPackagesWithoutTests() throws Exception {
        Files.createDirectories(root.resolve("flink-jobs/target"));
        Files.writeString(root.resolve("flink-jobs/target/flink-jobs-0.1.0-job.jar"), "");
        assertThat(run("jar")).isZero();
        assertThat(calls()).containsExactly(root + " [-B] [-q] [package] [-DskipTests]");
    }
}
