package org.bikefence.job;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
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

    private FaultInput() {}

    /** Writes the input of simulator seed {@code seed} into {@code topic} (keyed by bike); returns its record count. */
    static long produce(Properties producerProps, String topic, long seed) throws Exception {
        FleetSimulator sim = new FleetSimulator(GeoJsonFenceLoader.load(Path.of(FENCES)), OperatorProfile.demo(),
                BIKES, START, seed, 2);
        Properties props = new Properties();
        props.putAll(producerProps);
        props.put("linger.ms", "20");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            return sim.finishInto(producer, topic, END);
        }
    }
}
