package org.bikefence.ingest;

import java.util.List;

/** Reads one complete snapshot of an operator's feed (following discovery and paging as the format needs). */
public interface FeedReader {

    /**
     * One snapshot.
     *
     * @param feed the feed name for the {@code feed} tag, e.g. {@code free_bike_status}
     * @param snapshotTimeMs the data's own time (GBFS last_updated), for vehicles that vanished
     * @param notBeforeMs the data's next update is not expected before this (GBFS last_updated + ttl), or 0
     * @param vehicles every listed vehicle, in feed order
     */
    record Snapshot(String feed, long snapshotTimeMs, long notBeforeMs, List<ListedVehicle> vehicles) {}

    Snapshot read(long nowMs) throws FetchException, FeedException;

    /** Called once the last snapshot's events are in Kafka (e.g. to move a time window on). */
    default void committed() {}

    /** The feed name before anything was read, for the health of a failed first fetch. */
    String feedName();

    /** Whether a vehicle missing from a snapshot has left the street (GBFS snapshots list the whole fleet). */
    boolean vehiclesVanish();
}
