package org.bikefence.geofence;

import com.uber.h3core.H3Core;
import com.uber.h3core.LengthUnit;
import com.uber.h3core.util.LatLng;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.locationtech.jts.geom.Envelope;

/**
 * Gives a point's H3 cell id at one resolution, identical to h3-java's {@code latLngToCell}, but
 * for almost every point without the JNI call (about ten times the cost of a fence lookup).
 *
 * <p>How: a regular longitude/latitude grid over the area, about 1/8 of an H3 edge per cell. Each
 * grid cell that lies wholly inside one H3 cell stores that cell's id; each grid cell crossed by
 * H3 edges stores its candidate H3 cells, and a point there is assigned to a candidate only when it
 * lies inside it by more than a safety margin; everything else (points within the margin of an
 * edge, outside the grid, near pentagons or icosahedron-face edges) goes to h3-java.
 *
 * <p>Why that is exact: within one icosahedron face H3 assigns points by rounding in a gnomonic
 * projection, where cell edges are straight, so on the sphere they are great-circle arcs between
 * the vertices {@code cellToBoundary} returns. Drawn straight in longitude/latitude degrees such an
 * arc is off by less than a millimetre for a resolution-9 edge; the margin is four times the
 * largest such deviation measured on the cells in use, plus 5e-8 degrees (about 5 mm), far above
 * the ~1e-14-degree rounding of either computation. Hexagons are convex, so a grid cell whose four
 * (slightly enlarged) corners are all inside a hexagon's margin-shrunk polygon is wholly inside it.
 * H3CellsTest compares the result with h3-java on millions of points, many of them within
 * nanodegrees to micro-degrees of cell edges and vertices.
 *
 * <p>Meant for a city-sized area: the build enumerates the H3 cells over it (about 3,000 at res 9
 * and 20,000 at res 10 for 15 x 15 km) and the grid is capped at 4M cells (coarser beyond that,
 * so more points take the slower paths, never wrong ones).
 *
 * <p>Thread safety: immutable after construction; h3-java's {@link H3Core} is thread-safe.
 * Not Serializable: build it in a Flink operator's {@code open()}.
 */
public final class H3Cells {

    public static final int DEFAULT_RESOLUTION = 9;

    /** Grid cells are enlarged by this many degrees when classified (see FenceIndex). */
    private static final double CELL_MARGIN_DEG = 1e-9;
    private static final double BASE_MARGIN_DEG = 5e-8;
    private static final int GRID_CELLS_PER_EDGE = 8;
    private static final int MAX_GRID_CELLS = 1 << 22;
    private static final double METRES_PER_DEG_LAT = 110_574;
    private static final double METRES_PER_DEG_LNG_EQUATOR = 111_320;

    /** Grid value: ask h3-java. Values >= 0 are hexagon numbers, <= -2 crossing-cell records. */
    private static final int FALLBACK = -1;

    private final H3Core h3;
    private final int resolution;
    private final double minLng;
    private final double minLat;
    private final double maxLng;
    private final double maxLat;
    private final double invCellW;
    private final double invCellH;
    private final int nx;
    private final int ny;
    private final int[] grid;
    private final long[] hexIds;
    /** Per hexagon, per edge: start lng, start lat, inward unit normal (lng, lat). */
    private final double[] edges;
    /** Candidates of crossing record r: candidates[candidateStart[r] .. candidateStart[r + 1]). */
    private final int[] candidateStart;
    private final int[] candidates;
    private final double margin;
    private final int wholeCells;

    private H3Cells(H3Core h3, int resolution, double minLng, double minLat, double cellW,
            double cellH, int nx, int ny, int[] grid, long[] hexIds, double[] edges,
            int[] candidateStart, int[] candidates, double margin, int wholeCells) {
        this.h3 = h3;
        this.resolution = resolution;
        this.minLng = minLng;
        this.minLat = minLat;
        this.maxLng = minLng + nx * cellW;
        this.maxLat = minLat + ny * cellH;
        this.invCellW = 1 / cellW;
        this.invCellH = 1 / cellH;
        this.nx = nx;
        this.ny = ny;
        this.grid = grid;
        this.hexIds = hexIds;
        this.edges = edges;
        this.candidateStart = candidateStart;
        this.candidates = candidates;
        this.margin = margin;
        this.wholeCells = wholeCells;
    }

    /** Cells at {@code resolution} (0-15) over the envelope of the fences, with a new H3Core. */
    public static H3Cells forFences(FenceSet fences, int resolution) {
        Envelope env = new Envelope();
        fences.fences().forEach(f -> env.expandToInclude(f.geometry().getEnvelopeInternal()));
        return forArea(newH3Core(), env, resolution);
    }

