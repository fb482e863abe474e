package org.bikefence.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.bikefence.cli.Bikefence;
import org.bikefence.local.LocalKafka;
import org.bikefence.testing.KafkaExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code rules publish} through the one CLI against a real broker: a good file goes whole, a bad one never. */
@ExtendWith(KafkaExtension.class)
class RuleSetPublisherITCase {
    private static final Path HULI = Path.of("../scoring-rules/rulesets/huli.yaml");

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cl = Bikefence.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void publishesAValidFileKeyedByItsVersionAndRefusesABadOneWithTheLoadersLine(@TempDir Path dir)
            throws Exception {
        LocalKafka kafka = KafkaExtension.kafka();
        String topic = "rp-" + System.nanoTime();
        kafka.createTopics(1, topic);
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, Files.readString(HULI).replace("graceMinutes: 10 ", "graceMinutes: -5 "));

        Run refused = run("rules", "publish", bad.toString(), "--bootstrap", kafka.bootstrapServers(),
                "--topic", topic);
        Run published = run("rules", "publish", HULI.toString(), "--bootstrap", kafka.bootstrapServers(),
                "--topic", topic);

        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err().strip()).hasLineCount(1).startsWith("bikefence rules publish: NOT published: ")
                .contains("bad.yaml").containsPattern("line \\d+").contains("rules.noPark.graceMinutes")
                .contains("-5");
        assertThat(published.exit()).as(published.err()).isZero();
        assertThat(published.out()).contains("rule set huli-2026.1, in force from 2026-01-01, to topic " + topic);

        List<String> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(kafka.consumerProps("rp-check"))) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    records.add(new String(r.key(), StandardCharsets.UTF_8) + "="
                            + new String(r.value(), StandardCharsets.UTF_8));
                }
            }
            // Whatever else arrives within a last poll: the refused file must not be there.
            for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(1000))) {
                records.add(new String(r.key(), StandardCharsets.UTF_8));
            }
        }
        assertThat(records).containsExactly("huli-2026.1=" + Files.readString(HULI));
    }
}
