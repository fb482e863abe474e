package org.bikefence.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReportMonthTest {
    private static final ReportMonth OCTOBER = new ReportMonth(YearMonth.of(2026, 10), ZoneId.of("Asia/Shanghai"));

    @Test
    void monthRunsFromLocalMidnightOfTheFirstToLocalMidnightAfterTheLast() {
        assertThat(OCTOBER.start()).isEqualTo(Instant.parse("2026-09-30T16:00:00Z"));
        assertThat(OCTOBER.end()).isEqualTo(Instant.parse("2026-10-31T16:00:00Z"));
        assertThat(OCTOBER.influxTimeRange()).isEqualTo("time >= " + OCTOBER.start().toEpochMilli() + "ms AND time < "
                + OCTOBER.end().toEpochMilli() + "ms");
        assertThat(OCTOBER.days()).hasSize(31).startsWith(LocalDate.of(2026, 10, 1)).endsWith(LocalDate.of(2026, 10, 31));
    }

    @Test
    void instantsNearUtcMidnightFallOnTheirShanghaiDay() {
        assertThat(OCTOBER.dayOf(Instant.parse("2026-09-30T15:59:59.999Z").toEpochMilli()))
                .isEqualTo(LocalDate.of(2026, 9, 30));
        assertThat(OCTOBER.dayOf(Instant.parse("2026-09-30T16:00:00Z").toEpochMilli())).isEqualTo(LocalDate.of(2026, 10, 1));
        // 23:30 UTC on the 12th is already the 13th in Xiamen.
        assertThat(OCTOBER.dayOf(Instant.parse("2026-10-12T23:30:00Z").toEpochMilli())).isEqualTo(LocalDate.of(2026, 10, 13));
    }

    @Test
    void februaryOfALeapYearHas29Days() {
        assertThat(new ReportMonth(YearMonth.of(2028, 2), ZoneId.of("Asia/Shanghai")).days()).hasSize(29);
    }

    @Test
    void aCompleteMonthMissesNothing() {
        assertThat(OCTOBER.missingDays(Set.copyOf(OCTOBER.days()), LocalDate.of(2026, 11, 29))).isEmpty();
    }

    @Test
    void listsEveryDayWithoutDataOfAFinishedMonth() {
        List<LocalDate> missing = OCTOBER.missingDays(Set.of(LocalDate.of(2026, 10, 12)), LocalDate.of(2026, 11, 29));
        assertThat(missing).hasSize(30).doesNotContain(LocalDate.of(2026, 10, 12));
        assertThat(ReportMonth.ranges(missing)).isEqualTo("2026-10-01..2026-10-11, 2026-10-13..2026-10-31");
    }

    @Test
    void aRunningMonthExpectsDataOnlyBeforeToday() {
        Set<LocalDate> have = Set.of(LocalDate.of(2026, 10, 1), LocalDate.of(2026, 10, 3), LocalDate.of(2026, 10, 5));
        assertThat(OCTOBER.missingDays(have, LocalDate.of(2026, 10, 5)))
                .containsExactly(LocalDate.of(2026, 10, 2), LocalDate.of(2026, 10, 4));
        assertThat(OCTOBER.isOver(LocalDate.of(2026, 10, 31))).isFalse();
        assertThat(OCTOBER.isOver(LocalDate.of(2026, 11, 1))).isTrue();
        assertThat(ReportMonth.ranges(List.of(LocalDate.of(2026, 10, 2), LocalDate.of(2026, 10, 4))))
                .isEqualTo("2026-10-02, 2026-10-04");
    }
}
