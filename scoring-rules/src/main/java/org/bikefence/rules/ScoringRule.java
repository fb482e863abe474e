package org.bikefence.rules;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.Objects;

/**
 * One priced line of the monthly assessment: a metric, the category it counts against, and how its value turns
 * into points. Written under {@code rules.<family>.scoring.<name>} in the YAML file; that path (without
 * {@code rules.} and {@code scoring.}) is its {@link #id()}, e.g. {@code noPark.density}.
 *
 * <ul>
 *   <li>{@link Kind#PER_UNIT}: deduct {@code (value - above) * pointsPerUnit} when value exceeds {@code above}
 *       (per event, per bike, per percentage point above a limit, per 1,000 bikes ...)</li>
 *   <li>{@link Kind#PER_POINT_BELOW}: deduct {@code (target - value) * pointsPerPointBelow} when value is below
 *       {@code target} (per percentage point below a target share)</li>
 *   <li>{@link Kind#BONUS}: add {@code bonus} points when value is at least {@code atLeast} (or at most
 *       {@code atMost})</li>
 * </ul>
 * Every line's points are capped by its {@code max} (if given), then the category caps the sum.
 *
 * @param threshold {@code above}, {@code target}, {@code atLeast} or {@code atMost} depending on the kind
 * @param rate points per unit (PER_UNIT, PER_POINT_BELOW) or the bonus points (BONUS)
 * @param max cap on this line's points, or null for none (the category still caps)
 */
public record ScoringRule(String id, String category, Metric metric, Kind kind, BigDecimal threshold,
        BigDecimal rate, BigDecimal max) implements Serializable {

    /** How a metric value is priced. */
    public enum Kind { PER_UNIT, PER_POINT_BELOW, BONUS_AT_LEAST, BONUS_AT_MOST }

    public ScoringRule {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(threshold, "threshold");
        Objects.requireNonNull(rate, "rate");
        if (rate.signum() < 0 || (max != null && max.signum() < 0)) {
            throw new IllegalArgumentException(id + ": points must not be negative");
        }
    }

    public boolean isBonus() {
        return kind == Kind.BONUS_AT_LEAST || kind == Kind.BONUS_AT_MOST;
    }

    /** Points before the cap for a metric value: deducted for deductions, added for bonuses. */
    public BigDecimal uncappedPoints(BigDecimal value) {
        return switch (kind) {
            case PER_UNIT -> value.compareTo(threshold) > 0 ? value.subtract(threshold).multiply(rate)
                    : BigDecimal.ZERO;
            case PER_POINT_BELOW -> value.compareTo(threshold) < 0 ? threshold.subtract(value).multiply(rate)
                    : BigDecimal.ZERO;
            case BONUS_AT_LEAST -> value.compareTo(threshold) >= 0 ? rate : BigDecimal.ZERO;
            case BONUS_AT_MOST -> value.compareTo(threshold) <= 0 ? rate : BigDecimal.ZERO;
        };
    }
}
