package org.bikefence.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.bikefence.local.LocalKafka;
import org.bikefence.testing.KafkaExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(KafkaExtension.class)
class FencePublisherITCase {
    private static final Path V1 = Path.of("../flink-jobs/src/test/resources/fences/it-fences.geojson");
    private static final Path V2 = Path.of("../flink-jobs/src/test/resources/fences/it-fences-v2.geojson");

    @Test
    void publishesValidFilesWholeAndRefusesInvalidOnesInWatchMode(@TempDir Path dir) throws Exception {
        LocalKafka kafka = KafkaExtension.kafka();
        String topic = "fp-" + System.nanoTime();
        kafka.createTopics(1, topic);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (FencePublisher p = new FencePublisher(new KafkaProducer<>(kafka.producerProps()), topic,
                new PrintStream(log, true, StandardCharsets.UTF_8))) {
            Path watched = dir.resolve("huli.geojson");
            Files.copy(V1, watched);
            assertThat(p.pollOnce(dir)).containsExactly(watched);
            assertThat(p.pollOnce(dir)).as("unchanged files are not published again").isEmpty();

            Files.writeString(watched, "{\"type\":\"FeatureCollection\",\"features\":[]}");
            assertThat(p.pollOnce(dir)).as("a file without a version is refused").isEmpty();
            assertThat(log.toString(StandardCharsets.UTF_8)).contains("NOT published").contains("huli.geojson");

            Files.copy(V2, watched, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            assertThat(p.pollOnce(dir)).containsExactly(watched);

            Path broken = dir.resolve("broken.geojson");
            Files.writeString(broken, "not json");
            assertThatThrownBy(() -> p.publish(broken, "x")).hasMessageContaining("broken.geojson");
        }

        List<String> values = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(kafka.consumerProps("fp-check"))) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < 2 && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    keys.add(new String(r.key(), StandardCharsets.UTF_8));
                    values.add(new String(r.value(), StandardCharsets.UTF_8));
                }
            }
        }
        assertThat(keys).containsExactly("huli", "huli");
        assertThat(values).containsExactly(Files.readString(V1), Files.readString(V2));
    }
}
