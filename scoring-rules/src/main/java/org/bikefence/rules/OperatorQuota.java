package org.bikefence.rules;

import java.io.Serializable;
import java.util.Objects;

/**
 * An operator admitted under a rule set and its fleet quota (bikes it may deploy in the district).
 *
 * @param id operator name as in the data, e.g. "Hello"
 * @param fleetQuota bikes allowed; fleet-over-quota metrics compare daily distinct bikes against it
 */
public record OperatorQuota(String id, String nameZh, long fleetQuota) implements Serializable {

    public OperatorQuota {
        Objects.requireNonNull(id, "id");
        if (fleetQuota <= 0) {
            throw new IllegalArgumentException(id + ": fleetQuota must be > 0, was " + fleetQuota);
        }
    }
}
