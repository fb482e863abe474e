package org.bikefence.ingest.mds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bikefence.ingest.TopicReader.keysAndReasons;
import static org.bikefence.ingest.IngestFixtures.T0;
import static org.bikefence.ingest.IngestFixtures.bytes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.bikefence.decode.PositionDecoder;
import org.bikefence.geofence.crs.Crs;
import org.bikefence.ingest.FeedHealthWriter;
import org.bikefence.ingest.FeedServer;
import org.bikefence.ingest.IngestConfig;
import org.bikefence.ingest.IngestMain;
import org.bikefence.ingest.PollingAdapter;
import org.bikefence.ingest.PositionPublisher;
import org.bikefence.ingest.TopicReader;
import org.bikefence.local.LocalKafka;
import org.bikefence.model.BikePosition;
import org.bikefence.model.BikeState;
import org.bikefence.testing.InfluxdExtension;
import org.bikefence.testing.KafkaExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The MDS adapter, wired as {@code ./bikefence ingest mds} wires it, from a paged local endpoint to real Kafka. */
@ExtendWith(KafkaExtension.class)
class MdsIngestITCase {

    @RegisterExtension
    static final InfluxdExtension INFLUX = new InfluxdExtension();

    private static final String D = "0b1c2d3e-0000-4000-8000-0000000000";

    @Test
    void pagedVehicleStatusBecomesExactEventsAndDeadLetters() throws Exception {
        LocalKafka kafka = KafkaExtension.kafka();
        String positions = "mds-it-positions-" + System.nanoTime();
        String dlq = "mds-it-dlq-" + System.nanoTime();
        kafka.createTopics(1, positions, dlq);
        AtomicLong clock = new AtomicLong(T0 + 10_000);
        try (FeedServer server = new FeedServer();
                PositionPublisher publisher = new PositionPublisher(kafka.bootstrapServers(), positions, dlq,
                        Duration.ofSeconds(10), "mds-it");
                FeedHealthWriter health = FeedHealthWriter.v1(INFLUX.influxd().url(), INFLUX.database(), null, null);
                TopicReader events = new TopicReader(kafka, positions);
                TopicReader dead = new TopicReader(kafka, dlq)) {
            server.serve("/mds/vehicles/status", 200, bytes("mds/vehicles_status-page1.json"));
            server.serve("/mds/vehicles/status?cursor=p2", 200, bytes("mds/vehicles_status-page2.json"));
            IngestConfig config = IngestConfig.parse(String.join("\n",
                    "operators:",
                    "  - {id: meituan, kind: mds, url: '" + server.base() + "/mds/vehicles/status', crs: WGS84,"
                            + " token-env: MT_TOKEN, freshness: 60s}"));
            PollingAdapter adapter = IngestMain.pollingAdapter(config, config.operator("meituan"), publisher, health,
                    clock::get, Map.of("MT_TOKEN", "mt-secret")::get);

            assertThat(adapter.pollOnce().success()).isTrue();

            PositionDecoder decoder = new PositionDecoder(clock::get, 600_000);
            List<BikePosition> got = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : events.read(0, 5, Duration.ofSeconds(30))) {
                got.add(decoder.decode(r.value()));
            }
            assertThat(got).containsExactly(
                    new BikePosition("meituan", D + "01", 1_779_999_990_000L, 24.5012, 118.1412, BikeState.PARKED),
                    new BikePosition("meituan", D + "02", 1_779_999_900_000L, 24.5020, 118.1420, BikeState.FAULTY),
                    new BikePosition("meituan", D + "03", 1_779_999_950_000L, 24.5030, 118.1430, BikeState.RIDING),
                    new BikePosition("meituan", D + "05", 1_779_999_970_000L, 24.5050, 118.1450, BikeState.RIDING),
                    new BikePosition("meituan", D + "07", 1_779_999_985_000L, 24.5070, 118.1470, BikeState.PARKED));
            assertThat(keysAndReasons(dead.read(0, 4, Duration.ofSeconds(30)))).containsExactly(
                    D + "06 missing_field", D + "08 unknown_state", D + "09 bad_type", D + "10 outside_city");
            assertThat(server.authorizations()).containsOnly("Bearer mt-secret");

            // The same status again: nothing new (device ids are stable in MDS; nothing vanishes).
            clock.set(T0 + 70_000);
            assertThat(adapter.pollOnce().events()).isZero();
            assertThat(events.endOffset()).isEqualTo(5);
        }
        List<List<Object>> h = INFLUX.influxd().rows(INFLUX.database(),
                "SELECT records, invalid_share, stale_share, feed FROM feed_health WHERE operator = 'meituan'");
        // 10 listed, 4 invalid; of the 5 usable (d04 is reserved) d02 is older than 60 s at fetch time.
        assertThat(h.get(0)).containsExactly(T0 + 10_000, 10L, 0.4, 0.2, "vehicles_status");
    }
}
