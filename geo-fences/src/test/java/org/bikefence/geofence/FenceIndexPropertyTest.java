package org.bikefence.geofence;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.geom.prep.PreparedGeometry;
import org.locationtech.jts.geom.prep.PreparedGeometryFactory;
import org.locationtech.jts.index.strtree.STRtree;

/**
 * FenceIndex against brute force on the synthetic city (14,000 parking bays sharing edges, 500
 * no-park polygons with up to 400 vertices and some holes, a 15 km operating area with a hole):
 * 1,000,000 points, a third of them exactly on or one double away from vertices and edges.
 */
class FenceIndexPropertyTest {

    private static final int POINTS = 1_000_000;

    private static SyntheticCity city;
    private static FenceIndex index;
    private static Oracle oracle;
    private static double[] lats;
    private static double[] lngs;
    private static String[] kinds;

    @BeforeAll
    static void buildCityIndexOracleAndPoints() {
        city = SyntheticCity.generate();
        long t0 = System.nanoTime();
        index = FenceIndex.build(city.fences());
        System.out.printf("FenceIndexPropertyTest: built %s in %d ms%n", index,
                (System.nanoTime() - t0) / 1_000_000);
        oracle = new Oracle(city.fences());
        generatePoints(new Random(42));
    }

    @Test
    void classifiesAMillionPointsExactlyLikeBruteForceCovers() {
        Map<String, int[]> byKind = new java.util.TreeMap<>();
        List<String> mismatches = new ArrayList<>();
        int inParking = 0;
        int inNoPark = 0;
        int inArea = 0;
        for (int k = 0; k < POINTS; k++) {
            List<Fence> expected = oracle.covering(lats[k], lngs[k]);
            List<Fence> actual = index.covering(lats[k], lngs[k]);
            int[] stats = byKind.computeIfAbsent(kinds[k], x -> new int[2]);
            stats[0]++;
            if (!expected.equals(actual)) {
                stats[1]++;
                if (mismatches.size() < 20) {
                    mismatches.add(String.format("%s point (%.17g, %.17g): expected %s, index %s",
                            kinds[k], lats[k], lngs[k], ids(expected), ids(actual)));
                }
            }
            for (Fence f : actual) {
                switch (f.kind()) {
                    case PARKING -> inParking++;
                    case NO_PARK -> inNoPark++;
                    case OPERATING_AREA -> inArea++;
                    default -> { }
                }
            }
        }
        byKind.forEach((kind, s) -> System.out.printf("  %-16s %8d points, %d mismatches%n", kind,
                s[0], s[1]));
        System.out.printf("  hits: %d parking, %d no-park, %d operating area%n", inParking,
                inNoPark, inArea);
        assertThat(mismatches).as("mismatches among %d points", POINTS).isEmpty();
        assertThat(inParking).as("points that exercised parking bays").isGreaterThan(150_000);
        assertThat(inNoPark).as("points that exercised no-park zones").isGreaterThan(30_000);
    }

    @Test
    void filtersByKindLikeBruteForce() {
        List<String> mismatches = new ArrayList<>();
        FenceKind[] kindValues = FenceKind.values();
        for (int k = 0; k < POINTS; k += 7) {
            FenceKind kind = kindValues[k % kindValues.length];
            List<Fence> expected = oracle.covering(lats[k], lngs[k]).stream()
                    .filter(f -> f.kind() == kind).toList();
            List<Fence> actual = index.covering(lats[k], lngs[k], kind);
            if (!expected.equals(actual) && mismatches.size() < 20) {
                mismatches.add(lats[k] + ", " + lngs[k] + " " + kind + ": expected "
                        + ids(expected) + " but " + ids(actual));
            }
        }
        assertThat(mismatches).isEmpty();
    }

    /** Ties the oracle (STRtree + prepared covers) to plain, unprepared JTS covers. */
    @Test
    void oracleAgreesWithUnpreparedCovers() {
        int checked = 0;
        for (int k = 0; k < POINTS; k += 50) {
            Point p = GeoJsonFenceLoader.WGS84.createPoint(new Coordinate(lngs[k], lats[k]));
            List<Fence> plain = new ArrayList<>();
            for (Fence f : city.fences().fences()) {
                if (f.geometry().getEnvelopeInternal().covers(p.getCoordinate())
                        && f.geometry().covers(p)) {
                    plain.add(f);
                }
            }
            plain.sort(Comparator.comparing(Fence::id));
            assertThat(ids(oracle.covering(lats[k], lngs[k]))).as("%s", p).isEqualTo(ids(plain));
            checked++;
        }
        assertThat(checked).isEqualTo(POINTS / 50);
    }

