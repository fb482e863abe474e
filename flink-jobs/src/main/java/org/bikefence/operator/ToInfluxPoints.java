package org.bikefence.operator;

import org.bikefence.model.FenceSetEvent;
import org.bikefence.model.OperatorMinute;
import org.bikefence.model.OperatorScore;
import org.bikefence.model.ViolationEvent;
import org.bikefence.sink.InfluxPoint;

/**
 * The InfluxDB schema: how each result becomes a point. Every point's series and timestamp derive from
 * event data only, so a replay writes the same points and overwrites instead of duplicating.
 */
public final class ToInfluxPoints {
    public static final String VIOLATION = "violation";
    public static final String OPERATOR_MINUTE = "operator_minute";
    public static final String OPERATOR_SCORE = "operator_score";
    public static final String FENCE_SET = "fence_set";

    private ToInfluxPoints() {}

    /**
     * A violation point at its opening time; its closing rewrites the same point with the duration. The
     * fence_id tag is absent for violations that concern no fence (out of area, zombie, faulty).
     */
    public static InfluxPoint violation(ViolationEvent v) {
        InfluxPoint.Builder b = InfluxPoint.measurement(VIOLATION)
                .tag("operator", v.operator)
                .tag("type", v.type.wireName())
                .tag("fence_id", v.fenceId)
                .tag("bike_id", v.bikeId)
                .field("status", v.kind == ViolationEvent.Kind.OPENED ? "open" : "closed")
                .field("lat", v.lat)
                .field("lng", v.lng)
                .field("parked_since", v.parkedSince)
                .field("fence_set", v.fenceSetVersion)
                .time(v.openedAt);
        if (v.kind == ViolationEvent.Kind.CLOSED) {
            b.field("closed_at", v.closedAt).field("duration_s", v.durationMs() / 1000.0);
        }
        return b.build();
    }

    public static InfluxPoint minute(OperatorMinute m) {
        return InfluxPoint.measurement(OPERATOR_MINUTE)
                .tag("operator", m.operator)
                .field("bikes_seen", m.bikesSeen)
                .field("bikes_in_no_park", m.bikesInNoPark)
                .field("violations_opened", m.violationsOpened)
                .field("violations_closed", m.violationsClosed)
                .time(m.minuteStart)
                .build();
    }

    public static InfluxPoint score(OperatorScore s) {
        return InfluxPoint.measurement(OPERATOR_SCORE)
                .tag("operator", s.operator)
                .field("score", s.score)
                .field("rule_set", s.ruleSetVersion)
                .field("deduction", s.deduction)
                .field("no_park_violations", s.noParkViolations)
                .field("day", s.day)
                .time(s.asOf)
                .build();
    }

    /** A fence update's outcome, at its publication time, so the dashboards can show the active version. */
    public static InfluxPoint fenceSet(FenceSetEvent e) {
        return InfluxPoint.measurement(FENCE_SET)
                .tag("status", e.accepted ? "accepted" : "rejected")
                .tag("version", e.version == null ? "unknown" : e.version)
                .field("fences", e.fences)
                .field("reason", e.reason == null ? "" : e.reason)
                .field("source", e.source == null ? "" : e.source)
                .time(e.publishedAt)
                .build();
    }
}
