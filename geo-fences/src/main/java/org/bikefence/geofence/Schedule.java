package org.bikefence.geofence;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
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

    private static final Schedule ALWAYS = new Schedule(DEFAULT_ZONE, List.of());

    private final ZoneId zone;
    private final List<Window> windows;

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
