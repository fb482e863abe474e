package org.bikefence.bike;

import org.bikefence.model.BikeState;

/** Everything bikefence remembers about one bike between reports (Flink keyed state, a POJO). */
public class BikeTrack {
    public String operator;
    public String bikeId;

    public boolean hasReport;
    public long lastTs;
    public BikeState lastState;
    /** Last movement (beyond the threshold) or state change, for zombie detection. */
    public long lastMoveAt;

    public boolean standing;
    public long standingSince;
    public double standingLat;
    public double standingLng;
    public String standingFenceId;
    public int standingFenceCapacity;
    public long standingCell;

    // No-park (or key-control) zone the bike stands in.
    public String npFenceId;
    public String npFenceSet;
    public long npSince;
    public long npGraceMs;
    public double npLat;
    public double npLng;
    public boolean npOpen;
    public long npOpenedAt;
    /** When the zone goes out of force (the end of its scheduled period), {@link Long#MAX_VALUE} when it does not. */
    public long npUntil = Long.MAX_VALUE;

    // A scheduled zone the bike stands in that is not in force yet: its next period, as the last report told it.
    public String schFenceId;
    public String schFenceSet;
    public long schFrom;
    public long schUntil;
    public long schGraceMs;
    public double schLat;
    public double schLng;

    // Standing outside the operating area.
    public long oaSince = -1;
    public boolean oaOpen;
    public long oaOpenedAt;

    public boolean zombieOpen;
    public long zombieSince;
    public long zombieOpenedAt;

    public long faultySince = -1;
    public boolean faultyOpen;
    public long faultyOpenedAt;

    public BikeTrack() {}

    /** When the bike's track expires unless it reports again (the job's bookkeeping: see BikeTracker), 0 for none. */
    public long expiryTimer;

    /** The last event time the job processed for the bike: a report, a deadline or the expiry (job bookkeeping). */
    public long processedUpTo = Long.MIN_VALUE;

    /** The one timer the job has registered for the bike (its next deadline or expiry), 0 for none. */
    public long wakeUp;

    /**
     * What the bike was counted for (the job's bookkeeping, kept here so one state read serves both); it outlives
     * the track when the track expires. Null until the first report is applied.
     */
    public org.bikefence.metrics.BikeCounted counted;
}
