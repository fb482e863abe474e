package org.bikefence.geofence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.Point;

class FenceIndexTest {

    private static FenceSet demo;
    private static FenceIndex demoIndex;

    /** Overlapping fences, a MultiPolygon with a hole, fences sharing edges and vertices. */
    private static final FenceSet OVERLAPS = new FenceSet("overlaps-1", List.of(
            Fixtures.fence("b-big", FenceKind.OPERATING_AREA,
                    "POLYGON ((118.0 24.0, 118.1 24.0, 118.1 24.1, 118.0 24.1, 118.0 24.0))"),
            Fixtures.fence("a-multi-holed", FenceKind.NO_PARK,
                    "MULTIPOLYGON (((118.01 24.01, 118.03 24.01, 118.03 24.03, 118.01 24.03, 118.01 24.01),"
                            + " (118.015 24.015, 118.025 24.015, 118.025 24.025, 118.015 24.025, 118.015 24.015)),"
                            + " ((118.05 24.05, 118.06 24.05, 118.055 24.06, 118.05 24.05)))"),
            Fixtures.fence("c-in-hole", FenceKind.PARKING,
                    "POLYGON ((118.018 24.018, 118.022 24.018, 118.022 24.022, 118.018 24.022, 118.018 24.018))"),
            Fixtures.fence("d-overlap", FenceKind.PARKING,
                    "POLYGON ((118.02 24.0, 118.04 24.0, 118.04 24.02, 118.02 24.02, 118.02 24.0))"),
            Fixtures.fence("e-shares-edge", FenceKind.PARKING,
                    "POLYGON ((118.03 24.02, 118.04 24.02, 118.04 24.03, 118.03 24.03, 118.03 24.02))"),
            Fixtures.fence("f-outside-big", FenceKind.KEY_CONTROL,
                    "POLYGON ((118.1 24.05, 118.12 24.04, 118.12 24.06, 118.1 24.05))")));

    @BeforeAll
    static void loadDemo() {
        demo = GeoJsonFenceLoader.load(Path.of(DemoFences.DEFAULT_FILE));
        demoIndex = FenceIndex.build(demo);
    }

    @Test
    void matchesBruteForceOnRandomPointsOverTheDemoSet() {
        Envelope env = envelope(demo);
        env.expandBy(0.01);
        Random rnd = new Random(1);
        List<Coordinate> points = new ArrayList<>();
        for (int k = 0; k < 100_000; k++) {
            points.add(new Coordinate(env.getMinX() + rnd.nextDouble() * env.getWidth(),
                    env.getMinY() + rnd.nextDouble() * env.getHeight()));
        }
        // Uniform points rarely land in 3 x 15 m bays, so also sample around every fence.
        for (Fence fence : demo.fences()) {
            Envelope e = new Envelope(fence.geometry().getEnvelopeInternal());
            e.expandBy(e.getWidth() * 0.5, e.getHeight() * 0.5);
            for (int k = 0; k < 100; k++) {
                points.add(new Coordinate(e.getMinX() + rnd.nextDouble() * e.getWidth(),
                        e.getMinY() + rnd.nextDouble() * e.getHeight()));
            }
        }
        assertNoMismatches(demo, demoIndex, points);
        long inParking = points.stream()
                .filter(p -> !demoIndex.covering(p.y, p.x, FenceKind.PARKING).isEmpty()).count();
        assertThat(inParking).as("points that exercised parking fences").isGreaterThan(1_000);
    }

    @Test
    void matchesBruteForceOnVerticesEdgesAndTheirNeighboursInTheDemoSet() {
        assertNoMismatches(demo, demoIndex, boundaryPoints(demo));
    }

    @Test
    void matchesBruteForceOnOverlapsHolesAndSharedEdges() {
        FenceIndex index = FenceIndex.build(OVERLAPS);
        List<Coordinate> points = boundaryPoints(OVERLAPS);
        Random rnd = new Random(2);
        Envelope env = envelope(OVERLAPS);
        env.expandBy(0.01);
        // Fewer than over the demo set: the oracle's unprepared covers is slow on these big fences.
        for (int k = 0; k < 20_000; k++) {
            points.add(new Coordinate(env.getMinX() + rnd.nextDouble() * env.getWidth(),
                    env.getMinY() + rnd.nextDouble() * env.getHeight()));
        }
        assertNoMismatches(OVERLAPS, index, points);
    }

