package org.bikefence.metrics;

import java.time.LocalDate;
import java.time.YearMonth;

/**
 * What one bike was already counted for, in a few fixed-size fields: the state keyed by bike behind
 * {@link MonthlyMetricsFolder#firsts}. It remembers the bike's latest month and the month before (the days of
 * each as bits, and which once-a-month categories it was counted in), and the latest minute it was counted as
 * seen and as standing in a no-park zone. A signal of an older month (a report late by more than a month) counts
 * nothing. Its size does not depend on how long or how often the bike reports.
 *
 * <p>A Flink POJO: public fields, a public no-argument constructor.
 */
public class BikeCounted implements MonthlyMetricsFolder.Counted {
    /** No month yet. */
    static final int NONE = Integer.MIN_VALUE;

    /** The latest month counted, as {@code year * 12 + month - 1}; {@link #NONE} before the first. */
    public int month = NONE;
    /** The categories counted in the latest month, one bit per {@link MonthlyMetricsFolder.Category}. */
    public int categories;
    /** The days of the latest month the bike was counted on, bit {@code day - 1}. */
    public int days;
    /** The same for the month before the latest. */
    public int previousCategories;
    public int previousDays;
    /** The latest minute (start, epoch ms) the bike was counted as seen in. */
    public long seenMinute = Long.MIN_VALUE;
    /** The latest minute (start, epoch ms) the bike was counted as standing in a no-park zone in. */
    public long noParkMinute = Long.MIN_VALUE;

    public BikeCounted() {}

    private static int index(YearMonth m) {
        return m.getYear() * 12 + m.getMonthValue() - 1;
    }

    /**
     * Rolls the remembered months forward when {@code m} is newer than the latest.
     *
     * @return 0 for the latest month, 1 for the month before, -1 for an older month (counts nothing)
     */
    private int which(YearMonth ym) {
        int m = index(ym);
        if (month == NONE || m > month) {
            if (month != NONE && m == month + 1) {
                previousCategories = categories;
                previousDays = days;
            } else {
                previousCategories = 0;
                previousDays = 0;
            }
            month = m;
            categories = 0;
            days = 0;
            return 0;
        }
        return m == month ? 0 : m == month - 1 ? 1 : -1;
    }

    @Override
    public boolean firstOfDay(LocalDate day) {
        int bit = 1 << (day.getDayOfMonth() - 1);
        switch (which(YearMonth.from(day))) {
            case 0 -> {
                boolean first = (days & bit) == 0;
                days |= bit;
                return first;
            }
            case 1 -> {
                boolean first = (previousDays & bit) == 0;
                previousDays |= bit;
                return first;
            }
            default -> {
                return false;
            }
        }
    }

    @Override
    public boolean firstInMonth(YearMonth ym, MonthlyMetricsFolder.Category what) {
        int bit = 1 << what.ordinal();
        switch (which(ym)) {
            case 0 -> {
                boolean first = (categories & bit) == 0;
                categories |= bit;
                return first;
            }
            case 1 -> {
                boolean first = (previousCategories & bit) == 0;
                previousCategories |= bit;
                return first;
            }
            default -> {
                return false;
            }
        }
    }

    @Override
    public boolean firstOfMinute(long minute, boolean noPark) {
        // Minutes are counted as the bike's reports are applied, in event-time order: a minute before the latest
        // one counted is a late report's, already past for the minute counts.
        if (noPark) {
            if (minute > noParkMinute) {
                noParkMinute = minute;
                return true;
            }
            return false;
        }
        if (minute > seenMinute) {
            seenMinute = minute;
            return true;
        }
        return false;
    }

    /** The first instant (epoch ms) at which nothing remembered here can count any more, in {@code zone}. */
    public long forgettableAt(java.time.ZoneId zone) {
        if (month == NONE) {
            return Long.MIN_VALUE;
        }
        YearMonth afterNext = YearMonth.of(month / 12, month % 12 + 1).plusMonths(2);
        return afterNext.atDay(1).atStartOfDay(zone).toInstant().toEpochMilli();
    }
}
