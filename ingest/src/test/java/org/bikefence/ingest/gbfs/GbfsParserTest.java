package org.bikefence.ingest.gbfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bikefence.ingest.IngestFixtures.T0;
import static org.bikefence.ingest.IngestFixtures.bytes;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.bikefence.ingest.FeedException;
import org.bikefence.ingest.ListedVehicle;
import org.bikefence.ingest.Reasons;
import org.bikefence.model.BikeState;
import org.junit.jupiter.api.Test;

class GbfsParserTest {

    @Test
    void readsV23FreeBikeStatusWithPerVehicleProblems() throws Exception {
        GbfsSnapshot s = GbfsParser.parse(bytes("gbfs/free_bike_status-1.json"));

        assertThat(s.version()).isEqualTo("2.3");
        assertThat(s.feed()).isEqualTo("free_bike_status");
        assertThat(s.lastUpdatedMs()).isEqualTo(T0);
        assertThat(s.vehicles()).extracting(ListedVehicle::id).containsExactly(
                "hb-a1", "hb-b2", "hb-c3", "hb-d4", "hb-e5", "hb-f6", "hb-g7", "hb-a1", "hb-h8");
        ListedVehicle a1 = s.vehicles().get(0);
        assertThat(a1.observation()).isNotNull();
        assertThat(a1.observation().ts()).isEqualTo(1_779_999_980_000L);
        assertThat(a1.observation().lat()).isEqualTo(24.5050);
        assertThat(a1.observation().lng()).isEqualTo(118.1400);
        assertThat(a1.observation().state()).isEqualTo(BikeState.PARKED);
        assertThat(s.vehicles().get(1).observation().state()).isEqualTo(BikeState.FAULTY);
        // Reserved: listed, nothing to report.
        assertThat(s.vehicles().get(2).observation()).isNull();
        assertThat(s.vehicles().get(2).rejection()).isNull();
        // Null coordinate.
        assertThat(s.vehicles().get(5).rejection().reason()).isEqualTo(Reasons.MISSING_FIELD);
        assertThat(s.vehicles().get(5).rejection().detail()).contains("'lat'");
        // Optional last_reported missing: the feed's last_updated is the event time.
        assertThat(s.vehicles().get(6).observation().ts()).isEqualTo(T0);
    }

    @Test
    void keepsEachVehiclesOriginalBytes() throws Exception {
        GbfsSnapshot s = GbfsParser.parse(bytes("gbfs/free_bike_status-1.json"));

        String f6 = new String(s.vehicles().get(5).rejection().original(), StandardCharsets.UTF_8);
        assertThat(f6).isEqualTo("{\"bike_id\": \"hb-f6\", \"lat\": null, \"lon\": 118.1600, \"is_reserved\": false,"
                + " \"is_disabled\": false, \"last_reported\": 1779999990}");
    }

    @Test
    void rejectsAVehicleUsingTheOtherVersionsFields() throws Exception {
        GbfsSnapshot s = GbfsParser.parse(bytes("gbfs/free_bike_status-2.json"));

        ListedVehicle m3 = s.vehicles().get(4);
        assertThat(m3.id()).isEqualTo("hb-m3");
        assertThat(m3.rejection().bikeId()).isEqualTo("hb-m3");
        assertThat(m3.rejection().reason()).isEqualTo(Reasons.WRONG_VERSION);
        assertThat(m3.rejection().detail()).contains("vehicle_id").contains("2.3");
        assertThat(s.ttlSeconds()).isEqualTo(60);
    }

    @Test
    void readsV30VehicleStatus() throws Exception {
        GbfsSnapshot s = GbfsParser.parse(bytes("gbfs/vehicle_status-v30.json"));

        assertThat(s.feed()).isEqualTo("vehicle_status");
        assertThat(s.lastUpdatedMs()).isEqualTo(T0);
        List<ListedVehicle> v = s.vehicles();
        assertThat(v.get(0).observation().ts()).isEqualTo(T0 - 10_000);
        // No last_reported: last_updated.
        assertThat(v.get(1).observation().ts()).isEqualTo(T0);
        assertThat(v.get(1).observation().state()).isEqualTo(BikeState.FAULTY);
        // POSIX seconds in a 3.0 feed.
        assertThat(v.get(2).rejection().reason()).isEqualTo(Reasons.WRONG_VERSION);
        assertThat(v.get(2).rejection().detail()).contains("last_reported").contains("POSIX");
        // Docked at a station, no coordinates.
        assertThat(v.get(3).rejection().reason()).isEqualTo(Reasons.MISSING_FIELD);
    }

    @Test
    void rejectsADocumentDeclaringOneVersionAndLaidOutAsAnother() {
        assertThatThrownBy(() -> GbfsParser.parse(bytes("gbfs/declares-30-uses-23.json")))
                .isInstanceOfSatisfying(FeedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reasons.WRONG_VERSION);
                    assertThat(e.detail()).contains("declares version 3.0").contains("data.bikes");
                });
    }

    @Test
    void rejectsDocumentsWithoutVersionOrNotJson() {
        assertThatThrownBy(() -> GbfsParser.parse(bytes("gbfs/no-version.json")))
                .isInstanceOfSatisfying(FeedException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reasons.WRONG_VERSION));
        assertThatThrownBy(() -> GbfsParser.parse(bytes("gbfs/truncated.json")))
                .isInstanceOfSatisfying(FeedException.class, e -> assertThat(e.reason()).isEqualTo(Reasons.NOT_JSON));
        assertThatThrownBy(() -> GbfsParser.parse("[1,2]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(FeedException.class, e -> assertThat(e.reason()).isEqualTo(Reasons.NOT_JSON));
    }

    @Test
    void findsTheStatusFeedInADiscoveryFile() throws Exception {
        assertThat(GbfsParser.statusFeedUrl(bytes("gbfs/gbfs-v23.json")))
                .isEqualTo("${base}/gbfs/free_bike_status.json");
        assertThat(GbfsParser.statusFeedUrl(bytes("gbfs/free_bike_status-1.json"))).isNull();
        String v3 = "{\"version\":\"3.0\",\"data\":{\"feeds\":"
                + "[{\"name\":\"vehicle_status\",\"url\":\"https://x/vs.json\"}]}}";
        assertThat(GbfsParser.statusFeedUrl(v3.getBytes(StandardCharsets.UTF_8))).isEqualTo("https://x/vs.json");
    }
}
