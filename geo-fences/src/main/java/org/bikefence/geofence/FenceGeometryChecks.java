package org.bikefence.geofence;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bikefence.geofence.crs.Crs;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.LinearRing;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.geom.Polygonal;
import org.locationtech.jts.geom.PrecisionModel;
import org.locationtech.jts.geom.util.PolygonExtracter;
import org.locationtech.jts.geom.util.GeometryFixer;
import org.locationtech.jts.operation.valid.IsValidOp;
import org.locationtech.jts.operation.valid.TopologyValidationError;

/**
 * Turns the rings a fence file gives (in its own coordinate system) into a valid WGS84 fence
 * geometry, with the checks every loader shares so that GeoJSON, city CSV, GBFS and MDS sources
 * reject the same things with the same words; each loader adds its own location to the message.
 */
final class FenceGeometryChecks {

    /** SRID 4326: fence coordinates are WGS84 longitude/latitude in degrees. */
    static final GeometryFactory WGS84 = new GeometryFactory(new PrecisionModel(), 4326);

    /** A ring whose hull is smaller than this (1 cm2) has zero area. */
    static final double MIN_AREA_M2 = 1e-4;

    private FenceGeometryChecks() {}

    /** Where {@link #toFenceGeometry} reports; both messages are without location. */
    interface Report {
        void problem(String message);

        void repaired(String message);
    }

    /**
     * Checks and converts one fence's polygons.
     *
     * @param polygons each polygon is its rings (outer first, then holes), each ring an array of
     *     {x, y} = {longitude, latitude} pairs in {@code crs}, as written in the file
     * @return the WGS84 Polygon or MultiPolygon, or null after reporting a problem
     */
    static Geometry toFenceGeometry(List<List<double[][]>> polygons, Crs crs, LoadOptions options,
            Report report) {
        if (polygons.isEmpty()) {
            report.problem("geometry has no polygons");
            return null;
        }
        boolean multi = polygons.size() > 1;
        List<Polygon> built = new ArrayList<>(polygons.size());
        for (int p = 0; p < polygons.size(); p++) {
            List<double[][]> rings = polygons.get(p);
            if (rings.isEmpty()) {
                report.problem("polygon " + p + " has no rings");
                return null;
            }
            LinearRing shell = null;
            LinearRing[] holes = new LinearRing[rings.size() - 1];
            for (int r = 0; r < rings.size(); r++) {
                String what = (r == 0 ? "outer ring" : "hole " + (r - 1))
                        + (multi ? " of polygon " + p : "");
                LinearRing ring = toRing(rings.get(r), what, crs, options, report);
                if (ring == null) {
                    return null;
                }
                if (r == 0) {
                    shell = ring;
                } else {
                    holes[r - 1] = ring;
                }
            }
            Polygon polygon = WGS84.createPolygon(shell, holes);
            // The hull, not the polygon: a bow-tie's signed halves cancel to zero area too, but
            // that is a self-intersection, reported (and repairable) below. Below a square
            // centimetre is rounding noise of collinear vertices, not an area.
            if (FenceGeometry.areaSquareMetres(shell.convexHull()) < MIN_AREA_M2) {
                report.problem((multi ? "polygon " + p : "polygon")
                        + " has zero area (its vertices lie on one line)");
                return null;
            }
            built.add(polygon);
        }
        Geometry geometry = multi
                ? WGS84.createMultiPolygon(built.toArray(new Polygon[0]))
                : built.get(0);
        TopologyValidationError error = new IsValidOp(geometry).getValidationError();
        if (error == null) {
            return geometry;
        }
        String what = "invalid polygon: " + error.getMessage() + " at "
                + format(error.getCoordinate());
        if (!options.repair()) {
            report.problem(what + " (LoadOptions.repair / --repair would fix it with JTS GeometryFixer)");
            return null;
        }
        Geometry fixed = polygonalPart(GeometryFixer.fix(geometry));
        if (fixed == null) {
            report.problem(what + "; GeometryFixer left no area, so it cannot be repaired");
            return null;
        }
        // The invalid input's area is meaningless (a bow-tie's halves cancel), so only the result's.
        report.repaired("repaired " + what + " with GeometryFixer: "
                + fixed.getNumGeometries() + " polygon(s), "
                + Math.round(FenceGeometry.areaSquareMetres(fixed)) + " m2");
        return fixed;
    }

    private static Geometry polygonalPart(Geometry g) {
        if (g instanceof Polygonal && !g.isEmpty()) {
            return g;
        }
        @SuppressWarnings("unchecked")
        List<Polygon> polys = PolygonExtracter.getPolygons(g);
        polys.removeIf(Geometry::isEmpty);
        if (polys.isEmpty()) {
            return null;
        }
        return polys.size() == 1 ? polys.get(0)
                : WGS84.createMultiPolygon(polys.toArray(new Polygon[0]));
    }

