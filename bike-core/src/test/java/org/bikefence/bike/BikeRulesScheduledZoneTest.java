package org.bikefence.bike;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.bikefence.model.BikeFact;
import org.bikefence.model.BikePosition;
import org.bikefence.model.BikeState;
import org.bikefence.model.ClassifiedPosition;
import org.bikefence.model.ViolationEvent;
import org.junit.jupiter.api.Test;

/** Scheduled zones switch on and off while a bike stands: the deadlines at a zone's period start and end. */
class BikeRulesScheduledZoneTest {
    private static final ZoneId XIAMEN = ZoneId.of("Asia/Shanghai");
    private static final long MIN = 60_000L;
    private static final long ZOMBIE_MS = Duration.ofDays(7).toMillis();
    private static final String ZONE = "NP-SCHOOL";

    private final BikeRules rules = new BikeRules(TrackerSettings.defaults(Duration.ofMinutes(10)));
    private final BikeTrack track = new BikeTrack();
    private final List<ViolationEvent> violations = new ArrayList<>();
    private final BikeRules.Emitter out = new BikeRules.Emitter() {
        @Override
        public void violation(ViolationEvent v) {
            violations.add(v);
        }

        @Override
        public void fact(BikeFact f) {}
    };

    /** Monday 12 October 2026, local time in Xiamen. */
    private static long at(String hhmm) {
        return at("2026-10-12", hhmm);
    }

    private static long at(String date, String hhmm) {
        return LocalDateTime.parse(date + "T" + hhmm).atZone(XIAMEN).toInstant().toEpochMilli();
    }

    private static ClassifiedPosition report(long ts, BikeState state, String zoneInForce) {
        return new ClassifiedPosition(new BikePosition("meituan", "MT-1", ts, 24.5, 118.1, state), zoneInForce, null,
                true, "v1");
    }

    /** A standing bike inside the scheduled zone, which is in force from {@code from} to {@code until}. */
    private static ClassifiedPosition parkedInScheduled(long ts, long from, long until) {
        ClassifiedPosition p = report(ts, BikeState.PARKED, from <= ts ? ZONE : null);
        p.scheduledFenceId = ZONE;
        p.scheduledFrom = from;
        p.scheduledUntil = until;
        return p;
    }

    private void send(ClassifiedPosition p) {
        rules.onReport(track, p, out);
        rules.onTime(track, p.ts, Long.MAX_VALUE, out);
    }

    /** Fires deadlines one by one, as the tracker's timers do, up to {@code now}. */
    private void runTo(long now) {
        for (long d = rules.nextDeadline(track); d <= now; d = rules.nextDeadline(track)) {
            rules.onTime(track, d, Long.MAX_VALUE, out);
        }
    }

    private List<String> events() {
        return violations.stream().map(v -> v.kind + " " + v.fenceId + " since " + v.parkedSince + " @"
                + v.eventTime()).toList();
    }

    private static String opened(long since, long at) {
        return "OPENED " + ZONE + " since " + since + " @" + at;
    }

    private static String closed(long since, long at) {
        return "CLOSED " + ZONE + " since " + since + " @" + at;
    }

    @Test
    void aBikeParkedBeforeTheWindowIsInViolationAtItsStartPlusGraceAndFreeAtItsEnd() {
        send(parkedInScheduled(at("07:00"), at("08:00"), at("10:00")));
        assertThat(rules.nextDeadline(track)).isEqualTo(at("08:10"));
        runTo(at("08:09"));
        assertThat(violations).isEmpty();

        runTo(at("08:10"));
        assertThat(events()).containsExactly(opened(at("08:00"), at("08:10")));
        assertThat(violations.get(0).openedAt).isEqualTo(at("08:10"));
        assertThat(rules.nextDeadline(track)).isEqualTo(at("10:00"));

        runTo(at("12:00"));
        assertThat(events()).containsExactly(opened(at("08:00"), at("08:10")), closed(at("08:00"), at("10:00")));
        assertThat(violations.get(1).closedAt).isEqualTo(at("10:00"));
        assertThat(rules.nextDeadline(track)).as("only the zombie deadline is left").isEqualTo(at("07:00") + ZOMBIE_MS);
    }

    @Test
    void oneLateCallOpensAndClosesAtTheRightTimes() {
        send(parkedInScheduled(at("07:00"), at("08:00"), at("10:00")));
        rules.onTime(track, at("12:00"), Long.MAX_VALUE, out);
        assertThat(events()).containsExactly(opened(at("08:00"), at("08:10")), closed(at("08:00"), at("10:00")));
    }

    @Test
    void aWindowAcrossMidnightClosesTheNextMorning() {
        send(parkedInScheduled(at("21:00"), at("22:00"), at("2026-10-13", "02:00")));
        runTo(at("2026-10-13", "06:00"));
        assertThat(events()).containsExactly(opened(at("22:00"), at("22:10")),
                closed(at("22:00"), at("2026-10-13", "02:00")));
    }

    @Test
    void aBikeThatLeavesBeforeTheWindowGetsNothing() {
        send(parkedInScheduled(at("07:00"), at("08:00"), at("10:00")));
        send(report(at("07:30"), BikeState.RIDING, null));
        runTo(at("12:00"));
        assertThat(violations).isEmpty();
    }

    @Test
    void aBikeThatMovesOutOfTheZoneBeforeTheWindowGetsNothing() {
        send(parkedInScheduled(at("07:00"), at("08:00"), at("10:00")));
        send(report(at("07:40"), BikeState.PARKED, null));
        runTo(at("12:00"));
        assertThat(violations).isEmpty();
    }

