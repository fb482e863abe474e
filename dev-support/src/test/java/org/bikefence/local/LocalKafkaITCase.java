package org.bikefence.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.bikefence.testing.KafkaExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the real broker of {@link KafkaExtension}: produce with acks=all, read back, restart, read back again. */
@ExtendWith(KafkaExtension.class)
class LocalKafkaITCase {

    private static final Logger LOG = LoggerFactory.getLogger(LocalKafkaITCase.class);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
    private static final int BIKES = 37;

    @Test
    void readsBackEveryAcknowledgedRecordInProducedOrderPerBike(LocalKafka kafka) throws Exception {
        kafka.createTopics(2, "reports-roundtrip");
        List<Report> sent = reports(0, 1_000);

        List<RecordMetadata> acks = produce(kafka, "reports-roundtrip", sent);
        List<Report> received = readAll(kafka, "reports-roundtrip", "roundtrip", sent.size());

        assertThat(acks).extracting(RecordMetadata::partition).containsOnly(0, 1).contains(0, 1);
        assertThat(received).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(byBike(received)).isEqualTo(byBike(sent));
    }

    @Test
    void keepsAcknowledgedRecordsAcrossARestart(LocalKafka kafka) throws Exception {
        kafka.createTopics(2, "reports-restart");
        List<Report> before = reports(0, 1_000);
        produce(kafka, "reports-restart", before);
        Duration firstStartup = kafka.startupTime();

        long restartNanos = System.nanoTime();
        kafka.restart();
        Duration restart = Duration.ofNanos(System.nanoTime() - restartNanos);
        LOG.info("Broker restart took {} ms in all, {} ms from JVM launch to ready (first start: {} ms)",
                restart.toMillis(), kafka.startupTime().toMillis(), firstStartup.toMillis());

        assertThat(readAll(kafka, "reports-restart", "after-restart", before.size()))
                .containsExactlyInAnyOrderElementsOf(before);

        List<Report> after = reports(1_000, 100);
        produce(kafka, "reports-restart", after);
        List<Report> all = new ArrayList<>(before);
        all.addAll(after);
        List<Report> received = readAll(kafka, "reports-restart", "after-restart-and-produce", all.size());
        assertThat(received).containsExactlyInAnyOrderElementsOf(all);
        assertThat(byBike(received)).isEqualTo(byBike(all));
    }

    @Test
    void measuresStartupTime(LocalKafka kafka) {
        LOG.info("Kafka broker on {} was ready {} ms after its JVM was launched",
                kafka.bootstrapServers(), kafka.startupTime().toMillis());
        assertThat(kafka.startupTime()).isPositive();
        assertThat(KafkaExtension.kafka()).isSameAs(kafka);
    }

    @Test
    void failsWithTheEndOfTheBrokerLogWhenTheBrokerDiesBeforeItIsReady() {
        int[] ports = LocalKafka.freeLoopbackPorts(2);
        // 192.0.2.1 (TEST-NET-1) is never a local address: formatting succeeds, binding the listener does not.
        LocalKafka.Builder doomed = LocalKafka.builder(
                        Path.of("target", "kafka-doomed-" + ProcessHandle.current().pid()),
                        System.getProperty("java.class.path"))
                .port(ports[0])
                .controllerPort(ports[1])
                .serverProperty("listeners", "PLAINTEXT://192.0.2.1:" + ports[0] + ",CONTROLLER://127.0.0.1:" + ports[1]);

        assertThatThrownBy(doomed::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exited with code")
                .hasMessageContaining("kafka.log")
                .hasMessageContaining("Socket server failed to bind to 192.0.2.1");
    }

    private record Report(String bike, String body) {}

    private static List<Report> reports(int from, int count) {
        return IntStream.range(from, from + count)
                .mapToObj(i -> new Report("bike-" + (i % BIKES), "report-" + i))
                .toList();
    }

    private static Map<String, List<String>> byBike(List<Report> reports) {
        Map<String, List<String>> byBike = new LinkedHashMap<>();
        reports.forEach(r -> byBike.computeIfAbsent(r.bike(), b -> new ArrayList<>()).add(r.body()));
        return byBike;
    }

    /** Sends all reports and returns once every one is acknowledged by the broker. */
    private static List<RecordMetadata> produce(LocalKafka kafka, String topic, List<Report> reports)
            throws Exception {
        List<Future<RecordMetadata>> futures = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProps())) {
            for (Report r : reports) {
                futures.add(producer.send(
                        new ProducerRecord<>(topic, r.bike().getBytes(UTF_8), r.body().getBytes(UTF_8))));
            }
            producer.flush();
            List<RecordMetadata> acks = new ArrayList<>();
            for (Future<RecordMetadata> f : futures) {
                acks.add(f.get());
            }
            return acks;
        }
    }

    /** Reads from the beginning until {@code expected} records arrived, and checks the log holds no more. */
    private static List<Report> readAll(LocalKafka kafka, String topic, String groupId, int expected) {
        List<Report> received = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.consumerProps(groupId))) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (received.size() < expected && System.nanoTime() - deadline < 0) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    received.add(new Report(new String(r.key(), UTF_8), new String(r.value(), UTF_8)));
                }
            }
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            long inLog = consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
            assertThat(inLog).as("records in the log of %s", topic).isEqualTo(expected);
        }
        assertThat(received).as("records read from %s within %s", topic, READ_TIMEOUT).hasSize(expected);
        return received;
    }
}
