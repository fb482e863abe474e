package org.bikefence.ingest;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.bikefence.kafka.KafkaClientSecurity;
import org.bikefence.model.Topics;
import org.bikefence.model.BikePosition;

/**
 * Publishes one batch of positions and dead letters and returns only when Kafka has acknowledged all of them
 * ({@code acks=all}, idempotent producer), or throws: callers acknowledge their input (a 2xx, a committed
 * snapshot) only after {@link #publish} returned.
 */
public final class PositionPublisher implements AutoCloseable {

    private final Producer<byte[], byte[]> producer;
    private final String positionsTopic;
    private final String dlqTopic;
    private final Duration timeout;

    /** A batch that Kafka did not acknowledge in time: none of it may be reported as stored. */
    public static final class PublishException extends Exception {
        private static final long serialVersionUID = 1L;

        PublishException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * @param timeout how long {@link #publish} waits for the acknowledgements; the producer's own delivery
     *     timeout is set to the same, so a record not acknowledged by then has failed rather than still pending
     */
    public PositionPublisher(String bootstrapServers, String positionsTopic, String dlqTopic, Duration timeout,
            String clientId) {
        this(bootstrapServers, KafkaClientSecurity.plaintext(), positionsTopic, dlqTopic, timeout, clientId);
    }

    /** A publisher whose producer connects with {@code security} (SASL_SSL ...; secrets resolved here, at creation). */
    public PositionPublisher(String bootstrapServers, KafkaClientSecurity security, String positionsTopic,
            String dlqTopic, Duration timeout, String clientId) {
        this(new KafkaProducer<>(security.applyTo(producerProps(bootstrapServers, timeout, clientId))), positionsTopic,
                dlqTopic, timeout);
    }

    PositionPublisher(Producer<byte[], byte[]> producer, String positionsTopic, String dlqTopic, Duration timeout) {
        this.producer = producer;
        this.positionsTopic = positionsTopic;
        this.dlqTopic = dlqTopic;
        this.timeout = timeout;
    }

    static Properties producerProps(String bootstrapServers, Duration timeout, String clientId) {
        long ms = Math.max(timeout.toMillis(), 2000);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        // delivery.timeout.ms >= linger.ms + request.timeout.ms is required by the client.
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(ms / 2));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(ms));
        // send() blocks for metadata while no broker answers; bounded so that the caller's deadline holds.
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(ms / 2));
        return p;
    }

    /** A position message of the contract, keyed by bike id. */
    public ProducerRecord<byte[], byte[]> position(BikePosition p, byte[] value) {
        return new ProducerRecord<>(positionsTopic, utf8(p.bikeId), value);
    }

    /** A dead letter with the job's headers; {@code source} names the feed, e.g. {@code gbfs:hello}. */
    public ProducerRecord<byte[], byte[]> deadLetter(Rejection r, String source, long rejectedAt) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(Topics.HEADER_REASON, utf8(r.reason()));
        headers.add(Topics.HEADER_DETAIL, utf8(r.detail()));
        headers.add(Topics.HEADER_REJECTED_AT, utf8(Long.toString(rejectedAt)));
        headers.add(Topics.HEADER_SOURCE, utf8(source));
        return new ProducerRecord<>(dlqTopic, null, null, r.bikeId() == null ? null : utf8(r.bikeId()),
                r.original(), headers);
    }

    /** Sends all records and waits until every one is acknowledged. */
    public void publish(List<ProducerRecord<byte[], byte[]>> records) throws PublishException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
        try {
            for (ProducerRecord<byte[], byte[]> r : records) {
                acks.add(producer.send(r));
            }
            for (Future<RecordMetadata> ack : acks) {
                ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException("interrupted while waiting for Kafka", e);
        } catch (ExecutionException e) {
            throw new PublishException("Kafka rejected the batch: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new PublishException("Kafka did not acknowledge the batch within " + timeout.toMillis() + " ms", e);
        } catch (RuntimeException e) {
            // send() throws e.g. a TimeoutException (Kafka's) when it cannot get metadata within max.block.ms.
            throw new PublishException("Kafka did not take the batch: " + e, e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
