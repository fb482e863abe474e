package org.bikefence.geofence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScheduleTest {

    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    private static final Set<DayOfWeek> WEEKDAYS = EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY);

    /** 2026-03-02 is a Monday. */
    private static long at(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(SHANGHAI).toInstant().toEpochMilli();
    }

    @Test
    void alwaysIsActiveAtEveryInstant() {
        assertThat(Schedule.always().isActiveAt(0)).isTrue();
        assertThat(Schedule.always().isActiveAt(at("2026-03-08T03:00"))).isTrue();
    }

    @Test
    void dayWindowIsActiveFromStartInclusiveToEndExclusiveOnListedDaysOnly() {
        Schedule school = Schedule.of(SHANGHAI, List.of(Schedule.Window.of(WEEKDAYS,
                LocalTime.of(7, 0), LocalTime.of(9, 0))));
        assertThat(school.isActiveAt(at("2026-03-02T06:59:59"))).isFalse();
        assertThat(school.isActiveAt(at("2026-03-02T07:00"))).isTrue();
        assertThat(school.isActiveAt(at("2026-03-02T08:59:59"))).isTrue();
        assertThat(school.isActiveAt(at("2026-03-02T09:00"))).isFalse();
        assertThat(school.isActiveAt(at("2026-03-07T08:00"))).as("Saturday").isFalse();
    }

    @Test
    void windowCrossingMidnightBelongsToTheDayItStarts() {
        // Friday and Saturday nights 22:00-06:00.
        Schedule night = Schedule.of(SHANGHAI, List.of(Schedule.Window.of(
                EnumSet.of(DayOfWeek.FRIDAY, DayOfWeek.SATURDAY), LocalTime.of(22, 0),
                LocalTime.of(6, 0))));
        assertThat(night.windows().get(0).crossesMidnight()).isTrue();
        assertThat(night.isActiveAt(at("2026-03-05T23:00"))).as("Thursday night").isFalse();
        assertThat(night.isActiveAt(at("2026-03-06T05:00"))).as("Friday early morning").isFalse();
        assertThat(night.isActiveAt(at("2026-03-06T21:59"))).isFalse();
        assertThat(night.isActiveAt(at("2026-03-06T22:00"))).as("Friday 22:00").isTrue();
        assertThat(night.isActiveAt(at("2026-03-07T05:59"))).as("Saturday morning, Friday's window").isTrue();
        assertThat(night.isActiveAt(at("2026-03-07T06:00"))).isFalse();
        assertThat(night.isActiveAt(at("2026-03-08T05:30"))).as("Sunday morning, Saturday's window").isTrue();
        assertThat(night.isActiveAt(at("2026-03-08T22:30"))).as("Sunday night").isFalse();
        assertThat(night.isActiveAt(at("2026-03-09T05:30"))).as("Monday morning").isFalse();
    }

    @Test
    void windowUntil24RunsToMidnight() {
        Schedule evening = Schedule.of(SHANGHAI, List.of(Schedule.Window.untilEndOfDay(
                EnumSet.of(DayOfWeek.MONDAY), LocalTime.of(20, 0))));
        assertThat(evening.isActiveAt(at("2026-03-02T23:59:59"))).isTrue();
        assertThat(evening.isActiveAt(at("2026-03-03T00:00"))).isFalse();
        assertThat(evening.toString()).isEqualTo("MON 20:00-24:00 (Asia/Shanghai)");
    }

    @Test
    void timesAreReadInTheScheduleZone() {
        Schedule utcMorning = Schedule.of(ZoneId.of("UTC"), List.of(Schedule.Window.of(
                EnumSet.allOf(DayOfWeek.class), LocalTime.of(7, 0), LocalTime.of(9, 0))));
        long eightUtc = Instant.parse("2026-03-02T08:00:00Z").toEpochMilli();
        assertThat(utcMorning.isActiveAt(eightUtc)).isTrue();
        assertThat(utcMorning.inZone(SHANGHAI).isActiveAt(eightUtc)).as("16:00 in Shanghai").isFalse();
    }

    @Test
    void emptyWindowIsRejected() {
        assertThatThrownBy(() -> Schedule.Window.of(WEEKDAYS, LocalTime.NOON, LocalTime.NOON))
                .hasMessageContaining("is empty; write 00:00-24:00 for a whole day");
    }
}
