package org.bikefence.geofence;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.locationtech.jts.algorithm.locate.IndexedPointInAreaLocator;
import org.locationtech.jts.algorithm.locate.PointOnGeometryLocator;
import org.locationtech.jts.algorithm.locate.SimplePointInAreaLocator;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.Location;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.geom.prep.PreparedGeometry;
import org.locationtech.jts.geom.prep.PreparedGeometryFactory;

/**
 * Answers exactly which fences cover a point (boundary counts as inside, JTS {@code covers}),
 * using a regular longitude/latitude grid whose cells know which fences wholly cover them and
 * which need an exact point-in-polygon test.
 *
 * <p>Why a lat/lng grid and not H3: finding a point's cell is two multiplications here, against
 * about 1.5 us for an h3-java JNI call, which alone would exceed the 0.5 us per classification
 * that 2M classifications/s/core allows. And because grid cells are rectangles in the same planar
 * degree space in which JTS evaluates fence edges, "cell wholly inside fence" is decided exactly
 * by JTS, with no margin for geodesic H3 edges.
 *
 * <p>Thread safety: immutable after {@link #build}; any number of threads may query concurrently.
 * Point locators are created and warmed during build (JTS builds their indexes lazily, behind a
 * volatile field, so even an unwarmed one would be safe, merely slower on first use). Deliberately
 * not Serializable: it holds JTS geometry indexes; Flink operators build it in {@code open()}.
 */
public final class FenceIndex {

    /**
     * Cells are enlarged by this many degrees (about 0.1 mm) when classified, so that a point whose
     * computed cell is off by one through floating-point rounding (errors near 1e-14 degrees) still
     * lies inside the enlarged cell, keeping the "wholly covered" shortcut exact.
     */
    private static final double CELL_MARGIN_DEG = 1e-9;

    /** Memory cap: 4M cell references, about 16 MB. */
    private static final int MAX_CELLS = 1 << 22;

    private static final double MIN_CELL_M = 5;
    private static final double MAX_CELL_M = 2_000;
    private static final double METRES_PER_DEG_LAT = 110_574;
    private static final double METRES_PER_DEG_LNG_EQUATOR = 111_320;

    /**
     * Below this many vertices a plain ring scan beats IndexedPointInAreaLocator's interval tree
     * (and allocates nothing).
     */
    private static final int SIMPLE_LOCATOR_MAX_VERTICES = 32;

    private final FenceSet fenceSet;
    private final double minLng;
    private final double minLat;
    private final double maxLng;
    private final double maxLat;
    private final double invCellW;
    private final double invCellH;
    private final int nx;
    private final int ny;
    private final double cellSizeM;
    private final Cell[] cells;
    private final int distinctCells;
    private final int partialCells;

    private FenceIndex(FenceSet fenceSet, double minLng, double minLat, double cellW, double cellH,
            int nx, int ny, double cellSizeM, Cell[] cells, int distinctCells, int partialCells) {
        this.fenceSet = fenceSet;
        this.minLng = minLng;
        this.minLat = minLat;
        this.maxLng = minLng + nx * cellW;
        this.maxLat = minLat + ny * cellH;
        this.invCellW = 1 / cellW;
        this.invCellH = 1 / cellH;
        this.nx = nx;
        this.ny = ny;
        this.cellSizeM = cellSizeM;
        this.cells = cells;
        this.distinctCells = distinctCells;
        this.partialCells = partialCells;
    }

    public static FenceIndex build(FenceSet fenceSet) {
        Objects.requireNonNull(fenceSet, "fenceSet");
        return new Builder(fenceSet).build();
    }

    public FenceSet fenceSet() {
        return fenceSet;
    }

    /**
     * Fences covering the point, ordered by id; an empty immutable list when none (also for NaN).
     * The returned list is immutable and may be shared between calls.
     */
    public List<Fence> covering(double lat, double lng) {
        Cell cell = cellAt(lat, lng);
        if (cell == null) {
            return List.of();
        }
        if (cell.allCovering != null) {
            return cell.allCovering;
        }
        return cell.covering(new Coordinate(lng, lat), null);
    }

    /** Fences of one kind covering the point, ordered by id; an empty immutable list when none. */
    public List<Fence> covering(double lat, double lng, FenceKind kind) {
        Objects.requireNonNull(kind, "kind");
        Cell cell = cellAt(lat, lng);
        if (cell == null) {
            return List.of();
        }
        return cell.covering(new Coordinate(lng, lat), kind);
    }

