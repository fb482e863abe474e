package org.bikefence.geofence;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import org.locationtech.jts.algorithm.locate.PointOnGeometryLocator;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.LinearRing;
import org.locationtech.jts.geom.Location;
import org.locationtech.jts.geom.Polygon;

/**
 * A deterministic, SYNTHETIC city-sized fence set centred on Xiamen island, for the property test
 * and the benchmarks: an operating area about 15 x 15 km with a no-service hole, 500 no-park
 * polygons of 20-400 vertices (some with holes) and 14,000 parking bays of 2-200 m2, in rows of
 * bays that share edges, along a street grid rotated 12 degrees. Nothing here is real data.
 */
public final class SyntheticCity {

    public static final double CENTRE_LAT = 24.515;
    public static final double CENTRE_LNG = 118.125;
    public static final int PARKING = 14_000;
    public static final int NO_PARK = 500;

    private static final GeometryFactory GF = GeoJsonFenceLoader.WGS84;
    private static final double M_PER_DEG_LAT = 110_574;
    private static final double M_PER_DEG_LNG = 111_320 * Math.cos(Math.toRadians(CENTRE_LAT));
    private static final double STREET_SPACING_M = 160;
    private static final double STREET_ANGLE = Math.toRadians(12);

    private final FenceSet fences;
    private final Fence operatingArea;
    private final List<Fence> parking;
    private final List<Fence> noPark;

    private SyntheticCity(FenceSet fences, Fence operatingArea, List<Fence> parking,
            List<Fence> noPark) {
        this.fences = fences;
        this.operatingArea = operatingArea;
        this.parking = parking;
        this.noPark = noPark;
    }

    /** The standard city (seed 2021). */
    public static SyntheticCity generate() {
        return generate(2021, PARKING, NO_PARK);
    }

    public static SyntheticCity generate(long seed, int parkingCount, int noParkCount) {
        Random rnd = new Random(seed);
        Fence area = operatingArea(rnd);
        PointOnGeometryLocator inArea = FenceIndex.locatorFor(area.geometry());
        List<Fence> noPark = new ArrayList<>();
        for (int k = 0; k < noParkCount; k++) {
            double[] s = randomInside(inArea, rnd);
            if (k % 2 == 0) { // at a street crossing
                s[0] = Math.round(s[0] / STREET_SPACING_M) * STREET_SPACING_M;
                s[1] = Math.round(s[1] / STREET_SPACING_M) * STREET_SPACING_M;
            }
            double[] c = toStreetGrid(s[0], s[1], true);
            noPark.add(noParkZone(String.format("NP%04d", k), c[0], c[1], rnd, k % 10 == 3));
        }
        List<Fence> parking = new ArrayList<>();
        while (parking.size() < parkingCount) {
            addRowOfBays(parking, parkingCount, inArea, rnd);
        }
        List<Fence> all = new ArrayList<>(parking);
        all.addAll(noPark);
        all.add(area);
        return new SyntheticCity(new FenceSet("synthetic-xiamen-" + seed, all), area,
                List.copyOf(parking), List.copyOf(noPark));
    }

    public FenceSet fences() {
        return fences;
    }

    public Fence operatingArea() {
        return operatingArea;
    }

    public List<Fence> parking() {
        return parking;
    }

    public List<Fence> noPark() {
        return noPark;
    }

    /**
     * Bike positions as {lats, lngs}: 50% within 20 m of a parking bay, 10% in or near a no-park
     * zone, 40% uniform over the operating area's envelope.
     */
    public double[][] bikePositions(int n, long seed) {
        Random rnd = new Random(seed);
        double[] lat = new double[n];
        double[] lng = new double[n];
        Envelope all = operatingArea.geometry().getEnvelopeInternal();
        for (int k = 0; k < n; k++) {
            double u = rnd.nextDouble();
            Envelope e;
            if (u < 0.5) {
                e = around(parking.get(rnd.nextInt(parking.size())), 20);
            } else if (u < 0.6) {
                e = around(noPark.get(rnd.nextInt(noPark.size())), 20);
            } else {
                e = all;
            }
            lng[k] = e.getMinX() + rnd.nextDouble() * e.getWidth();
            lat[k] = e.getMinY() + rnd.nextDouble() * e.getHeight();
        }
        return new double[][] {lat, lng};
    }

    /** The fence's envelope grown by {@code metres} on every side. */
    public static Envelope around(Fence fence, double metres) {
        Envelope e = new Envelope(fence.geometry().getEnvelopeInternal());
        e.expandBy(metres / M_PER_DEG_LNG, metres / M_PER_DEG_LAT);
        return e;
    }

    /** A squircle about 15 km across with a wavy coast and a no-service hole of ~1.5 km. */
    private static Fence operatingArea(Random rnd) {
        int n = 240;
        Coordinate[] shell = new Coordinate[n + 1];
        for (int k = 0; k < n; k++) {
            double t = 2 * Math.PI * k / n;
            double squircle = 7_400 / Math.pow(Math.pow(Math.abs(Math.cos(t)), 4)
                    + Math.pow(Math.abs(Math.sin(t)), 4), 0.25);
            double r = Math.min(squircle, 8_600) * (0.96 + 0.03 * Math.sin(5 * t + 1)
                    + 0.01 * rnd.nextDouble());
            shell[k] = coord(r * Math.cos(t), r * Math.sin(t));
        }
        shell[n] = shell[0];
        Coordinate[] hole = ring(2_500, -1_800, 750, 48, 0.2, rnd);
        Polygon p = GF.createPolygon(GF.createLinearRing(shell),
                new LinearRing[] {GF.createLinearRing(hole)});
        return fence("OA-xiamen-island", FenceKind.OPERATING_AREA, p);
    }

