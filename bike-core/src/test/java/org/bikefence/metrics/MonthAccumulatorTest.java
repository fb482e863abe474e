package org.bikefence.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import org.bikefence.rules.Evidence;
import org.bikefence.rules.OperatorMonthMetrics;
import org.junit.jupiter.api.Test;

/**
 * The arithmetic of each month metric, with exact figures: the job and the simulator's ground truth both
 * count through it, so it is checked here on its own; bike ids go through {@link DistinctBikeSets}, the
 * ground truth's way of deciding which bike counts once.
 */
class MonthAccumulatorTest {
    private static final long MIN = 60_000L;
    private static final LocalDate DAY = LocalDate.of(2026, 10, 12);
    private static final long T = Instant.parse("2026-10-12T00:00:00Z").toEpochMilli();

    private final MonthAccumulator m = new MonthAccumulator("hello", YearMonth.of(2026, 10));
    /** Bike ids decided distinct by sets (as the ground truth does), counting into {@link #m}. */
    private final DistinctBikeSets bikes = new DistinctBikeSets(m);

    @Test
    void recordsCountBikesPerDayAndMonthOnceAndLatenessStrictlyAfterTheLimit() {
        bikes.record(DAY, "H-1", false, 0, 5 * MIN);
        bikes.record(DAY, "H-1", true, 5 * MIN, 5 * MIN);
        bikes.record(DAY.plusDays(1), "H-1", false, 5 * MIN + 1, 5 * MIN);
        bikes.record(DAY.plusDays(1), "H-2", false, 0, 5 * MIN);
        m.invalidRecord();
        m.outOfOrderRecord();

        OperatorMonthMetrics metrics = m.toMetrics();

        assertThat(metrics.fleet().distinctBikesByDay()).containsExactly(Map.entry(DAY, 1L),
                Map.entry(DAY.plusDays(1), 2L));
        assertThat(metrics.fleet().distinctBikesInMonth()).isEqualTo(2);
        assertThat(metrics.condition().faultyBikes()).isEqualTo(1);
        OperatorMonthMetrics.DataFeed feed = metrics.dataFeed();
        assertThat(List.of(feed.recordsReceived(), feed.lateRecords(), feed.outOfOrderRecords(),
                feed.invalidRecords())).containsExactly(5L, 1L, 1L, 1L);
    }

    @Test
    void clearingWithinTheDeadlineIncludesTheDeadlineAndDurationsAreWholeMinutes() {
        m.noParkOpened();
        m.noParkOpened();
        assertThat(m.noParkClosed(30 * MIN, 30 * MIN)).isTrue();
        assertThat(m.noParkClosed(30 * MIN + 59_999, 30 * MIN)).isFalse();
        m.accumulationOpened(true);
        m.accumulationOpened(false);
        assertThat(m.accumulationCleared(60 * MIN, 60 * MIN)).isTrue();
        assertThat(m.accumulationCleared(61 * MIN - 1, 60 * MIN)).isFalse();

        OperatorMonthMetrics metrics = m.toMetrics();

        assertThat(metrics.noPark()).isEqualTo(new OperatorMonthMetrics.NoPark(2, 2, 1, 60));
        assertThat(metrics.accumulation()).isEqualTo(new OperatorMonthMetrics.Accumulation(1, 1, 2, 1, 120));
    }

    @Test
    void aFaultyBikeIsHandledOncePerMonthWithItsFirstHandlingsTime() {
        bikes.record(DAY, "H-1", true, 0, 5 * MIN);
        bikes.faultyHandled("H-1", 90 * MIN, 24 * 60 * MIN);
        bikes.faultyHandled("H-1", 5 * MIN, 24 * 60 * MIN);
        // Handled without a faulty report this month (it broke last month): still a faulty bike of this month.
        bikes.faultyHandled("H-2", 25 * 60 * MIN, 24 * 60 * MIN);

        assertThat(m.toMetrics().condition()).isEqualTo(new OperatorMonthMetrics.Condition(2, 2, 1, 90 + 25 * 60));
    }

    @Test
    void aFeedGapIsTheSilentMinutesBetweenDataMinutesAtLeastTheGap() {
        assertThat(m.feedGap(T, T + 30 * MIN, 30 * MIN)).as("29 silent minutes").isFalse();
        assertThat(m.feedGap(T, T + 31 * MIN, 30 * MIN)).as("30 silent minutes").isTrue();
        assertThat(m.feedGap(T, T + 101 * MIN, 30 * MIN)).isTrue();

        OperatorMonthMetrics.DataFeed feed = m.toMetrics().dataFeed();
        assertThat(List.of(feed.feedGaps(), feed.feedGapMinutes())).containsExactly(2L, 130L);
    }

