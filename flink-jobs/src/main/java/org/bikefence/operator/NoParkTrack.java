package org.bikefence.operator;

/** Keyed state of one bike standing in a no-park zone: where, since when, and whether a violation is open. */
public class NoParkTrack {
    public String operator;
    public String bikeId;
    public String fenceId;
    public String fenceSetVersion;
    public long standingSince;
    public double lat;
    public double lng;
    public boolean open;
    public long openedAt;

    public NoParkTrack() {}
}
