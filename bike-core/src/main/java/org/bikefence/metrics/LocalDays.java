package org.bikefence.metrics;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;

/**
 * The local day and month of epoch-millisecond instants in one time zone, remembering the last day's bounds: the
 * bike tracker asks for every signal, and nearly always for the same day as the one before. Not thread-safe.
 */
public final class LocalDays {
    private final ZoneId zone;
    private long start = Long.MAX_VALUE;
    private long end = Long.MIN_VALUE;
    private LocalDate day;
    private YearMonth month;

    public LocalDays(ZoneId zone) {
        this.zone = zone;
    }

    public ZoneId zone() {
        return zone;
    }

    /** The local date of {@code ts}. */
    public LocalDate day(long ts) {
        if (ts < start || ts >= end) {
            load(ts);
        }
        return day;
    }

    /** The local month of {@code ts}. */
    public YearMonth month(long ts) {
        if (ts < start || ts >= end) {
            load(ts);
        }
        return month;
    }

    private void load(long ts) {
        day = Instant.ofEpochMilli(ts).atZone(zone).toLocalDate();
        month = YearMonth.from(day);
        // Day bounds from the zone's rules, so a day of 23 or 25 hours (daylight saving) is cut right.
        start = day.atStartOfDay(zone).toInstant().toEpochMilli();
        end = day.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
    }
}
