package org.bikefence.ingest.mds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bikefence.ingest.IngestFixtures.T0;
import static org.bikefence.ingest.IngestFixtures.bytes;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.bikefence.ingest.FeedException;
import org.bikefence.ingest.FeedReader;
import org.bikefence.ingest.FeedServer;
import org.bikefence.ingest.FetchException;
import org.bikefence.ingest.HttpFetcher;
import org.bikefence.model.BikeState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The MDS reader against a local HTTP server: paging, bearer token, events windows, paging loops. */
class MdsReaderTest {

    private FeedServer server;

    @BeforeEach
    void setUp() throws Exception {
        server = new FeedServer();
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private HttpFetcher fetcher() {
        return new HttpFetcher(Duration.ofSeconds(5), "mds-secret", MdsParser.ACCEPT);
    }

    @Test
    void followsLinksNextAndSendsTheBearerToken() throws Exception {
        server.serve("/mds/vehicles/status", 200, bytes("mds/vehicles_status-page1.json"));
        server.serve("/mds/vehicles/status?cursor=p2", 200, bytes("mds/vehicles_status-page2.json"));
        MdsReader reader = new MdsReader(server.base() + "/mds/vehicles/status", fetcher());

        FeedReader.Snapshot s = reader.read(T0);

        assertThat(s.feed()).isEqualTo("vehicles_status");
        assertThat(s.vehicles()).hasSize(10);
        assertThat(server.requestLog()).containsExactly("/mds/vehicles/status", "/mds/vehicles/status?cursor=p2");
        assertThat(server.authorizations()).containsOnly("Bearer mds-secret");
        assertThat(reader.vehiclesVanish()).isFalse();
    }

    @Test
    void asksForTheEventsWindowSinceTheLastCommittedOneAndKeepsEachDevicesLatestEvent() throws Exception {
        server.serve("/mds/events/recent", 200, bytes("mds/events-recent.json"));
        MdsReader reader = new MdsReader(server.base() + "/mds/events/recent", fetcher());

        FeedReader.Snapshot first = reader.read(T0);
        assertThat(first.vehicles()).extracting(v -> v.observation().state())
                .containsExactlyInAnyOrder(BikeState.PARKED, BikeState.RIDING);
        // Not committed (e.g. Kafka was down): the same window start again.
        reader.read(T0 + 30_000);
        reader.committed();
        reader.read(T0 + 60_000);

        assertThat(server.requestLog()).containsExactly(
                "/mds/events/recent?start_time=" + (T0 - 3_600_000) + "&end_time=" + T0,
                "/mds/events/recent?start_time=" + (T0 - 3_600_000) + "&end_time=" + (T0 + 30_000),
                "/mds/events/recent?start_time=" + (T0 + 30_000) + "&end_time=" + (T0 + 60_000));
    }

    @Test
    void stopsAPagingLoop() {
        String loop = "{\"version\":\"2.0.0\",\"vehicles_status\":[],"
                + "\"links\":{\"next\":\"${base}/mds/vehicles/status\"}}";
        server.serve("/mds/vehicles/status", 200, loop.getBytes(StandardCharsets.UTF_8));
        MdsReader reader = new MdsReader(server.base() + "/mds/vehicles/status", fetcher());

        assertThatThrownBy(() -> reader.read(T0)).isInstanceOfSatisfying(FeedException.class,
                e -> assertThat(e.reason()).isEqualTo("paging_loop"));
    }

    @Test
    void aNextLinkThatIsNoUrlIsTheFeedsError() {
        String bad = "{\"version\":\"2.0.0\",\"vehicles_status\":[],\"links\":{\"next\":\"{{next page}}\"}}";
        server.serve("/mds/vehicles/status", 200, bad.getBytes(StandardCharsets.UTF_8));
        MdsReader reader = new MdsReader(server.base() + "/mds/vehicles/status", fetcher());

        assertThatThrownBy(() -> reader.read(T0)).isInstanceOfSatisfying(FeedException.class, e -> {
            assertThat(e.reason()).isEqualTo("bad_next_link");
            assertThat(e.getMessage()).contains("{{next page}}");
        });
    }

    @Test
    void namesHttpErrors() {
        server.serve("/mds/vehicles/status", 401, "{}".getBytes(StandardCharsets.UTF_8));
        MdsReader reader = new MdsReader(server.base() + "/mds/vehicles/status", fetcher());

        assertThatThrownBy(() -> reader.read(T0)).isInstanceOfSatisfying(FetchException.class,
                e -> assertThat(e.reason()).isEqualTo("http_401"));
    }
}
