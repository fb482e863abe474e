package org.bikefence.geofence.bench;

import com.uber.h3core.H3Core;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bikefence.geofence.Fence;
import org.bikefence.geofence.FenceIndex;
import org.bikefence.geofence.H3Cells;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Classifications per second on one thread: FenceIndex (with and without H3Cells) against the
 * naive H3 index and STRtree + PreparedGeometry, over the same pre-generated bike positions.
 * One operation = one point; each invocation classifies the next {@value #BATCH} points of a
 * 1M-point array, so positions arrive in random order as from a stream of many bikes.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
@State(Scope.Thread)
public class GeofenceBenchmark {

    static final int BATCH = 1024;

    @Param({"synthetic"})
    public String dataset;

    @Param({"9"})
    public int h3Resolution;

    private double[] lats;
    private double[] lngs;
    private int pos;
    private FenceIndex index;
    private H3Cells h3Cells;
    private H3Core h3;
    private Baselines.NaiveH3 naiveH3;
    private Baselines.StrTreePrepared strTree;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Datasets.Data data = Datasets.load(dataset);
        lats = data.lats();
        lngs = data.lngs();
        long t0 = System.nanoTime();
        index = FenceIndex.build(data.fences());
        long t1 = System.nanoTime();
        h3Cells = H3Cells.forFences(data.fences(), h3Resolution);
        long t2 = System.nanoTime();
        h3 = H3Core.newInstance();
        naiveH3 = new Baselines.NaiveH3(h3, data.fences(), h3Resolution);
        strTree = new Baselines.StrTreePrepared(data.fences());
        System.out.printf("%n%s%n%s (built in %d ms)%n%s (built in %d ms)%n", data.note(), index,
                (t1 - t0) / 1_000_000, h3Cells, (t2 - t1) / 1_000_000);
        // The baselines must give the same answers, or the comparison means nothing.
        int[] mismatches = new int[3];
        for (int k = 0; k < 50_000; k++) {
            List<Fence> ours = index.covering(lats[k], lngs[k]);
            mismatches[0] += ours.equals(naiveH3.covering(lats[k], lngs[k])) ? 0 : 1;
            mismatches[1] += ours.equals(strTree.covering(lats[k], lngs[k])) ? 0 : 1;
            mismatches[2] += h3Cells.h3Cell(lats[k], lngs[k])
                    == h3.latLngToCell(lats[k], lngs[k], h3Resolution) ? 0 : 1;
        }
        System.out.printf("mismatches on 50,000 points: naive H3 %d, STRtree %d, h3Cell %d%n",
                mismatches[0], mismatches[1], mismatches[2]);
    }

    private int next() {
        int p = pos;
        pos = (p + BATCH) & (Datasets.POINTS - 1);
        return p;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int fenceIndex() {
        int p = next();
        int r = 0;
        for (int k = p; k < p + BATCH; k++) {
            r += index.covering(lats[k], lngs[k]).size();
        }
        return r;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long fenceIndexPlusH3Cell() {
        int p = next();
        long r = 0;
        for (int k = p; k < p + BATCH; k++) {
            r += index.covering(lats[k], lngs[k]).size() + h3Cells.h3Cell(lats[k], lngs[k]);
        }
        return r;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long h3CellsOnly() {
        int p = next();
        long r = 0;
        for (int k = p; k < p + BATCH; k++) {
            r += h3Cells.h3Cell(lats[k], lngs[k]);
        }
        return r;
    }

    /** The JNI call alone, for reference. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long h3JavaLatLngToCell() {
        int p = next();
        long r = 0;
        for (int k = p; k < p + BATCH; k++) {
            r += h3.latLngToCell(lats[k], lngs[k], h3Resolution);
        }
        return r;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int baselineNaiveH3() {
        int p = next();
        int r = 0;
        for (int k = p; k < p + BATCH; k++) {
            r += naiveH3.covering(lats[k], lngs[k]).size();
        }
        return r;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int baselineStrTreePrepared() {
        int p = next();
        int r = 0;
        for (int k = p; k < p + BATCH; k++) {
            r += strTree.covering(lats[k], lngs[k]).size();
        }
        return r;
    }
}