    /**
     * Bike-like positions, every vertex exactly, vertices moved by one double, points along
     * edges (and one double off them), points in holes, and uniform points.
     */
    private static void generatePoints(Random rnd) {
        lats = new double[POINTS];
        lngs = new double[POINTS];
        kinds = new String[POINTS];
        int n = 0;
        double[][] bikes = city.bikePositions(350_000, 7);
        for (int k = 0; k < bikes[0].length; k++) {
            n = put(n, bikes[0][k], bikes[1][k], "bike-mix");
        }
        List<Coordinate[]> rings = new ArrayList<>();
        List<Envelope> holes = new ArrayList<>();
        for (Fence f : city.fences().fences()) {
            Polygon p = (Polygon) f.geometry();
            rings.add(p.getExteriorRing().getCoordinates());
            for (int h = 0; h < p.getNumInteriorRing(); h++) {
                rings.add(p.getInteriorRingN(h).getCoordinates());
                holes.add(p.getInteriorRingN(h).getEnvelopeInternal());
            }
        }
        for (Coordinate[] ring : rings) {
            for (int k = 0; k + 1 < ring.length; k++) {
                n = put(n, ring[k].y, ring[k].x, "vertex");
            }
        }
        int vertices = n - bikes[0].length;
        for (int k = 0; k < 120_000; k++) {
            Coordinate[] ring = rings.get(rnd.nextInt(rings.size()));
            Coordinate c = ring[rnd.nextInt(ring.length - 1)];
            double lat = rnd.nextBoolean() ? Math.nextUp(c.y) : Math.nextDown(c.y);
            double lng = rnd.nextBoolean() ? Math.nextUp(c.x) : Math.nextDown(c.x);
            switch (rnd.nextInt(3)) {
                case 0 -> n = put(n, lat, c.x, "vertex-ulp");
                case 1 -> n = put(n, c.y, lng, "vertex-ulp");
                default -> n = put(n, lat, lng, "vertex-ulp");
            }
        }
        for (int k = 0; k < 200_000; k++) {
            Coordinate[] ring = rings.get(rnd.nextInt(rings.size()));
            int e = rnd.nextInt(ring.length - 1);
            double t = rnd.nextDouble();
            double lng = ring[e].x + t * (ring[e + 1].x - ring[e].x);
            double lat = ring[e].y + t * (ring[e + 1].y - ring[e].y);
            switch (rnd.nextInt(4)) {
                case 0 -> n = put(n, lat, lng, "edge");
                case 1 -> n = put(n, Math.nextUp(lat), lng, "edge-ulp");
                case 2 -> n = put(n, lat, Math.nextDown(lng), "edge-ulp");
                default -> {
                    double off = Math.pow(10, -10 + 4 * rnd.nextDouble()) * (rnd.nextBoolean() ? 1 : -1);
                    n = put(n, lat + off, lng - off, "edge-near");
                }
            }
        }
        for (int k = 0; k < 60_000; k++) {
            Envelope h = holes.get(rnd.nextInt(holes.size()));
            n = put(n, h.getMinY() + rnd.nextDouble() * h.getHeight(),
                    h.getMinX() + rnd.nextDouble() * h.getWidth(), "hole");
        }
        Envelope all = city.operatingArea().geometry().getEnvelopeInternal();
        all.expandBy(0.01);
        while (n < POINTS) {
            n = put(n, all.getMinY() + rnd.nextDouble() * all.getHeight(),
                    all.getMinX() + rnd.nextDouble() * all.getWidth(), "uniform");
        }
        assertThat(vertices).as("vertices").isGreaterThan(100_000);
    }

    private static int put(int n, double lat, double lng, String kind) {
        if (n < POINTS) {
            lats[n] = lat;
            lngs[n] = lng;
            kinds[n] = kind;
        }
        return n + 1;
    }

    private static List<String> ids(List<Fence> fences) {
        return fences.stream().map(Fence::id).toList();
    }

    /** Brute force: an STRtree envelope prefilter feeding JTS (prepared) covers. */
    static final class Oracle {
        private final STRtree tree = new STRtree();
        private final Map<Fence, PreparedGeometry> prepared = new IdentityHashMap<>();

        Oracle(FenceSet set) {
            for (Fence f : set.fences()) {
                prepared.put(f, PreparedGeometryFactory.prepare(f.geometry()));
                tree.insert(f.geometry().getEnvelopeInternal(), f);
            }
            tree.build();
        }

        List<Fence> covering(double lat, double lng) {
            Coordinate c = new Coordinate(lng, lat);
            Geometry p = GeoJsonFenceLoader.WGS84.createPoint(c);
            List<Fence> out = new ArrayList<>();
            @SuppressWarnings("unchecked")
            List<Fence> candidates = tree.query(new Envelope(c));
            for (Fence f : candidates) {
                if (prepared.get(f).covers(p)) {
                    out.add(f);
                }
            }
            Fence[] sorted = out.toArray(Fence[]::new);
            Arrays.sort(sorted, Comparator.comparing(Fence::id));
            return List.of(sorted);
        }
    }
}
