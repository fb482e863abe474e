package org.bikefence.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The local cluster: real JobManager and TaskManager JVMs, configured from docker/flink/config.yaml. */
class LocalFlinkClusterITCase {
    static final Path CONFIG = Path.of("../docker/flink/config.yaml");

    /** Small TaskManagers: the machine is shared. */
    static LocalFlinkCluster.Builder small(Path runDir) {
        return LocalFlinkCluster.builder(runDir)
                .configFile(CONFIG)
                .set("taskmanager.memory.process.size", "1024m")
                .set("taskmanager.memory.managed.size", "64m");
    }

    @Test
    void runsJobManagerAndTaskManagersEachInItsOwnJvmAndStopsThem() throws Exception {
        Path runDir = Path.of("target", "cluster-it-" + System.nanoTime());
        List<ProcessHandle> members;
        try (LocalFlinkCluster cluster = small(runDir).taskManagers(2).start()) {
            assertThat(cluster.registeredTaskManagers()).isEqualTo(2);
            members = Stream.concat(Stream.of(cluster.jobManager()), cluster.taskManagers().stream())
                    .map(LocalFlinkCluster.Member::process).toList();
            assertThat(members).hasSize(3).allMatch(ProcessHandle::isAlive)
                    .extracting(ProcessHandle::pid).doesNotHaveDuplicates()
                    .doesNotContain(ProcessHandle.current().pid());
            // config.yaml's slots, the run's overrides.
            assertThat(cluster.rest("/overview").path("slots-total").asInt()).isEqualTo(4);
            assertThat(cluster.configuration().toMap()).containsEntry("execution.checkpointing.dir",
                    cluster.checkpointsDir().toUri().toString());
            // The web UI (flink-runtime-web) is served.
            HttpResponse<String> ui = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(cluster.webUrl() + "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ui.statusCode()).isEqualTo(200);
            assertThat(ui.body()).contains("<html");
            // Another process finds it through the run directory.
            LocalFlinkCluster attached = LocalFlinkCluster.attach(runDir).orElseThrow();
            assertThat(attached.webUrl()).isEqualTo(cluster.webUrl());
            assertThat(attached.taskManagers()).extracting(LocalFlinkCluster.Member::pid)
                    .containsExactlyElementsOf(cluster.taskManagers().stream().map(LocalFlinkCluster.Member::pid).toList());
            // Each JVM has its own temporary directory, under the run directory.
            assertThat(Files.list(cluster.runDir().resolve("tmp")).map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("jobmanager", "tm-1", "tm-2");
        }
        assertThat(members).noneMatch(ProcessHandle::isAlive);
        assertThat(LocalFlinkCluster.attach(runDir)).isEmpty();
    }

    @Test
    void failsFastWithTheLogWhenTheJobManagerExits() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName(LocalFlinkCluster.HOST))) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> small(Path.of("target", "cluster-it-" + System.nanoTime()))
                    .set("rest.port", Integer.toString(taken.getLocalPort())).taskManagers(1).start())
                    .hasMessageStartingWith("Flink jobmanager (pid ")
                    .hasMessageContaining("exited before its REST API answered: java.net.BindException: "
                            + "Could not start rest endpoint on any port in port range " + taken.getLocalPort() + "\n");
            assertThat((System.nanoTime() - t0) / 1e9).as("seconds until the failure").isLessThan(60);
        }
    }
}
