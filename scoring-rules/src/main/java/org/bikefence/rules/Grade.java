package org.bikefence.rules;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.Objects;

/**
 * A grade band (e.g. 优秀 excellent): a monthly score of at least {@code min} (and below the next band's min)
 * earns it. An operator with a grade whose {@code pass} is false fails the month and gets no quota share.
 */
public record Grade(String name, String nameEn, BigDecimal min, boolean pass) implements Serializable {

    public Grade {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(min, "min");
    }
}
