package org.bikefence.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.YearMonth;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.bikefence.geofence.FenceSet;
import org.bikefence.geofence.GeoJsonFenceLoader;
import org.bikefence.metrics.MonthAccumulator;
import org.bikefence.rules.RuleSet;
import org.bikefence.rules.RuleSetLoader;
import org.junit.jupiter.api.Test;

class FleetSimulatorTest {
    static final FenceSet FENCES = GeoJsonFenceLoader.load(Path.of("../geo-fences/fences/huli-demo.geojson"));
    static final RuleSet RULES = RuleSetLoader.load(Path.of("../scoring-rules/rulesets/huli.yaml"));
    /** Midnight in Xiamen, 10 November 2026. */
    static final long START = Instant.parse("2026-11-09T16:00:00Z").toEpochMilli();
    static final long HOUR = 3_600_000L;
    static final YearMonth NOVEMBER = YearMonth.of(2026, 11);

    /** A fleet that parks only in parking fences and never breaks, so scripted bikes alone make incidents. */
    static OperatorProfile tidy(Switches s) {
        return new OperatorProfile("tidy", "TD", 1.0, 0.0, 5, 5, 0.0, "WGS84").withSwitches(s);
    }

    @Test
    void demoRecordsAreTheSameAsBeforeTheSwitchesForTheSameSeed() throws Exception {
        // Digest of the records of the simulator before switches existed (commit 3f82f55), 90 bikes, 6 h.
        FleetSimulator sim = new FleetSimulator(FENCES, OperatorProfile.demo(), 90, START, 42, 5);
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        List<SimRecord> records = sim.runUntil(START + 6 * HOUR);
        for (SimRecord r : records) {
            d.update((r.key + r.value + r.ts + r.bad).getBytes(StandardCharsets.UTF_8));
        }
        assertThat(records).hasSize(11_790);
        assertThat(HexFormat.of().formatHex(d.digest()))
                .isEqualTo("9e0e51eb1dd98149c5713226a9cb99a65195bde84fbe0f20a96de7b80a225d22");
        assertThat(records).allMatch(r -> r.kafkaTs == r.ts);
    }

    @Test
    void sameSeedGivesTheSameRecordsWithEverySwitchOn() {
        assertThat(strings(everything(7).runAndFinish(START + 24 * HOUR)))
                .isEqualTo(strings(everything(7).runAndFinish(START + 24 * HOUR)));
        assertThat(strings(everything(8).runAndFinish(START + 24 * HOUR)))
                .isNotEqualTo(strings(everything(7).runAndFinish(START + 24 * HOUR)));
    }

    @Test
    void switchesLeaveTheOrdinaryFleetAlone() {
        Switches scripted = Switches.builder().zombies(3).longFaulty(5).noParkStays(6).outOfArea(3).piles(2)
                .silent(2).latePerMille(50).build();
        List<OperatorProfile> plain = OperatorProfile.demo();
        List<OperatorProfile> switched = plain.stream().map(p -> p.withSwitches(scripted)).toList();
        List<String> before = fleetOnly(new FleetSimulator(FENCES, plain, 60, START, 3, 2).runUntil(START + 20 * HOUR));
        List<String> after = fleetOnly(new FleetSimulator(FENCES, switched, 60, START, 3, 2)
                .runUntil(START + 20 * HOUR));
        assertThat(after).isEqualTo(before);
    }

    @Test
    void fleetSizeSetsTheOperatorsBikeCount() {
        List<OperatorProfile> ops = List.of(OperatorProfile.demo().get(0),
                OperatorProfile.demo().get(1).withSwitches(Switches.builder().fleetSize(70).build()));
        FleetSimulator sim = new FleetSimulator(FENCES, ops, 40, START, 1, 0).recordGroundTruth(RULES);
        sim.runAndFinish(START + 2 * HOUR);
        GroundTruth t = sim.groundTruth();
        assertThat(t.bikes("hello", NOVEMBER).bikes()).hasSize(20);
        assertThat(t.bikes("meituan", NOVEMBER).bikes()).hasSize(70);
        assertThat(t.metrics("meituan", NOVEMBER).fleet().distinctBikesByDay().values()).containsExactly(70L);
    }

