package org.bikefence.geofence.crs;

import java.util.Locale;

/** The coordinate reference systems operators and fence files declare; everything is WGS84 inside bikefence. */
public enum Crs {
    WGS84,
    /** China's obfuscated "Mars" datum used by Gaode/Tencent maps and most Chinese operators. */
    GCJ02,
    /** Baidu's datum: GCJ-02 with a further offset. */
    BD09;

    /** Parses "WGS84", "wgs-84", "GCJ02", "gcj-02", "BD09", "bd-09" (case and dashes ignored). */
    public static Crs parse(String name) {
        if (name == null) {
            throw new IllegalArgumentException("coordinate system is null; expected one of WGS84, GCJ02, BD09");
        }
        String n = name.trim().toUpperCase(Locale.ROOT).replace("-", "").replace("_", "");
        switch (n) {
            case "WGS84":
            case "EPSG:4326":
                return WGS84;
            case "GCJ02":
                return GCJ02;
            case "BD09":
            case "BD09LL":
                return BD09;
            default:
                throw new IllegalArgumentException(
                        "unknown coordinate system '" + name + "'; expected one of WGS84, GCJ02, BD09");
        }
    }

    /**
     * Converts a position in this system to WGS84, returning {lat, lng}. Points outside China pass
     * through GCJ-02 unchanged, as the datum itself does.
     */
    public double[] toWgs84(double lat, double lng) {
        switch (this) {
            case WGS84:
                return new double[] {lat, lng};
            case GCJ02:
                return ChinaDatums.gcj02ToWgs84(lat, lng);
            case BD09:
                double[] gcj = ChinaDatums.bd09ToGcj02(lat, lng);
                return ChinaDatums.gcj02ToWgs84(gcj[0], gcj[1]);
            default:
                throw new AssertionError(this);
        }
    }
}
