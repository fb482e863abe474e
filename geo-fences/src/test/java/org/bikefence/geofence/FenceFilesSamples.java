package org.bikefence.geofence;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Synthetic fence files in the shapes real sources have (issue 13 item 3), written for the tests: a GIS export of
 * no-ride zones (properties FID, NAME, SHAPE_Area; the old named-CRS member; MultiPolygons), the same zones as one
 * MDS geography, and a district boundary (one MultiPolygon, properties adcode and name) in GCJ-02.
 */
public final class FenceFilesSamples {

    /** The two no-ride zones, {minLng, minLat, maxLng, maxLat}. */
    static final double[][] ZONES = {{118.1000, 24.5000, 118.1010, 24.5010}, {118.1050, 24.4950, 118.1060, 24.4960}};

    private FenceFilesSamples() {}

    static String square(double[] z) {
        return String.format(Locale.ROOT, "[[%s,%s],[%s,%s],[%s,%s],[%s,%s],[%s,%s]]", z[0], z[1], z[2], z[1], z[2],
                z[3], z[0], z[3], z[0], z[1]);
    }

    /** The no-ride zones as a GIS export: no id, kind or version of bikefence's own. */
    public static String noRideGeoJson() {
        StringBuilder sb = new StringBuilder("{\"type\":\"FeatureCollection\",\"name\":\"no-ride-zone\","
                + "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:OGC:1.3:CRS84\"}},"
                + "\"features\":[");
        sb.append(noRideFeatures());
        return sb.append("]}").toString();
    }

    private static String noRideFeatures() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ZONES.length; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"type\":\"Feature\",\"properties\":{\"FID\":").append(i + 1)
                    .append(",\"NAME\":\"Zone ").append((char) ('A' + i)).append("\",\"SHAPE_Area\":1.0e-6},")
                    .append("\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":[[")
                    .append(square(ZONES[i])).append("]]}}");
        }
        return sb.toString();
    }

    /** The same zones as one MDS geography (MDS 1.x wrapper, as the MDS examples write it). */
    public static String noRideMds(String geographyType) {
        return "{\"version\":\"1.2.0\",\"geography\":{\"geography_id\":\"e00535dd-0000-4b1b-920d-000000000001\","
                + (geographyType == null ? "" : "\"geography_type\":\"" + geographyType + "\",")
                + "\"name\":\"No Ride Zones\",\"effective_date\":1570034561834,\"published_date\":1570035222868,"
                + "\"geography_json\":{\"type\":\"FeatureCollection\",\"features\":[" + noRideFeatures() + "]}}}";
    }

    /** A district boundary in GCJ-02: one MultiPolygon with properties adcode and name. */
    public static String boundaryGcj02() {
        return "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":"
                + "{\"adcode\":350206,\"name\":\"湖里区\"},\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":[["
                + square(new double[] {118.0850, 24.4850, 118.1250, 24.5150}) + "]]}}]}";
    }

    static Path write(Path dir, String name, String content) {
        return TestFiles.write(dir, name, content);
    }
}
