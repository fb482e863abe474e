package org.bikefence.rules;

import java.io.Serializable;
import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;

/**
 * A reference to one observed violation or incident behind a metric, carried from the stream into the
 * deductions it causes so that a report can show what an operator is being penalised for.
 *
 * @param kind what was observed; decides which metrics (and so which deductions) it supports
 * @param id the stream's identifier of the incident (e.g. a violation id), or null
 * @param bikeId the bike involved, or null (feed gaps, whole-cell accumulation)
 * @param fenceId the fence, H3 cell address or geography id involved, or null
 * @param from when the incident began (UTC instant)
 * @param to when it ended, or null if still open at the end of the month
 */
public record Evidence(Kind kind, String id, String bikeId, String fenceId, Instant from, Instant to)
        implements Serializable {

    /**
     * The order evidence is listed in, wherever a list of it is published: by beginning, then kind, id, bike,
     * fence and end. A total order on the fields, so a list never depends on the order the stream saw the
     * incidents in (which differs with the job's parallelism).
     */
    public static final Comparator<Evidence> ORDER = Comparator.comparing(Evidence::from)
            .thenComparing(Evidence::kind)
            .thenComparing(Evidence::id, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(Evidence::bikeId, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(Evidence::fenceId, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(Evidence::to, Comparator.nullsLast(Comparator.naturalOrder()));

    /** What an evidence record shows; each {@link Metric} names the kinds that back it. */
    public enum Kind {
        NO_PARK_VIOLATION,
        NO_PARK_CLEARED_LATE,
        RIDE_END_OUTSIDE_PARKING_FENCE,
        FENCE_OVER_CAPACITY,
        CELL_OVER_THRESHOLD,
        ACCUMULATION_CLEARED_LATE,
        FLEET_OVER_QUOTA_DAY,
        PARKED_OVER_QUOTA,
        OUT_OF_AREA,
        ZOMBIE,
        FAULTY,
        FAULTY_HANDLED_LATE,
        REPORT_INTERVAL_MISSED,
        LATE_RECORD,
        OUT_OF_ORDER_RECORD,
        INVALID_RECORD,
        FEED_GAP
    }

    public Evidence {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(from, "from");
        if (to != null && to.isBefore(from)) {
            throw new IllegalArgumentException("evidence " + kind + " ends (" + to + ") before it begins (" + from + ")");
        }
    }

    public static Evidence of(Kind kind, String id, String bikeId, String fenceId, Instant from, Instant to) {
        return new Evidence(kind, id, bikeId, fenceId, from, to);
    }
}
