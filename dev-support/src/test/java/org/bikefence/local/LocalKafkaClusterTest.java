package org.bikefence.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server.properties of a {@link LocalKafkaCluster} node, without starting one. */
class LocalKafkaClusterTest {

    @Test
    void rendersANodeOfAThreeVoterQuorumWithReplicationThreeAndTwoInSync() throws Exception {
        int[] controllerPorts = {29093, 29095, 29097};
        Properties props = new Properties();
        props.load(new StringReader(new KafkaServerProperties(29094, 29095, 1, Path.of("/w/node-2/data"),
                LocalKafkaCluster.nodeProperties(2, controllerPorts)).render()));

        assertThat(props)
                .containsEntry("process.roles", "broker,controller")
                .containsEntry("node.id", "2")
                .containsEntry("controller.quorum.voters", "1@127.0.0.1:29093,2@127.0.0.1:29095,3@127.0.0.1:29097")
                .containsEntry("listeners", "PLAINTEXT://127.0.0.1:29094,CONTROLLER://127.0.0.1:29095")
                .containsEntry("default.replication.factor", "3")
                .containsEntry("min.insync.replicas", "2")
                .containsEntry("offsets.topic.replication.factor", "3")
                .containsEntry("transaction.state.log.replication.factor", "3")
                .containsEntry("transaction.state.log.min.isr", "2")
                .containsEntry("share.coordinator.state.topic.replication.factor", "3")
                .containsEntry("unclean.leader.election.enable", "false");
    }

    @Test
    void clearsTheNodesLeftByADeadJvmAndNamesItsOwnDirectoryByItsPid(@TempDir Path target) throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path leftover = target.resolve("kafka-cluster-" + gone.pid()).resolve("node-2");
        Files.createDirectories(leftover);
        // The pid of a live process that is not a broker: the pid file goes, the process stays.
        Files.writeString(leftover.resolve("kafka.pid"), Long.toString(ProcessHandle.current().pid()));

        Path own = LocalKafkaCluster.workDirOfThisJvm(target);

        assertThat(own).isEqualTo(target.resolve("kafka-cluster-" + ProcessHandle.current().pid()));
        assertThat(leftover.resolve("kafka.pid")).doesNotExist();
        assertThat(ProcessHandle.current().isAlive()).isTrue();
    }
}
