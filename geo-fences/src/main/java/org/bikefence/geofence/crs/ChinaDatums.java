package org.bikefence.geofence.crs;

/**
 * The GCJ-02 and BD-09 datum transforms, forward in closed form and inverse by fixed-point iteration.
 *
 * <p>The forward GCJ-02 formula is the widely published one (Krasovsky ellipsoid constants). Its inverse
 * has no closed form; the common one-step approximation is off by 1-2 m, so the inverse here iterates
 * until the forward image matches to 1e-10 degrees (well below a millimetre).
 */
public final class ChinaDatums {
    private static final double A = 6378245.0;
    private static final double EE = 0.00669342162296594323;
    private static final double X_PI = Math.PI * 3000.0 / 180.0;
    private static final double TOLERANCE_DEG = 1e-10;
    private static final int MAX_ITERATIONS = 50;

    private ChinaDatums() {}

    /** Whether GCJ-02 applies at this point: the datum's customary rectangle around China. */
    public static boolean insideChina(double lat, double lng) {
        return lng >= 72.004 && lng <= 137.8347 && lat >= 0.8293 && lat <= 55.8271;
    }

    /** WGS84 to GCJ-02, returning {lat, lng}. */
    public static double[] wgs84ToGcj02(double lat, double lng) {
        if (!insideChina(lat, lng)) {
            return new double[] {lat, lng};
        }
        double dLat = transformLat(lng - 105.0, lat - 35.0);
        double dLng = transformLng(lng - 105.0, lat - 35.0);
        double radLat = lat / 180.0 * Math.PI;
        double magic = Math.sin(radLat);
        magic = 1 - EE * magic * magic;
        double sqrtMagic = Math.sqrt(magic);
        dLat = (dLat * 180.0) / ((A * (1 - EE)) / (magic * sqrtMagic) * Math.PI);
        dLng = (dLng * 180.0) / (A / sqrtMagic * Math.cos(radLat) * Math.PI);
        return new double[] {lat + dLat, lng + dLng};
    }

    /** GCJ-02 to WGS84 by iterating the forward transform, returning {lat, lng}. */
    public static double[] gcj02ToWgs84(double lat, double lng) {
        if (!insideChina(lat, lng)) {
            return new double[] {lat, lng};
        }
        double wLat = lat;
        double wLng = lng;
        for (int i = 0; i < MAX_ITERATIONS; i++) {
            double[] g = wgs84ToGcj02(wLat, wLng);
            double eLat = g[0] - lat;
            double eLng = g[1] - lng;
            wLat -= eLat;
            wLng -= eLng;
            if (Math.abs(eLat) < TOLERANCE_DEG && Math.abs(eLng) < TOLERANCE_DEG) {
                break;
            }
        }
        return new double[] {wLat, wLng};
    }

    /** GCJ-02 to BD-09, returning {lat, lng}. */
    public static double[] gcj02ToBd09(double lat, double lng) {
        double x = lng;
        double y = lat;
        double z = Math.sqrt(x * x + y * y) + 0.00002 * Math.sin(y * X_PI);
        double theta = Math.atan2(y, x) + 0.000003 * Math.cos(x * X_PI);
        return new double[] {z * Math.sin(theta) + 0.006, z * Math.cos(theta) + 0.0065};
    }

    /** BD-09 to GCJ-02 by iterating the forward transform, returning {lat, lng}. */
    public static double[] bd09ToGcj02(double lat, double lng) {
        double gLat = lat - 0.006;
        double gLng = lng - 0.0065;
        for (int i = 0; i < MAX_ITERATIONS; i++) {
            double[] b = gcj02ToBd09(gLat, gLng);
            double eLat = b[0] - lat;
            double eLng = b[1] - lng;
            gLat -= eLat;
            gLng -= eLng;
            if (Math.abs(eLat) < TOLERANCE_DEG && Math.abs(eLng) < TOLERANCE_DEG) {
                break;
            }
        }
        return new double[] {gLat, gLng};
    }

    private static double transformLat(double x, double y) {
        double ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
        ret += (20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0 / 3.0;
        ret += (20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin(y / 3.0 * Math.PI)) * 2.0 / 3.0;
        ret += (160.0 * Math.sin(y / 12.0 * Math.PI) + 320 * Math.sin(y * Math.PI / 30.0)) * 2.0 / 3.0;
        return ret;
    }

    private static double transformLng(double x, double y) {
        double ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
        ret += (20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0 / 3.0;
        ret += (20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin(x / 3.0 * Math.PI)) * 2.0 / 3.0;
        ret += (150.0 * Math.sin(x / 12.0 * Math.PI) + 300.0 * Math.sin(x / 30.0 * Math.PI)) * 2.0 / 3.0;
        return ret;
    }
}