    @Test
    void aReportInsideTheWindowStartsTheGraceAtTheReportAsBefore() {
        send(parkedInScheduled(at("08:30"), at("08:00"), at("10:00")));
        runTo(at("12:00"));
        assertThat(events()).containsExactly(opened(at("08:30"), at("08:40")), closed(at("08:30"), at("10:00")));
    }

    @Test
    void aReportAfterTheStartKeepsTheBikeInTheZoneSinceTheStart() {
        send(parkedInScheduled(at("07:00"), at("08:00"), at("10:00")));
        runTo(at("08:05"));
        send(parkedInScheduled(at("08:05"), at("08:00"), at("10:00")));
        runTo(at("12:00"));
        assertThat(events()).containsExactly(opened(at("08:00"), at("08:10")), closed(at("08:00"), at("10:00")));
    }

    @Test
    void aBikeRidingAwayInsideTheWindowClosesAtTheReport() {
        send(parkedInScheduled(at("07:00"), at("08:00"), at("10:00")));
        runTo(at("09:00"));
        send(report(at("09:00"), BikeState.RIDING, null));
        runTo(at("12:00"));
        assertThat(events()).containsExactly(opened(at("08:00"), at("08:10")), closed(at("08:00"), at("09:00")));
    }

    @Test
    void aBikeArrivingLessThanTheGraceBeforeTheEndGetsNothing() {
        send(parkedInScheduled(at("09:55"), at("08:00"), at("10:00")));
        assertThat(rules.nextDeadline(track)).isEqualTo(at("10:00"));
        runTo(at("12:00"));
        assertThat(violations).isEmpty();
        assertThat(track.npFenceId).isNull();
    }

    @Test
    void aWindowShorterThanTheGraceNeverOpens() {
        send(parkedInScheduled(at("07:00"), at("08:00"), at("08:05")));
        assertThat(rules.nextDeadline(track)).isEqualTo(at("07:00") + ZOMBIE_MS);
        runTo(at("12:00"));
        assertThat(violations).isEmpty();
    }

    @Test
    void aKeyControlZonesOwnGraceApplies() {
        ClassifiedPosition p = parkedInScheduled(at("07:00"), at("08:00"), at("10:00"));
        p.scheduledGraceMs = 3 * MIN;
        send(p);
        runTo(at("12:00"));
        assertThat(events()).containsExactly(opened(at("08:00"), at("08:03")), closed(at("08:00"), at("10:00")));
    }

    @Test
    void aPermanentZoneStillNeverCloses() {
        send(report(at("07:00"), BikeState.PARKED, ZONE));
        runTo(at("12:00"));
        assertThat(events()).containsExactly(opened(at("07:00"), at("07:10")));
        assertThat(rules.nextDeadline(track)).isEqualTo(at("07:00") + ZOMBIE_MS);
    }

    @Test
    void aReportAfterTheWindowNeverSeenRunningCountsNothingForIt() {
        // Without the deadlines fired (a caller that only applies reports), a report after the whole window
        // drops what the last report said: it cannot open a violation late.
        rules.onReport(track, parkedInScheduled(at("07:00"), at("08:00"), at("08:05")), out);
        rules.onReport(track, report(at("11:00"), BikeState.PARKED, null), out);
        rules.onTime(track, at("11:00"), Long.MAX_VALUE, out);
        assertThat(violations).isEmpty();
        assertThat(track.schFenceId).isNull();
    }

    // A fence set replaced while the window is open: the tracker keeps the period it was told until the bike's
    // next report, which is classified against the new set.

    @Test
    void withoutAReportTheToldPeriodStandsAfterAFenceSetChange() {
        send(parkedInScheduled(at("07:00"), at("08:00"), at("10:00")));
        // (The fence set is replaced at 08:30; the bike does not report.)
        runTo(at("12:00"));
        assertThat(events()).containsExactly(opened(at("08:00"), at("08:10")), closed(at("08:00"), at("10:00")));
    }

    @Test
    void aReportUnderTheNewSetThatDropsTheZoneClosesTheViolationAtTheReport() {
        send(parkedInScheduled(at("07:00"), at("08:00"), at("10:00")));
        runTo(at("09:00"));
        send(report(at("09:00"), BikeState.PARKED, null));
        runTo(at("12:00"));
        assertThat(events()).containsExactly(opened(at("08:00"), at("08:10")), closed(at("08:00"), at("09:00")));
    }

    @Test
    void aReportUnderTheNewSetTakesTheZonesNewEnd() {
        send(parkedInScheduled(at("07:00"), at("08:00"), at("10:00")));
        runTo(at("09:00"));
        send(parkedInScheduled(at("09:00"), at("08:00"), at("09:30")));
        runTo(at("12:00"));
        assertThat(events()).containsExactly(opened(at("08:00"), at("08:10")), closed(at("08:00"), at("09:30")));
    }

    @Test
    void aReportUnderTheNewSetThatMakesTheZonePermanentKeepsTheViolationOpen() {
        send(parkedInScheduled(at("07:00"), at("08:00"), at("10:00")));
        runTo(at("09:00"));
        send(report(at("09:00"), BikeState.PARKED, ZONE));
        runTo(at("12:00"));
        assertThat(events()).containsExactly(opened(at("08:00"), at("08:10")));
    }
}
