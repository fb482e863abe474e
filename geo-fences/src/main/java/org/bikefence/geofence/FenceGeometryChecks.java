package org.bikefence.geofence;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.HashSet;
import java.util.Set;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.LinearRing;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.geom.Polygonal;
import org.locationtech.jts.operation.valid.IsValidOp;
import org.locationtech.jts.operation.valid.TopologyValidationError;

/**
 * Geometry validation shared by every fence loader, so GeoJSON, CSV/WKT or GBFS sources reject
 * the same things with the same words; each loader wraps the problem with its own location.
 */
final class FenceGeometryChecks {

    private FenceGeometryChecks() {}

    /** Returns what is wrong with a fence geometry, or null when it is usable. */
    static String problem(Geometry geometry) {
        if (!(geometry instanceof Polygonal)) {
            return "geometry type \"" + geometry.getGeometryType()
                    + "\" is not a Polygon or MultiPolygon";
        }
        if (geometry.isEmpty()) {
            return "geometry is empty";
        }
        for (Coordinate c : geometry.getCoordinates()) {
            // Checked before IsValidOp because its messages about NaN are cryptic, and a
            // longitude beyond 180 usually means swapped or projected coordinates.
            if (!Double.isFinite(c.x) || !Double.isFinite(c.y)
                    || c.x < -180 || c.x > 180 || c.y < -90 || c.y > 90) {
                return "coordinate " + format(c)
                        + " is not a WGS84 [longitude, latitude] (lng in [-180, 180], lat in [-90, 90])";
            }
        }
        for (int p = 0; p < geometry.getNumGeometries(); p++) {
            Polygon polygon = (Polygon) geometry.getGeometryN(p);
            String shell = ringProblem(polygon.getExteriorRing(), "outer ring", p, geometry);
            if (shell != null) {
                return shell;
            }
            for (int h = 0; h < polygon.getNumInteriorRing(); h++) {
                String hole = ringProblem(polygon.getInteriorRingN(h), "hole " + h, p, geometry);
                if (hole != null) {
                    return hole;
                }
            }
        }
        TopologyValidationError error = new IsValidOp(geometry).getValidationError();
        if (error != null) {
            return "invalid polygon: " + error.getMessage() + " at " + format(error.getCoordinate());
        }
        return null;
    }

    private static String ringProblem(LinearRing ring, String what, int polygonIndex,
            Geometry geometry) {
        Set<Coordinate> distinct = new HashSet<>();
        for (Coordinate c : ring.getCoordinates()) {
            distinct.add(new Coordinate(c.x, c.y));
        }
        if (distinct.size() < 3) {
            String where = geometry.getNumGeometries() > 1 ? " of polygon " + polygonIndex : "";
            return what + where + " has " + distinct.size()
                    + " distinct vertices, at least 3 are needed";
        }
        return null;
    }

    /**
     * Formats as GeoJSON does, [lng, lat], to 12 significant digits: enough to find a vertex in
     * the file (about 1 um) while hiding rounding noise in computed intersection points.
     */
    static String format(Coordinate c) {
        if (c == null) {
            return "unknown location";
        }
        return "[" + format(c.x) + ", " + format(c.y) + "]";
    }

    private static String format(double v) {
        if (!Double.isFinite(v)) {
            return String.valueOf(v);
        }
        return BigDecimal.valueOf(v).round(new MathContext(12)).stripTrailingZeros().toPlainString();
    }
}
