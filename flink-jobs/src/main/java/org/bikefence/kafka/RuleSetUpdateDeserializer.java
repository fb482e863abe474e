package org.bikefence.kafka;

import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.bikefence.model.RuleSetUpdate;

/** Reads rule-set versions off the {@code rulesets} topic as text; validation happens in the job. */
public class RuleSetUpdateDeserializer implements KafkaRecordDeserializationSchema<RuleSetUpdate> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> r, Collector<RuleSetUpdate> out) {
        String key = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
        String yaml = r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8);
        out.collect(new RuleSetUpdate(key, yaml, r.timestamp(), r.topic() + "-" + r.partition() + "@" + r.offset()));
    }

    @Override
    public TypeInformation<RuleSetUpdate> getProducedType() {
        return Types.POJO(RuleSetUpdate.class);
    }
}