    @Test
    void bikesCountOncePerMonthAndRideEndsOnlyInTheManagedArea() {
        assertThat(bikes.outOfArea("H-1")).isTrue();
        assertThat(bikes.outOfArea("H-1")).isFalse();
        assertThat(bikes.zombie("H-2")).isTrue();
        assertThat(bikes.zombie("H-2")).isFalse();
        m.rideEnded(true, true);
        m.rideEnded(true, false);
        m.rideEnded(false, true);

        OperatorMonthMetrics metrics = m.toMetrics();

        assertThat(List.of(metrics.outOfAreaBikes(), metrics.zombieBikes())).containsExactly(1L, 1L);
        assertThat(metrics.parking()).isEqualTo(new OperatorMonthMetrics.Parking(2, 1));
    }

    @Test
    void bikesWithinTheReportIntervalAreTheMonthsBikesThatNeverMissedIt() {
        bikes.record(DAY, "H-1", false, 0, 5 * MIN);
        bikes.record(DAY, "H-2", false, 0, 5 * MIN);
        bikes.record(DAY, "H-3", false, 0, 5 * MIN);
        bikes.reportGap("H-1");
        bikes.reportGap("H-1");
        bikes.reportGap("H-9");

        assertThat(m.bikesWithinReportInterval()).isEqualTo(2);
        assertThat(m.toMetrics().dataFeed().bikesWithinReportInterval()).isEqualTo(2);
    }

    @Test
    void thePeakOfBikesStandingIsTheLargestNumberSeen() {
        m.standing(4);
        m.standing(9);
        m.standing(2);

        assertThat(m.toMetrics().fleet().peakParkedBikes()).isEqualTo(9);
    }

    @Test
    void evidenceIsKeptUpToTheCapWithItsTimes() {
        for (int i = 0; i < MonthAccumulator.MAX_EVIDENCE + 3; i++) {
            m.evidence(Evidence.Kind.NO_PARK_VIOLATION, "np-" + i, "H-" + i, "NP-1", T + i, i == 0 ? T + MIN : null);
        }

        List<Evidence> evidence = m.toMetrics().evidence();

        assertThat(evidence).hasSize(MonthAccumulator.MAX_EVIDENCE);
        assertThat(evidence.get(0)).isEqualTo(Evidence.of(Evidence.Kind.NO_PARK_VIOLATION, "np-0", "H-0", "NP-1",
                Instant.ofEpochMilli(T), Instant.ofEpochMilli(T + MIN)));
        assertThat(evidence.get(1).to()).isNull();
    }

    @Test
    void lateRecordsNeverExceedTheRecordsInTheScoringInput() {
        m.lateRecords = 3;
        m.recordsReceived = 2;

        assertThat(m.toMetrics().dataFeed().lateRecords()).isEqualTo(2);
    }

    @Test
    void theMonthOnlySumsTheDistinctBikesItIsTold() {
        m.record(0, 5 * MIN);
        m.record(0, 5 * MIN);
        m.bikeOfDay(DAY);
        m.bikeOfDay(DAY);
        m.bikeOfDay(DAY.plusDays(1));
        m.bikeOfMonth();
        m.bikeOfMonth();
        m.faultyBike();
        m.faultyHandled(90 * MIN, 60 * MIN);
        m.outOfAreaBike();
        m.zombieBike();
        m.zombieBike();
        m.reportGapBike();

        OperatorMonthMetrics metrics = m.toMetrics();

        assertThat(metrics.fleet().distinctBikesByDay()).containsExactly(Map.entry(DAY, 2L),
                Map.entry(DAY.plusDays(1), 1L));
        assertThat(metrics.fleet().distinctBikesInMonth()).isEqualTo(2);
        assertThat(metrics.condition()).isEqualTo(new OperatorMonthMetrics.Condition(1, 1, 0, 90));
        assertThat(List.of(metrics.outOfAreaBikes(), metrics.zombieBikes())).containsExactly(1L, 2L);
        assertThat(metrics.dataFeed().bikesWithinReportInterval()).isEqualTo(1);
        assertThat(metrics.dataFeed().recordsReceived()).isEqualTo(2);
    }
}
