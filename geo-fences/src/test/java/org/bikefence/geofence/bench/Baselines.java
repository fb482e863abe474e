package org.bikefence.geofence.bench;

import com.uber.h3core.H3Core;
import com.uber.h3core.PolygonToCellsFlags;
import com.uber.h3core.util.LatLng;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bikefence.geofence.Fence;
import org.bikefence.geofence.FenceSet;
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
import org.locationtech.jts.index.strtree.STRtree;

/** The two straightforward designs FenceIndex is measured against. */
final class Baselines {

    private Baselines() {}

    private static final Comparator<Fence> BY_ID = Comparator.comparing(Fence::id);

    /** Fences registered in the H3 cells they overlap; per point one latLngToCell (JNI) call. */
    static final class NaiveH3 {
        private final H3Core h3;
        private final int res;
        private final Map<Long, Entry[]> byCell = new HashMap<>();

        private record Entry(Fence fence, PointOnGeometryLocator locator) {}

        NaiveH3(H3Core h3, FenceSet set, int res) {
            this.h3 = h3;
            this.res = res;
            Map<Long, List<Entry>> lists = new HashMap<>();
            for (Fence f : set.fences()) {
                Geometry g = f.geometry();
                Entry entry = new Entry(f, g.getNumPoints() <= 32 ? new SimplePointInAreaLocator(g)
                        : new IndexedPointInAreaLocator(g));
                for (int n = 0; n < g.getNumGeometries(); n++) {
                    Polygon p = (Polygon) g.getGeometryN(n);
                    List<List<LatLng>> holes = new ArrayList<>();
                    for (int h = 0; h < p.getNumInteriorRing(); h++) {
                        holes.add(ring(p.getInteriorRingN(h).getCoordinates()));
                    }
                    for (long cell : h3.polygonToCellsExperimental(
                            ring(p.getExteriorRing().getCoordinates()), holes, res,
                            PolygonToCellsFlags.containment_overlapping)) {
                        List<Entry> list = lists.computeIfAbsent(cell, c -> new ArrayList<>());
                        if (list.isEmpty() || list.get(list.size() - 1) != entry) {
                            list.add(entry);
                        }
                    }
                }
            }
            lists.forEach((cell, list) -> byCell.put(cell, list.toArray(Entry[]::new)));
        }

        private static List<LatLng> ring(Coordinate[] cs) {
            List<LatLng> out = new ArrayList<>();
            for (int k = 0; k + 1 < cs.length; k++) {
                out.add(new LatLng(cs[k].y, cs[k].x));
            }
            return out;
        }

        List<Fence> covering(double lat, double lng) {
            Entry[] entries = byCell.get(h3.latLngToCell(lat, lng, res));
            if (entries == null) {
                return List.of();
            }
            Coordinate p = new Coordinate(lng, lat);
            List<Fence> out = new ArrayList<>(2);
            for (Entry e : entries) {
                if (e.locator.locate(p) != Location.EXTERIOR) {
                    out.add(e.fence);
                }
            }
            out.sort(BY_ID);
            return out;
        }
    }

    /** JTS STRtree over fence envelopes, PreparedGeometry.covers on each candidate. */
    static final class StrTreePrepared {
        private final STRtree tree = new STRtree();

        StrTreePrepared(FenceSet set) {
            for (Fence f : set.fences()) {
                tree.insert(f.geometry().getEnvelopeInternal(),
                        new Object[] {f, PreparedGeometryFactory.prepare(f.geometry())});
            }
            tree.build();
        }

        List<Fence> covering(double lat, double lng) {
            Coordinate c = new Coordinate(lng, lat);
            Geometry p = Datasets.WGS84.createPoint(c);
            List<Fence> out = new ArrayList<>(2);
            tree.query(new Envelope(c), item -> {
                Object[] pair = (Object[]) item;
                if (((PreparedGeometry) pair[1]).covers(p)) {
                    out.add((Fence) pair[0]);
                }
            });
            Fence[] sorted = out.toArray(Fence[]::new);
            Arrays.sort(sorted, BY_ID);
            return Arrays.asList(sorted);
        }
    }
}
