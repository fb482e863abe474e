package org.bikefence.simulator;

import java.util.List;

/**
 * Behaviour switches of one simulated operator, all off by default: a fleet size of its own, zombies,
 * long-faulty bikes, no-park stays with controlled clearing times, out-of-area parking, piles at a parking
 * fence, bikes that stop reporting, late and bad records. Each switched-on behaviour is carried out by
 * scripted bikes (or per record) whose durations are fixed lists chosen well clear of the rules' edges, so the
 * simulator's {@link GroundTruth} is unambiguous.
 */
public final class Switches {
    /** Nothing switched on: the operator behaves as in the demo. */
    public static final Switches NONE = builder().build();

    /** How long no-park bikes stand in the zone: below the 10-min grace, cleared within 30 min, cleared late. */
    public static final List<Integer> NO_PARK_STAY_MINUTES = List.of(5, 25, 55);
    /** How long out-of-area bikes stand outside: below 30 min, between the rule set's 30 and 60, above 60. */
    public static final List<Integer> OUT_OF_AREA_MINUTES = List.of(15, 45, 100);
    /** Hours until a long-faulty bike is repaired (0: never): within 24 h, and late. */
    public static final List<Integer> REPAIR_HOURS = List.of(6, 20, 30, 40, 0);
    /** How long a pile stays in its parking fence: cleared within the 2-hour deadline, and late. */
    public static final List<Integer> PILE_MINUTES = List.of(60, 150);
    /** Bikes more than a fence's capacity in a pile. */
    public static final int PILE_EXTRA_BIKES = 5;
    /** Days a zombie bike has stood still when the simulated window starts (the rules say 7). */
    public static final int ZOMBIE_DAYS_BEFORE_START = 8;
    /** A silent bike reports this seldom while parked (the feed must report at least every 4 hours). */
    public static final long SILENT_REPORT_MS = 5 * 60 * 60_000L;
    /** Late records arrive this many minutes after their event time (late means more than 5). */
    public static final int LATE_MIN_MINUTES = 6;
    public static final int LATE_MAX_MINUTES = 15;

    final int fleetSize;
    final int zombies;
    final int longFaulty;
    final int noParkStays;
    final int outOfArea;
    final int piles;
    final int silent;
    final double latePerMille;
    final double badPerMille;

    private Switches(Builder b) {
        this.fleetSize = b.fleetSize;
        this.zombies = b.zombies;
        this.longFaulty = b.longFaulty;
        this.noParkStays = b.noParkStays;
        this.outOfArea = b.outOfArea;
        this.piles = b.piles;
        this.silent = b.silent;
        this.latePerMille = b.latePerMille;
        this.badPerMille = b.badPerMille;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Whether any switch needs simulated time before the window's start. */
    long historyMs() {
        long day = 24 * 60 * 60_000L;
        if (zombies > 0) {
            return ZOMBIE_DAYS_BEFORE_START * day;
        }
        return longFaulty > 0 ? 2 * day : 0;
    }

    @Override
    public String toString() {
        return "Switches{fleetSize=" + fleetSize + ", zombies=" + zombies + ", longFaulty=" + longFaulty
                + ", noParkStays=" + noParkStays + ", outOfArea=" + outOfArea + ", piles=" + piles + ", silent="
                + silent + ", latePerMille=" + latePerMille + ", badPerMille=" + badPerMille + "}";
    }

    /** Builds {@link Switches}; every value is checked. */
    public static final class Builder {
        private int fleetSize;
        private int zombies;
        private int longFaulty;
        private int noParkStays;
        private int outOfArea;
        private int piles;
        private int silent;
        private double latePerMille;
        private double badPerMille = Double.NaN;

        private Builder() {}

        /** The operator's own number of (ordinary) bikes, e.g. above its quota; 0: an even share. */
        public Builder fleetSize(int n) {
            this.fleetSize = nonNegative("fleetSize", n);
            return this;
        }

        /** Bikes standing still since {@value #ZOMBIE_DAYS_BEFORE_START} days before the window, reporting every 3 h. */
        public Builder zombies(int n) {
            this.zombies = nonNegative("zombies", n);
            return this;
        }

        /** Bikes broken 30 h before the window starts, repaired after {@link #REPAIR_HOURS} in turn. */
        public Builder longFaulty(int n) {
            this.longFaulty = nonNegative("longFaulty", n);
            return this;
        }

        /** Bikes that park in a no-park zone for {@link #NO_PARK_STAY_MINUTES} in turn, then are cleared. */
        public Builder noParkStays(int n) {
            this.noParkStays = nonNegative("noParkStays", n);
            return this;
        }

        /** Bikes that park outside the operating area for {@link #OUT_OF_AREA_MINUTES} in turn. */
        public Builder outOfArea(int n) {
            this.outOfArea = nonNegative("outOfArea", n);
            return this;
        }

        /** Piles: capacity + {@value #PILE_EXTRA_BIKES} bikes parked into one parking fence for {@link #PILE_MINUTES}. */
        public Builder piles(int n) {
            this.piles = nonNegative("piles", n);
            return this;
        }

        /** Parked bikes that report only every 5 hours. */
        public Builder silent(int n) {
            this.silent = nonNegative("silent", n);
            return this;
        }

        /** Valid records per thousand that reach Kafka 6 to 15 minutes after their event time. */
        public Builder latePerMille(double perMille) {
            this.latePerMille = perMille("latePerMille", perMille);
            return this;
        }

        /** Invalid records per thousand for this operator, instead of the simulator-wide share. */
        public Builder badPerMille(double perMille) {
            this.badPerMille = perMille("badPerMille", perMille);
            return this;
        }

        public Switches build() {
            return new Switches(this);
        }

        private static int nonNegative(String what, int n) {
            if (n < 0) {
                throw new IllegalArgumentException(what + " must not be negative, was " + n);
            }
            return n;
        }

        private static double perMille(String what, double v) {
            if (!(v >= 0 && v <= 1000)) {
                throw new IllegalArgumentException(what + " must be within 0..1000, was " + v);
            }
            return v;
        }
    }
}
