package org.bikefence.ingest;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.bikefence.local.LocalKafka;
import org.bikefence.model.Topics;

/** Reads a single-partition test topic from an offset with a deadline, and its end offset; names dead letters. */
public final class TopicReader implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final TopicPartition partition;

    public TopicReader(LocalKafka kafka, String topic) {
        this.consumer = new KafkaConsumer<>(kafka.consumerProps("reader-" + topic));
        this.partition = new TopicPartition(topic, 0);
        consumer.assign(List.of(partition));
    }

    /** The records at offsets [from, from + count), failing when they do not arrive within the deadline. */
    public List<ConsumerRecord<byte[], byte[]>> read(long from, int count, Duration deadline) {
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
    public long endOffset() {
        Map<TopicPartition, Long> end = consumer.endOffsets(List.of(partition), Duration.ofSeconds(10));
        return end.get(partition);
    }

    /** Each record as "key reason" (the key, or "null", and its dead-letter reason header). */
    public static List<String> keysAndReasons(List<ConsumerRecord<byte[], byte[]>> records) {
        List<String> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            out.add((r.key() == null ? "null" : new String(r.key(), StandardCharsets.UTF_8)) + " "
                    + header(r, Topics.HEADER_REASON));
        }
        return out;
    }

    /** The value of a record's last header of that name, or null. */
    public static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
