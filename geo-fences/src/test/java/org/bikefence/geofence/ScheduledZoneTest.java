package org.bikefence.geofence;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** When a scheduled zone next switches: {@link Schedule#periodAtOrAfter} and {@link Verdict#scheduled()}. */
class ScheduledZoneTest {
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    private static final Set<DayOfWeek> EVERY_DAY = EnumSet.allOf(DayOfWeek.class);
    private static final String SQUARE = "POLYGON((118.10 24.50, 118.11 24.50, 118.11 24.51, 118.10 24.51, 118.10 24.50))";
    private static final double LAT = 24.505;
    private static final double LNG = 118.105;
    private static final long MIN = 60_000L;

    /** 2026-03-02 is a Monday. */
    private static long at(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(SHANGHAI).toInstant().toEpochMilli();
    }

    private static Schedule daily(int startHour, int endHour) {
        return Schedule.of(SHANGHAI, List.of(Schedule.Window.of(EVERY_DAY, LocalTime.of(startHour, 0),
                LocalTime.of(endHour, 0))));
    }

    @Test
    void beforeTheWindowThePeriodIsTodaysWindow() {
        assertThat(daily(8, 10).periodAtOrAfter(at("2026-03-02T07:00")))
                .isEqualTo(new Schedule.Period(at("2026-03-02T08:00"), at("2026-03-02T10:00")));
    }

    @Test
    void insideTheWindowThePeriodHoldsTheInstantAndAfterItComesTomorrows() {
        Schedule s = daily(8, 10);
        assertThat(s.periodAtOrAfter(at("2026-03-02T09:00")))
                .isEqualTo(new Schedule.Period(at("2026-03-02T08:00"), at("2026-03-02T10:00")));
        assertThat(s.periodAtOrAfter(at("2026-03-02T10:00")))
                .isEqualTo(new Schedule.Period(at("2026-03-03T08:00"), at("2026-03-03T10:00")));
    }

    @Test
    void aWindowAcrossMidnightEndsTheNextMorning() {
        Schedule night = daily(22, 2);
        assertThat(night.periodAtOrAfter(at("2026-03-02T21:00")))
                .isEqualTo(new Schedule.Period(at("2026-03-02T22:00"), at("2026-03-03T02:00")));
        assertThat(night.periodAtOrAfter(at("2026-03-03T01:00"))).as("yesterday's window, still in force")
                .isEqualTo(new Schedule.Period(at("2026-03-02T22:00"), at("2026-03-03T02:00")));
    }

    @Test
    void touchingWindowsMakeOnePeriodAndAnAllWeekScheduleIsOpenEnded() {
        Schedule evenings = Schedule.of(SHANGHAI, List.of(
                Schedule.Window.untilEndOfDay(EnumSet.of(DayOfWeek.MONDAY), LocalTime.of(20, 0)),
                Schedule.Window.of(EnumSet.of(DayOfWeek.TUESDAY), LocalTime.MIDNIGHT, LocalTime.of(6, 0))));
        assertThat(evenings.periodAtOrAfter(at("2026-03-02T12:00")))
                .isEqualTo(new Schedule.Period(at("2026-03-02T20:00"), at("2026-03-03T06:00")));
        Schedule allWeek = Schedule.of(SHANGHAI, List.of(Schedule.Window.untilEndOfDay(EVERY_DAY, LocalTime.MIDNIGHT)));
        assertThat(allWeek.periodAtOrAfter(at("2026-03-02T12:00")).end()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aWeekendWindowIsFoundFromMonday() {
        Schedule sunday = Schedule.of(SHANGHAI, List.of(Schedule.Window.of(EnumSet.of(DayOfWeek.SUNDAY),
                LocalTime.of(9, 0), LocalTime.of(17, 0))));
        assertThat(sunday.periodAtOrAfter(at("2026-03-02T12:00")))
                .isEqualTo(new Schedule.Period(at("2026-03-08T09:00"), at("2026-03-08T17:00")));
    }

    @Test
    void periodsAgreeWithIsActiveAtForRandomSchedulesAndInstants() {
        Random r = new Random(13);
        DayOfWeek[] days = DayOfWeek.values();
        for (int n = 0; n < 300; n++) {
            List<Schedule.Window> windows = new ArrayList<>();
            for (int k = 1 + r.nextInt(3); k > 0; k--) {
                Set<DayOfWeek> on = EnumSet.noneOf(DayOfWeek.class);
                for (int d = 1 + r.nextInt(7); d > 0; d--) {
                    on.add(days[r.nextInt(7)]);
                }
                LocalTime start = LocalTime.of(r.nextInt(24), 15 * r.nextInt(4));
                LocalTime end = LocalTime.of(r.nextInt(24), 15 * r.nextInt(4));
                windows.add(r.nextInt(8) == 0 ? Schedule.Window.untilEndOfDay(on, start)
                        : Schedule.Window.of(on, start, end.equals(start) ? start.plusMinutes(30) : end));
            }
            Schedule s = Schedule.of(SHANGHAI, windows);
            long t = at("2026-03-02T00:00") + r.nextInt(14 * 24 * 60) * MIN;
            Schedule.Period p = s.periodAtOrAfter(t);
            String what = s + " at " + Instant.ofEpochMilli(t);
            assertThat(p).as(what).isNotNull();
            assertThat(p.end()).as(what).isGreaterThan(t);
            assertThat(s.isActiveAt(p.start())).as(what + ": start").isTrue();
            assertThat(s.isActiveAt(p.start() - 1) && p.start() > t).as(what + ": a later period starts earlier")
                    .isFalse();
            for (long m = Math.max(p.start(), t); m < Math.min(p.end(), t + Schedule.LOOKAHEAD_MS); m += 15 * MIN) {
                assertThat(s.isActiveAt(m)).as(what + ": inside at " + Instant.ofEpochMilli(m)).isTrue();
            }
            for (long m = t; m < p.start(); m += 15 * MIN) {
                assertThat(s.isActiveAt(m)).as(what + ": before at " + Instant.ofEpochMilli(m)).isFalse();
            }
            if (p.end() != Long.MAX_VALUE) {
                assertThat(s.isActiveAt(p.end())).as(what + ": end").isFalse();
                assertThat(s.isActiveAt(p.end() - 1)).as(what + ": just before the end").isTrue();
            }
        }
    }

    private static Fence zone(String id, FenceKind kind, Schedule schedule) {
        return Fence.builder(id, kind, Fixtures.wkt(SQUARE)).schedule(schedule).build();
    }

    private static Verdict verdict(long at, Fence... fences) {
        return FenceIndex.build(new FenceSet("v1", List.of(fences))).verdict(LAT, LNG, "meituan", at);
    }

    @Test
    void aPointInAScheduledZoneOutOfForceIsToldTheZonesNextPeriod() {
        Fence np = Fence.builder("NP-1", FenceKind.NO_PARK, Fixtures.wkt(SQUARE)).schedule(daily(8, 10))
                .graceMinutes(5).build();
        Verdict v = verdict(at("2026-03-02T07:00"), np);
        assertThat(v.zone()).isNull();
        assertThat(v.scheduled()).isEqualTo(
                new Verdict.ScheduledZone(np, at("2026-03-02T08:00"), at("2026-03-02T10:00")));
        assertThat(v.scheduled().graceMs()).isEqualTo(5 * MIN);
    }

    @Test
    void aScheduledZoneInForceIsToldWithThePeriodHoldingTheInstant() {
        Fence np = zone("NP-1", FenceKind.NO_PARK, daily(22, 2));
        Verdict v = verdict(at("2026-03-02T23:00"), np);
        assertThat(v.zoneId()).isEqualTo("NP-1");
        assertThat(v.scheduled()).isEqualTo(
                new Verdict.ScheduledZone(np, at("2026-03-02T22:00"), at("2026-03-03T02:00")));
    }

    @Test
    void aPermanentZoneIsToldNothingAndNeitherIsAPointOutsideScheduledZones() {
        Fence permanent = Fixtures.fence("NP-0", FenceKind.NO_PARK, SQUARE);
        Fence scheduled = zone("NP-1", FenceKind.NO_PARK, daily(8, 10));
        assertThat(verdict(at("2026-03-02T07:00"), permanent, scheduled).scheduled()).isNull();
        assertThat(verdict(at("2026-03-02T07:00"), permanent).scheduled()).isNull();
        assertThat(FenceIndex.build(new FenceSet("v1", List.of(scheduled))).verdict(24.6, 118.2, "meituan",
                at("2026-03-02T07:00")).scheduled()).isNull();
        assertThat(FenceIndex.build(new FenceSet("v1", List.of(scheduled)))
                .verdictAtAnyTime(LAT, LNG, "meituan").scheduled()).isNull();
    }

    @Test
    void theZoneComingIntoForceFirstIsToldNoParkBeforeKeyControlAtEqualStarts() {
        Fence later = zone("NP-1", FenceKind.NO_PARK, daily(9, 10));
        Fence sooner = zone("NP-2", FenceKind.NO_PARK, daily(8, 10));
        assertThat(verdict(at("2026-03-02T07:00"), later, sooner).scheduled().fence()).isEqualTo(sooner);
        Fence keyControl = zone("KC-0", FenceKind.KEY_CONTROL, daily(8, 10));
        assertThat(verdict(at("2026-03-02T07:00"), keyControl, sooner).scheduled().fence()).isEqualTo(sooner);
        assertThat(verdict(at("2026-03-02T07:00"), keyControl).scheduled().fence()).isEqualTo(keyControl);
    }

    @Test
    void aKeyControlZoneIsNotToldInsideAParkingFence() {
        Fence keyControl = zone("KC-1", FenceKind.KEY_CONTROL, daily(8, 10));
        Fence bay = Fixtures.fence("P-1", FenceKind.PARKING, SQUARE);
        assertThat(verdict(at("2026-03-02T07:00"), keyControl, bay).scheduled()).isNull();
        assertThat(verdict(at("2026-03-02T09:00"), keyControl, bay).scheduled()).isNull();
    }

    @Test
    void anEffectivePeriodCutsTheSchedulesPeriodAndAFarStartIsNotTold() {
        Fence ending = Fence.builder("NP-1", FenceKind.NO_PARK, Fixtures.wkt(SQUARE)).schedule(daily(8, 10))
                .effectiveUntil(Instant.ofEpochMilli(at("2026-03-02T09:00"))).build();
        assertThat(verdict(at("2026-03-02T07:00"), ending).scheduled())
                .isEqualTo(new Verdict.ScheduledZone(ending, at("2026-03-02T08:00"), at("2026-03-02T09:00")));
        Fence starting = Fence.builder("NP-2", FenceKind.NO_PARK, Fixtures.wkt(SQUARE))
                .effectiveFrom(Instant.ofEpochMilli(at("2026-03-03T12:00"))).build();
        assertThat(verdict(at("2026-03-02T07:00"), starting).scheduled())
                .isEqualTo(new Verdict.ScheduledZone(starting, at("2026-03-03T12:00"), Long.MAX_VALUE));
        Fence farOff = Fence.builder("NP-3", FenceKind.NO_PARK, Fixtures.wkt(SQUARE))
                .effectiveFrom(Instant.ofEpochMilli(at("2026-04-01T00:00"))).build();
        assertThat(verdict(at("2026-03-02T07:00"), farOff).scheduled()).isNull();
        Fence expired = Fence.builder("NP-4", FenceKind.NO_PARK, Fixtures.wkt(SQUARE)).schedule(daily(8, 10))
                .effectiveUntil(Instant.ofEpochMilli(at("2026-03-01T00:00"))).build();
        assertThat(verdict(at("2026-03-02T07:00"), expired).scheduled()).isNull();
    }

    @Test
    void aZoneForAnotherOperatorIsNotTold() {
        Fence other = Fence.builder("NP-1", FenceKind.NO_PARK, Fixtures.wkt(SQUARE)).schedule(daily(8, 10))
                .operators(Set.of("hello")).build();
        assertThat(verdict(at("2026-03-02T07:00"), other).scheduled()).isNull();
    }
}
