package org.bikefence.bike;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bikefence.model.BikeFact;
import org.bikefence.model.BikePosition;
import org.bikefence.model.BikeState;
import org.bikefence.model.ClassifiedPosition;
import org.bikefence.model.ViolationEvent;
import org.junit.jupiter.api.Test;

class BikeRulesTest {
    private static final long MIN = 60_000L;
    private static final long HOUR = 60 * MIN;
    private static final long DAY = 24 * HOUR;
    private static final long T = Instant.parse("2026-10-12T00:00:00Z").toEpochMilli();
    private static final double LAT = 24.5;
    private static final double LNG = 118.1;
    /** About 100 m north. */
    private static final double LAT_100M = LAT + 0.0009;

    private final BikeRules rules = new BikeRules(TrackerSettings.defaults(Duration.ofMinutes(10)));
    private final BikeTrack track = new BikeTrack();
    private final List<ViolationEvent> violations = new ArrayList<>();
    private final List<BikeFact> facts = new ArrayList<>();
    private final BikeRules.Emitter out = new BikeRules.Emitter() {
        @Override
        public void violation(ViolationEvent v) {
            violations.add(v);
        }

        @Override
        public void fact(BikeFact f) {
            facts.add(f);
        }
    };

    private static ClassifiedPosition at(long ts, BikeState state, double lat, String parking, String noPark,
            boolean inArea) {
        return new ClassifiedPosition(new BikePosition("qingju", "QJ-1", ts, lat, LNG, state), noPark, parking, inArea,
                "v1");
    }

    private void report(ClassifiedPosition p) {
        rules.onReport(track, p, out);
        rules.onTime(track, p.ts, Long.MAX_VALUE, out);
    }

    private void advanceTo(long now) {
        rules.onTime(track, now, Long.MAX_VALUE, out);
    }

    private List<String> factKinds() {
        return facts.stream().map(f -> f.kind + (f.parkingFenceId == null ? "" : ":" + f.parkingFenceId)).toList();
    }

    @Test
    void untrackedClosesEachOpenViolationAtTheGivenTimeAndLeavesTheTrackAsItIs() {
        report(at(T, BikeState.FAULTY, LAT, null, "NP-1", false));
        advanceTo(T + 8 * DAY);
        assertThat(violations).extracting(v -> v.type + " " + v.kind).containsExactlyInAnyOrder("NO_PARK OPENED",
                "OUT_OF_AREA OPENED", "ZOMBIE OPENED", "FAULTY_OVERDUE OPENED");
        long at = T + 9 * DAY;

        List<ViolationEvent> closed = BikeRules.untrackedAt(track, at);

        assertThat(closed).extracting(v -> v.type).containsExactly(ViolationEvent.Type.NO_PARK,
                ViolationEvent.Type.OUT_OF_AREA, ViolationEvent.Type.ZOMBIE, ViolationEvent.Type.FAULTY_OVERDUE);
        for (ViolationEvent c : closed) {
            ViolationEvent opened = violations.stream().filter(v -> v.type == c.type).findFirst().orElseThrow();
            assertThat(c).as(c.type + ", closed").usingRecursiveComparison().isEqualTo(opened.closedAt(at));
        }
        assertThat(track.npOpen && track.oaOpen && track.zombieOpen && track.faultyOpen).as("still open in the track")
                .isTrue();
        assertThat(BikeRules.untrackedAt(new BikeTrack(), at)).as("a track with nothing open").isEmpty();
    }

    @Test
    void aRideEndIsRidingFollowedByStandingAndRecordsWhereItEnded() {
        report(at(T, BikeState.RIDING, LAT, null, null, true));
        report(at(T + MIN, BikeState.RIDING, LAT, null, null, true));
        report(at(T + 2 * MIN, BikeState.PARKED, LAT, "P-7", null, true));
        assertThat(factKinds()).containsExactly("RIDE_ENDED:P-7", "STANDING_STARTED:P-7");
        assertThat(facts.get(0).inOperatingArea).isTrue();
        assertThat(facts.get(0).inNoPark).isFalse();
    }

    @Test
    void aFirstReportStandingIsNotARideEnd() {
        report(at(T, BikeState.PARKED, LAT, null, null, true));
        assertThat(factKinds()).containsExactly("STANDING_STARTED");
    }

    @Test
    void standingEndsWhenTheBikeRidesOrIsMovedToAnotherFence() {
        report(at(T, BikeState.PARKED, LAT, "P-1", null, true));
        report(at(T + HOUR, BikeState.PARKED, LAT, "P-1", null, true));
        report(at(T + 2 * HOUR, BikeState.PARKED, LAT_100M, "P-2", null, true));
        report(at(T + 3 * HOUR, BikeState.RIDING, LAT_100M, null, null, true));
        assertThat(factKinds()).containsExactly("STANDING_STARTED:P-1", "STANDING_ENDED:P-1",
                "STANDING_STARTED:P-2", "STANDING_ENDED:P-2");
        assertThat(facts.get(1).durationMs).isEqualTo(2 * HOUR);
        assertThat(facts.get(3).durationMs).isEqualTo(HOUR);
    }