    private static Fence noParkZone(String id, double x, double y, Random rnd, boolean holed) {
        int vertices = 20 + rnd.nextInt(381);
        double radius = 15 + rnd.nextDouble() * rnd.nextDouble() * 185;
        Coordinate[] shell = ring(x, y, radius, vertices, 0.3, rnd);
        LinearRing[] holes = new LinearRing[0];
        if (holed) {
            // The shell never comes closer than 0.7 radius, so a 0.3-radius hole fits.
            holes = new LinearRing[] {GF.createLinearRing(ring(x, y, radius * 0.3, 12, 0.1, rnd))};
        }
        return fence(id, FenceKind.NO_PARK, GF.createPolygon(GF.createLinearRing(shell), holes));
    }

    /** A star-shaped ring (simple because angles increase) around (x, y) metres. */
    private static Coordinate[] ring(double x, double y, double radius, int n, double wobble,
            Random rnd) {
        Coordinate[] ring = new Coordinate[n + 1];
        double phase = rnd.nextDouble() * 2 * Math.PI;
        for (int k = 0; k < n; k++) {
            double t = phase + 2 * Math.PI * (k + 0.4 * rnd.nextDouble()) / n;
            double r = radius * (1 - wobble * rnd.nextDouble());
            ring[k] = coord(x + r * Math.cos(t), y + r * Math.sin(t));
        }
        ring[n] = ring[0];
        return ring;
    }

    /**
     * 1-12 bays side by side on one side of a street; neighbours share their common edge exactly,
     * as in real fence data.
     */
    private static void addRowOfBays(List<Fence> out, int limit, PointOnGeometryLocator inArea,
            Random rnd) {
        double[] c = randomInside(inArea, rnd);
        boolean alongX = rnd.nextBoolean();
        // Snap to a street in the rotated grid, 5-9 m off its centre line, either side.
        double u = alongX ? c[0] : c[1];
        double v = Math.round((alongX ? c[1] : c[0]) / STREET_SPACING_M) * STREET_SPACING_M;
        double side = rnd.nextBoolean() ? 1 : -1;
        double offset = side * (5 + 4 * rnd.nextDouble());
        double depth;
        double length;
        do {
            depth = 1.2 + rnd.nextDouble() * (rnd.nextDouble() < 0.8 ? 2.5 : 8.8);
            length = 1.5 + rnd.nextDouble() * (rnd.nextDouble() < 0.8 ? 6 : 18.5);
        } while (depth * length < 2 || depth * length > 200);
        int bays = 1 + rnd.nextInt(12);
        double jitter = 0.04 * Math.min(depth, length);
        double[][] near = new double[bays + 1][];
        double[][] far = new double[bays + 1][];
        for (int k = 0; k <= bays; k++) {
            double along = u + k * length;
            near[k] = streetPoint(alongX, along + jitter * rnd.nextGaussian() * 0.5, v + offset
                    + jitter * rnd.nextGaussian() * 0.5);
            far[k] = streetPoint(alongX, along + jitter * rnd.nextGaussian() * 0.5,
                    v + offset + side * depth + jitter * rnd.nextGaussian() * 0.5);
        }
        for (int k = 0; k < bays && out.size() < limit; k++) {
            double[] mid = {(near[k][0] + far[k + 1][0]) / 2, (near[k][1] + far[k + 1][1]) / 2};
            if (inArea.locate(coord(mid[0], mid[1])) == Location.EXTERIOR) {
                return;
            }
            Coordinate a = coord(near[k][0], near[k][1]);
            Polygon p = GF.createPolygon(new Coordinate[] {a, coord(near[k + 1][0], near[k + 1][1]),
                    coord(far[k + 1][0], far[k + 1][1]), coord(far[k][0], far[k][1]), a.copy()});
            if (!p.isValid()) {
                continue;
            }
            out.add(fence(String.format("P%05d", out.size()), FenceKind.PARKING, p));
        }
    }

    private static double[] streetPoint(boolean alongX, double u, double v) {
        return alongX ? toStreetGrid(u, v, true) : toStreetGrid(v, u, true);
    }

    /** Street-grid metres (rotated frame) to local metres, or back when {@code toLocal} false. */
    private static double[] toStreetGrid(double x, double y, boolean toLocal) {
        double a = toLocal ? STREET_ANGLE : -STREET_ANGLE;
        return new double[] {x * Math.cos(a) - y * Math.sin(a), x * Math.sin(a) + y * Math.cos(a)};
    }

    /** A random point of the operating area in street-grid metres. */
    private static double[] randomInside(PointOnGeometryLocator inArea, Random rnd) {
        while (true) {
            double x = (rnd.nextDouble() * 2 - 1) * 8_600;
            double y = (rnd.nextDouble() * 2 - 1) * 8_600;
            if (inArea.locate(coord(x, y)) == Location.INTERIOR) {
                return toStreetGrid(x, y, false);
            }
        }
    }

    /** Local metres east/north of the centre to a (lng, lat) coordinate. */
    private static Coordinate coord(double east, double north) {
        return new Coordinate(CENTRE_LNG + east / M_PER_DEG_LNG, CENTRE_LAT + north / M_PER_DEG_LAT);
    }

    private static Fence fence(String id, FenceKind kind, Geometry g) {
        return new Fence(id, kind, id, Set.of(), OptionalInt.empty(), g);
    }
}