    @Test
    void matchesBruteForceOnManySmallSquaresSharingEdgesAndVertices() {
        // Coordinates on a 0.0001-degree lattice make neighbouring squares share edges exactly.
        Random rnd = new Random(4);
        List<Fence> squares = new ArrayList<>();
        for (int k = 0; k < 300; k++) {
            int i = rnd.nextInt(60);
            int j = rnd.nextInt(60);
            int w = 1 + rnd.nextInt(3);
            int h = 1 + rnd.nextInt(3);
            double x0 = 118.1 + i * 1e-4;
            double y0 = 24.5 + j * 1e-4;
            double x1 = 118.1 + (i + w) * 1e-4;
            double y1 = 24.5 + (j + h) * 1e-4;
            squares.add(Fixtures.fence(String.format("sq%03d", k), FenceKind.PARKING,
                    "POLYGON ((" + x0 + " " + y0 + ", " + x1 + " " + y0 + ", " + x1 + " " + y1 + ", "
                            + x0 + " " + y1 + ", " + x0 + " " + y0 + "))"));
        }
        FenceSet set = new FenceSet("squares", squares);
        List<Coordinate> points = boundaryPoints(set);
        for (int k = 0; k < 20_000; k++) {
            points.add(new Coordinate(118.1 + rnd.nextInt(640) * 1e-5, 24.5 + rnd.nextInt(640) * 1e-5));
        }
        assertNoMismatches(set, FenceIndex.build(set), points);
    }

    @Test
    void returnsOverlappingFencesOrderedById() {
        FenceIndex index = FenceIndex.build(OVERLAPS);
        assertThat(ids(index.covering(24.012, 118.025)))
                .containsExactly("a-multi-holed", "b-big", "d-overlap");
    }

    @Test
    void pointInsideAHoleIsNotCoveredButTheHoleBoundaryIs() {
        FenceIndex index = FenceIndex.build(OVERLAPS);
        assertThat(ids(index.covering(24.017, 118.017))).containsExactly("b-big");
        assertThat(ids(index.covering(24.02, 118.02)))
                .containsExactly("b-big", "c-in-hole", "d-overlap");
        assertThat(ids(index.covering(24.015, 118.02)))
                .containsExactly("a-multi-holed", "b-big", "d-overlap");
        assertThat(ids(index.covering(24.025, 118.025))).containsExactly("a-multi-holed", "b-big");
    }

    @Test
    void countsBoundaryAndVerticesAsInside() {
        FenceIndex index = FenceIndex.build(OVERLAPS);
        assertThat(ids(index.covering(24.0, 118.0))).containsExactly("b-big");
        assertThat(ids(index.covering(24.1, 118.05))).containsExactly("b-big");
        assertThat(ids(index.covering(24.03, 118.03)))
                .containsExactly("a-multi-holed", "b-big", "e-shares-edge");
        assertThat(ids(index.covering(24.05, 118.1))).containsExactly("b-big", "f-outside-big");
    }

    @Test
    void filtersByKind() {
        FenceIndex index = FenceIndex.build(OVERLAPS);
        assertThat(ids(index.covering(24.015, 118.025, FenceKind.PARKING))).containsExactly("d-overlap");
        assertThat(index.covering(24.015, 118.025, FenceKind.KEY_CONTROL)).isEmpty();
        assertThat(ids(demoIndex.covering(24.50, 118.13, FenceKind.OPERATING_AREA)))
                .containsExactly("huli-operating-area");
    }

    @Test
    void returnsAnEmptyImmutableListOutsideEveryFence() {
        FenceIndex index = FenceIndex.build(OVERLAPS);
        for (double[] p : new double[][] {{31.2, 121.5}, {24.2, 118.0}, {-24.05, 118.05},
                {24.017, 118.017 - 1}, {Double.NaN, 118.05}, {24.05, Double.POSITIVE_INFINITY}}) {
            List<Fence> result = index.covering(p[0], p[1]);
            assertThat(result).as("%s, %s", p[0], p[1]).isEmpty();
            assertThatThrownBy(() -> result.add(null)).isInstanceOf(UnsupportedOperationException.class);
        }
        assertThat(FenceIndex.build(new FenceSet("empty", List.of())).covering(24.05, 118.05)).isEmpty();
    }

