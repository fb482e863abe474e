package org.bikefence.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.bikefence.local.LocalKafka;

/** Reads a single-partition test topic from an offset with a deadline, and its end offset. */
final class TopicReader implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final TopicPartition partition;

    TopicReader(LocalKafka kafka, String topic) {
        this.consumer = new KafkaConsumer<>(kafka.consumerProps("reader-" + topic));
        this.partition = new TopicPartition(topic, 0);
        consumer.assign(List.of(partition));
    }

    /** The records at offsets [from, from + count), failing when they do not arrive within the deadline. */
    List<ConsumerRecord<byte[], byte[]>> read(long from, int count, Duration deadline) {
        consumer.seek(partition, from);
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        long end = System.nanoTime() + deadline.toNanos();
        while (out.size() < count && System.nanoTime() < end) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (out.size() < count) {
                    out.add(r);
                }
            }
        }
        if (out.size() < count) {
            throw new AssertionError("only " + out.size() + " of " + count + " records from offset " + from + " of "
                    + partition + " within " + deadline);
        }
        return out;
    }

    /** The offset the next record will get: what is in the topic now. */
    long endOffset() {
        Map<TopicPartition, Long> end = consumer.endOffsets(List.of(partition), Duration.ofSeconds(10));
        return end.get(partition);
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
