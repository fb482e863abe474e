package org.bikefence.bike;

import java.io.Serializable;
import java.time.Duration;
import org.bikefence.rules.Monitoring;

/** The per-bike rule parameters of one rule-set version. */
public final class TrackerSettings implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Moving more than this between standing reports counts as moving (zombie and standing periods). */
    public static final double MOVE_THRESHOLD_METRES = 50.0;

    final long noParkGraceMs;
    final long outOfAreaGraceMs;
    final long zombieMs;
    final long faultyDeadlineMs;
    final double moveThresholdMetres;
    final long parkedMaxGapMs;
    final long ridingMaxGapMs;

    public TrackerSettings(Duration noParkGrace, Duration outOfAreaGrace, Duration zombieAfter,
            Duration faultyDeadline, double moveThresholdMetres, Duration parkedMaxGap, Duration ridingMaxGap) {
        this.noParkGraceMs = positive(noParkGrace, "no-park grace");
        this.outOfAreaGraceMs = positive(outOfAreaGrace, "out-of-area grace");
        this.zombieMs = positive(zombieAfter, "zombie period");
        this.faultyDeadlineMs = positive(faultyDeadline, "faulty deadline");
        if (!(moveThresholdMetres > 0)) {
            throw new IllegalArgumentException("move threshold must be positive, was " + moveThresholdMetres);
        }
        this.moveThresholdMetres = moveThresholdMetres;
        this.parkedMaxGapMs = positive(parkedMaxGap, "parked report interval");
        this.ridingMaxGapMs = positive(ridingMaxGap, "riding report interval");
    }

    /** The per-bike parameters of a rule set (its defaults where the file says nothing). */
    public static TrackerSettings of(org.bikefence.rules.RuleSet rules) {
        Monitoring m = rules.monitoring();
        return new TrackerSettings(rules.noPark().grace(), m.outOfArea().grace(), m.zombies().idle(),
                m.condition().handleDeadline(), MOVE_THRESHOLD_METRES, m.dataFeed().parkedReportInterval(),
                m.dataFeed().ridingReportInterval());
    }

    /**
     * Defaults modelled on Xiamen practice, used where a rule set does not say otherwise: 10-minute no-park
     * grace, 30 minutes outside the operating area (the rule set's default, {@code rules.outOfArea.graceMinutes}),
     * zombie after 7 days without moving, faulty bikes handled within 24 hours, 50 m counts as moving, reports at least every 4 hours parked and 2 minutes riding.
     */
    public static TrackerSettings defaults(Duration noParkGrace) {
        return new TrackerSettings(noParkGrace, Monitoring.OutOfArea.DEFAULTS.grace(), Duration.ofDays(7),
                Duration.ofHours(24), MOVE_THRESHOLD_METRES, Duration.ofHours(4), Duration.ofMinutes(2));
    }

    /** The margin past the longest rule a bike's state is kept for after its last report. */
    public static final long EXPIRY_MARGIN_MS = java.time.Duration.ofDays(1).toMillis();

    /**
     * How long after its last report a silent bike's track is kept: the longest of the rules' periods (the zombie
     * period, 7 days by default) plus {@link #EXPIRY_MARGIN_MS}. By then every deadline the bike could still
     * reach has passed; a bike that reports again later starts a new track.
     */
    public long expiryHorizonMs() {
        long longest = Math.max(Math.max(noParkGraceMs, outOfAreaGraceMs), Math.max(zombieMs, faultyDeadlineMs));
        longest = Math.max(longest, Math.max(parkedMaxGapMs, ridingMaxGapMs));
        return longest + EXPIRY_MARGIN_MS;
    }

    private static long positive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, was " + d);
        }
        return d.toMillis();
    }
}
