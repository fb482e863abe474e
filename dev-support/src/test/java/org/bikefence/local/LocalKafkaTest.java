package org.bikefence.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parts of {@link LocalKafka} that need no broker: its server.properties, launcher options, log tail. */
class LocalKafkaTest {

    @Test
    void rendersASingleNodeKraftConfigOnLoopback() throws Exception {
        Properties props = new Properties();
        props.load(new StringReader(new KafkaServerProperties(19092, 19093, 2, Path.of("/w/data")).render()));

        assertThat(props)
                .containsEntry("process.roles", "broker,controller")
                .containsEntry("controller.quorum.voters", "1@127.0.0.1:19093")
                .containsEntry("listeners", "PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093")
                .containsEntry("advertised.listeners", "PLAINTEXT://127.0.0.1:19092")
                .containsEntry("log.dirs", "/w/data")
                .containsEntry("num.partitions", "2")
                .containsEntry("offsets.topic.replication.factor", "1")
                .containsEntry("transaction.state.log.min.isr", "1")
                .containsEntry("log.retention.ms", "-1");
    }

    @Test
    void rejectsTheSamePortForBrokerAndController() {
        assertThatThrownBy(() -> new KafkaServerProperties(9092, 9092, 1, Path.of("d")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("distinct");
    }

    @Test
    void parsesLauncherOptionsWithFreePortsByDefault() {
        KafkaLauncherArgs args = KafkaLauncherArgs.parse("--dir", "/tmp/k", "--broker-classpath-file", "cp.txt");

        assertThat(args.workDir()).isEqualTo(Path.of("/tmp/k"));
        assertThat(args.port()).isZero();
        assertThat(args.controllerPort()).isZero();
        assertThat(args.partitions()).isEqualTo(1);
        assertThat(args.brokerClasspathFile()).isEqualTo(Path.of("cp.txt"));
    }

    @Test
    void rejectsLauncherOptionsWithoutWorkDirOrWithUnknownNames() {
        assertThatThrownBy(() -> KafkaLauncherArgs.parse("--port", "9092"))
                .hasMessageContaining("--dir is required");
        assertThatThrownBy(() -> KafkaLauncherArgs.parse("--dir", "d", "--prot", "9092"))
                .hasMessageContaining("Unknown option --prot");
        assertThatThrownBy(() -> KafkaLauncherArgs.parse("--dir", "d", "--port", "x"))
                .hasMessageContaining("--port needs a number");
    }

    @Test
    void tailsTheLast30LinesWrittenSinceAnOffset(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("kafka.log");
        Files.writeString(log, "previous run\n");
        long offset = Files.size(log);
        Files.writeString(log, IntStream.rangeClosed(1, 40).mapToObj(i -> "line " + i + "\n")
                .collect(Collectors.joining()), java.nio.file.StandardOpenOption.APPEND);

        String tail = LocalKafka.tail(log, offset);

        assertThat(tail.lines()).hasSize(30).first().isEqualTo("line 11");
        assertThat(LocalKafka.tail(dir.resolve("kafka-format.log"), 0)).startsWith("(could not read");
    }

    @Test
    void picksDistinctFreeLoopbackPorts() {
        int[] ports = LocalKafka.freeLoopbackPorts(2);

        assertThat(ports[0]).isPositive().isNotEqualTo(ports[1]);
    }
}
