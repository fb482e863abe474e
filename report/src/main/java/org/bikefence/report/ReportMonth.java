package org.bikefence.report;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * A reporting month in the rule set's zone (Asia/Shanghai for Huli): its exact UTC boundaries for InfluxQL and
 * which of its days must have data.
 */
public record ReportMonth(YearMonth month, ZoneId zone) {

    public ReportMonth {
        Objects.requireNonNull(month, "month");
        Objects.requireNonNull(zone, "zone");
    }

    /** 00:00 on the 1st, local time: the first instant of the month (and the time of its operator_month points). */
    public Instant start() {
        return month.atDay(1).atStartOfDay(zone).toInstant();
    }

    /** 00:00 on the 1st of the next month, local time: the first instant after the month. */
    public Instant end() {
        return month.plusMonths(1).atDay(1).atStartOfDay(zone).toInstant();
    }

    /** InfluxQL condition selecting the month, half-open, in epoch milliseconds. */
    public String influxTimeRange() {
        return "time >= " + start().toEpochMilli() + "ms AND time < " + end().toEpochMilli() + "ms";
    }

    /** The local day an instant falls on. */
    public LocalDate dayOf(long epochMs) {
        return Instant.ofEpochMilli(epochMs).atZone(zone).toLocalDate();
    }

    public List<LocalDate> days() {
        List<LocalDate> days = new ArrayList<>();
        for (int d = 1; d <= month.lengthOfMonth(); d++) {
            days.add(month.atDay(d));
        }
        return days;
    }

    /**
     * Days of the month that should have data and have none. A month still running expects data only up to
     * yesterday (today is incomplete by nature); days after {@code today} are not missing, they have not
     * happened yet.
     */
    public List<LocalDate> missingDays(Collection<LocalDate> daysWithData, LocalDate today) {
        List<LocalDate> missing = new ArrayList<>();
        for (LocalDate d : days()) {
            if (!d.isBefore(today)) {
                break;
            }
            if (!daysWithData.contains(d)) {
                missing.add(d);
            }
        }
        return missing;
    }

    /** Whether the month has ended by {@code today} (local date). */
    public boolean isOver(LocalDate today) {
        return today.isAfter(month.atEndOfMonth());
    }

    /** Missing days as compact ranges for messages: {@code 2026-10-01..2026-10-11, 2026-10-13}. */
    public static String ranges(List<LocalDate> days) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < days.size(); i++) {
            int j = i;
            while (j + 1 < days.size() && days.get(j + 1).equals(days.get(j).plusDays(1))) {
                j++;
            }
            sb.append(sb.length() == 0 ? "" : ", ").append(days.get(i));
            if (j > i) {
                sb.append("..").append(days.get(j));
            }
            i = j;
        }
        return sb.toString();
    }
}
