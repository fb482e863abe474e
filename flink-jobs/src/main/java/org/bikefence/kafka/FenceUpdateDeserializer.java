package org.bikefence.kafka;

import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.bikefence.model.FenceUpdate;

/** Reads fence updates off the {@code geofences} topic untouched; validation happens in the job. */
public class FenceUpdateDeserializer implements KafkaRecordDeserializationSchema<FenceUpdate> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> r, Collector<FenceUpdate> out) {
        String name = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
        out.collect(new FenceUpdate(name, r.value() == null ? new byte[0] : r.value(), r.timestamp(),
                r.topic() + "-" + r.partition() + "@" + r.offset()));
    }

    @Override
    public TypeInformation<FenceUpdate> getProducedType() {
        return TypeInformation.of(FenceUpdate.class);
    }
}
