package org.bikefence.bike;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.bikefence.model.BikeFact;
import org.bikefence.model.BikeState;
import org.bikefence.model.ClassifiedPosition;
import org.bikefence.model.ViolationEvent;
import org.bikefence.model.ViolationEvent.Type;

/**
 * The per-bike assessment rules, applied to one bike's reports in event-time order: no-park and
 * key-control violations, out-of-area, zombie and overdue-faulty violations, ride ends, standing periods
 * and report gaps. Plain Java: the Flink operator only orders reports and fires deadlines.
 *
 * <p>Scheduled zones switch while a bike stands: each report says which scheduled zone covers the bike and its
 * period in force ({@link ClassifiedPosition#scheduledFenceId}). A zone that comes into force later is kept as
 * pending; at the period's start the bike counts as standing in the zone since then, so its violation opens at the
 * start plus the grace period without another report. A zone's violation closes at the end of its period. The
 * tracker keeps the period a report told it until the bike's next report, which is classified afresh (against a
 * replaced fence set too).
 */
public final class BikeRules implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final double METRES_PER_DEGREE = 111_320.0;

    /** Where the rules' results go. */
    public interface Emitter {
        void violation(ViolationEvent v);

        void fact(BikeFact f);
    }

    private final TrackerSettings s;

    public BikeRules(TrackerSettings settings) {
        this.s = settings;
    }

    /** Applies one report, in event-time order. */
    public void onReport(BikeTrack t, ClassifiedPosition p, Emitter out) {
        if (t.operator == null) {
            t.operator = p.operator;
            t.bikeId = p.bikeId;
        }
        boolean stationary = p.state.isStationary();
        if (t.hasReport) {
            long gap = p.ts - t.lastTs;
            long allowed = t.lastState == BikeState.RIDING ? s.ridingMaxGapMs : s.parkedMaxGapMs;
            if (gap > allowed) {
                BikeFact f = BikeFact.of(BikeFact.Kind.REPORT_GAP, p);
                f.durationMs = gap;
                out.fact(f);
            }
        }
        boolean moved = !t.hasReport || p.state != t.lastState
                || (t.standing && distanceMetres(t.standingLat, t.standingLng, p.lat, p.lng) > s.moveThresholdMetres);
        if (moved) {
            t.lastMoveAt = p.ts;
            closeZombie(t, p.ts, out);
        }

        standing(t, p, stationary, out);
        noPark(t, p, stationary, out);
        outOfArea(t, p, stationary, out);
        faulty(t, p, out);

        t.hasReport = true;
        t.lastTs = p.ts;
        t.lastState = p.state;
    }

    /**
     * Opens every violation whose deadline is at or before {@code now}, provided the bike's reports cover
     * the deadline ({@code evidenceUpTo}: the latest report time when the input has ended, otherwise
     * unbounded).
     */
    public void onTime(BikeTrack t, long now, long evidenceUpTo, Emitter out) {
        long limit = Math.min(now, evidenceUpTo);
        if (t.schFenceId != null && pendingOpensAt(t) != Long.MAX_VALUE && pendingOpensAt(t) <= limit) {
            enterPendingZone(t);
        }
        if (t.npFenceId != null && !t.npOpen && t.npSince + t.npGraceMs < t.npUntil
                && t.npSince + t.npGraceMs <= limit) {
            t.npOpen = true;
            t.npOpenedAt = t.npSince + t.npGraceMs;
            out.violation(noParkViolation(t));
        }
        if (t.npFenceId != null && t.npUntil <= limit) {
            zoneOutOfForce(t, out);
        }
        if (t.oaSince >= 0 && !t.oaOpen && t.oaSince + s.outOfAreaGraceMs <= limit) {
            t.oaOpen = true;
            t.oaOpenedAt = t.oaSince + s.outOfAreaGraceMs;
            out.violation(outOfAreaViolation(t));
        }
        if (t.standing && !t.zombieOpen && t.lastMoveAt + s.zombieMs <= limit) {
            t.zombieOpen = true;
            t.zombieSince = t.lastMoveAt;
            t.zombieOpenedAt = t.lastMoveAt + s.zombieMs;
            out.violation(zombieViolation(t));
        }
        if (t.faultySince >= 0 && !t.faultyOpen && t.faultySince + s.faultyDeadlineMs <= limit) {
            t.faultyOpen = true;
            t.faultyOpenedAt = t.faultySince + s.faultyDeadlineMs;
            out.violation(faultyViolation(t));
        }
    }

    /** The earliest pending deadline, or {@link Long#MAX_VALUE} when none. */
    public long nextDeadline(BikeTrack t) {
        long d = Long.MAX_VALUE;
        if (t.npFenceId != null) {
            if (!t.npOpen && t.npSince + t.npGraceMs < t.npUntil) {
                d = Math.min(d, t.npSince + t.npGraceMs);
            }
            d = Math.min(d, t.npUntil);
        }
        if (t.schFenceId != null) {
            d = Math.min(d, pendingOpensAt(t));
        }
        if (t.oaSince >= 0 && !t.oaOpen) {
            d = Math.min(d, t.oaSince + s.outOfAreaGraceMs);
        }
        if (t.standing && !t.zombieOpen) {
            d = Math.min(d, t.lastMoveAt + s.zombieMs);
        }
        if (t.faultySince >= 0 && !t.faultyOpen) {
            d = Math.min(d, t.faultySince + s.faultyDeadlineMs);
        }
        return d;
    }

    private void standing(BikeTrack t, ClassifiedPosition p, boolean stationary, Emitter out) {
        if (!stationary) {
            if (t.standing) {
                endStanding(t, p.ts, out);
            }
            return;
        }
        boolean relocated = t.standing && (!same(t.standingFenceId, p.parkingFenceId)
                || distanceMetres(t.standingLat, t.standingLng, p.lat, p.lng) > s.moveThresholdMetres);
        if (relocated) {
            endStanding(t, p.ts, out);
        }
        if (!t.standing) {
            if (t.hasReport && t.lastState == BikeState.RIDING) {
                out.fact(BikeFact.of(BikeFact.Kind.RIDE_ENDED, p));
            }
            t.standing = true;
            t.standingSince = p.ts;
            t.standingLat = p.lat;
            t.standingLng = p.lng;
            t.standingFenceId = p.parkingFenceId;
            t.standingFenceCapacity = p.parkingCapacity;
            t.standingCell = p.h3Cell;
            out.fact(BikeFact.of(BikeFact.Kind.STANDING_STARTED, p));
        }
    }

    private static void endStanding(BikeTrack t, long at, Emitter out) {
        out.fact(standingEnded(t, at));
        t.standing = false;
        t.standingFenceId = null;
        closeZombie(t, at, out);
    }

    /**
     * The closings at {@code at} of the track's open violations (no-park, out-of-area, zombie, overdue-faulty, in that
     * order); the track is left as it is. The tracker gives them to the "now" view of a track it forgets, so that
     * view holds only tracked bikes. Nobody saw these violations end: they are not closed anywhere else.
     */
    public static List<ViolationEvent> untrackedAt(BikeTrack t, long at) {
        List<ViolationEvent> closed = new ArrayList<>(1);
        if (t.npFenceId != null && t.npOpen) {
            closed.add(noParkViolation(t).closedAt(at));
        }
        if (t.oaOpen) {
            closed.add(outOfAreaViolation(t).closedAt(at));
        }
        if (t.zombieOpen) {
            closed.add(zombieViolation(t).closedAt(at));
        }
        if (t.faultyOpen) {
            closed.add(faultyViolation(t).closedAt(at));
        }
        return closed;
    }

    /** The track's violations of each type as they opened (closed with {@code .closedAt(time)}). */
    private static ViolationEvent noParkViolation(BikeTrack t) {
        return ViolationEvent.opened(Type.NO_PARK, t.operator, t.bikeId, t.npFenceId, t.npLat, t.npLng, t.npSince,
                t.npOpenedAt, t.npFenceSet);
    }

    private static ViolationEvent outOfAreaViolation(BikeTrack t) {
        return ViolationEvent.opened(Type.OUT_OF_AREA, t.operator, t.bikeId, null, t.standingLat, t.standingLng,
                t.oaSince, t.oaOpenedAt, null);
    }

    private static ViolationEvent zombieViolation(BikeTrack t) {
        return ViolationEvent.opened(Type.ZOMBIE, t.operator, t.bikeId, null, t.standingLat, t.standingLng,
                t.zombieSince, t.zombieOpenedAt, null);
    }

    private static ViolationEvent faultyViolation(BikeTrack t) {
        return ViolationEvent.opened(Type.FAULTY_OVERDUE, t.operator, t.bikeId, null, t.standingLat, t.standingLng,
                t.faultySince, t.faultyOpenedAt, null);
    }

    /**
     * The {@code STANDING_ENDED} fact of a standing bike's period ending at {@code at}; the track is left as it
     * is (the tracker also ends the period of a track it forgets).
     */
    public static BikeFact standingEnded(BikeTrack t, long at) {
        BikeFact f = new BikeFact();
        f.kind = BikeFact.Kind.STANDING_ENDED;
        f.operator = t.operator;
        f.bikeId = t.bikeId;
        f.ts = at;
        f.lat = t.standingLat;
        f.lng = t.standingLng;
        f.parkingFenceId = t.standingFenceId;
        f.parkingCapacity = t.standingFenceCapacity;
        f.h3Cell = t.standingCell;
        f.durationMs = at - t.standingSince;
        return f;
    }

    private void noPark(BikeTrack t, ClassifiedPosition p, boolean stationary, Emitter out) {
        // First what the previous report's periods make of the time up to this report (onTime has usually done it).
        if (t.schFenceId != null && t.schFrom <= p.ts) {
            if (p.ts < t.schUntil) {
                enterPendingZone(t);
            } else {
                t.schFenceId = null;
            }
        }
        if (t.npFenceId != null && t.npUntil <= p.ts) {
            zoneOutOfForce(t, out);
        }
        String zone = stationary ? p.noParkFenceId : null;
        long until = zone != null && zone.equals(p.scheduledFenceId) ? p.scheduledUntil : Long.MAX_VALUE;
        pending(t, p, stationary && zone == null);
        if (zone != null && zone.equals(t.npFenceId)) {
            // The same zone, its period as this report's classification says (the fence set may have changed).
            t.npUntil = until;
            return;
        }
        if (t.npFenceId != null && t.npOpen) {
            out.violation(noParkViolation(t).closedAt(p.ts));
        }
        t.npOpen = false;
        t.npFenceId = zone;
        t.npUntil = Long.MAX_VALUE;
        if (zone != null) {
            t.npFenceSet = p.fenceSetVersion;
            t.npSince = p.ts;
            t.npGraceMs = p.noParkGraceMs > 0 ? p.noParkGraceMs : s.noParkGraceMs;
            t.npLat = p.lat;
            t.npLng = p.lng;
            t.npUntil = until;
        }
    }

    /** Keeps the scheduled zone a standing bike outside every zone in force will stand in later, or forgets it. */
    private void pending(BikeTrack t, ClassifiedPosition p, boolean standingOutsideZones) {
        if (!standingOutsideZones || p.scheduledFenceId == null || p.scheduledFrom <= p.ts) {
            t.schFenceId = null;
            return;
        }
        t.schFenceId = p.scheduledFenceId;
        t.schFenceSet = p.fenceSetVersion;
        t.schFrom = p.scheduledFrom;
        t.schUntil = p.scheduledUntil;
        t.schGraceMs = p.scheduledGraceMs > 0 ? p.scheduledGraceMs : s.noParkGraceMs;
        t.schLat = p.lat;
        t.schLng = p.lng;
    }

    /** When the pending zone's violation opens (its start plus the grace), or MAX_VALUE when its period is shorter. */
    private static long pendingOpensAt(BikeTrack t) {
        long opens = t.schFrom + t.schGraceMs;
        return opens < t.schUntil ? opens : Long.MAX_VALUE;
    }

    /** The pending zone comes into force with the bike standing in it: the bike is in the zone since its start. */
    private static void enterPendingZone(BikeTrack t) {
        t.npFenceId = t.schFenceId;
        t.npFenceSet = t.schFenceSet;
        t.npSince = t.schFrom;
        t.npGraceMs = t.schGraceMs;
        t.npLat = t.schLat;
        t.npLng = t.schLng;
        t.npOpen = false;
        t.npUntil = t.schUntil;
        t.schFenceId = null;
    }

    /** The zone's period has ended: its open violation closes then, and the bike is in no zone until it reports. */
    private static void zoneOutOfForce(BikeTrack t, Emitter out) {
        if (t.npOpen) {
            out.violation(noParkViolation(t).closedAt(t.npUntil));
        }
        t.npOpen = false;
        t.npFenceId = null;
        t.npUntil = Long.MAX_VALUE;
    }

    private static void outOfArea(BikeTrack t, ClassifiedPosition p, boolean stationary, Emitter out) {
        if (stationary && !p.inOperatingArea) {
            if (t.oaSince < 0) {
                t.oaSince = p.ts;
            }
            return;
        }
        if (t.oaOpen) {
            out.violation(outOfAreaViolation(t).closedAt(p.ts));
        }
        t.oaOpen = false;
        t.oaSince = -1;
    }

    private static void faulty(BikeTrack t, ClassifiedPosition p, Emitter out) {
        if (p.state == BikeState.FAULTY) {
            if (t.faultySince < 0) {
                t.faultySince = p.ts;
            }
            return;
        }
        if (t.faultySince >= 0) {
            BikeFact f = BikeFact.of(BikeFact.Kind.FAULTY_ENDED, p);
            f.durationMs = p.ts - t.faultySince;
            out.fact(f);
            if (t.faultyOpen) {
                out.violation(faultyViolation(t).closedAt(p.ts));
            }
        }
        t.faultyOpen = false;
        t.faultySince = -1;
    }

    private static void closeZombie(BikeTrack t, long at, Emitter out) {
        if (t.zombieOpen) {
            out.violation(zombieViolation(t).closedAt(at));
            t.zombieOpen = false;
        }
    }

    private static boolean same(String a, String b) {
        return a == null ? b == null : a.equals(b);
    }

    /** Equirectangular distance: exact enough at the tens of metres that decide "moved". */
    static double distanceMetres(double lat1, double lng1, double lat2, double lng2) {
        double dLat = (lat2 - lat1) * METRES_PER_DEGREE;
        double dLng = (lng2 - lng1) * METRES_PER_DEGREE * Math.cos(Math.toRadians((lat1 + lat2) / 2));
        return Math.sqrt(dLat * dLat + dLng * dLng);
    }
}
