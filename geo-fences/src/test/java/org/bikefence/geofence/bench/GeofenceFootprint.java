package org.bikefence.geofence.bench;

import org.bikefence.geofence.FenceIndex;
import org.bikefence.geofence.FenceSet;
import org.bikefence.geofence.H3Cells;
import org.openjdk.jol.info.GraphLayout;

/**
 * Retained heap of a built FenceIndex and H3Cells: JOL's object-graph walk (the index's own
 * objects, i.e. everything reachable from it minus the fence set it was built from), and, as a
 * cross-check, used heap after System.gc() before and after building. Args: dataset names.
 */
public final class GeofenceFootprint {

    private GeofenceFootprint() {}

    public static void main(String[] args) {
        for (String name : args.length == 0 ? new String[] {"synthetic"} : args) {
            FenceSet fences = Datasets.load(name).fences();
            long before = usedAfterGc();
            long t0 = System.nanoTime();
            FenceIndex index = FenceIndex.build(fences);
            long t1 = System.nanoTime();
            long afterIndex = usedAfterGc();
            H3Cells cells = H3Cells.forFences(fences, 9);
            long t2 = System.nanoTime();
            long afterCells = usedAfterGc();
            long fenceSet = GraphLayout.parseInstance(fences).totalSize();
            long withFences = GraphLayout.parseInstance(index).totalSize();
            long h3 = GraphLayout.parseInstance(cells).totalSize();
            System.out.printf("%s: %s%n", name, index);
            System.out.printf("  FenceIndex: built in %d ms (cold JVM); JOL: %.1f MB of its own "
                    + "(%.1f MB with the %.1f MB fence set); heap used after GC grew %.1f MB%n",
                    (t1 - t0) / 1_000_000, mb(withFences - fenceSet), mb(withFences), mb(fenceSet),
                    mb(afterIndex - before));
            System.out.printf("  H3Cells res 9: built in %d ms; JOL: %.1f MB; heap after GC grew "
                    + "%.1f MB; %s%n", (t2 - t1) / 1_000_000, mb(h3), mb(afterCells - afterIndex),
                    cells);
            System.out.println("  (keep alive: " + index.covering(24.5, 118.1).size()
                    + cells.h3Cell(24.5, 118.1) + ")");
        }
    }

    private static double mb(long bytes) {
        return bytes / 1e6;
    }

    private static long usedAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int k = 0; k < 3; k++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
