package org.bikefence.ingest;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bikefence.model.BikePosition;
import org.bikefence.model.BikeState;

/**
 * Turns consecutive snapshots of one operator's fleet into position events.
 *
 * <ul>
 *   <li>A usable vehicle is reported unless its report equals the last one published for that id (same time,
 *       position and state): re-polling an unchanged feed publishes nothing.
 *   <li>With {@code vehicleVanishes}, a vehicle listed before and missing now becomes a {@code riding} event at
 *       its last position, at the new snapshot's time (never before its own last report): the bike is no longer
 *       standing there, whether it was rented or removed by the operator; the contract has no "removed" state.
 *   <li>A vehicle that is listed but unusable (reserved, or rejected this time) is neither reported nor
 *       vanished: its last published state stands.
 * </ul>
 *
 * <p>{@link #diff} does not change the differ; {@link #commit} does, once the events are in Kafka, so that a
 * failed publish is retried with the same events.
 */
public final class SnapshotDiffer {

    private final boolean vehicleVanishes;
    private Map<String, BikePosition> last = new HashMap<>();

    /** @param vehicleVanishes whether a vehicle missing from a snapshot has left (GBFS) or is just not in this page */
    public SnapshotDiffer(boolean vehicleVanishes) {
        this.vehicleVanishes = vehicleVanishes;
    }

    /** The events of one snapshot and the state to commit after publishing them. */
    public record Diff(List<BikePosition> events, Map<String, BikePosition> next) {}

    /**
     * @param listed every id the snapshot lists, usable or not
     * @param usable the usable vehicles' positions (WGS84), by id, in feed order
     * @param snapshotTimeMs the snapshot's time, for vanished vehicles
     */
    public Diff diff(Set<String> listed, Map<String, BikePosition> usable, long snapshotTimeMs) {
        List<BikePosition> events = new ArrayList<>();
        Map<String, BikePosition> next = new LinkedHashMap<>();
        for (BikePosition p : usable.values()) {
            if (!p.equals(last.get(p.bikeId))) {
                events.add(p);
            }
            next.put(p.bikeId, p);
        }
        for (Map.Entry<String, BikePosition> e : last.entrySet()) {
            String id = e.getKey();
            if (usable.containsKey(id)) {
                continue;
            }
            BikePosition before = e.getValue();
            if (listed.contains(id) || !vehicleVanishes) {
                next.put(id, before);
            } else if (before.state != BikeState.RIDING) {
                events.add(new BikePosition(before.operator, id, Math.max(snapshotTimeMs, before.ts + 1),
                        before.lat, before.lng, BikeState.RIDING));
            }
        }
        return new Diff(events, next);
    }

    public void commit(Diff diff) {
        last = new HashMap<>(diff.next());
    }

    /** Ids whose last published state is known. */
    public Collection<String> known() {
        return last.keySet();
    }
}
