package org.bikefence.ingest;

/**
 * A record an adapter will not publish: the original bytes (one vehicle's JSON, or a whole document when it
 * cannot be split), why, and the bike id when known (the dead letter's key).
 */
public record Rejection(String bikeId, String reason, String detail, byte[] original) {
    @Override
    public String toString() {
        return "Rejection{" + (bikeId == null ? "" : bikeId + ": ") + reason + ": " + detail + "}";
    }
}