    @Test
    void zombiesStandStillForEightDaysAndCountOnce() {
        FleetSimulator sim = truthOf(Switches.builder().zombies(4).build());
        List<SimRecord> records = sim.runAndFinish(START + 20 * HOUR);
        List<SimRecord> zombie = records.stream().filter(r -> r.key.startsWith("TD-Z")).toList();
        assertThat(zombie.stream().map(r -> r.value.replaceAll(".*\"lat\":([0-9.]+),\"lng\":([0-9.]+).*", "$1 $2")
                .concat(r.key)).distinct()).hasSize(4);
        assertThat(zombie.stream().mapToLong(r -> r.ts).min().getAsLong()).isEqualTo(START - 8 * 24 * HOUR);
        assertThat(sim.historyStartMs()).isEqualTo(START - 8 * 24 * HOUR);
        GroundTruth t = sim.groundTruth();
        assertThat(t.bikes("tidy", NOVEMBER).zombieBikes()).hasSize(4);
        assertThat(t.violations("tidy", "zombie").opened).isEqualTo(4);
        assertThat(t.violations("tidy", "zombie").closed).isZero();
        // Every 3 hours is within the 4-hour report interval; the silence between zombie reports is a feed gap.
        assertThat(t.bikes("tidy", NOVEMBER).reportGapBikes()).isEmpty();
        assertThat(t.month("tidy", NOVEMBER).feedGaps).isGreaterThan(8 * 7);
    }

    @Test
    void longFaultyBikesAreHandledByTheirRepairHours() {
        // Repairs after 6, 20, 30 and 40 hours, and never.
        GroundTruth t = truthOf(Switches.builder().longFaulty(5).build(), 20);
        MonthAccumulator m = t.month("tidy", NOVEMBER);
        assertThat(t.bikes("tidy", NOVEMBER).faultyBikes()).hasSize(5);
        assertThat(t.bikes("tidy", NOVEMBER).faultyHandledBikes()).hasSize(4);
        assertThat(List.of(m.faultyBikes, m.faultyHandledBikes)).containsExactly(5L, 4L);
        assertThat(m.faultyHandledWithinDeadline).isEqualTo(2);
        assertThat(m.faultyMinutesToHandle).isEqualTo((6 + 20 + 30 + 40) * 60);
        assertThat(t.violations("tidy", "faulty_overdue").opened).isEqualTo(3);
        assertThat(t.violations("tidy", "faulty_overdue").closed).isEqualTo(2);
    }

    @Test
    void noParkStaysOpenAndClearAsPlanned() {
        // Stays of 5, 25 and 55 minutes, twice: 4 violations (grace 10), 2 cleared within 30 minutes.
        GroundTruth t = scriptedOnly(Switches.builder().noParkStays(6).build());
        MonthAccumulator m = t.month("tidy", NOVEMBER);
        assertThat(m.noParkOpened).isEqualTo(4);
        assertThat(m.noParkClosed).isEqualTo(4);
        assertThat(m.noParkClosedWithinDeadline).isEqualTo(2);
        assertThat(m.noParkMinutesOpen).isEqualTo(2 * (15 + 45));
        assertThat(t.violations("tidy", "no_park").opened).isEqualTo(4);
        // Each bike rode three times: from its first place into the zone, out of it; only ride ends count.
        assertThat(m.rideEndsInArea).isEqualTo(12);
        assertThat(m.rideEndsInFence).isEqualTo(6);
    }

    @Test
    void outOfAreaBikesCountAfterTheRuleSetsGrace() {
        // 15, 45 and 100 minutes outside; the rule set's grace is 30 minutes.
        assertThat(RULES.monitoring().outOfArea().graceMinutes()).isEqualTo(30);
        GroundTruth t = scriptedOnly(Switches.builder().outOfArea(3).build());
        MonthAccumulator m = t.month("tidy", NOVEMBER);
        assertThat(t.bikes("tidy", NOVEMBER).outOfAreaBikes()).containsExactlyInAnyOrder("TD-O0002", "TD-O0003");
        assertThat(m.outOfAreaBikes).isEqualTo(2);
        assertThat(t.violations("tidy", "out_of_area").closed).isEqualTo(2);
        assertThat(m.rideEndsInArea).isEqualTo(3);
        assertThat(m.rideEndsInFence).isEqualTo(3);
    }

    @Test
    void pilesOverfillAParkingFence() {
        FleetSimulator sim = truthOf(Switches.builder().piles(2).build());
        List<SimRecord> records = sim.runAndFinish(START + 20 * HOUR);
        MonthAccumulator m = sim.groundTruth().month("tidy", NOVEMBER);
        assertThat(m.fenceOverCapacityEvents).isEqualTo(2);
        assertThat(m.accumulationCleared).isEqualTo(2);
        assertThat(m.accumulationClearedWithinDeadline).isEqualTo(1);
        Set<String> pileBikes = records.stream().map(r -> r.key).filter(k -> k.startsWith("TD-Pa"))
                .collect(Collectors.toSet());
        assertThat(pileBikes.size()).isGreaterThan(Switches.PILE_EXTRA_BIKES + 7);
    }

    @Test
    void silentBikesMissTheReportInterval() {
        GroundTruth t = truthOf(Switches.builder().silent(3).build(), 20);
        assertThat(t.bikes("tidy", NOVEMBER).reportGapBikes()).containsExactlyInAnyOrder("TD-S0001", "TD-S0002",
                "TD-S0003");
        assertThat(t.month("tidy", NOVEMBER).bikesWithinReportInterval()).isEqualTo(30);
    }