    /**
     * Cells at {@code resolution} (0-15) with the fast path over {@code area} (x = longitude,
     * y = latitude); points elsewhere are still answered, by h3-java.
     */
    public static H3Cells forArea(H3Core h3, Envelope area, int resolution) {
        Objects.requireNonNull(h3, "h3");
        Objects.requireNonNull(area, "area");
        if (resolution < 0 || resolution > 15) {
            throw new IllegalArgumentException("H3 resolution must be 0-15, got " + resolution);
        }
        return new Builder(h3, area, resolution).build();
    }

    /** A new h3-java core (loads the native library). */
    public static H3Core newH3Core() {
        try {
            return H3Core.newInstance();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the h3-java native library", e);
        }
    }

    public int resolution() {
        return resolution;
    }

    /**
     * The H3 cell containing the point at {@link #resolution()}, exactly as h3-java computes it.
     *
     * @throws com.uber.h3core.exceptions.H3Exception for NaN or infinite coordinates, from h3-java
     */
    public long h3Cell(double lat, double lng) {
        long cell = precomputedCell(lat, lng);
        return cell != 0 ? cell : h3.latLngToCell(lat, lng, resolution);
    }

    /** The cell when the grid can answer, 0 (never a valid H3 id) when h3-java must. */
    long precomputedCell(double lat, double lng) {
        if (!(lng >= minLng && lng < maxLng && lat >= minLat && lat < maxLat)) {
            return 0;
        }
        int i = Math.min((int) ((lng - minLng) * invCellW), nx - 1);
        int j = Math.min((int) ((lat - minLat) * invCellH), ny - 1);
        int v = grid[j * nx + i];
        if (v >= 0) {
            return hexIds[v];
        }
        if (v == FALLBACK) {
            return 0;
        }
        int r = -v - 2;
        for (int k = candidateStart[r]; k < candidateStart[r + 1]; k++) {
            int hex = candidates[k];
            if (insideBy(edges, hex, lng, lat) >= margin) {
                return hexIds[hex];
            }
        }
        return 0;
    }

