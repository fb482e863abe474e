package org.bikefence.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a real three-node {@link LocalKafkaCluster}: a producer with {@code acks=all} sends throughout; the leader
 * of a partition is killed with SIGKILL, the producer carries on with the other two nodes, the node is started again
 * on its data and rejoins every ISR; every acknowledged record is in the topic exactly once.
 */
class LocalKafkaClusterITCase {

    private static final Logger LOG = LoggerFactory.getLogger(LocalKafkaClusterITCase.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String TOPIC = "cluster-reports";
    private static final int PARTITIONS = 4;

    @Test
    void producersWithAcksAllCarryOnThroughAKilledNodeThatRejoinsEveryIsrWhenStartedAgain() throws Exception {
        Path workDir = LocalKafkaCluster.workDirOfThisJvm(Path.of("target"));
        try (LocalKafkaCluster cluster = LocalKafkaCluster.start(workDir, System.getProperty("java.class.path"))) {
            assertThat(cluster.liveBrokers()).containsExactly(1, 2, 3);
            for (int id : cluster.nodeIds()) {
                assertThat(Files.readString(Path.of("/proc", Long.toString(cluster.node(id).pid()), "cmdline")))
                        .as("node %d's JVM options", id).contains("-Xmx" + LocalKafkaCluster.DEFAULT_MAX_HEAP);
            }
            cluster.createTopics(PARTITIONS, TOPIC);
            assertReplicatedThreeTimesWithTwoInSyncRequired(cluster);

            int victim = cluster.leader(TOPIC, 0);
            try (Sender sender = new Sender(cluster)) {
                awaitAcks(sender::acked, 2_000);
                long ackedAtKill = sender.acked();
                long killNanos = System.nanoTime();
                cluster.kill(victim);
                assertThat(cluster.node(victim).pid()).as("pid of the killed node").isEqualTo(-1);

                cluster.awaitOutOfSync(victim, TIMEOUT);
                double fencedAfter = (System.nanoTime() - killNanos) / 1e9;
                assertThat(cluster.liveBrokers()).as("brokers after the kill").doesNotContain(victim).hasSize(2);
                assertThat(cluster.leaders(TOPIC).values()).as("leaders after the kill").doesNotContain(victim, -1);
                awaitAcks(sender::acked, ackedAtKill + 3_000);
                double carriedOnAfter = (System.nanoTime() - killNanos) / 1e9;

                long restartNanos = System.nanoTime();
                cluster.restart(victim);
                cluster.awaitInSync(victim, TIMEOUT);
                double inSyncAfter = (System.nanoTime() - restartNanos) / 1e9;
                assertThat(cluster.liveBrokers()).as("brokers after the restart").containsExactly(1, 2, 3);
                awaitAcks(sender::acked, sender.acked() + 1_000);
                sender.stop();
                LOG.info("Node {} killed after {} acks; out of every ISR after {} s, 3,000 more acks after {} s; "
                                + "restarted and back in every ISR after {} s; {} records acknowledged in all",
                        victim, ackedAtKill, fencedAfter, carriedOnAfter, inSyncAfter, sender.acked());
                assertThat(sender.failures()).as("failed sends").isEmpty();
                // Sorted lists, not containsExactlyInAnyOrder: that is quadratic, and the sender sends some 10^5.
                List<String> inTopic = new ArrayList<>(readAll(cluster));
                List<String> acked = new ArrayList<>(sender.ackedValues());
                inTopic.sort(null);
                acked.sort(null);
                assertThat(inTopic.size()).as("records in " + TOPIC).isEqualTo(acked.size());
                assertThat(inTopic).as("records in " + TOPIC + ", each acknowledged one once").isEqualTo(acked);
            }
            assertThat(cluster.leaders(TOPIC).values()).as("leaders at the end").doesNotContain(-1);
        }
    }

    private static void assertReplicatedThreeTimesWithTwoInSyncRequired(LocalKafkaCluster cluster) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            TopicDescription topic = admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC);
            assertThat(topic.partitions()).hasSize(PARTITIONS).allSatisfy(p -> {
                assertThat(p.replicas()).hasSize(3);
                assertThat(p.isr()).hasSize(3);
            });
            assertThat(topic.partitions().stream().map(TopicPartitionInfo::leader).map(n -> n.id()).distinct())
                    .as("leaders of the %d partitions, spread over the nodes", PARTITIONS).hasSize(3);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, TOPIC);
            Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            assertThat(config.get("min.insync.replicas").value()).isEqualTo("2");
        }
    }

    private static void awaitAcks(LongSupplier acked, long atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (acked.getAsLong() < atLeast) {
            assertThat(System.nanoTime() - deadline).as("%d acknowledged records within %s", atLeast, TIMEOUT)
                    .isNegative();
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    /** Everything in the topic, read from the beginning to the end offsets, as values. */
    private static List<String> readAll(LocalKafkaCluster cluster) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cluster.consumerProps("read-all"))) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                tps.add(new TopicPartition(TOPIC, p));
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                assertThat(System.nanoTime() - deadline).as("read to the end within %s", TIMEOUT).isNegative();
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(new String(r.value(), UTF_8));
                }
            }
        }
        return values;
    }

    /** Sends numbered records from a thread of its own, at most 500 unacknowledged, until stopped. */
    private static final class Sender implements AutoCloseable {
        private final KafkaProducer<byte[], byte[]> producer;
        private final Semaphore inFlight = new Semaphore(500);
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<String> acked = Collections.synchronizedList(new ArrayList<>());
        private final List<Exception> failures = Collections.synchronizedList(new ArrayList<>());
        private final Thread thread;

        Sender(LocalKafkaCluster cluster) {
            producer = new KafkaProducer<>(cluster.producerProps());
            thread = new Thread(this::send, "cluster-sender");
            thread.start();
        }

        private void send() {
            for (long i = 0; running.get(); i++) {
                try {
                    if (!inFlight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                        i--;
                        continue;
                    }
                } catch (InterruptedException e) {
                    return;
                }
                String value = "report-" + i;
                producer.send(new ProducerRecord<>(TOPIC, ("bike-" + (i % 97)).getBytes(UTF_8), value.getBytes(UTF_8)),
                        (metadata, error) -> {
                            if (error == null) {
                                acked.add(value);
                            } else {
                                failures.add(error);
                            }
                            inFlight.release();
                        });
            }
        }

        long acked() {
            return acked.size();
        }

        List<String> ackedValues() {
            synchronized (acked) {
                return List.copyOf(acked);
            }
        }

        List<Exception> failures() {
            synchronized (failures) {
                return List.copyOf(failures);
            }
        }

        /** Stops sending and waits until every record sent is acknowledged or failed. */
        void stop() throws InterruptedException {
            running.set(false);
            thread.join(TIMEOUT.toMillis());
            producer.flush();
        }

        @Override
        public void close() throws InterruptedException {
            stop();
            producer.close(Duration.ofSeconds(30));
        }
    }
}
