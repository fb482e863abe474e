package org.bikefence.geofence;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * When a fence is in force during the week: weekly time windows in one time zone. A window whose
 * end is not after its start crosses midnight and belongs to the day it starts (Friday 22:00-06:00
 * covers Friday 22:00 to Saturday 06:00).
 */
public final class Schedule {

    /** The default time zone of fence sets: the project regulates Chinese cities. */
    public static final ZoneId DEFAULT_ZONE = ZoneId.of("Asia/Shanghai");

    /**
     * How far past an instant {@link #periodAtOrAfter} looks: a week's windows plus a day, so every weekly window
     * is found, and a period still in force this far ahead counts as open-ended.
     */
    public static final long LOOKAHEAD_MS = 8 * 24 * 3_600_000L;
    private static final int LOOKAHEAD_DAYS = 8;

    private static final Schedule ALWAYS = new Schedule(DEFAULT_ZONE, List.of());

    private final ZoneId zone;
    private final List<Window> windows;
    /** The windows by start time, so that one day's occurrences come in time order. */
    private final List<Window> byStart;

    /**
     * A period in force, {@code start} inclusive to {@code end} exclusive, epoch ms: {@link Long#MIN_VALUE} and
     * {@link Long#MAX_VALUE} stand for "since ever" and "open-ended".
     */
    public record Period(long start, long end) {
        public boolean contains(long epochMs) {
            return start <= epochMs && epochMs < end;
        }
    }

    /**
     * One weekly window: on each of {@code days}, from {@code start} (inclusive) to {@code end}
     * (exclusive); {@code end} before or equal to {@code start} means the window ends on the
     * following day. {@code endOfDay} marks an end written as "24:00".
     */
    public record Window(Set<DayOfWeek> days, LocalTime start, LocalTime end, boolean endOfDay) {

        public Window {
            Objects.requireNonNull(start, "start");
            Objects.requireNonNull(end, "end");
            if (days == null || days.isEmpty()) {
                throw new IllegalArgumentException("a schedule window needs at least one day");
            }
            days = Set.copyOf(EnumSet.copyOf(days));
            if (endOfDay && !end.equals(LocalTime.MIDNIGHT)) {
                throw new IllegalArgumentException("endOfDay needs end 00:00");
            }
            if (!endOfDay && start.equals(end)) {
                throw new IllegalArgumentException("window " + start + "-" + end
                        + " is empty; write 00:00-24:00 for a whole day");
            }
        }

        /** A window ending at {@code end} on the same day, or on the next day when it crosses midnight. */
        public static Window of(Set<DayOfWeek> days, LocalTime start, LocalTime end) {
            return new Window(days, start, end, false);
        }

        /** A window from {@code start} to the end of the day (written "24:00"). */
        public static Window untilEndOfDay(Set<DayOfWeek> days, LocalTime start) {
            return new Window(days, start, LocalTime.MIDNIGHT, true);
        }

        /** True when the window ends on the day after the one it starts. */
        public boolean crossesMidnight() {
            return !endOfDay && !end.isAfter(start);
        }

        boolean covers(LocalDateTime t) {
            LocalTime time = t.toLocalTime();
            DayOfWeek day = t.getDayOfWeek();
            if (endOfDay) {
                return days.contains(day) && !time.isBefore(start);
            }
            if (!crossesMidnight()) {
                return days.contains(day) && !time.isBefore(start) && time.isBefore(end);
            }
            // The evening part belongs to today, the morning part to the window that started yesterday.
            return (days.contains(day) && !time.isBefore(start))
                    || (days.contains(day.minus(1)) && time.isBefore(end));
        }

        @Override
        public String toString() {
            String dayList = EnumSet.copyOf(days).stream()
                    .map(d -> d.name().substring(0, 3))
                    .collect(Collectors.joining(","));
            return dayList + " " + start + "-" + (endOfDay ? "24:00" : end.toString());
        }
    }

    private Schedule(ZoneId zone, List<Window> windows) {
        this.zone = Objects.requireNonNull(zone, "zone");
        this.windows = List.copyOf(windows);
        this.byStart = this.windows.stream().sorted(Comparator.comparing(Window::start)).toList();
    }

