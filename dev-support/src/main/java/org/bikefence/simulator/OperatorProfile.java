package org.bikefence.simulator;

import java.util.List;

/**
 * How one simulated operator behaves: where its riders leave bikes, how fast it clears bikes out of
 * no-park zones, how often its bikes break, and which coordinate system its feed uses.
 */
public final class OperatorProfile {
    final String name;
    final String idPrefix;
    /** Share of ride ends inside a parking fence. */
    final double parkInFence;
    /** Share of ride ends inside a no-park zone. */
    final double parkInNoPark;
    /** Minutes until the operator's crew moves a bike out of a no-park zone (uniform min..max). */
    final int clearMinMinutes;
    final int clearMaxMinutes;
    /** Share of ride ends after which the bike reports faulty. */
    final double faultyShare;
    /** Coordinate system of the feed: WGS84, GCJ02 or BD09. */
    final String crs;
    /** Behaviours switched on for this operator; {@link Switches#NONE} in the demo. */
    final Switches switches;

    public OperatorProfile(String name, String idPrefix, double parkInFence, double parkInNoPark,
            int clearMinMinutes, int clearMaxMinutes, double faultyShare, String crs) {
        this(name, idPrefix, parkInFence, parkInNoPark, clearMinMinutes, clearMaxMinutes, faultyShare, crs,
                Switches.NONE);
    }

    private OperatorProfile(String name, String idPrefix, double parkInFence, double parkInNoPark,
            int clearMinMinutes, int clearMaxMinutes, double faultyShare, String crs, Switches switches) {
        if (clearMinMinutes < 0 || clearMaxMinutes < clearMinMinutes) {
            throw new IllegalArgumentException(name + ": clearing minutes must be 0 <= min <= max");
        }
        if (parkInFence < 0 || parkInNoPark < 0 || parkInFence + parkInNoPark > 1) {
            throw new IllegalArgumentException(name + ": parking shares must be >= 0 and add up to at most 1");
        }
        this.name = name;
        this.idPrefix = idPrefix;
        this.parkInFence = parkInFence;
        this.parkInNoPark = parkInNoPark;
        this.clearMinMinutes = clearMinMinutes;
        this.clearMaxMinutes = clearMaxMinutes;
        this.faultyShare = faultyShare;
        this.crs = crs;
        this.switches = java.util.Objects.requireNonNull(switches, "switches");
    }

    /** The same operator with these behaviours switched on. */
    public OperatorProfile withSwitches(Switches s) {
        return new OperatorProfile(name, idPrefix, parkInFence, parkInNoPark, clearMinMinutes, clearMaxMinutes,
                faultyShare, crs, s);
    }

    /** The same operator clearing no-park zones after {@code min..max} minutes (uniform, whole minutes). */
    public OperatorProfile withClearing(int minMinutes, int maxMinutes) {
        return new OperatorProfile(name, idPrefix, parkInFence, parkInNoPark, minMinutes, maxMinutes, faultyShare,
                crs, switches);
    }

    public Switches switches() {
        return switches;
    }

    public String name() {
        return name;
    }

    /** The coordinate system the operator's feed uses. */
    public String crs() {
        return crs;
    }

    /**
     * The demo's three operators: Hello parks well and clears fast; Meituan leaves many bikes in no-park
     * zones and clears slowly; Qingju is in between and sends GCJ-02 coordinates, as many Chinese feeds do.
     */
    public static List<OperatorProfile> demo() {
        return List.of(
                new OperatorProfile("hello", "HL", 0.92, 0.01, 3, 8, 0.005, "WGS84"),
                new OperatorProfile("meituan", "MT", 0.55, 0.20, 40, 120, 0.02, "WGS84"),
                new OperatorProfile("qingju", "QJ", 0.75, 0.06, 10, 40, 0.01, "GCJ02"));
    }
}
