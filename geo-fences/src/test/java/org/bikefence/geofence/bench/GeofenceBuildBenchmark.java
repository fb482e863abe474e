package org.bikefence.geofence.bench;

import java.util.concurrent.TimeUnit;
import org.bikefence.geofence.FenceIndex;
import org.bikefence.geofence.FenceSet;
import org.bikefence.geofence.H3Cells;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Build time of FenceIndex and H3Cells, each build a single shot, in a JVM limited to 300 MB of
 * heap (which also holds the fence set and the 1M benchmark points: 16 MB).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx300m"})
@State(Scope.Thread)
public class GeofenceBuildBenchmark {

    @Param({"synthetic"})
    public String dataset;

    private FenceSet fences;

    @Setup(Level.Trial)
    public void setUp() {
        fences = Datasets.load(dataset).fences();
    }

    @Benchmark
    public FenceIndex buildFenceIndex() {
        return FenceIndex.build(fences);
    }

    @Benchmark
    public H3Cells buildH3CellsRes9() {
        return H3Cells.forFences(fences, 9);
    }
}
