package org.bikefence.rules;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.Objects;

/**
 * A scoring category (e.g. 停放秩序 parking order) and its weight: the points of the base score it holds.
 * Deductions in a category never take more than its points; bonuses never add more than {@code maxBonus}.
 */
public record Category(String id, String name, String nameZh, BigDecimal points, BigDecimal maxBonus)
        implements Serializable {

    public Category {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(points, "points");
        Objects.requireNonNull(maxBonus, "maxBonus");
        if (points.signum() <= 0 || maxBonus.signum() < 0) {
            throw new IllegalArgumentException(id + ": points must be > 0 and maxBonus >= 0");
        }
    }
}
