package org.bikefence.geofence;

import java.util.OptionalInt;
import java.util.Set;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.WKTReader;

/** Small fences and GeoJSON snippets shared by the tests. */
final class Fixtures {

    private Fixtures() {}

    static Geometry wkt(String wkt) {
        try {
            return new WKTReader(GeoJsonFenceLoader.WGS84).read(wkt);
        } catch (ParseException e) {
            throw new IllegalArgumentException(wkt, e);
        }
    }

    static Fence fence(String id, FenceKind kind, String wkt) {
        return new Fence(id, kind, id, Set.of(), OptionalInt.empty(), wkt(wkt));
    }

    /** A GeoJSON Feature with the given properties JSON (without braces) and geometry JSON. */
    static String feature(String properties, String geometry) {
        return "{\"type\":\"Feature\",\"properties\":{" + properties + "},\"geometry\":" + geometry
                + "}";
    }

    static String collection(String... features) {
        return "{\"type\":\"FeatureCollection\",\"version\":\"test-1\",\"features\":["
                + String.join(",", features) + "]}";
    }

    static final String SQUARE =
            "{\"type\":\"Polygon\",\"coordinates\":[[[118.1,24.5],[118.101,24.5],[118.101,24.501],"
                    + "[118.1,24.501],[118.1,24.5]]]}";
}