    @Test
    void lateAndBadRecordsAreCountedAsSent() {
        FleetSimulator sim = truthOf(Switches.builder().latePerMille(40).badPerMille(10).build());
        List<SimRecord> records = sim.runAndFinish(START + 20 * HOUR);
        List<SimRecord> late = records.stream().filter(r -> r.kafkaTs != r.ts).toList();
        assertThat(late).isNotEmpty().allMatch(r -> r.kafkaTs - r.ts >= 6 * 60_000L && r.kafkaTs - r.ts <= 15 * 60_000L);
        MonthAccumulator m = sim.groundTruth().month("tidy", NOVEMBER);
        assertThat(m.lateRecords).isEqualTo(late.stream().filter(r -> !r.bad).count());
        assertThat(m.invalidRecords).isEqualTo(records.stream().filter(r -> r.bad).count()).isPositive();
        assertThat(m.recordsReceived).isEqualTo(records.size());
        assertThat((double) m.lateRecords / records.size()).isBetween(0.03, 0.05);
    }

    @Test
    void finishingBeforeTheScriptsHaveRunIsRefused() {
        FleetSimulator sim = truthOf(Switches.builder().outOfArea(1).build());
        assertThatThrownBy(() -> sim.runAndFinish(START + 10 * HOUR)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("start + 20 h");
    }

    @Test
    void groundTruthCountsEveryBikeAndRecordOfAnOrdinaryDay() {
        // No bad records: a garbled arrival report leaves a riding gap of 5.5 minutes, as the stream would see.
        FleetSimulator sim = new FleetSimulator(FENCES, OperatorProfile.demo(), 90, START, 5, 0)
                .recordGroundTruth(RULES);
        List<SimRecord> records = sim.runAndFinish(START + 24 * HOUR);
        GroundTruth t = sim.groundTruth();
        long total = 0;
        for (String op : List.of("hello", "meituan", "qingju")) {
            MonthAccumulator m = t.month(op, NOVEMBER);
            total += m.recordsReceived;
            assertThat(t.bikes(op, NOVEMBER).bikes()).hasSize(30);
            assertThat(m.bikes).isEqualTo(30);
            assertThat(m.peakStanding).isBetween(20L, 30L);
            assertThat(m.rideEndsInFence).isLessThanOrEqualTo(m.rideEndsInArea).isPositive();
            assertThat(t.bikes(op, NOVEMBER).reportGapBikes()).isEmpty();
            assertThat(m.reportGapBikes).isZero();
        }
        assertThat(total).isEqualTo(records.size());
        // Meituan leaves a fifth of its rides in no-park zones and clears slowly; Hello hardly ever does.
        assertThat(t.month("meituan", NOVEMBER).noParkOpened).isGreaterThan(t.month("hello", NOVEMBER).noParkOpened);
        assertThat(t.metrics("meituan", NOVEMBER).noPark().violations()).isEqualTo(
                t.violations("meituan", "no_park").opened);
    }

    private static FleetSimulator everything(long seed) {
        Switches s = Switches.builder().zombies(2).longFaulty(5).noParkStays(3).outOfArea(3).piles(1).silent(1)
                .latePerMille(20).badPerMille(8).build();
        List<OperatorProfile> ops = OperatorProfile.demo().stream().map(p -> p.withSwitches(s)).toList();
        return new FleetSimulator(FENCES, ops, 30, START, seed, 2).recordGroundTruth(RULES);
    }

    private static FleetSimulator truthOf(Switches s) {
        return new FleetSimulator(FENCES, List.of(tidy(s)), 30, START, 11, 0).recordGroundTruth(RULES);
    }

    private static GroundTruth truthOf(Switches s, int hours) {
        FleetSimulator sim = truthOf(s);
        sim.runAndFinish(START + hours * HOUR);
        return sim.groundTruth();
    }

    /** Only the scripted bikes, no ordinary fleet. */
    private static GroundTruth scriptedOnly(Switches s) {
        FleetSimulator sim = new FleetSimulator(FENCES, List.of(tidy(s)), 0, START, 11, 0).recordGroundTruth(RULES);
        sim.runAndFinish(START + 20 * HOUR);
        return sim.groundTruth();
    }

    private static List<String> strings(List<SimRecord> records) {
        return records.stream().map(r -> r.key + " " + r.value + " " + r.kafkaTs).toList();
    }

    private static List<String> fleetOnly(List<SimRecord> records) {
        return records.stream().filter(r -> r.key.matches("[A-Z]{2}-\\d{5}")).map(r -> r.key + " " + r.value)
                .toList();
    }
}