    /** In force at every moment (no windows). */
    public static Schedule always() {
        return ALWAYS;
    }

    /** In force during any of the windows, read in {@code zone}; no windows means always. */
    public static Schedule of(ZoneId zone, List<Window> windows) {
        return new Schedule(zone, windows);
    }

    public ZoneId zone() {
        return zone;
    }

    /** The weekly windows; empty means always in force. */
    public List<Window> windows() {
        return windows;
    }

    public boolean isAlways() {
        return windows.isEmpty();
    }

    /** The same windows read in another time zone (used when a fence set declares its zone). */
    public Schedule inZone(ZoneId newZone) {
        return new Schedule(newZone, windows);
    }

    public boolean isActiveAt(long epochMs) {
        if (windows.isEmpty()) {
            return true;
        }
        LocalDateTime local = ZonedDateTime.ofInstant(Instant.ofEpochMilli(epochMs), zone)
                .toLocalDateTime();
        for (Window window : windows) {
            if (window.covers(local)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The period in force that holds {@code epochMs}, or else the next one after it, with windows that overlap or
     * touch merged into one (Mon 22:00-24:00 and Tue 00:00-06:00 make one period): how long a zone in force stays
     * so, or when it next comes into force. The start of a period in force at {@code epochMs} is the start of the
     * earliest window occurrence holding it (earlier windows touching that one are not followed back). The end is
     * {@link Long#MAX_VALUE} when the period is still in force {@link #LOOKAHEAD_MS} after {@code epochMs} (a
     * schedule without windows: {@code (MIN_VALUE, MAX_VALUE)}). Null when no window starts within the look-ahead
     * (cannot happen for a weekly window). Window times are read in the schedule's zone; a time a daylight-saving
     * change skips is taken as the first instant after the gap.
     */
    public Period periodAtOrAfter(long epochMs) {
        if (windows.isEmpty()) {
            return new Period(Long.MIN_VALUE, Long.MAX_VALUE);
        }
        long horizon = epochMs + LOOKAHEAD_MS;
        LocalDate today = Instant.ofEpochMilli(epochMs).atZone(zone).toLocalDate();
        long start = 0;
        long end = Long.MIN_VALUE;
        // Occurrences come in start order: by day (from yesterday's, which may cross into today), then by start.
        for (int d = -1; d <= LOOKAHEAD_DAYS + 1; d++) {
            LocalDate day = today.plusDays(d);
            DayOfWeek dow = day.getDayOfWeek();
            for (Window w : byStart) {
                if (!w.days.contains(dow)) {
                    continue;
                }
                long s = epochMs(day, w.start);
                if (end != Long.MIN_VALUE && s > end) {
                    return period(start, end, horizon);
                }
                if (end == Long.MIN_VALUE && s > horizon) {
                    return null;
                }
                long e = w.endOfDay ? epochMs(day.plusDays(1), LocalTime.MIDNIGHT)
                        : epochMs(w.crossesMidnight() ? day.plusDays(1) : day, w.end);
                if (e <= epochMs) {
                    continue;
                }
                if (end == Long.MIN_VALUE) {
                    start = s;
                }
                end = Math.max(end, e);
                if (end > horizon) {
                    return new Period(start, Long.MAX_VALUE);
                }
            }
        }
        return end == Long.MIN_VALUE ? null : period(start, end, horizon);
    }

    private static Period period(long start, long end, long horizon) {
        return new Period(start, end > horizon ? Long.MAX_VALUE : end);
    }

    private long epochMs(LocalDate day, LocalTime time) {
        return LocalDateTime.of(day, time).atZone(zone).toInstant().toEpochMilli();
    }

    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof Schedule other && zone.equals(other.zone)
                && windows.equals(other.windows));
    }

    @Override
    public int hashCode() {
        return Objects.hash(zone, windows);
    }

    @Override
    public String toString() {
        return windows.isEmpty() ? "always"
                : windows.stream().map(Window::toString).collect(Collectors.joining("; "))
                        + " (" + zone + ")";
    }
}
