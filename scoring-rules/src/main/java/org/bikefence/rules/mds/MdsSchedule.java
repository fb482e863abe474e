package org.bikefence.rules.mds;

import java.io.Serializable;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * When an MDS rule is in force: on the given days between start and end time of day (local to the policy's
 * jurisdiction). MDS defaults are all days, 00:00:00 to 23:59:59.
 */
public record MdsSchedule(Set<DayOfWeek> days, LocalTime start, LocalTime end) implements Serializable {

    public static final MdsSchedule ALWAYS = new MdsSchedule(EnumSet.allOf(DayOfWeek.class), LocalTime.MIDNIGHT,
            LocalTime.of(23, 59, 59));

    public MdsSchedule {
        days = Set.copyOf(days);
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
    }

    public boolean isAlways() {
        return equals(ALWAYS);
    }
}
