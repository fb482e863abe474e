package org.bikefence.replay;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.regex.Pattern;

/**
 * Event times as city platforms export them, to epoch milliseconds: epoch milliseconds, epoch seconds
 * (also with a fraction), ISO-8601 with an offset ({@code 2026-10-12T08:00:00+08:00}, {@code ...Z},
 * {@code +0800}), and naive local times ({@code 2026-10-12 08:00:00}, {@code T} or space, optional
 * fraction), which are read in the given zone.
 */
final class Timestamps {
    /**
     * An integer below this magnitude is epoch seconds, above it epoch milliseconds: 1e11 s is the year
     * 5138, 1e11 ms is March 1973, so no plausible position falls between the two readings.
     */
    static final long SECONDS_BELOW = 100_000_000_000L;

    private static final Pattern INTEGER = Pattern.compile("-?\\d{1,18}");
    private static final Pattern DECIMAL = Pattern.compile("-?\\d{1,12}\\.\\d{1,9}");
    private static final DateTimeFormatter DATE_TIME = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .append(DateTimeFormatter.ISO_LOCAL_TIME)
            .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .toFormatter();

    private Timestamps() {}

    /** Epoch milliseconds of the text, naive local times taken in {@code zone}. */
    static long parse(String text, ZoneId zone) {
        String s = text.trim();
        if (INTEGER.matcher(s).matches()) {
            long n = Long.parseLong(s);
            return Math.abs(n) < SECONDS_BELOW ? n * 1000L : n;
        }
        if (DECIMAL.matcher(s).matches()) {
            return new BigDecimal(s).movePointRight(3).setScale(0, RoundingMode.FLOOR).longValueExact();
        }
        TemporalAccessor t;
        try {
            t = DATE_TIME.parse(s);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a time: expected epoch ms, epoch s, ISO-8601 with offset "
                    + "or yyyy-MM-dd HH:mm:ss");
        }
        LocalDateTime local = LocalDateTime.of(
                t.get(ChronoField.YEAR), t.get(ChronoField.MONTH_OF_YEAR), t.get(ChronoField.DAY_OF_MONTH),
                t.get(ChronoField.HOUR_OF_DAY), t.get(ChronoField.MINUTE_OF_HOUR),
                t.isSupported(ChronoField.SECOND_OF_MINUTE) ? t.get(ChronoField.SECOND_OF_MINUTE) : 0,
                t.isSupported(ChronoField.NANO_OF_SECOND) ? t.get(ChronoField.NANO_OF_SECOND) : 0);
        if (t.isSupported(ChronoField.OFFSET_SECONDS)) {
            return local.toEpochSecond(java.time.ZoneOffset.ofTotalSeconds(t.get(ChronoField.OFFSET_SECONDS))) * 1000L
                    + local.getNano() / 1_000_000;
        }
        // In a DST overlap the earlier offset wins (java.time's default); Asia/Shanghai has had no DST since 1991.
        return local.atZone(zone).toInstant().toEpochMilli();
    }
}
