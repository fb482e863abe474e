package org.bikefence.model;

/** Kafka topic names of the position contract, and the headers put on dead letters. */
public final class Topics {
    public static final String POSITIONS = "bike-positions";
    public static final String POSITIONS_DLQ = "bike-positions-dlq";
    /** Violations as they open and close, for dispatch (JSON, key = fence id or bike id). */
    public static final String VIOLATIONS = "bike-violations";
    /** Whole, versioned fence sets (fence files), key = fence set name. */
    public static final String GEOFENCES = "geofences";
    /** Whole rule-set versions (YAML files), key = version; read only when the job's option names it. */
    public static final String RULESETS = "rulesets";

    public static final String HEADER_REASON = "dlq.reason";
    public static final String HEADER_DETAIL = "dlq.detail";
    public static final String HEADER_REJECTED_AT = "dlq.rejected-at";
    public static final String HEADER_SOURCE = "dlq.source";

    private Topics() {}
}
