package org.bikefence.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bikefence.model.OperatorSignal.FIRST_FAULTY;
import static org.bikefence.model.OperatorSignal.FIRST_FAULTY_HANDLED;
import static org.bikefence.model.OperatorSignal.FIRST_IN_NO_PARK_OF_MINUTE;
import static org.bikefence.model.OperatorSignal.FIRST_OF_DAY;
import static org.bikefence.model.OperatorSignal.FIRST_OF_MINUTE;
import static org.bikefence.model.OperatorSignal.FIRST_OF_MONTH;
import static org.bikefence.model.OperatorSignal.FIRST_OUT_OF_AREA;
import static org.bikefence.model.OperatorSignal.FIRST_REPORT_GAP;
import static org.bikefence.model.OperatorSignal.FIRST_ZOMBIE;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bikefence.model.BikeFact;
import org.bikefence.model.BikePosition;
import org.bikefence.model.BikeState;
import org.bikefence.model.ClassifiedPosition;
import org.bikefence.model.OperatorSignal;
import org.bikefence.model.ViolationEvent;
import org.junit.jupiter.api.Test;

/**
 * Which of a bike's signals count it once in its operator's minute, day or month: decided in the bike's own
 * fixed-size state, the signals given in event-time order (the order the bike tracker applies them in).
 */
class BikeCountedTest {
    private static final ZoneId XIAMEN = ZoneId.of("Asia/Shanghai");
    private static final long MIN = 60_000L;
    private static final long DAY = 24 * 60 * MIN;
    /** 08:00 on 12 October 2026 in Xiamen. */
    private static final long T = Instant.parse("2026-10-12T00:00:00Z").toEpochMilli();

    private static OperatorSignal position(String bike, long ts, BikeState state) {
        return OperatorSignal.position(new ClassifiedPosition(new BikePosition("meituan", bike, ts, 24.5, 118.1,
                state), null, null, true, "v1"));
    }

    private static OperatorSignal inNoPark(String bike, long ts) {
        return OperatorSignal.position(new ClassifiedPosition(new BikePosition("meituan", bike, ts, 24.5, 118.1,
                BikeState.PARKED), "NP-1", null, true, "v1"));
    }

    private static OperatorSignal fact(BikeFact.Kind kind, String bike, long ts) {
        BikeFact f = new BikeFact();
        f.kind = kind;
        f.operator = "meituan";
        f.bikeId = bike;
        f.ts = ts;
        return OperatorSignal.fact(f);
    }

    private static OperatorSignal opened(ViolationEvent.Type type, String bike, long ts) {
        return OperatorSignal.violation(ViolationEvent.opened(type, "meituan", bike, null, 24.5, 118.1, ts - MIN, ts,
                null));
    }

    /** Each signal as "bike@minutes-after-T kind:bits", each bike with its own state. */
    private static List<String> decide(List<OperatorSignal> signals) {
        Map<String, BikeCounted> bikes = new HashMap<>();
        List<String> out = new ArrayList<>();
        for (OperatorSignal s : signals) {
            int bits = MonthlyMetricsFolder.firsts(XIAMEN, s, bikes.computeIfAbsent(s.bikeId, b -> new BikeCounted()));
            out.add(s.bikeId + "@" + (s.ts - T) / MIN + " " + s.kind + ":" + bits);
        }
        return out;
    }

    private static final int MINUTE_DAY_MONTH = FIRST_OF_MINUTE | FIRST_OF_DAY | FIRST_OF_MONTH;

    @Test
    void aBikeCountsOncePerMinuteDayAndMonthOnItsEarliestRecord() {
        assertThat(decide(List.of(
                position("MT-1", T, BikeState.PARKED),
                position("MT-1", T + 1, BikeState.PARKED),
                position("MT-1", T + MIN, BikeState.PARKED),
                position("MT-2", T + MIN, BikeState.RIDING),
                position("MT-1", T + DAY, BikeState.PARKED),
                position("MT-1", T + DAY + MIN, BikeState.PARKED)))).containsExactly(
                "MT-1@0 POSITION:" + MINUTE_DAY_MONTH,
                "MT-1@0 POSITION:0",
                "MT-1@1 POSITION:" + FIRST_OF_MINUTE,
                "MT-2@1 POSITION:" + MINUTE_DAY_MONTH,
                "MT-1@1440 POSITION:" + (FIRST_OF_MINUTE | FIRST_OF_DAY),
                "MT-1@1441 POSITION:" + FIRST_OF_MINUTE);
    }

    @Test
    void aBikeInANoParkZoneCountsOncePerMinuteThereAndAnEarlierMinuteCountsNoMore() {
        assertThat(decide(List.of(
                position("MT-1", T, BikeState.PARKED),
                inNoPark("MT-1", T + 10),
                inNoPark("MT-1", T + 20),
                inNoPark("MT-1", T + MIN),
                // A late report of a minute already past: the minute counts were made.
                inNoPark("MT-1", T + 30)))).containsExactly(
                "MT-1@0 POSITION:" + MINUTE_DAY_MONTH,
                "MT-1@0 POSITION:" + FIRST_IN_NO_PARK_OF_MINUTE,
                "MT-1@0 POSITION:0",
                "MT-1@1 POSITION:" + (FIRST_OF_MINUTE | FIRST_IN_NO_PARK_OF_MINUTE),
                "MT-1@0 POSITION:0");
    }

