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

/**
 * Answers exactly which fences cover a point (boundary counts as inside, JTS {@code covers}),
 * using a two-level longitude/latitude grid whose cells know which fences wholly cover them and
 * which need an exact point-in-polygon test.
 *
 * <p>Two levels because a city's parking bays are a few metres across while its operating area is
 * 15 km wide: coarse cells (16 x 16 fine cells) that no fence boundary crosses store their answer
 * directly, and only coarse cells crossed by a boundary are split into fine cells. Both levels are
 * primitive {@code int} arrays of ids of interned cell contents, so a lookup is two array reads.
 *
 * <p>Why not H3 cells for the index: an h3-java JNI call costs about ten times a lookup here, and
 * H3 edges are geodesic, so "cell inside fence" would need a margin. Grid cells are rectangles in
 * the same planar degree space in which JTS evaluates fence edges, so "cell wholly inside fence"
 * needs only a conservative edge test plus one exact JTS point test (see {@link Descent}); every
 * answer is JTS's. H3 ids are served by the sibling {@link H3Cells}.
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

    /** Extra enlargement (about 1 um) when testing whether a fence edge touches a cell. */
    private static final double TOUCH_EPS_DEG = 1e-11;

    /** A coarse cell is 2^SHIFT x 2^SHIFT fine cells. */
    private static final int SHIFT = 4;
    private static final int K = 1 << SHIFT;
    private static final int MASK = K - 1;
    private static final int KK = K * K;

    /** Memory cap on the coarse level: 4M ints, 16 MB. */
    private static final int MAX_COARSE_CELLS = 1 << 22;
    /** Fine blocks are addressed as block * KK in one int array. */
    private static final int MAX_BLOCKS = Integer.MAX_VALUE / KK;

    private static final double MIN_CELL_M = 2;
    private static final double MAX_CELL_M = 1_000;
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
    /** Fine-grid dimensions; the coarse grid is ceil(n / K). */
    private final int nx;
    private final int ny;
    private final int ncx;
    private final double cellSizeM;
    /** Per coarse cell: a content id (>= 0), or -(block + 1) for a fine block in {@link #fine}. */
    private final int[] coarse;
    private final int[] fine;
    /** Interned cell contents; id 0 is "no fence". */
    private final Cell[] contents;
    /** Fences in id order (ordinal = position); ordinals order results. */
    private final Fence[] byOrd;
    /** Per ordinal: minLng, maxLng, minLat, maxLat, to skip locators cheaply and exactly. */
    private final double[] envelopes;
    private final PointOnGeometryLocator[] locators;
    private final int blocks;

    private FenceIndex(Builder b, int[] coarse, int[] fine, int blocks, Cell[] contents) {
        this.fenceSet = b.fenceSet;
        this.minLng = b.minLng;
        this.minLat = b.minLat;
        this.maxLng = b.minLng + b.nx * b.cellW;
        this.maxLat = b.minLat + b.ny * b.cellH;
        this.invCellW = 1 / b.cellW;
        this.invCellH = 1 / b.cellH;
        this.nx = b.nx;
        this.ny = b.ny;
        this.ncx = b.ncx;
        this.cellSizeM = b.cellSizeM;
        this.coarse = coarse;
        this.fine = fine;
        this.blocks = blocks;
        this.contents = contents;
        this.byOrd = b.byOrd;
        this.envelopes = b.envelopes;
        this.locators = b.locators;
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
        Cell cell = contents[contentAt(lat, lng)];
        return cell.partial.length == 0 ? cell.covered : resolve(cell, lat, lng);
    }

    /**
     * The verdict for a bike of {@code operator} standing at the point at {@code epochMs}: which of the
     * covering fences binds it, by the precedence {@link Verdict} describes. The job classifies every
     * position with this.
     */
    public Verdict verdict(double lat, double lng, String operator, long epochMs) {
        return Verdict.decide(covering(lat, lng), operator, epochMs, fenceSet.version());
    }

    /**
     * The verdict with every fence counted as in force, whatever its schedule or effective period: what a
     * fence set says about a point when no time is given ({@code fences classify} without a time column).
     */
    public Verdict verdictAtAnyTime(double lat, double lng, String operator) {
        return Verdict.decide(covering(lat, lng), operator, null, fenceSet.version());
    }

    /** Fences of one kind covering the point, ordered by id; an empty immutable list when none. */
    public List<Fence> covering(double lat, double lng, FenceKind kind) {
        Objects.requireNonNull(kind, "kind");
        List<Fence> all = covering(lat, lng);
        int matching = 0;
        for (int k = 0; k < all.size(); k++) {
            if (all.get(k).kind() == kind) {
                matching++;
            }
        }
        if (matching == all.size()) {
            return all;
        }
        if (matching == 0) {
            return List.of();
        }
        Fence[] out = new Fence[matching];
        int n = 0;
        for (int k = 0; k < all.size(); k++) {
            if (all.get(k).kind() == kind) {
                out[n++] = all.get(k);
            }
        }
        return List.of(out);
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

    private int contentAt(double lat, double lng) {
        // Written so that NaN fails the test; points outside the grid are outside every fence.
        if (!(lng >= minLng && lng <= maxLng && lat >= minLat && lat <= maxLat)) {
            return 0;
        }
        int i = Math.min((int) ((lng - minLng) * invCellW), nx - 1);
        int j = Math.min((int) ((lat - minLat) * invCellH), ny - 1);
        int v = coarse[(j >>> SHIFT) * ncx + (i >>> SHIFT)];
        return v >= 0 ? v : fine[(-v - 1) * KK + ((j & MASK) << SHIFT) + (i & MASK)];
    }

    /** Exact tests of the cell's boundary fences; answers with ready-made lists when it can. */
    private List<Fence> resolve(Cell cell, double lat, double lng) {
        int[] partial = cell.partial;
        Coordinate p = null;
        int first = -1;
        int[] hits = null;
        int n = 0;
        for (int k = 0; k < partial.length; k++) {
            int ord = partial[k];
            int e = ord << 2;
            if (lng < envelopes[e] || lng > envelopes[e + 1] || lat < envelopes[e + 2]
                    || lat > envelopes[e + 3]) {
                continue;
            }
            if (p == null) {
                p = new Coordinate(lng, lat);
            }
            if (locators[ord].locate(p) == Location.EXTERIOR) {
                continue;
            }
            if (n == 0) {
                first = k;
            } else {
                if (hits == null) {
                    hits = new int[partial.length];
                    hits[0] = partial[first];
                }
                hits[n] = ord;
            }
            n++;
        }
        if (n == 0) {
            return cell.covered;
        }
        if (n == 1) {
            return cell.withOne[first];
        }
        return merge(cell.coveredOrds, hits, n);
    }

    private List<Fence> merge(int[] a, int[] b, int bn) {
        Fence[] out = new Fence[a.length + bn];
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < a.length || j < bn) {
            if (j == bn || (i < a.length && a[i] < b[j])) {
                out[n++] = byOrd[a[i++]];
            } else {
                out[n++] = byOrd[b[j++]];
            }
        }
        return List.of(out);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT,
                "FenceIndex{%s, %d x %d fine cells of ~%.1f m in %d x %d coarse cells, %d split, "
                        + "%d distinct cell contents}",
                fenceSet, nx, ny, cellSizeM, ncx, (ny + MASK) >>> SHIFT, blocks, contents.length);
    }

    /** The fences touching one cell: those wholly covering it, and those needing an exact test. */
    private static final class Cell {
        final int[] coveredOrds;
        /** The answer when no boundary fence covers the point. */
        final List<Fence> covered;
        /** Ordinals of fences whose boundary may cross the cell, ascending. */
        final int[] partial;
        /** withOne[k]: the answer when exactly partial[k] covers the point. */
        final List<Fence>[] withOne;

        @SuppressWarnings("unchecked")
        Cell(int[] entries, Fence[] byOrd) {
            int nPartial = 0;
            for (int e : entries) {
                nPartial += e & 1;
            }
            coveredOrds = new int[entries.length - nPartial];
            partial = new int[nPartial];
            int c = 0;
            int p = 0;
            for (int e : entries) {
                if ((e & 1) == 0) {
                    coveredOrds[c++] = e >>> 1;
                } else {
                    partial[p++] = e >>> 1;
                }
            }
            covered = List.of(fences(coveredOrds, -1, byOrd));
            withOne = new List[nPartial];
            for (int k = 0; k < nPartial; k++) {
                withOne[k] = List.of(fences(coveredOrds, partial[k], byOrd));
            }
        }

        private static Fence[] fences(int[] ords, int extra, Fence[] byOrd) {
            Fence[] out = new Fence[ords.length + (extra >= 0 ? 1 : 0)];
            int n = 0;
            boolean placed = extra < 0;
            for (int ord : ords) {
                if (!placed && extra < ord) {
                    out[n++] = byOrd[extra];
                    placed = true;
                }
                out[n++] = byOrd[ord];
            }
            if (!placed) {
                out[n] = byOrd[extra];
            }
            return out;
        }
    }

    /** Int-array key for interning cell contents. */
    private record Key(int[] entries) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(entries, k.entries);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(entries);
        }
    }

    private static final class Builder {
        private final FenceSet fenceSet;
        private final Fence[] byOrd;
        private final double[] envelopes;
        private final PointOnGeometryLocator[] locators;
        private double minLng;
        private double minLat;
        private double cellW;
        private double cellH;
        private double cellSizeM;
        private int nx;
        private int ny;
        private int ncx;
        private int ncy;
        private final Map<Key, Integer> interned = new HashMap<>();
        private final List<int[]> contentEntries = new ArrayList<>();

        Builder(FenceSet fenceSet) {
            this.fenceSet = fenceSet;
            this.byOrd = fenceSet.fences().stream()
                    .sorted(Comparator.comparing(Fence::id))
                    .toArray(Fence[]::new);
            this.envelopes = new double[byOrd.length * 4];
            this.locators = new PointOnGeometryLocator[byOrd.length];
            intern(new int[0]);
        }

        FenceIndex build() {
            if (byOrd.length == 0) {
                cellW = 1;
                cellH = 1;
                nx = 1;
                ny = 1;
                ncx = 1;
                return new FenceIndex(this, new int[1], new int[0], 0, cells());
            }
            Envelope all = new Envelope();
            for (int ord = 0; ord < byOrd.length; ord++) {
                Envelope e = byOrd[ord].geometry().getEnvelopeInternal();
                all.expandToInclude(e);
                envelopes[ord * 4] = e.getMinX();
                envelopes[ord * 4 + 1] = e.getMaxX();
                envelopes[ord * 4 + 2] = e.getMinY();
                envelopes[ord * 4 + 3] = e.getMaxY();
            }
            layOutGrid(all);

            // Level 1: which fences cover or cross each coarse cell.
            int[][] coarseEntries = new int[ncx * ncy][];
            int[] coarseCounts = new int[ncx * ncy];
            double[][] segments = new double[byOrd.length][];
            double cw = cellW * K;
            double ch = cellH * K;
            for (int ord = 0; ord < byOrd.length; ord++) {
                Geometry g = byOrd[ord].geometry();
                locators[ord] = locatorFor(g);
                segments[ord] = segments(g);
                Descent d = new Descent(segments[ord], locators[ord], minLng, minLat, cw, ch);
                final int entry = ord << 1;
                d.run(range(ord, 0, minLng, cw, ncx), range(ord, 1, minLng, cw, ncx) + 1,
                        range(ord, 2, minLat, ch, ncy), range(ord, 3, minLat, ch, ncy) + 1,
                        (i, j, partial) -> {
                            int c = j * ncx + i;
                            int[] list = coarseEntries[c];
                            if (list == null) {
                                list = coarseEntries[c] = new int[2];
                            } else if (coarseCounts[c] == list.length) {
                                list = coarseEntries[c] = Arrays.copyOf(list, list.length * 2);
                            }
                            list[coarseCounts[c]++] = entry | (partial ? 1 : 0);
                        });
            }

            // Level 2: split coarse cells that a boundary crosses.
            int[] coarse = new int[ncx * ncy];
            int[] fine = new int[KK * 64];
            int blocks = 0;
            int[][] fineEntries = new int[KK][];
            int[] fineCounts = new int[KK];
            int[] block = new int[KK];
            for (int c = 0; c < coarse.length; c++) {
                int count = coarseCounts[c];
                if (count == 0) {
                    continue;
                }
                int[] entries = coarseEntries[c];
                coarseEntries[c] = null;
                int[] covered = coveredPart(entries, count);
                if (covered.length == count) {
                    coarse[c] = intern(covered);
                    continue;
                }
                int ci = c % ncx;
                int cj = c / ncx;
                Arrays.fill(fineCounts, 0);
                double ox = minLng + ci * K * cellW;
                double oy = minLat + cj * K * cellH;
                for (int k = 0; k < count; k++) {
                    if ((entries[k] & 1) == 0) {
                        continue;
                    }
                    int ord = entries[k] >>> 1;
                    final int entry = entries[k] & ~1;
                    Descent d = new Descent(segments[ord], locators[ord], ox, oy, cellW, cellH);
                    d.run(range(ord, 0, ox, cellW, K), range(ord, 1, ox, cellW, K) + 1,
                            range(ord, 2, oy, cellH, K), range(ord, 3, oy, cellH, K) + 1,
                            (i, j, partial) -> {
                                int f = (j << SHIFT) + i;
                                int[] list = fineEntries[f];
                                if (list == null) {
                                    list = fineEntries[f] = new int[4];
                                } else if (fineCounts[f] == list.length) {
                                    list = fineEntries[f] = Arrays.copyOf(list, list.length * 2);
                                }
                                list[fineCounts[f]++] = entry | (partial ? 1 : 0);
                            });
                }
                int coveredOnly = intern(covered);
                boolean uniform = true;
                for (int f = 0; f < KK; f++) {
                    block[f] = fineCounts[f] == 0 ? coveredOnly
                            : intern(merge(covered, fineEntries[f], fineCounts[f]));
                    uniform &= block[f] == block[0];
                }
                if (uniform) {
                    coarse[c] = block[0];
                    continue;
                }
                if (blocks == MAX_BLOCKS) {
                    throw new IllegalStateException("fence set too detailed for the index: "
                            + fenceSet);
                }
                if ((blocks + 1) * KK > fine.length) {
                    fine = Arrays.copyOf(fine, (int) Math.min((long) fine.length * 2,
                            (long) MAX_BLOCKS * KK));
                }
                System.arraycopy(block, 0, fine, blocks * KK, KK);
                coarse[c] = -(++blocks);
            }
            return new FenceIndex(this, coarse, Arrays.copyOf(fine, blocks * KK), blocks, cells());
        }

        /**
         * Fine cells about as large as the median fence (parking bays decide the throughput),
         * grown while the coarse level would exceed its memory cap.
         */
        private void layOutGrid(Envelope all) {
            double cosLat = Math.max(Math.cos(Math.toRadians(all.centre().y)), 0.01);
            double[] sizes = new double[byOrd.length];
            for (int k = 0; k < byOrd.length; k++) {
                sizes[k] = Math.max(
                        (envelopes[k * 4 + 1] - envelopes[k * 4]) * METRES_PER_DEG_LNG_EQUATOR * cosLat,
                        (envelopes[k * 4 + 3] - envelopes[k * 4 + 2]) * METRES_PER_DEG_LAT);
            }
            Arrays.sort(sizes);
            cellSizeM = Math.max(MIN_CELL_M, Math.min(MAX_CELL_M, sizes[sizes.length / 2]));
            while (true) {
                cellH = cellSizeM / METRES_PER_DEG_LAT;
                cellW = cellSizeM / (METRES_PER_DEG_LNG_EQUATOR * cosLat);
                // One spare fine cell on each side so boundary points never fall off the grid.
                minLng = all.getMinX() - cellW;
                minLat = all.getMinY() - cellH;
                long cols = (long) Math.ceil((all.getMaxX() + cellW - minLng) / (cellW * K));
                long rows = (long) Math.ceil((all.getMaxY() + cellH - minLat) / (cellH * K));
                if (cols * rows <= MAX_COARSE_CELLS) {
                    ncx = (int) cols;
                    ncy = (int) rows;
                    nx = ncx * K;
                    ny = ncy * K;
                    return;
                }
                cellSizeM *= 1.5;
            }
        }

        /** Cell index range (clamped to [0, n)) of the fence's envelope side, plus margin. */
        private int range(int ord, int side, double origin, double size, int n) {
            double margin = side % 2 == 0 ? -CELL_MARGIN_DEG : CELL_MARGIN_DEG;
            int v = (int) Math.floor((envelopes[ord * 4 + side] + margin - origin) / size);
            return Math.max(0, Math.min(v, n - 1));
        }

        private static int[] coveredPart(int[] entries, int count) {
            int n = 0;
            for (int k = 0; k < count; k++) {
                n += 1 - (entries[k] & 1);
            }
            int[] out = new int[n];
            n = 0;
            for (int k = 0; k < count; k++) {
                if ((entries[k] & 1) == 0) {
                    out[n++] = entries[k];
                }
            }
            return out;
        }

        /** Merges two ascending entry lists over disjoint fences. */
        private static int[] merge(int[] a, int[] b, int bn) {
            int[] out = new int[a.length + bn];
            int i = 0;
            int j = 0;
            int n = 0;
            while (i < a.length || j < bn) {
                if (j == bn || (i < a.length && a[i] < b[j])) {
                    out[n++] = a[i++];
                } else {
                    out[n++] = b[j++];
                }
            }
            return out;
        }

        private int intern(int[] entries) {
            Integer id = interned.get(new Key(entries));
            if (id == null) {
                id = contentEntries.size();
                interned.put(new Key(entries), id);
                contentEntries.add(entries);
            }
            return id;
        }

        private Cell[] cells() {
            Cell[] cells = new Cell[contentEntries.size()];
            for (int k = 0; k < cells.length; k++) {
                cells[k] = new Cell(contentEntries.get(k), byOrd);
            }
            return cells;
        }

        /** Every ring edge of the fence as ax, ay, bx, by. */
        private static double[] segments(Geometry g) {
            List<Coordinate[]> rings = new ArrayList<>();
            for (int n = 0; n < g.getNumGeometries(); n++) {
                Polygon p = (Polygon) g.getGeometryN(n);
                rings.add(p.getExteriorRing().getCoordinates());
                for (int k = 0; k < p.getNumInteriorRing(); k++) {
                    rings.add(p.getInteriorRingN(k).getCoordinates());
                }
            }
            int count = 0;
            for (Coordinate[] ring : rings) {
                count += ring.length - 1;
            }
            double[] out = new double[count * 4];
            int e = 0;
            for (Coordinate[] ring : rings) {
                for (int k = 0; k + 1 < ring.length; k++) {
                    out[e++] = ring[k].x;
                    out[e++] = ring[k].y;
                    out[e++] = ring[k + 1].x;
                    out[e++] = ring[k + 1].y;
                }
            }
            return out;
        }
    }

    private interface CellSink {
        void accept(int i, int j, boolean partial);
    }

    /**
     * Quadtree-style descent over a block of cells, deciding each block exactly without JTS
     * rectangle predicates: a block that no fence edge touches (tested conservatively, on the
     * block enlarged by {@link #TOUCH_EPS_DEG}) lies wholly inside or wholly outside the fence, and
     * the exact locator at its centre says which; blocks that edges may touch are split, down to
     * single cells, which are reported partial (an exact test per query). Each block passes only
     * the edges touching it to its halves, so the work follows the boundary, not the area.
     */
    private static final class Descent {
        private final double[] segments;
        private final PointOnGeometryLocator locator;
        private final double ox;
        private final double oy;
        private final double w;
        private final double h;
        private CellSink sink;

        Descent(double[] segments, PointOnGeometryLocator locator, double ox, double oy, double w,
                double h) {
            this.segments = segments;
            this.locator = locator;
            this.ox = ox;
            this.oy = oy;
            this.w = w;
            this.h = h;
        }

        void run(int i0, int i1, int j0, int j1, CellSink sink) {
            this.sink = sink;
            int[] all = new int[segments.length / 4];
            for (int k = 0; k < all.length; k++) {
                all[k] = k * 4;
            }
            descend(i0, i1, j0, j1, all, all.length);
        }

        private void descend(int i0, int i1, int j0, int j1, int[] segs, int nSegs) {
            double x0 = ox + i0 * w - CELL_MARGIN_DEG;
            double x1 = ox + i1 * w + CELL_MARGIN_DEG;
            double y0 = oy + j0 * h - CELL_MARGIN_DEG;
            double y1 = oy + j1 * h + CELL_MARGIN_DEG;
            int[] touching = new int[nSegs];
            int n = 0;
            for (int k = 0; k < nSegs; k++) {
                if (touches(segs[k], x0 - TOUCH_EPS_DEG, x1 + TOUCH_EPS_DEG, y0 - TOUCH_EPS_DEG,
                        y1 + TOUCH_EPS_DEG)) {
                    touching[n++] = segs[k];
                }
            }
            if (n == 0) {
                Coordinate centre = new Coordinate((x0 + x1) / 2, (y0 + y1) / 2);
                if (locator.locate(centre) != Location.EXTERIOR) {
                    for (int j = j0; j < j1; j++) {
                        for (int i = i0; i < i1; i++) {
                            sink.accept(i, j, false);
                        }
                    }
                }
                return;
            }
            if (i1 - i0 == 1 && j1 - j0 == 1) {
                sink.accept(i0, j0, true);
                return;
            }
            if (i1 - i0 >= j1 - j0) {
                int mid = (i0 + i1) >>> 1;
                descend(i0, mid, j0, j1, touching, n);
                descend(mid, i1, j0, j1, touching, n);
            } else {
                int mid = (j0 + j1) >>> 1;
                descend(i0, i1, j0, mid, touching, n);
                descend(i0, i1, mid, j1, touching, n);
            }
        }

        /**
         * Whether the segment may touch the box; false only when it certainly misses it. The
         * box is already enlarged by TOUCH_EPS_DEG, some thousand times the ~1e-14-degree
         * rounding of the differences below, so a rounding error can only turn "misses" into
         * "may touch", never the other way.
         */
        private boolean touches(int s, double x0, double x1, double y0, double y1) {
            double ax = segments[s];
            double ay = segments[s + 1];
            double bx = segments[s + 2];
            double by = segments[s + 3];
            if (Math.max(ax, bx) < x0 || Math.min(ax, bx) > x1 || Math.max(ay, by) < y0
                    || Math.min(ay, by) > y1) {
                return false;
            }
            double dx = bx - ax;
            double dy = by - ay;
            double f00 = dx * (y0 - ay) - dy * (x0 - ax);
            double f10 = dx * (y0 - ay) - dy * (x1 - ax);
            double f01 = dx * (y1 - ay) - dy * (x0 - ax);
            double f11 = dx * (y1 - ay) - dy * (x1 - ax);
            return !((f00 > 0 && f10 > 0 && f01 > 0 && f11 > 0)
                    || (f00 < 0 && f10 < 0 && f01 < 0 && f11 < 0));
        }
    }
}