    @Test
    void keyControlZonesUseTheirOwnShorterGrace() {
        ClassifiedPosition p = at(T, BikeState.PARKED, LAT, null, "KC-1", true);
        p.noParkGraceMs = 3 * MIN;
        report(p);
        advanceTo(T + 3 * MIN);
        assertThat(violations).singleElement().satisfies(v -> {
            assertThat(v.type).isEqualTo(ViolationEvent.Type.NO_PARK);
            assertThat(v.openedAt).isEqualTo(T + 3 * MIN);
        });
    }

    @Test
    void standingOutsideTheOperatingAreaOpensAfterTheRuleSetsDefaultGraceAndClosesWhenBackInside() {
        // The default grace is the rule set's (rules.outOfArea.graceMinutes: 30), see TrackerSettingsDefaultsTest.
        report(at(T, BikeState.PARKED, LAT, null, null, false));
        advanceTo(T + 29 * MIN);
        assertThat(violations).isEmpty();
        advanceTo(T + 30 * MIN);
        report(at(T + 90 * MIN, BikeState.PARKED, LAT_100M, null, null, true));
        assertThat(violations).extracting(v -> v.type + " " + v.kind + "@" + v.eventTime()).containsExactly(
                "OUT_OF_AREA OPENED@" + (T + 30 * MIN), "OUT_OF_AREA CLOSED@" + (T + 90 * MIN));
    }

    @Test
    void aBikeStandingStillForSevenDaysIsAZombieUntilItMoves() {
        report(at(T, BikeState.PARKED, LAT, null, null, true));
        // Heartbeats at the same spot (a few metres of GPS drift) do not count as movement.
        for (long d = 1; d <= 8; d++) {
            report(at(T + d * DAY, BikeState.PARKED, LAT + 0.00002, null, null, true));
        }
        assertThat(violations).extracting(v -> v.type + " " + v.kind + "@" + v.eventTime())
                .containsExactly("ZOMBIE OPENED@" + (T + 7 * DAY));
        report(at(T + 9 * DAY, BikeState.RIDING, LAT, null, null, true));
        assertThat(violations).last().satisfies(v -> {
            assertThat(v.kind).isEqualTo(ViolationEvent.Kind.CLOSED);
            assertThat(v.parkedSince).isEqualTo(T);
            assertThat(v.closedAt).isEqualTo(T + 9 * DAY);
        });
    }

    @Test
    void aFaultyPeriodEndsWithItsDurationAndIsOverdueAfterADay() {
        report(at(T, BikeState.FAULTY, LAT, null, null, true));
        advanceTo(T + DAY);
        report(at(T + 30 * HOUR, BikeState.PARKED, LAT, null, null, true));
        assertThat(violations).extracting(v -> v.type + " " + v.kind + "@" + v.eventTime()).containsExactly(
                "FAULTY_OVERDUE OPENED@" + (T + DAY), "FAULTY_OVERDUE CLOSED@" + (T + 30 * HOUR));
        assertThat(facts).filteredOn(f -> f.kind == BikeFact.Kind.FAULTY_ENDED).singleElement()
                .satisfies(f -> assertThat(f.durationMs).isEqualTo(30 * HOUR));
    }

    @Test
    void reportGapsBeyondTheFeedPromiseAreFacts() {
        report(at(T, BikeState.RIDING, LAT, null, null, true));
        report(at(T + MIN, BikeState.RIDING, LAT, null, null, true));
        report(at(T + 5 * MIN, BikeState.RIDING, LAT, null, null, true));
        report(at(T + 6 * MIN, BikeState.PARKED, LAT, null, null, true));
        report(at(T + 6 * MIN + 4 * HOUR, BikeState.PARKED, LAT, null, null, true));
        report(at(T + 6 * MIN + 9 * HOUR, BikeState.PARKED, LAT, null, null, true));
        assertThat(facts).filteredOn(f -> f.kind == BikeFact.Kind.REPORT_GAP)
                .extracting(f -> f.durationMs).containsExactly(4 * MIN, 5 * HOUR);
    }

    @Test
    void deadlinesNeedEvidenceAtTheEndOfInput() {
        report(at(T, BikeState.PARKED, LAT, null, "NP-1", true));
        rules.onTime(track, Long.MAX_VALUE, T + 5 * MIN, out);
        assertThat(violations).isEmpty();
        assertThat(rules.nextDeadline(track)).isEqualTo(T + 10 * MIN);
    }
}
