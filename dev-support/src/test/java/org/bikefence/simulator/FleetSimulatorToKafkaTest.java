package org.bikefence.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** {@link FleetSimulator#finishInto}: what the ITCases and benchmarks send to Kafka, against a producer stand-in. */
class FleetSimulatorToKafkaTest {
    private static final long END = FleetSimulatorTest.START + 3_600_000L;

    private static FleetSimulator simulator() {
        return new FleetSimulator(FleetSimulatorTest.FENCES, OperatorProfile.demo(), 20, FleetSimulatorTest.START, 5, 0);
    }

    @Test
    void sendsEveryRecordKeyedByBikeWithItsKafkaTimestamp() {
        List<SimRecord> expected = new ArrayList<>();
        simulator().finish(END, expected::add);
        MockProducer<byte[], byte[]> producer =
                new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());

        long sent = simulator().finishInto(producer, "positions", END);

        assertThat(sent).isEqualTo(expected.size()).isGreaterThan(20);
        List<ProducerRecord<byte[], byte[]>> history = producer.history();
        assertThat(history).hasSize(expected.size());
        for (int i = 0; i < history.size(); i++) {
            ProducerRecord<byte[], byte[]> r = history.get(i);
            assertThat(r.topic()).isEqualTo("positions");
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(expected.get(i).key);
            assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo(expected.get(i).value);
            assertThat(r.timestamp()).isEqualTo(expected.get(i).kafkaTs);
            assertThat(r.partition()).as("the partitioner places it by key").isNull();
        }
    }

    @Test
    void aFailedSendFailsTheCallNamingTheTopic() {
        MockProducer<byte[], byte[]> producer =
                new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer()) {
                    @Override
                    public synchronized void flush() {
                        while (errorNext(new RuntimeException("broker gone"))) {
                            // fail every pending send, as a broker that went away does
                        }
                    }
                };

        assertThatThrownBy(() -> simulator().finishInto(producer, "positions", END))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("positions")
                .hasMessageContaining("broker gone");
    }
}