    /**
     * A thread-safe locator for a polygonal geometry; FenceGeometry's sampling loops share it
     * because they face the same small-versus-large trade-off.
     */
    static PointOnGeometryLocator locatorFor(Geometry g) {
        if (g.getNumPoints() <= SIMPLE_LOCATOR_MAX_VERTICES) {
            return new SimplePointInAreaLocator(g);
        }
        IndexedPointInAreaLocator locator = new IndexedPointInAreaLocator(g);
        // Builds the interval index now rather than on the first (latency-critical) query.
        locator.locate(g.getInteriorPoint().getCoordinate());
        return locator;
    }

    private Cell cellAt(double lat, double lng) {
        // Written so that NaN fails the test; points outside the grid are outside every fence.
        if (!(lng >= minLng && lng <= maxLng && lat >= minLat && lat <= maxLat)) {
            return null;
        }
        int i = Math.min((int) ((lng - minLng) * invCellW), nx - 1);
        int j = Math.min((int) ((lat - minLat) * invCellH), ny - 1);
        return cells[j * nx + i];
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT,
                "FenceIndex{%s, grid %d x %d cells of ~%.0f m, %d partial cells, %d distinct cell "
                        + "contents}",
                fenceSet, nx, ny, cellSizeM, partialCells, distinctCells);
    }

    /** The fences touching one grid cell, in id order, each with a locator unless it covers all of it. */
    private static final class Cell {
        private final Fence[] fences;
        /** Null where the fence covers the whole (enlarged) cell, so no test is needed. */
        private final PointOnGeometryLocator[] exact;
        /** Non-null when every fence covers the whole cell: the answer, shared by all queries. */
        private final List<Fence> allCovering;

        Cell(Fence[] fences, PointOnGeometryLocator[] exact) {
            this.fences = fences;
            this.exact = exact;
            boolean all = Arrays.stream(exact).allMatch(Objects::isNull);
            this.allCovering = all ? List.of(fences) : null;
        }

        List<Fence> covering(Coordinate p, FenceKind kind) {
            Fence[] out = null;
            int n = 0;
            for (int k = 0; k < fences.length; k++) {
                Fence fence = fences[k];
                if (kind != null && fence.kind() != kind) {
                    continue;
                }
                if (exact[k] == null || exact[k].locate(p) != Location.EXTERIOR) {
                    if (out == null) {
                        out = new Fence[fences.length - k];
                    }
                    out[n++] = fence;
                }
            }
            if (n == 0) {
                return List.of();
            }
            return n == 1 ? List.of(out[0]) : List.of(Arrays.copyOf(out, n));
        }
    }

    private static final class Builder {
        private final FenceSet fenceSet;
        private final Fence[] byId;
        private double minLng;
        private double minLat;
        private double cellW;
        private double cellH;
        private int nx;
        private int ny;
        /** Per cell: fence ordinal * 2, plus 1 when an exact test is needed; in ordinal order. */
        private int[][] entries;
        private int[] counts;

        Builder(FenceSet fenceSet) {
            this.fenceSet = fenceSet;
            this.byId = fenceSet.fences().stream()
                    .sorted(Comparator.comparing(Fence::id))
                    .toArray(Fence[]::new);
        }

        FenceIndex build() {
            if (byId.length == 0) {
                return new FenceIndex(fenceSet, 0, 0, 1, 1, 1, 1, 0, new Cell[1], 0, 0);
            }
            Envelope all = new Envelope();
            for (Fence fence : byId) {
                all.expandToInclude(fence.geometry().getEnvelopeInternal());
            }
            double cellSizeM = chooseCellSizeM(all);
            double cosLat = Math.cos(Math.toRadians(all.centre().y));
            while (true) {
                cellH = cellSizeM / METRES_PER_DEG_LAT;
                cellW = cellSizeM / (METRES_PER_DEG_LNG_EQUATOR * Math.max(cosLat, 0.01));
                // One spare cell on each side so boundary points never fall off the grid.
                minLng = all.getMinX() - cellW;
                minLat = all.getMinY() - cellH;
                long cols = (long) Math.ceil((all.getMaxX() + cellW - minLng) / cellW);
                long rows = (long) Math.ceil((all.getMaxY() + cellH - minLat) / cellH);
                if (cols * rows <= MAX_CELLS) {
                    nx = (int) cols;
                    ny = (int) rows;
                    break;
                }
                cellSizeM *= 1.5;
            }
            entries = new int[nx * ny][];
            counts = new int[nx * ny];

            PointOnGeometryLocator[] locators = new PointOnGeometryLocator[byId.length];
            for (int ord = 0; ord < byId.length; ord++) {
                Geometry g = byId[ord].geometry();
                locators[ord] = locatorFor(g);
                PreparedGeometry prepared = PreparedGeometryFactory.prepare(g);
                Envelope env = g.getEnvelopeInternal();
                int i0 = clamp((int) Math.floor((env.getMinX() - CELL_MARGIN_DEG - minLng) / cellW), nx);
                int i1 = clamp((int) Math.floor((env.getMaxX() + CELL_MARGIN_DEG - minLng) / cellW), nx) + 1;
                int j0 = clamp((int) Math.floor((env.getMinY() - CELL_MARGIN_DEG - minLat) / cellH), ny);
                int j1 = clamp((int) Math.floor((env.getMaxY() + CELL_MARGIN_DEG - minLat) / cellH), ny) + 1;
                classify(prepared, ord, i0, i1, j0, j1);
            }

            Cell[] cells = new Cell[nx * ny];
            Map<List<Integer>, Cell> interned = new HashMap<>();
            int partial = 0;
            for (int c = 0; c < cells.length; c++) {
                if (counts[c] == 0) {
                    continue;
                }
                List<Integer> key = new ArrayList<>(counts[c]);
                for (int k = 0; k < counts[c]; k++) {
                    key.add(entries[c][k]);
                }
                Cell cell = interned.computeIfAbsent(key, e -> {
                    Fence[] fences = new Fence[e.size()];
                    PointOnGeometryLocator[] exact = new PointOnGeometryLocator[e.size()];
                    for (int k = 0; k < e.size(); k++) {
                        int ord = e.get(k) >>> 1;
                        fences[k] = byId[ord];
                        exact[k] = (e.get(k) & 1) == 1 ? locators[ord] : null;
                    }
                    return new Cell(fences, exact);
                });
                if (cell.allCovering == null) {
                    partial++;
                }
                cells[c] = cell;
                entries[c] = null;
            }
            return new FenceIndex(fenceSet, minLng, minLat, cellW, cellH, nx, ny, cellSizeM, cells,
                    interned.size(), partial);
        }

        /**
         * Cells about as large as the median fence: smaller fences would need more cells per fence
         * without saving exact tests, much larger ones would need exact tests for most points.
         */
        private double chooseCellSizeM(Envelope all) {
            double cosLat = Math.cos(Math.toRadians(all.centre().y));
            double[] sizes = new double[byId.length];
            for (int k = 0; k < byId.length; k++) {
                Envelope e = byId[k].geometry().getEnvelopeInternal();
                sizes[k] = Math.max(e.getWidth() * METRES_PER_DEG_LNG_EQUATOR * cosLat,
                        e.getHeight() * METRES_PER_DEG_LAT);
            }
            Arrays.sort(sizes);
            return Math.max(MIN_CELL_M, Math.min(MAX_CELL_M, sizes[sizes.length / 2]));
        }

        /** Quadtree-style descent: whole blocks of cells are skipped or marked covered at once. */
        private void classify(PreparedGeometry fence, int ord, int i0, int i1, int j0, int j1) {
            Polygon block = rectangle(i0, i1, j0, j1);
            if (!fence.intersects(block)) {
                return;
            }
            if (fence.covers(block)) {
                for (int j = j0; j < j1; j++) {
                    for (int i = i0; i < i1; i++) {
                        add(j * nx + i, ord << 1);
                    }
                }
                return;
            }
            if (i1 - i0 == 1 && j1 - j0 == 1) {
                add(j0 * nx + i0, (ord << 1) | 1);
                return;
            }
            if (i1 - i0 >= j1 - j0) {
                int mid = (i0 + i1) >>> 1;
                classify(fence, ord, i0, mid, j0, j1);
                classify(fence, ord, mid, i1, j0, j1);
            } else {
                int mid = (j0 + j1) >>> 1;
                classify(fence, ord, i0, i1, j0, mid);
                classify(fence, ord, i0, i1, mid, j1);
            }
        }

        private Polygon rectangle(int i0, int i1, int j0, int j1) {
            Envelope env = new Envelope(
                    minLng + i0 * cellW - CELL_MARGIN_DEG, minLng + i1 * cellW + CELL_MARGIN_DEG,
                    minLat + j0 * cellH - CELL_MARGIN_DEG, minLat + j1 * cellH + CELL_MARGIN_DEG);
            return (Polygon) GeoJsonFenceLoader.WGS84.toGeometry(env);
        }

        private void add(int cell, int entry) {
            int[] list = entries[cell];
            if (list == null) {
                list = entries[cell] = new int[2];
            } else if (counts[cell] == list.length) {
                list = entries[cell] = Arrays.copyOf(list, list.length * 2);
            }
            list[counts[cell]++] = entry;
        }

        private static int clamp(int v, int n) {
            return Math.max(0, Math.min(v, n - 1));
        }
    }
}
