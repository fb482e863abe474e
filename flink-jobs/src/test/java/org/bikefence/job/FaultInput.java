package org.bikefence.job;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.bikefence.geofence.GeoJsonFenceLoader;
import org.bikefence.simulator.FleetSimulator;
import org.bikefence.simulator.OperatorProfile;

/**
 * The input the fault tests share (the influxd outage, the broker loss, the savepoint runs): 1,000 simulated bikes
 * of the demo's three operators in the demo's fences for two hours, with two bad records per thousand.
 */
final class FaultInput {
    static final String RULES = "src/test/resources/rules/sim-huli.yaml";
    static final String FENCES = "../geo-fences/fences/huli-demo.geojson";
    /** 08:00 in Xiamen, 10 November 2026. */
    static final long START = Instant.parse("2026-11-10T00:00:00Z").toEpochMilli();
    static final long END = START + 2 * 3_600_000L;
    static final int BIKES = 1_000;

    private static final java.util.Set<String> THROTTLED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private FaultInput() {}

    /** Writes the input of simulator seed {@code seed} into {@code topic} (keyed by bike); returns its record count. */
    static long produce(Properties producerProps, String topic, long seed) throws Exception {
        FleetSimulator sim = new FleetSimulator(GeoJsonFenceLoader.load(Path.of(FENCES)), OperatorProfile.demo(),
                BIKES, START, seed, 2);
        Properties props = new Properties();
        props.putAll(producerProps);
        props.put("linger.ms", "20");
        // One request in flight and no sequence numbers: a send that meets a partition its broker has not finished
        // creating is retried in order. With idempotence such a first failure once left every later batch refused
        // OUT_OF_ORDER_SEQUENCE_NUMBER until the 2-minute delivery timeout (CI, 2026-12-01). Both runs of a test read
        // the same topic, so a record written twice by a retry would be input to both alike.
        props.put("enable.idempotence", "false");
        props.put("max.in.flight.requests.per.connection", "1");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            awaitLeaders(producer, topic);
            return sim.finishInto(producer, topic, END);
        }
    }

    /** Polls the topic's metadata until every partition has a leader (a topic just created may not yet). */
    static void awaitLeaders(KafkaProducer<byte[], byte[]> producer, String topic) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            List<org.apache.kafka.common.PartitionInfo> partitions = producer.partitionsFor(topic);
            if (!partitions.isEmpty() && partitions.stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topic " + topic + " has partitions without a leader after 30 s: "
                        + partitions);
            }
            Thread.sleep(50);
        }
    }

    /**
     * Limits what each Kafka consumer may fetch, per broker, to {@code bytesPerSecond} until closed (the brokers'
     * default client quota, {@code consumer_byte_rate}). A fault test injects its fault after run B's first checkpoint;
     * the job reads the whole input in a second or two on a quiet machine, so without this run B would be over
     * before the fault. The output does not depend on how fast the job reads.
     */
    static AutoCloseable throttledFetches(String bootstrapServers, long bytesPerSecond) throws Exception {
        setFetchQuota(bootstrapServers, (double) bytesPerSecond);
        THROTTLED.add(bootstrapServers);
        return () -> {
            if (THROTTLED.remove(bootstrapServers)) {
                setFetchQuota(bootstrapServers, null);
            }
        };
    }

    /** After each fault test: no broker stays throttled for the test classes that share it, whatever failed. */
    static void removeThrottles() throws Exception {
        for (String bootstrapServers : List.copyOf(THROTTLED)) {
            THROTTLED.remove(bootstrapServers);
            setFetchQuota(bootstrapServers, null);
        }
    }

    private static void setFetchQuota(String bootstrapServers, Double bytesPerSecond) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(p)) {
            ClientQuotaEntity everyClient = new ClientQuotaEntity(
                    Collections.singletonMap(ClientQuotaEntity.CLIENT_ID, null));
            admin.alterClientQuotas(List.of(new ClientQuotaAlteration(everyClient,
                    List.of(new ClientQuotaAlteration.Op("consumer_byte_rate", bytesPerSecond)))))
                    .all().get(30, TimeUnit.SECONDS);
        }
    }
}