    private static LinearRing toRing(double[][] raw, String what, Crs crs, LoadOptions options,
            Report report) {
        for (double[] xy : raw) {
            if (!validLngLat(xy[0], xy[1])) {
                String hint = validLngLat(xy[1], xy[0])
                        ? "; swapped it would be valid: the file seems to give [latitude, longitude]"
                                + " where [longitude, latitude] is expected"
                        : "";
                report.problem("coordinate " + format(xy[0], xy[1]) + " is not a valid"
                        + " [longitude, latitude] (lng in [-180, 180], lat in [-90, 90])" + hint);
                return null;
            }
        }
        List<double[]> points = new ArrayList<>(List.of(raw));
        if (points.isEmpty()) {
            report.problem(what + " has no vertices");
            return null;
        }
        double[] first = points.get(0);
        double[] last = points.get(points.size() - 1);
        if (first[0] != last[0] || first[1] != last[1]) {
            if (options.repair()) {
                points.add(first.clone());
                report.repaired("closed " + what + " by repeating its first vertex "
                        + format(first[0], first[1]) + " after its last " + format(last[0], last[1]));
            } else {
                report.problem(what + " is not closed: first vertex " + format(first[0], first[1])
                        + " differs from last vertex " + format(last[0], last[1]));
                return null;
            }
        }
        Set<Coordinate> distinct = new HashSet<>();
        for (double[] xy : points) {
            distinct.add(new Coordinate(xy[0], xy[1]));
        }
        if (distinct.size() < 3) {
            report.problem(what + " has " + distinct.size()
                    + " distinct vertices, at least 3 are needed");
            return null;
        }
        Bounds bounds = options.cityBounds().orElse(null);
        Coordinate[] coords = new Coordinate[points.size()];
        for (int i = 0; i < coords.length; i++) {
            double[] xy = points.get(i);
            double[] latLng = crs.toWgs84(xy[1], xy[0]);
            if (bounds != null && !bounds.contains(latLng[0], latLng[1])) {
                String hint = bounds.contains(xy[0], xy[1])
                        ? "; swapped it would be inside: the file seems to give [latitude, longitude]"
                                + " where [longitude, latitude] is expected"
                        : "";
                report.problem("coordinate " + format(xy[0], xy[1]) + " (" + crs + ") lies outside"
                        + " the city bounds " + bounds + hint);
                return null;
            }
            coords[i] = new Coordinate(latLng[1], latLng[0]);
        }
        // Conversion of the repeated closing vertex gives the same result, but be exact about it.
        coords[coords.length - 1] = coords[0].copy();
        return WGS84.createLinearRing(coords);
    }

    private static boolean validLngLat(double lng, double lat) {
        return Double.isFinite(lng) && Double.isFinite(lat)
                && lng >= -180 && lng <= 180 && lat >= -90 && lat <= 90;
    }

    /** Rings of a JTS polygonal geometry as raw {x, y} arrays, for sources JTS has read. */
    static List<List<double[][]>> rawPolygons(Geometry geometry) {
        List<List<double[][]>> out = new ArrayList<>();
        for (int p = 0; p < geometry.getNumGeometries(); p++) {
            Polygon polygon = (Polygon) geometry.getGeometryN(p);
            List<double[][]> rings = new ArrayList<>();
            rings.add(raw(polygon.getExteriorRing().getCoordinates()));
            for (int h = 0; h < polygon.getNumInteriorRing(); h++) {
                rings.add(raw(polygon.getInteriorRingN(h).getCoordinates()));
            }
            out.add(rings);
        }
        return out;
    }

    private static double[][] raw(Coordinate[] coords) {
        double[][] xy = new double[coords.length][];
        for (int i = 0; i < coords.length; i++) {
            xy[i] = new double[] {coords[i].x, coords[i].y};
        }
        return xy;
    }

    /**
     * Formats as GeoJSON does, [lng, lat], to 12 significant digits: enough to find a vertex in
     * the file (about 1 um) while hiding rounding noise in computed intersection points.
     */
    static String format(Coordinate c) {
        if (c == null) {
            return "unknown location";
        }
        return format(c.x, c.y);
    }

    static String format(double x, double y) {
        return "[" + format(x) + ", " + format(y) + "]";
    }

    static String format(double v) {
        if (!Double.isFinite(v)) {
            return String.valueOf(v);
        }
        return BigDecimal.valueOf(v).round(new MathContext(12)).stripTrailingZeros().toPlainString();
    }
}
