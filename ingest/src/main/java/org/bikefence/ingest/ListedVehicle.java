package org.bikefence.ingest;

/**
 * One vehicle a feed lists: its id when it has one, and an observation to report, or the reason it cannot be
 * used, or neither: a vehicle that is listed but has no state to report (GBFS reserved, MDS reserved/missing)
 * keeps its last reported state and has not vanished.
 */
public record ListedVehicle(String id, Observation observation, Rejection rejection) {
    public static ListedVehicle held(String id) {
        return new ListedVehicle(id, null, null);
    }
}