    @Test
    void faultsViolationsAndReportGapsCountOncePerMonthOnTheFirst() {
        assertThat(decide(List.of(
                position("MT-3", T, BikeState.FAULTY),
                fact(BikeFact.Kind.FAULTY_ENDED, "MT-3", T + 10 * MIN),
                fact(BikeFact.Kind.FAULTY_ENDED, "MT-3", T + 20 * MIN),
                // Handled without a faulty report of its own: a faulty bike of the month by its handling.
                fact(BikeFact.Kind.FAULTY_ENDED, "MT-4", T + 20 * MIN),
                opened(ViolationEvent.Type.OUT_OF_AREA, "MT-3", T + 30 * MIN),
                opened(ViolationEvent.Type.OUT_OF_AREA, "MT-3", T + 40 * MIN),
                opened(ViolationEvent.Type.ZOMBIE, "MT-3", T + 40 * MIN),
                opened(ViolationEvent.Type.ZOMBIE, "MT-3", T + 50 * MIN),
                fact(BikeFact.Kind.REPORT_GAP, "MT-3", T + 50 * MIN),
                fact(BikeFact.Kind.REPORT_GAP, "MT-3", T + 60 * MIN)))).containsExactly(
                "MT-3@0 POSITION:" + (MINUTE_DAY_MONTH | FIRST_FAULTY),
                "MT-3@10 FACT:" + FIRST_FAULTY_HANDLED,
                "MT-3@20 FACT:0",
                "MT-4@20 FACT:" + (FIRST_FAULTY | FIRST_FAULTY_HANDLED),
                "MT-3@30 VIOLATION:" + FIRST_OUT_OF_AREA,
                "MT-3@40 VIOLATION:0",
                "MT-3@40 VIOLATION:" + FIRST_ZOMBIE,
                "MT-3@50 VIOLATION:0",
                "MT-3@50 FACT:" + FIRST_REPORT_GAP,
                "MT-3@60 FACT:0");
    }

    @Test
    void aBikeIsRememberedForItsLatestMonthAndTheOneBeforeOnly() {
        long nov = Instant.parse("2026-11-12T00:00:00Z").toEpochMilli();
        long dec = Instant.parse("2026-12-12T00:00:00Z").toEpochMilli();
        BikeCounted c = new BikeCounted();
        List<Integer> bits = new ArrayList<>();
        for (long ts : new long[] {T, nov, dec, nov + 1, T + 1}) {
            bits.add(MonthlyMetricsFolder.firsts(XIAMEN, position("MT-1", ts, BikeState.PARKED), c)
                    & (FIRST_OF_DAY | FIRST_OF_MONTH));
        }
        // Late reports: November is still remembered (counted already); October is forgotten and counts nothing.
        assertThat(bits).containsExactly(FIRST_OF_DAY | FIRST_OF_MONTH, FIRST_OF_DAY | FIRST_OF_MONTH,
                FIRST_OF_DAY | FIRST_OF_MONTH, 0, 0);
        assertThat(Instant.ofEpochMilli(c.forgettableAt(XIAMEN)))
                .as("nothing of December can count once February begins in Xiamen")
                .isEqualTo(Instant.parse("2027-01-31T16:00:00Z"));
    }

    @Test
    void monthsNotFollowingEachOtherForgetTheOlderOne() {
        long dec = Instant.parse("2026-12-12T00:00:00Z").toEpochMilli();
        long nov = Instant.parse("2026-11-12T00:00:00Z").toEpochMilli();
        BikeCounted c = new BikeCounted();
        MonthlyMetricsFolder.firsts(XIAMEN, position("MT-1", T, BikeState.PARKED), c);
        MonthlyMetricsFolder.firsts(XIAMEN, position("MT-1", dec, BikeState.PARKED), c);
        // October is two months before December: forgotten, not taken for November's.
        assertThat(MonthlyMetricsFolder.firsts(XIAMEN, position("MT-1", nov, BikeState.PARKED), c)
                & (FIRST_OF_DAY | FIRST_OF_MONTH)).isEqualTo(FIRST_OF_DAY | FIRST_OF_MONTH);
    }

    @Test
    void signalsWithoutAPerBikeCountGetNoBits() {
        OperatorSignal closed = OperatorSignal.violation(ViolationEvent.opened(ViolationEvent.Type.ZOMBIE, "meituan",
                "MT-1", null, 24.5, 118.1, T, T + MIN, null).closedAt(T + 2 * MIN));
        OperatorSignal accumulation = OperatorSignal.accumulation("meituan",
                org.bikefence.model.AreaDelta.Area.FENCE, "P-1", true, T, T + 30 * MIN);
        BikeCounted c = new BikeCounted();
        assertThat(MonthlyMetricsFolder.firsts(XIAMEN, closed, c)).isZero();
        assertThat(MonthlyMetricsFolder.firsts(XIAMEN, accumulation, c)).isZero();
    }
}
