package org.bikefence.geofence;

import java.util.List;

/**
 * What the fences say about a bike of one operator standing at one point at one instant: the one verdict
 * the streaming job acts on and {@code fences classify} prints.
 *
 * <p>Precedence, over the fences covering the point that apply to the operator and are in force:
 * <ol>
 *   <li>A no-park fence is the zone the bike must not stand in, whatever else covers the point (a parking
 *       fence inside a no-park zone does not make it a place to park while the zone is in force).</li>
 *   <li>A key-control zone (严管区) is such a zone only for a bike outside every parking fence: inside one,
 *       the bike is parked properly.</li>
 *   <li>Of several fences of one kind the smallest id wins, so the verdict never depends on file order.</li>
 *   <li>The parking fence is reported whether or not a zone wins (accumulation counts bikes in it).</li>
 *   <li>Operating areas only say in or out; a set without one puts every point out of the area.</li>
 * </ol>
 *
 * @param zone the no-park or key-control fence whose rule binds a standing bike, or null
 * @param parking the parking fence the bike stands in, or null
 * @param inOperatingArea whether an operating area covers the point
 * @param fenceSetVersion the version of the fence set the verdict was reached with
 */
public record Verdict(Fence zone, Fence parking, boolean inOperatingArea, String fenceSetVersion) {

    /**
     * Decides over the fences covering a point (any order), for {@code operator} at {@code epochMs}.
     *
     * @param epochMs the instant fences must be in force at; null to count every fence as in force
     */
    static Verdict decide(List<Fence> covering, String operator, Long epochMs, String fenceSetVersion) {
        Fence noPark = null;
        Fence keyControl = null;
        Fence parking = null;
        boolean inArea = false;
        for (Fence f : covering) {
            if (!f.appliesTo(operator) || (epochMs != null && !f.isActiveAt(epochMs))) {
                continue;
            }
            switch (f.kind()) {
                case NO_PARK -> noPark = smaller(noPark, f);
                case KEY_CONTROL -> keyControl = smaller(keyControl, f);
                case PARKING -> parking = smaller(parking, f);
                case OPERATING_AREA -> inArea = true;
            }
        }
        Fence zone = noPark != null ? noPark : (parking == null ? keyControl : null);
        return new Verdict(zone, parking, inArea, fenceSetVersion);
    }

    private static Fence smaller(Fence current, Fence candidate) {
        return current == null || candidate.id().compareTo(current.id()) < 0 ? candidate : current;
    }

    /** The id of the zone a standing bike must not be in, or null. */
    public String zoneId() {
        return zone == null ? null : zone.id();
    }

    /** The id of the parking fence, or null. */
    public String parkingId() {
        return parking == null ? null : parking.id();
    }

    /** Bikes the parking fence holds; 0 when it does not say, or when there is no parking fence. */
    public int parkingCapacity() {
        return parking == null ? 0 : parking.capacity().orElse(0);
    }

    /** The zone's own grace period in ms (key-control zones are stricter); 0 means the rule set's. */
    public long zoneGraceMs() {
        return zone == null || zone.graceMinutes().isEmpty() ? 0 : zone.graceMinutes().getAsInt() * 60_000L;
    }

    /**
     * The verdict in one CSV field, as {@code fences classify} prints it: the zone as {@code kind:id}, the
     * parking fence as {@code parking:id}, then {@code in_area} or {@code outside_area}, joined by
     * {@code ;} (e.g. {@code no_park:NP-1;parking:P-1;in_area}, or just {@code outside_area}).
     */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        if (zone != null) {
            sb.append(zone.kind().wireName()).append(':').append(zone.id()).append(';');
        }
        if (parking != null) {
            sb.append(FenceKind.PARKING.wireName()).append(':').append(parking.id()).append(';');
        }
        return sb.append(inOperatingArea ? "in_area" : "outside_area").toString();
    }
}
