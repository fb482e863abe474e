package org.bikefence.ingest.gbfs;

import java.util.List;
import org.bikefence.ingest.ListedVehicle;

/**
 * One parsed GBFS vehicle-status document (v2.x {@code free_bike_status} or v3.x {@code vehicle_status}).
 *
 * @param feed the feed's name, {@code free_bike_status} or {@code vehicle_status}
 * @param lastUpdatedMs the document's {@code last_updated}, epoch ms
 * @param ttlSeconds the document's {@code ttl}: no new data is expected before last_updated + ttl
 * @param vehicles every listed vehicle, in feed order, usable or not
 */
public record GbfsSnapshot(
        String version, String feed, long lastUpdatedMs, long ttlSeconds, List<ListedVehicle> vehicles) {}