    @Test
    void returnedListsAreImmutable() {
        List<Fence> result = demoIndex.covering(24.50, 118.13);
        assertThat(result).isNotEmpty();
        assertThatThrownBy(() -> result.remove(0)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void answersConcurrentQueriesLikeSingleThreadedOnes() throws Exception {
        Envelope env = envelope(demo);
        Random rnd = new Random(3);
        List<Coordinate> points = new ArrayList<>();
        for (Fence fence : demo.fences()) {
            Envelope e = fence.geometry().getEnvelopeInternal();
            for (int k = 0; k < 20; k++) {
                points.add(new Coordinate(e.getMinX() + rnd.nextDouble() * e.getWidth(),
                        e.getMinY() + rnd.nextDouble() * e.getHeight()));
            }
        }
        for (int k = 0; k < 20_000; k++) {
            points.add(new Coordinate(env.getMinX() + rnd.nextDouble() * env.getWidth(),
                    env.getMinY() + rnd.nextDouble() * env.getHeight()));
        }
        FenceIndex fresh = FenceIndex.build(demo);
        List<List<Fence>> expected = points.stream().map(p -> bruteForce(demo, p)).toList();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Integer>> readers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                readers.add(() -> {
                    int mismatches = 0;
                    for (int k = 0; k < points.size(); k++) {
                        Coordinate p = points.get(k);
                        if (!fresh.covering(p.y, p.x).equals(expected.get(k))) {
                            mismatches++;
                        }
                    }
                    return mismatches;
                });
            }
            for (Future<Integer> f : pool.invokeAll(readers)) {
                assertThat(f.get()).isZero();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Vertices, points along every edge, and the nearest doubles around each of them. */
    private static List<Coordinate> boundaryPoints(FenceSet set) {
        List<Coordinate> points = new ArrayList<>();
        for (Fence fence : set.fences()) {
            Geometry g = fence.geometry();
            for (int r = 0; r < g.getNumGeometries(); r++) {
                var polygon = (org.locationtech.jts.geom.Polygon) g.getGeometryN(r);
                List<Coordinate[]> rings = new ArrayList<>();
                rings.add(polygon.getExteriorRing().getCoordinates());
                for (int h = 0; h < polygon.getNumInteriorRing(); h++) {
                    rings.add(polygon.getInteriorRingN(h).getCoordinates());
                }
                for (Coordinate[] ring : rings) {
                    for (int k = 0; k + 1 < ring.length; k++) {
                        Coordinate a = ring[k];
                        Coordinate b = ring[k + 1];
                        for (double t : new double[] {0, 0.25, 0.5, 1.0 / 3}) {
                            double x = a.x + t * (b.x - a.x);
                            double y = a.y + t * (b.y - a.y);
                            points.add(new Coordinate(x, y));
                            points.add(new Coordinate(Math.nextUp(x), y));
                            points.add(new Coordinate(Math.nextDown(x), y));
                            points.add(new Coordinate(x, Math.nextUp(y)));
                            points.add(new Coordinate(x, Math.nextDown(y)));
                        }
                    }
                }
            }
        }
        return points;
    }

    private static void assertNoMismatches(FenceSet set, FenceIndex index, List<Coordinate> points) {
        List<String> mismatches = new ArrayList<>();
        for (Coordinate p : points) {
            List<String> expected = ids(bruteForce(set, p));
            List<String> actual = ids(index.covering(p.y, p.x));
            if (!expected.equals(actual)) {
                mismatches.add(p + ": expected " + expected + " but index said " + actual);
            }
        }
        assertThat(mismatches).as("mismatches among %d points", points.size()).isEmpty();
    }

    private static List<Fence> bruteForce(FenceSet set, Coordinate p) {
        Point point = GeoJsonFenceLoader.WGS84.createPoint(p);
        return set.fences().stream()
                .filter(f -> f.geometry().covers(point))
                .sorted(Comparator.comparing(Fence::id))
                .toList();
    }

    private static Envelope envelope(FenceSet set) {
        Envelope env = new Envelope();
        set.fences().forEach(f -> env.expandToInclude(f.geometry().getEnvelopeInternal()));
        return env;
    }

    private static List<String> ids(List<Fence> fences) {
        return fences.stream().map(Fence::id).toList();
    }
}
