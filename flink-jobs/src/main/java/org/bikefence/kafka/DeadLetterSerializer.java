package org.bikefence.kafka;

import org.bikefence.model.Topics;

import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.bikefence.model.DeadLetter;

/**
 * Writes a dead letter with its original key and value bytes unchanged; the reason, detail, rejection
 * time and source coordinates travel as headers, so a fixed record can be replayed byte for byte.
 */
public class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {
    private static final long serialVersionUID = 1L;

    private final String topic;

    public DeadLetterSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DeadLetter d, KafkaSinkContext context, Long timestamp) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(Topics.HEADER_REASON, utf8(d.reason));
        headers.add(Topics.HEADER_DETAIL, utf8(d.detail));
        headers.add(Topics.HEADER_REJECTED_AT, utf8(Long.toString(d.rejectedAt)));
        headers.add(Topics.HEADER_SOURCE, utf8(d.sourceTopic + "-" + d.sourcePartition + "@" + d.sourceOffset));
        return new ProducerRecord<>(topic, null, null, d.key, d.value, headers);
    }

    private static byte[] utf8(String s) {
        return s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8);
    }
}
