package org.bikefence.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.bikefence.model.BikePosition;
import org.bikefence.model.BikeState;
import org.junit.jupiter.api.Test;

class SnapshotDifferTest {

    private static final long T = 1_780_000_000_000L;

    private static BikePosition parked(String id, long ts, double lat) {
        return new BikePosition("hello", id, ts, lat, 118.14, BikeState.PARKED);
    }

    private static Map<String, BikePosition> byId(BikePosition... ps) {
        Map<String, BikePosition> m = new LinkedHashMap<>();
        for (BikePosition p : ps) {
            m.put(p.bikeId, p);
        }
        return m;
    }

    @Test
    void reportsNewVehiclesAndSuppressesExactRepeats() {
        SnapshotDiffer d = new SnapshotDiffer(true);
        SnapshotDiffer.Diff first = d.diff(Set.of("a", "b"), byId(parked("a", T, 24.50), parked("b", T, 24.51)), T);
        assertThat(first.events()).extracting(p -> p.bikeId).containsExactly("a", "b");
        d.commit(first);

        BikePosition bMoved = parked("b", T + 30_000, 24.52);
        SnapshotDiffer.Diff second = d.diff(Set.of("a", "b"), byId(parked("a", T, 24.50), bMoved), T + 30_000);
        assertThat(second.events()).containsExactly(bMoved);
    }

    @Test
    void aVanishedVehicleRidesAwayFromItsLastPosition() {
        SnapshotDiffer d = new SnapshotDiffer(true);
        d.commit(d.diff(Set.of("a", "g"), byId(parked("a", T, 24.50), parked("g", T - 5_000, 24.53)), T));

        // g's id is gone; the same physical bike may come back under a rotated id k.
        BikePosition k = parked("k", T + 25_000, 24.55);
        SnapshotDiffer.Diff diff = d.diff(Set.of("a", "k"), byId(parked("a", T, 24.50), k), T + 30_000);

        assertThat(diff.events()).containsExactly(k,
                new BikePosition("hello", "g", T + 30_000, 24.53, 118.14, BikeState.RIDING));
        d.commit(diff);
        assertThat(d.known()).containsExactlyInAnyOrder("a", "k");
        // Gone for good: no second riding event.
        assertThat(d.diff(Set.of("a", "k"), byId(parked("a", T, 24.50), k), T + 60_000).events()).isEmpty();
    }

    @Test
    void aListedButUnusableVehicleKeepsItsLastState() {
        SnapshotDiffer d = new SnapshotDiffer(true);
        d.commit(d.diff(Set.of("a"), byId(parked("a", T, 24.50)), T));

        // Listed (reserved, or a GPS outlier this time) but not usable: neither reported nor vanished.
        SnapshotDiffer.Diff diff = d.diff(Set.of("a"), Map.of(), T + 30_000);
        assertThat(diff.events()).isEmpty();
        d.commit(diff);
        assertThat(d.known()).containsExactly("a");
    }

    @Test
    void aRidingEventIsNeverBeforeTheVehiclesOwnLastReport() {
        SnapshotDiffer d = new SnapshotDiffer(true);
        // last_reported ahead of the next snapshot's last_updated (operator clocks differ).
        d.commit(d.diff(Set.of("a"), byId(parked("a", T + 40_000, 24.50)), T));

        assertThat(d.diff(Set.of(), Map.of(), T + 30_000).events())
                .extracting(p -> p.ts).containsExactly(T + 40_001);
    }

    @Test
    void withoutVanishingAbsentVehiclesAreKept() {
        SnapshotDiffer d = new SnapshotDiffer(false);
        d.commit(d.diff(Set.of("a"), byId(parked("a", T, 24.50)), T));

        SnapshotDiffer.Diff diff = d.diff(Set.of(), Map.of(), T + 30_000);
        assertThat(diff.events()).isEmpty();
        d.commit(diff);
        assertThat(d.known()).containsExactly("a");
    }

    @Test
    void anUncommittedDiffChangesNothing() {
        SnapshotDiffer d = new SnapshotDiffer(true);
        d.diff(Set.of("a"), byId(parked("a", T, 24.50)), T);
        assertThat(d.diff(Set.of("a"), byId(parked("a", T, 24.50)), T).events()).hasSize(1);
    }
}
