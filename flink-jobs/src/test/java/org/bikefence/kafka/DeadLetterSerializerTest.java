package org.bikefence.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.bikefence.model.DeadLetter;
import org.bikefence.model.RawRecord;
import org.bikefence.model.Topics;
import org.junit.jupiter.api.Test;

class DeadLetterSerializerTest {

    @Test
    void namesTheSourceTopicPartitionAndOffsetAndKeepsTheOriginalBytes() {
        byte[] key = "hello-00042".getBytes(StandardCharsets.UTF_8);
        byte[] value = "{\"bikeId\":".getBytes(StandardCharsets.UTF_8);
        RawRecord raw = new RawRecord(key, value, "bike-positions", 3, 12345L, 1_700_000_000_000L);
        DeadLetter d = new DeadLetter(raw, "malformed_json", "unexpected end", 1_700_000_000_500L);

        ProducerRecord<byte[], byte[]> r = new DeadLetterSerializer("bike-positions-dlq").serialize(d, null, null);

        assertThat(r.topic()).isEqualTo("bike-positions-dlq");
        assertThat(r.key()).isEqualTo(key);
        assertThat(r.value()).isEqualTo(value);
        assertThat(header(r, Topics.HEADER_SOURCE)).isEqualTo("bike-positions-3@12345");
        assertThat(header(r, Topics.HEADER_REASON)).isEqualTo("malformed_json");
        assertThat(header(r, Topics.HEADER_REJECTED_AT)).isEqualTo("1700000000500");
    }

    private static String header(ProducerRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
