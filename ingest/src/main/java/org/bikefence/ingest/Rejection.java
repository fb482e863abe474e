package org.bikefence.ingest;

import org.bikefence.decode.PositionDecoder;

/**
 * A record an adapter will not publish: the original bytes (one vehicle's JSON, or a whole document when it
 * cannot be split), why, and the bike id when known (the dead letter's key).
 *
 * <p>An id longer than {@link PositionDecoder#DEFAULT_MAX_BIKE_ID_LENGTH} characters is no usable key (it is
 * itself a {@code too_large} rejection): it is dropped, so a 100 KB id never becomes a 100 KB Kafka key.
 */
public record Rejection(String bikeId, String reason, String detail, byte[] original) {
    public Rejection {
        if (bikeId != null && bikeId.length() > PositionDecoder.DEFAULT_MAX_BIKE_ID_LENGTH
                && bikeId.codePointCount(0, bikeId.length()) > PositionDecoder.DEFAULT_MAX_BIKE_ID_LENGTH) {
            bikeId = null;
        }
    }

    @Override
    public String toString() {
        return "Rejection{" + (bikeId == null ? "" : bikeId + ": ") + reason + ": " + detail + "}";
    }
}