    /** Smallest signed distance (degrees, positive inside) from the hexagon's six edge lines. */
    private static double insideBy(double[] edges, int hex, double x, double y) {
        double min = Double.POSITIVE_INFINITY;
        for (int e = hex * 24, end = e + 24; e < end; e += 4) {
            double d = (x - edges[e]) * edges[e + 2] + (y - edges[e + 1]) * edges[e + 3];
            min = Math.min(min, d);
        }
        return min;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT,
                "H3Cells{res %d, grid %d x %d, %d hexagons, %.1f%% of grid cells inside one, "
                        + "%d crossing, margin %.2g deg}",
                resolution, nx, ny, hexIds.length, 100.0 * wholeCells / grid.length,
                candidateStart.length - 1, margin);
    }

    private static final class Builder {
        private final H3Core h3;
        private final Envelope area;
        private final int resolution;

        Builder(H3Core h3, Envelope area, int resolution) {
            this.h3 = h3;
            this.area = area;
            this.resolution = resolution;
        }

        H3Cells build() {
            if (area.isNull()) { // e.g. an empty fence set: h3-java answers everything
                return new H3Cells(h3, resolution, 0, 0, 1, 1, 1, 1, new int[] {FALLBACK},
                        new long[0], new double[0], new int[1], new int[0], 0, 0);
            }
            double edgeM = h3.getHexagonEdgeLengthAvg(resolution, LengthUnit.m);
            double lat0 = area.centre().y;
            double cosLat = Math.max(Math.cos(Math.toRadians(lat0)), 0.01);
            double cellM = edgeM / GRID_CELLS_PER_EDGE;
            double cellW;
            double cellH;
            long cols;
            long rows;
            while (true) {
                cellH = cellM / METRES_PER_DEG_LAT;
                cellW = cellM / (METRES_PER_DEG_LNG_EQUATOR * cosLat);
                cols = Math.max(1, (long) Math.ceil(area.getWidth() / cellW));
                rows = Math.max(1, (long) Math.ceil(area.getHeight() / cellH));
                if (cols * rows <= MAX_GRID_CELLS) {
                    break;
                }
                cellM *= 1.5;
            }
            int nx = (int) cols;
            int ny = (int) rows;
            double minLng = area.getMinX();
            double minLat = area.getMinY();
            int[] grid = new int[nx * ny];
            Arrays.fill(grid, FALLBACK);
            boolean usable = area.getMinY() > -80 && area.getMaxY() < 80
                    && area.getMinX() > -179 && area.getMaxX() < 179;
            if (!usable) {
                return new H3Cells(h3, resolution, minLng, minLat, cellW, cellH, nx, ny, grid,
                        new long[0], new double[0], new int[1], new int[0], 0, 0);
            }

            // Every hexagon meeting the grid has its centre within one edge length (plus H3's
            // distortion) of it; three edge lengths leave room.
            double padLat = 3 * edgeM / METRES_PER_DEG_LAT;
            double padLng = 3 * edgeM / (METRES_PER_DEG_LNG_EQUATOR * cosLat);
            double x0 = minLng - padLng;
            double x1 = minLng + nx * cellW + padLng;
            double y0 = minLat - padLat;
            double y1 = minLat + ny * cellH + padLat;
            List<Long> cells = h3.polygonToCells(List.of(new LatLng(y0, x0), new LatLng(y0, x1),
                    new LatLng(y1, x1), new LatLng(y1, x0)), List.of(), resolution);

            long[] ids = new long[cells.size()];
            double[][] rings = new double[cells.size()][];
            boolean[] safe = new boolean[cells.size()];
            double maxDeviation = 0;
            for (int h = 0; h < ids.length; h++) {
                ids[h] = cells.get(h);
                List<LatLng> boundary = h3.cellToBoundary(ids[h]);
                double[] ring = new double[boundary.size() * 2];
                for (int k = 0; k < boundary.size(); k++) {
                    ring[2 * k] = boundary.get(k).lng;
                    ring[2 * k + 1] = boundary.get(k).lat;
                }
                rings[h] = ring;
                safe[h] = boundary.size() == 6 && !h3.isPentagon(ids[h])
                        && h3.getIcosahedronFaces(ids[h]).size() == 1 && orientConvex(ring);
                if (safe[h]) {
                    maxDeviation = Math.max(maxDeviation, greatCircleDeviation(ring));
                }
            }
            double margin = 4 * maxDeviation + BASE_MARGIN_DEG;

            double[] edges = new double[ids.length * 24];
            for (int h = 0; h < ids.length; h++) {
                if (safe[h]) {
                    double[] ring = rings[h];
                    for (int k = 0; k < 6; k++) {
                        double ax = ring[2 * k];
                        double ay = ring[2 * k + 1];
                        double bx = ring[(2 * k + 2) % 12];
                        double by = ring[(2 * k + 3) % 12];
                        double len = Math.hypot(bx - ax, by - ay);
                        int e = h * 24 + k * 4;
                        edges[e] = ax;
                        edges[e + 1] = ay;
                        // Counter-clockwise ring: the interior is to the left of a -> b.
                        edges[e + 2] = -(by - ay) / len;
                        edges[e + 3] = (bx - ax) / len;
                    }
                }
            }

            // Classify the grid cells each hexagon's bounding box touches.
            int[][] cands = new int[grid.length][];
            boolean[] poisoned = new boolean[grid.length];
            int whole = 0;
            for (int h = 0; h < ids.length; h++) {
                double[] ring = rings[h];
                double rx0 = Double.POSITIVE_INFINITY;
                double rx1 = Double.NEGATIVE_INFINITY;
                double ry0 = Double.POSITIVE_INFINITY;
                double ry1 = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < ring.length; k += 2) {
                    rx0 = Math.min(rx0, ring[k]);
                    rx1 = Math.max(rx1, ring[k]);
                    ry0 = Math.min(ry0, ring[k + 1]);
                    ry1 = Math.max(ry1, ring[k + 1]);
                }
                if (rx1 - rx0 > 180) {
                    continue; // crosses the antimeridian; the grid (|lng| < 179) never meets it
                }
                // Unsafe hexagons poison a wider box: their true edges may bulge further.
                double pad = safe[h] ? margin + CELL_MARGIN_DEG : (ry1 - ry0) * 0.5;
                int i0 = Math.max(0, (int) Math.floor((rx0 - pad - minLng) / cellW));
                int i1 = Math.min(nx - 1, (int) Math.floor((rx1 + pad - minLng) / cellW));
                int j0 = Math.max(0, (int) Math.floor((ry0 - pad - minLat) / cellH));
                int j1 = Math.min(ny - 1, (int) Math.floor((ry1 + pad - minLat) / cellH));
                for (int j = j0; j <= j1; j++) {
                    for (int i = i0; i <= i1; i++) {
                        int c = j * nx + i;
                        if (!safe[h]) {
                            poisoned[c] = true;
                            continue;
                        }
                        double cx0 = minLng + i * cellW - CELL_MARGIN_DEG;
                        double cx1 = minLng + (i + 1) * cellW + CELL_MARGIN_DEG;
                        double cy0 = minLat + j * cellH - CELL_MARGIN_DEG;
                        double cy1 = minLat + (j + 1) * cellH + CELL_MARGIN_DEG;
                        double minIn = Double.POSITIVE_INFINITY;
                        boolean possible = true;
                        for (int e = h * 24; e < h * 24 + 24; e += 4) {
                            double d00 = dist(edges, e, cx0, cy0);
                            double d10 = dist(edges, e, cx1, cy0);
                            double d01 = dist(edges, e, cx0, cy1);
                            double d11 = dist(edges, e, cx1, cy1);
                            minIn = Math.min(minIn, Math.min(Math.min(d00, d10), Math.min(d01, d11)));
                            if (Math.max(Math.max(d00, d10), Math.max(d01, d11)) < margin) {
                                possible = false; // no point of the cell is inside by the margin
                            }
                        }
                        if (minIn >= margin) {
                            grid[c] = h;
                            whole++;
                        } else if (possible) {
                            int[] list = cands[c];
                            cands[c] = list == null ? new int[] {h} : append(list, h);
                        }
                    }
                }
            }

            int[] start = new int[1];
            int[] flat = new int[0];
            int records = 0;
            int used = 0;
            for (int c = 0; c < grid.length; c++) {
                if (poisoned[c]) {
                    if (grid[c] >= 0) {
                        whole--;
                    }
                    grid[c] = FALLBACK;
                    continue;
                }
                if (grid[c] >= 0 || cands[c] == null) {
                    continue;
                }
                if (records + 2 > start.length) {
                    start = Arrays.copyOf(start, Math.max(16, start.length * 2));
                }
                while (used + cands[c].length > flat.length) {
                    flat = Arrays.copyOf(flat, Math.max(64, flat.length * 2));
                }
                System.arraycopy(cands[c], 0, flat, used, cands[c].length);
                used += cands[c].length;
                grid[c] = -(records + 2);
                start[++records] = used;
            }
            return new H3Cells(h3, resolution, minLng, minLat, cellW, cellH, nx, ny, grid, ids,
                    edges, Arrays.copyOf(start, records + 1), Arrays.copyOf(flat, used), margin,
                    whole);
        }

        private static double dist(double[] edges, int e, double x, double y) {
            return (x - edges[e]) * edges[e + 2] + (y - edges[e + 1]) * edges[e + 3];
        }

        private static int[] append(int[] list, int v) {
            int[] out = Arrays.copyOf(list, list.length + 1);
            out[list.length] = v;
            return out;
        }

        /** Makes the ring counter-clockwise in (lng, lat); false unless strictly convex. */
        private static boolean orientConvex(double[] ring) {
            int n = ring.length / 2;
            double area2 = 0;
            for (int k = 0; k < n; k++) {
                int m = (k + 1) % n;
                area2 += ring[2 * k] * ring[2 * m + 1] - ring[2 * m] * ring[2 * k + 1];
            }
            if (area2 < 0) {
                for (int k = 0; k < n / 2; k++) {
                    int m = n - 1 - k;
                    double x = ring[2 * k];
                    double y = ring[2 * k + 1];
                    ring[2 * k] = ring[2 * m];
                    ring[2 * k + 1] = ring[2 * m + 1];
                    ring[2 * m] = x;
                    ring[2 * m + 1] = y;
                }
            }
            for (int k = 0; k < n; k++) {
                int m = (k + 1) % n;
                int l = (k + 2) % n;
                double cross = (ring[2 * m] - ring[2 * k]) * (ring[2 * l + 1] - ring[2 * m + 1])
                        - (ring[2 * m + 1] - ring[2 * k + 1]) * (ring[2 * l] - ring[2 * m]);
                if (!(cross > 0)) {
                    return false;
                }
            }
            return true;
        }

        /**
         * Largest distance, in degrees, between a hexagon's great-circle edges (sampled) and the
         * straight (lng, lat) chords between its vertices.
         */
        private static double greatCircleDeviation(double[] ring) {
            double max = 0;
            for (int k = 0; k < 6; k++) {
                double ax = ring[2 * k];
                double ay = ring[2 * k + 1];
                double bx = ring[(2 * k + 2) % 12];
                double by = ring[(2 * k + 3) % 12];
                double[] a = unit(ay, ax);
                double[] b = unit(by, bx);
                double len = Math.hypot(bx - ax, by - ay);
                for (int s = 1; s < 16; s++) {
                    double t = s / 16.0;
                    double[] p = {a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]),
                            a[2] + t * (b[2] - a[2])};
                    double lat = Math.toDegrees(Math.atan2(p[2], Math.hypot(p[0], p[1])));
                    double lng = Math.toDegrees(Math.atan2(p[1], p[0]));
                    double d = Math.abs((lng - ax) * (by - ay) - (lat - ay) * (bx - ax)) / len;
                    max = Math.max(max, d);
                }
            }
            return max;
        }

        private static double[] unit(double latDeg, double lngDeg) {
            double lat = Math.toRadians(latDeg);
            double lng = Math.toRadians(lngDeg);
            return new double[] {Math.cos(lat) * Math.cos(lng), Math.cos(lat) * Math.sin(lng),
                    Math.sin(lat)};
        }
    }
}
