package org.bikefence.ingest.mds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bikefence.ingest.IngestFixtures.bytes;

import java.util.List;
import org.bikefence.ingest.FeedException;
import org.bikefence.ingest.ListedVehicle;
import org.bikefence.ingest.Observation;
import org.bikefence.ingest.Reasons;
import org.bikefence.model.BikeState;
import org.junit.jupiter.api.Test;

class MdsParserTest {

    private static final String D = "0b1c2d3e-0000-4000-8000-0000000000";

    @Test
    void readsAVehiclesStatusPageWithStatesPositionsAndTheNextLink() throws Exception {
        MdsParser.Page p = MdsParser.parse(bytes("mds/vehicles_status-page1.json"));

        assertThat(p.version()).isEqualTo("2.0.0");
        assertThat(p.feed()).isEqualTo("vehicles_status");
        assertThat(p.next()).isEqualTo("${base}/mds/vehicles/status?cursor=p2");
        List<ListedVehicle> v = p.vehicles();
        assertThat(v).extracting(ListedVehicle::id).containsExactly(D + "01", D + "02", D + "03", D + "04", D + "05",
                D + "06");
        // Telemetry newer than the event: the latest fix is the position.
        assertThat(v.get(0).observation()).extracting(Observation::ts, Observation::lat, Observation::lng,
                Observation::state).containsExactly(1_779_999_990_000L, 24.5012, 118.1412, BikeState.PARKED);
        assertThat(v.get(1).observation().state()).isEqualTo(BikeState.FAULTY);
        // Telemetry older than the event: the event's position and time.
        assertThat(v.get(2).observation()).extracting(Observation::ts, Observation::lat, Observation::state)
                .containsExactly(1_779_999_950_000L, 24.5030, BikeState.RIDING);
        // Reserved: listed, nothing to report.
        assertThat(v.get(3).observation()).isNull();
        assertThat(v.get(3).rejection()).isNull();
        // Removed from the street: no longer standing there.
        assertThat(v.get(4).observation().state()).isEqualTo(BikeState.RIDING);
        // A geography-driven event has no position.
        assertThat(v.get(5).rejection().reason()).isEqualTo(Reasons.MISSING_FIELD);
        assertThat(v.get(5).rejection().detail()).contains("location");
    }

    @Test
    void fallsBackToEventTypesAndRejectsWhatHasNoState() throws Exception {
        MdsParser.Page p = MdsParser.parse(bytes("mds/vehicles_status-page2.json"));

        assertThat(p.next()).isNull();
        assertThat(p.vehicles().get(0).observation().state()).isEqualTo(BikeState.PARKED);
        assertThat(p.vehicles().get(1).rejection().reason()).isEqualTo(Reasons.UNKNOWN_STATE);
        assertThat(p.vehicles().get(1).rejection().detail()).contains("'hovering'").contains("unspecified");
        assertThat(p.vehicles().get(2).rejection().reason()).isEqualTo(Reasons.BAD_TYPE);
        assertThat(p.vehicles().get(2).rejection().detail()).contains("location.lat");
        // A far-away position parses; the city's bounds are the normalizer's business.
        assertThat(p.vehicles().get(3).observation().lat()).isEqualTo(-33.8688);
    }

    @Test
    void readsEvents() throws Exception {
        MdsParser.Page p = MdsParser.parse(bytes("mds/events-recent.json"));

        assertThat(p.feed()).isEqualTo("events");
        assertThat(p.vehicles()).extracting(v -> v.observation().state())
                .containsExactly(BikeState.RIDING, BikeState.PARKED, BikeState.RIDING);
    }

    @Test
    void rejectsOtherMdsVersions() {
        assertThatThrownBy(() -> MdsParser.parse(bytes("mds/mds-1.2-vehicles.json")))
                .isInstanceOfSatisfying(FeedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reasons.WRONG_VERSION);
                    assertThat(e.detail()).contains("1.2.0");
                });
    }

    @Test
    void mapsVehicleStatesAndEventTypes() {
        assertThat(MdsStates.map("available", List.of())).isEqualTo(BikeState.PARKED);
        assertThat(MdsStates.map("non_operational", List.of("maintenance"))).isEqualTo(BikeState.FAULTY);
        assertThat(MdsStates.map("on_trip", List.of("trip_start"))).isEqualTo(BikeState.RIDING);
        assertThat(MdsStates.map("elsewhere", List.of("trip_leave_jurisdiction"))).isEqualTo(BikeState.RIDING);
        assertThat(MdsStates.map("removed", List.of("decommissioned"))).isEqualTo(BikeState.RIDING);
        // vehicle_state wins over event types; the last meaningful event type is the fallback.
        assertThat(MdsStates.map("available", List.of("battery_low"))).isEqualTo(BikeState.PARKED);
        assertThat(MdsStates.map(null, List.of("trip_start", "trip_end", "unspecified"))).isEqualTo(BikeState.PARKED);
        assertThat(MdsStates.map("bogus", List.of("unspecified"))).isNull();
        assertThat(MdsStates.held("reserved")).isTrue();
        assertThat(MdsStates.held("missing")).isTrue();
        assertThat(MdsStates.held("available")).isFalse();
    }
}
