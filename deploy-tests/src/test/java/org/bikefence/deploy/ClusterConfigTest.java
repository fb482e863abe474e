package org.bikefence.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * docker/flink/cluster.yaml, the job image's conf/config.yaml, against docker/flink/config.yaml, the demo's: the
 * same settings except what a containerised cluster must set otherwise (the keys marked "cluster:" there).
 */
class ClusterConfigTest {
    /** Keys of config.yaml that cluster.yaml sets otherwise, each for a reason given in cluster.yaml. */
    private static final Set<String> CLUSTER_OVERRIDES = Set.of("state.backend.type", "rest.address",
            "rest.bind-address");

    private final Map<String, String> demo = DeployFiles.flatten(DeployFiles.yaml(DeployFiles.DOCKER.resolve("flink/config.yaml")));
    private final Map<String, String> cluster = DeployFiles.flatten(DeployFiles.yaml(DeployFiles.DOCKER.resolve("flink/cluster.yaml")));

    @Test
    void clusterConfigKeepsEveryDemoSettingItDoesNotOverride() {
        demo.forEach((key, value) -> {
            assertThat(cluster).as("docker/flink/cluster.yaml lacks %s of docker/flink/config.yaml", key)
                    .containsKey(key);
            if (!CLUSTER_OVERRIDES.contains(key)) {
                assertThat(cluster.get(key)).as("docker/flink/cluster.yaml %s (docker/flink/config.yaml: %s)", key, value)
                        .isEqualTo(value);
            }
        });
    }

    @Test
    void clusterRunsRocksDbWithThePrometheusReporterAndListensBeyondLocalhost() {
        assertThat(cluster).containsEntry("state.backend.type", "rocksdb")
                .containsEntry("execution.checkpointing.incremental", "true")
                .containsEntry("metrics.reporter.prom.factory.class",
                        "org.apache.flink.metrics.prometheus.PrometheusReporterFactory")
                .containsEntry("rest.bind-address", "0.0.0.0")
                .containsEntry("taskmanager.bind-host", "0.0.0.0")
                .containsEntry("jobmanager.bind-host", "0.0.0.0");
        // Checkpoints on the volume compose mounts on the JobManager and every TaskManager.
        ComposeFile compose = new ComposeFile(DeployFiles.COMPOSE);
        for (String service : compose.servicesOfImage("bikefence-job")) {
            String mount = DeployFiles.list(compose.service(service), "volumes").stream().map(String::valueOf)
                    .filter(v -> v.startsWith("flink-state:")).findFirst()
                    .orElseThrow(() -> new AssertionError("services." + service + ": no flink-state volume"));
            String target = mount.split(":")[1];
            assertThat(cluster.get("execution.checkpointing.dir")).startsWith("file://" + target + "/");
            assertThat(cluster.get("execution.checkpointing.savepoint-dir")).startsWith("file://" + target + "/");
        }
    }
}
