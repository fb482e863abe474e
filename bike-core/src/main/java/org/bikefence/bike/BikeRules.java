package org.bikefence.bike;

import java.io.Serializable;
import org.bikefence.model.BikeFact;
import org.bikefence.model.BikeState;
import org.bikefence.model.ClassifiedPosition;
import org.bikefence.model.ViolationEvent;
import org.bikefence.model.ViolationEvent.Type;

/**
 * The per-bike assessment rules, applied to one bike's reports in event-time order: no-park and
 * key-control violations, out-of-area, zombie and overdue-faulty violations, ride ends, standing periods
 * and report gaps. Plain Java: the Flink operator only orders reports and fires deadlines.
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
        if (t.npFenceId != null && !t.npOpen && t.npSince + t.npGraceMs <= limit) {
            t.npOpen = true;
            t.npOpenedAt = t.npSince + t.npGraceMs;
            out.violation(ViolationEvent.opened(Type.NO_PARK, t.operator, t.bikeId, t.npFenceId, t.npLat, t.npLng,
                    t.npSince, t.npOpenedAt, t.npFenceSet));
        }
        if (t.oaSince >= 0 && !t.oaOpen && t.oaSince + s.outOfAreaGraceMs <= limit) {
            t.oaOpen = true;
            t.oaOpenedAt = t.oaSince + s.outOfAreaGraceMs;
            out.violation(ViolationEvent.opened(Type.OUT_OF_AREA, t.operator, t.bikeId, null, t.standingLat,
                    t.standingLng, t.oaSince, t.oaOpenedAt, null));
        }
        if (t.standing && !t.zombieOpen && t.lastMoveAt + s.zombieMs <= limit) {
            t.zombieOpen = true;
            t.zombieSince = t.lastMoveAt;
            t.zombieOpenedAt = t.lastMoveAt + s.zombieMs;
            out.violation(ViolationEvent.opened(Type.ZOMBIE, t.operator, t.bikeId, null, t.standingLat,
                    t.standingLng, t.lastMoveAt, t.zombieOpenedAt, null));
        }
        if (t.faultySince >= 0 && !t.faultyOpen && t.faultySince + s.faultyDeadlineMs <= limit) {
            t.faultyOpen = true;
            t.faultyOpenedAt = t.faultySince + s.faultyDeadlineMs;
            out.violation(ViolationEvent.opened(Type.FAULTY_OVERDUE, t.operator, t.bikeId, null, t.standingLat,
                    t.standingLng, t.faultySince, t.faultyOpenedAt, null));
        }
    }

    /** The earliest pending deadline, or {@link Long#MAX_VALUE} when none. */
    public long nextDeadline(BikeTrack t) {
        long d = Long.MAX_VALUE;
        if (t.npFenceId != null && !t.npOpen) {
            d = Math.min(d, t.npSince + t.npGraceMs);
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
        out.fact(f);
        t.standing = false;
        t.standingFenceId = null;
        closeZombie(t, at, out);
    }

    private void noPark(BikeTrack t, ClassifiedPosition p, boolean stationary, Emitter out) {
        String zone = stationary ? p.noParkFenceId : null;
        if (zone != null && zone.equals(t.npFenceId)) {
            return;
        }
        if (t.npFenceId != null && t.npOpen) {
            out.violation(ViolationEvent.opened(Type.NO_PARK, t.operator, t.bikeId, t.npFenceId, t.npLat, t.npLng,
                    t.npSince, t.npOpenedAt, t.npFenceSet).closedAt(p.ts));
        }
        t.npOpen = false;
        t.npFenceId = zone;
        if (zone != null) {
            t.npFenceSet = p.fenceSetVersion;
            t.npSince = p.ts;
            t.npGraceMs = p.noParkGraceMs > 0 ? p.noParkGraceMs : s.noParkGraceMs;
            t.npLat = p.lat;
            t.npLng = p.lng;
        }
    }

    private static void outOfArea(BikeTrack t, ClassifiedPosition p, boolean stationary, Emitter out) {
        if (stationary && !p.inOperatingArea) {
            if (t.oaSince < 0) {
                t.oaSince = p.ts;
            }
            return;
        }
        if (t.oaOpen) {
            out.violation(ViolationEvent.opened(Type.OUT_OF_AREA, t.operator, t.bikeId, null, t.standingLat,
                    t.standingLng, t.oaSince, t.oaOpenedAt, null).closedAt(p.ts));
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
                out.violation(ViolationEvent.opened(Type.FAULTY_OVERDUE, t.operator, t.bikeId, null, t.standingLat,
                        t.standingLng, t.faultySince, t.faultyOpenedAt, null).closedAt(p.ts));
            }
        }
        t.faultyOpen = false;
        t.faultySince = -1;
    }

    private static void closeZombie(BikeTrack t, long at, Emitter out) {
        if (t.zombieOpen) {
            out.violation(ViolationEvent.opened(Type.ZOMBIE, t.operator, t.bikeId, null, t.standingLat,
                    t.standingLng, t.zombieSince, t.zombieOpenedAt, null).closedAt(at));
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
