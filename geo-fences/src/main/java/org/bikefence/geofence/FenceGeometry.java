package org.bikefence.geofence;

import java.util.Objects;
import java.util.Random;
import org.locationtech.jts.algorithm.locate.PointOnGeometryLocator;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.Location;

/** Geometry helpers for simulators and tests: random points inside or outside fences. */
public final class FenceGeometry {

    /** Rejection sampling gives up after this many misses, e.g. for a sliver or a full cover. */
    private static final int MAX_ATTEMPTS = 1_000_000;

    private FenceGeometry() {}

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
