package org.bikefence.geofence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.uber.h3core.H3Core;
import com.uber.h3core.exceptions.H3Exception;
import com.uber.h3core.util.LatLng;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.locationtech.jts.geom.Envelope;

/** H3Cells against h3-java's latLngToCell: uniform points and points hugging cell edges. */
class H3CellsTest {

    /** Xiamen island and a little sea around it. */
    private static final Envelope AREA = new Envelope(118.04, 118.21, 24.43, 24.60);

    private static H3Core h3;

    @BeforeAll
    static void loadH3() {
        h3 = H3Cells.newH3Core();
    }

    @Test
    void matchesH3JavaOnThreeMillionUniformPointsAtTheDefaultResolution() {
        H3Cells cells = H3Cells.forArea(h3, AREA, H3Cells.DEFAULT_RESOLUTION);
        System.out.println("H3CellsTest: " + cells);
        Random rnd = new Random(9);
        Result r = compare(cells, 3_000_000, k -> new double[] {
                AREA.getMinY() + rnd.nextDouble() * AREA.getHeight(),
                AREA.getMinX() + rnd.nextDouble() * AREA.getWidth()});
        assertThat(r.mismatches).isEmpty();
        assertThat(r.precomputed).as("answered without JNI").isGreaterThan(2_990_000);
    }

    @Test
    void matchesH3JavaNextToEdgesAndVerticesAtTheDefaultResolution() {
        H3Cells cells = H3Cells.forArea(h3, AREA, H3Cells.DEFAULT_RESOLUTION);
        Result r = compareNearBoundaries(cells, 50, new Random(10));
        assertThat(r.mismatches).isEmpty();
        // Offsets span 1e-10 .. 3e-5 degrees; the margin is about 5e-8, so about a third of the
        // points must still have been answered by the grid, right next to the edges.
        assertThat(r.precomputed).as("answered without JNI").isGreaterThan(r.total / 4);
    }

    @ParameterizedTest
    @ValueSource(ints = {7, 8, 10})
    void matchesH3JavaAtOtherResolutions(int res) {
        H3Cells cells = H3Cells.forArea(h3, AREA, res);
        System.out.println("H3CellsTest: " + cells);
        assertThat(cells.resolution()).isEqualTo(res);
        Random rnd = new Random(res);
        Result uniform = compare(cells, 400_000, k -> new double[] {
                AREA.getMinY() + rnd.nextDouble() * AREA.getHeight(),
                AREA.getMinX() + rnd.nextDouble() * AREA.getWidth()});
        assertThat(uniform.mismatches).isEmpty();
        assertThat(uniform.precomputed).isGreaterThan(uniform.total * 9 / 10);
        Result near = compareNearBoundaries(cells, res == 10 ? 4 : 40, rnd);
        assertThat(near.mismatches).isEmpty();
        // Fewer than at res 9: coarser cells have longer, more curved edges, so a wider margin.
        assertThat(near.precomputed).isGreaterThan(near.total / 6);
    }

    @Test
    void answersOutsideItsAreaThroughH3Java() {
        H3Cells cells = H3Cells.forArea(h3, AREA, 9);
        assertThat(cells.h3Cell(31.2304, 121.4737)).isEqualTo(h3.latLngToCell(31.2304, 121.4737, 9));
        assertThat(cells.h3Cell(-33.86, 151.21)).isEqualTo(h3.latLngToCell(-33.86, 151.21, 9));
        assertThat(cells.precomputedCell(31.2304, 121.4737)).isZero();
    }

    @Test
    void leavesNonFiniteCoordinatesAndEmptyFenceSetsToH3Java() {
        H3Cells cells = H3Cells.forArea(h3, AREA, 9);
        assertThatThrownBy(() -> cells.h3Cell(Double.NaN, 118.1)).isInstanceOf(H3Exception.class);
        assertThatThrownBy(() -> cells.h3Cell(24.5, Double.POSITIVE_INFINITY))
                .isInstanceOf(H3Exception.class);
        H3Cells none = H3Cells.forFences(new FenceSet("empty", List.of()), 9);
        assertThat(none.h3Cell(24.5, 118.1)).isEqualTo(h3.latLngToCell(24.5, 118.1, 9));
        assertThat(none.precomputedCell(24.5, 118.1)).isZero();
    }

    @Test
    void buildsForAFenceSetAndRejectsBadResolutions() {
        H3Cells cells = H3Cells.forFences(DemoFences.load(), 9);
        assertThat(cells.h3Cell(24.5051, 118.1302)).isEqualTo(h3.latLngToCell(24.5051, 118.1302, 9));
        assertThat(cells.precomputedCell(24.5051, 118.1302)).isNotZero();
        assertThatThrownBy(() -> H3Cells.forArea(h3, AREA, 16))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0-15");
    }

    /**
     * Per cell of the area: points along each edge and around each vertex, offset by 1e-10 to
     * 3e-5 degrees (log-uniform) in random directions.
     */
    private static Result compareNearBoundaries(H3Cells cells, int perEdge, Random rnd) {
        List<Long> hexes = h3.polygonToCells(List.of(new LatLng(AREA.getMinY(), AREA.getMinX()),
                new LatLng(AREA.getMinY(), AREA.getMaxX()), new LatLng(AREA.getMaxY(), AREA.getMaxX()),
                new LatLng(AREA.getMaxY(), AREA.getMinX())), List.of(), cells.resolution());
        List<double[]> points = new ArrayList<>();
        for (long hex : hexes) {
            List<LatLng> b = h3.cellToBoundary(hex);
            for (int k = 0; k < b.size(); k++) {
                LatLng a = b.get(k);
                LatLng c = b.get((k + 1) % b.size());
                for (int s = 0; s < perEdge; s++) {
                    boolean atVertex = s % 5 == 0;
                    double t = atVertex ? 0 : rnd.nextDouble();
                    double off = Math.pow(10, -10 + 5.5 * rnd.nextDouble());
                    double dir = rnd.nextDouble() * 2 * Math.PI;
                    points.add(new double[] {a.lat + t * (c.lat - a.lat) + off * Math.sin(dir),
                            a.lng + t * (c.lng - a.lng) + off * Math.cos(dir)});
                }
            }
        }
        return compare(cells, points.size(), points::get);
    }

    private static Result compare(H3Cells cells, int n, java.util.function.IntFunction<double[]> gen) {
        Result r = new Result();
        for (int k = 0; k < n; k++) {
            double[] p = gen.apply(k);
            long expected = h3.latLngToCell(p[0], p[1], cells.resolution());
            long actual = cells.h3Cell(p[0], p[1]);
            long own = cells.precomputedCell(p[0], p[1]);
            r.total++;
            if (own != 0) {
                r.precomputed++;
            }
            if (actual != expected || (own != 0 && own != expected)) {
                if (r.mismatches.size() < 20) {
                    r.mismatches.add(String.format("(%.17g, %.17g): h3-java %x, ours %x", p[0], p[1],
                            expected, actual));
                }
            }
        }
        System.out.printf("H3CellsTest res %d: %d points, %d answered by the grid, %d mismatches%n",
                cells.resolution(), r.total, r.precomputed, r.mismatches.size());
        return r;
    }

    private static final class Result {
        final List<String> mismatches = new ArrayList<>();
        int total;
        int precomputed;
    }
}
