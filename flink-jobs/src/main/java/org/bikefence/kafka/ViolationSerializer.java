package org.bikefence.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.bikefence.model.ViolationEvent;

/**
 * Publishes violations as they open and close to {@code bike-violations} for dispatch: JSON, key = the
 * fence id for fence violations (so one fence's events stay in order), else the bike id.
 */
public class ViolationSerializer implements KafkaRecordSerializationSchema<ViolationEvent> {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String topic;

    public ViolationSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(ViolationEvent v, KafkaSinkContext context, Long timestamp) {
        String key = v.fenceId != null ? v.fenceId : v.bikeId;
        return new ProducerRecord<>(topic, null, v.eventTime(), key.getBytes(StandardCharsets.UTF_8), toJson(v));
    }

    /** The message value documented in flink-jobs/README.md, "The {@code bike-violations} messages". */
    public static byte[] toJson(ViolationEvent v) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", v.type.wireName() + ":" + v.operator + ":" + v.bikeId + ":" + v.openedAt);
        n.put("event", v.kind == ViolationEvent.Kind.OPENED ? "opened" : "closed");
        n.put("type", v.type.wireName());
        n.put("operator", v.operator);
        n.put("bikeId", v.bikeId);
        if (v.fenceId != null) {
            n.put("fenceId", v.fenceId);
        }
        n.put("lat", v.lat);
        n.put("lng", v.lng);
        n.put("since", v.parkedSince);
        n.put("openedAt", v.openedAt);
        if (v.closedAt >= 0) {
            n.put("closedAt", v.closedAt);
            n.put("durationS", v.durationMs() / 1000.0);
        }
        if (v.fenceSetVersion != null) {
            n.put("fenceSet", v.fenceSetVersion);
        }
        try {
            return JSON.writeValueAsBytes(n);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
