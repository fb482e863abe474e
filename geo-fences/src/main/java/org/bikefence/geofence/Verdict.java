package org.bikefence.geofence;

import java.time.Instant;
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
 * @param scheduled when the verdict is for an instant and a scheduled (not permanent) no-park or key-control fence
 *     decides it now or may decide it later: that fence and its period in force (see {@link ScheduledZone}); null
 *     otherwise (always null for a verdict at any time)
 */
public record Verdict(Fence zone, Fence parking, boolean inOperatingArea, String fenceSetVersion,
        ScheduledZone scheduled) {

    /** A verdict no schedule will change. */
    public Verdict(Fence zone, Fence parking, boolean inOperatingArea, String fenceSetVersion) {
        this(zone, parking, inOperatingArea, fenceSetVersion, null);
    }

    /**
     * The scheduled zone a standing bike's verdict switches with, and its period in force (epoch ms, {@code from}
     * inclusive, {@code until} exclusive; {@link Long#MAX_VALUE} for open-ended): when {@link #zone} is scheduled,
     * that zone and the period holding the verdict's instant; when no zone binds, the scheduled no-park or
     * key-control fence (key-control only outside every parking fence) that comes into force first within
     * {@link Schedule#LOOKAHEAD_MS}, no-park before key-control and then the smallest id at equal starts, with its
     * next period. A streaming job uses it to open and close violations at the period's start and end without a
     * report. Whatever else may switch by then (a scheduled parking fence, a second zone) is decided when the bike
     * next reports.
     */
    public record ScheduledZone(Fence fence, long from, long until) {
        /** The zone's own grace period in ms; 0 means the rule set's. */
        public long graceMs() {
            return graceMsOf(fence);
        }
    }

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
        boolean zoneOutOfForce = false;
        for (Fence f : covering) {
            if (!f.appliesTo(operator)) {
                continue;
            }
            if (epochMs != null && !f.isActiveAt(epochMs)) {
                zoneOutOfForce |= f.kind() == FenceKind.NO_PARK || f.kind() == FenceKind.KEY_CONTROL;
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
        ScheduledZone scheduled = null;
        if (epochMs != null) {
            if (zone != null) {
                if (!zone.isPermanent()) {
                    scheduled = scheduledZone(zone, epochMs);
                }
            } else if (zoneOutOfForce) {
                scheduled = nextZone(covering, operator, epochMs, parking != null);
            }
        }
        return new Verdict(zone, parking, inArea, fenceSetVersion, scheduled);
    }

    /** Of the zones out of force at {@code epochMs}, the one coming into force first, or null. */
    private static ScheduledZone nextZone(List<Fence> covering, String operator, long epochMs, boolean inParking) {
        ScheduledZone best = null;
        for (Fence f : covering) {
            boolean candidate = f.kind() == FenceKind.NO_PARK || (f.kind() == FenceKind.KEY_CONTROL && !inParking);
            if (!candidate || !f.appliesTo(operator) || f.isActiveAt(epochMs)) {
                continue;
            }
            ScheduledZone z = scheduledZone(f, epochMs);
            // Covering is in id order, so at equal starts the first no-park fence, else the first key-control one.
            if (z != null && (best == null || z.from() < best.from() || (z.from() == best.from()
                    && f.kind() == FenceKind.NO_PARK && best.fence().kind() == FenceKind.KEY_CONTROL))) {
                best = z;
            }
        }
        return best;
    }

    /**
     * The fence's period in force holding {@code epochMs}, or its next one starting within the look-ahead, with its
     * effective period applied; null when none.
     */
    static ScheduledZone scheduledZone(Fence f, long epochMs) {
        long effectiveFrom = f.effectiveFrom().map(Instant::toEpochMilli).orElse(Long.MIN_VALUE);
        long effectiveUntil = f.effectiveUntil().map(Instant::toEpochMilli).orElse(Long.MAX_VALUE);
        long at = Math.max(epochMs, effectiveFrom);
        if (at >= effectiveUntil || at - epochMs > Schedule.LOOKAHEAD_MS) {
            return null;
        }
        Schedule.Period p = f.schedule().periodAtOrAfter(at);
        if (p == null) {
            return null;
        }
        long from = Math.max(p.start(), effectiveFrom);
        long until = Math.min(p.end(), effectiveUntil);
        if (from >= until || (from > epochMs && from - epochMs > Schedule.LOOKAHEAD_MS)) {
            return null;
        }
        return new ScheduledZone(f, from, until);
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
        return graceMsOf(zone);
    }

    private static long graceMsOf(Fence f) {
        return f == null || f.graceMinutes().isEmpty() ? 0 : f.graceMinutes().getAsInt() * 60_000L;
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
