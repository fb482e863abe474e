package org.bikefence.geofence;

import java.util.Objects;
import java.util.Random;
import org.locationtech.jts.algorithm.locate.PointOnGeometryLocator;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.Location;

/** Geometry helpers for simulators, tools and tests: areas, random points inside or outside fences. */
public final class FenceGeometry {

    /** Rejection sampling gives up after this many misses, e.g. for a sliver or a full cover. */
    private static final int MAX_ATTEMPTS = 1_000_000;

    private FenceGeometry() {}

    private static final double WGS84_A = 6_378_137.0;
    private static final double WGS84_E2 = 6.69437999014e-3;

    /**
     * Area of a WGS84 longitude/latitude geometry in square metres, by scaling degrees at the
     * geometry's mean latitude (WGS84 ellipsoid radii of curvature). For fences up to a few
     * kilometres across this is within 0.1% of the geodesic area.
     */
    public static double areaSquareMetres(Geometry g) {
        if (g.isEmpty()) {
            return 0;
        }
        Envelope env = g.getEnvelopeInternal();
        double lat = Math.toRadians((env.getMinY() + env.getMaxY()) / 2);
        double sin = Math.sin(lat);
        double w = 1 - WGS84_E2 * sin * sin;
        double n = WGS84_A / Math.sqrt(w);
        double m = WGS84_A * (1 - WGS84_E2) / (w * Math.sqrt(w));
        double metresPerDegLat = Math.toRadians(1) * m;
        double metresPerDegLng = Math.toRadians(1) * n * Math.cos(lat);
        return g.getArea() * metresPerDegLat * metresPerDegLng;
    }

    /**
     * A random point covered by the fence, as {lat, lng}. Uniform in longitude/latitude degrees,
     * which over a fence a few hundred metres across is uniform by area to within a few ppm.
     *
     * @throws IllegalStateException if no point is found, e.g. for a degenerate geometry
     */
    public static double[] randomPointInside(Fence fence, Random rnd) {
        Objects.requireNonNull(fence, "fence");
        Geometry g = fence.geometry();
        PointOnGeometryLocator locator = FenceIndex.locatorFor(g);
        Envelope env = g.getEnvelopeInternal();
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Coordinate p = randomIn(env, rnd);
            if (locator.locate(p) != Location.EXTERIOR) {
                return new double[] {p.y, p.x};
            }
        }
        throw new IllegalStateException("no random point found inside " + fence);
    }

    /**
     * A random point, as {lat, lng}, covered by {@code area} (a Polygon or MultiPolygon in WGS84)
     * but by no fence of {@code kind} in the index; for example a bike parked in the operating
     * area outside every parking fence.
     *
     * @throws IllegalStateException if no such point is found, e.g. when fences cover the area
     */
    public static double[] randomPointOutside(FenceIndex index, Geometry area, FenceKind kind,
            Random rnd) {
        Objects.requireNonNull(index, "index");
        Objects.requireNonNull(kind, "kind");
        PointOnGeometryLocator locator = FenceIndex.locatorFor(area);
        Envelope env = area.getEnvelopeInternal();
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Coordinate p = randomIn(env, rnd);
            if (locator.locate(p) != Location.EXTERIOR && index.covering(p.y, p.x, kind).isEmpty()) {
                return new double[] {p.y, p.x};
            }
        }
        throw new IllegalStateException(
                "no random point found in the area outside every " + kind.wireName() + " fence");
    }

    private static Coordinate randomIn(Envelope env, Random rnd) {
        return new Coordinate(env.getMinX() + rnd.nextDouble() * env.getWidth(),
                env.getMinY() + rnd.nextDouble() * env.getHeight());
    }
}
