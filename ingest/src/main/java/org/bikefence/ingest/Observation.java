package org.bikefence.ingest;

import org.bikefence.model.BikeState;

/**
 * One vehicle as a feed lists it, mapped to the contract's fields but not yet checked: coordinates are in the
 * operator's declared system; {@code original} is the vehicle's bytes in the feed, for a dead letter.
 */
public record Observation(String bikeId, long ts, double lat, double lng, BikeState state, byte[] original) {}
