package org.bikefence.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.bikefence.geofence.FenceSet;
import org.junit.jupiter.api.Test;

/** One fence index per JVM and fence file while subtasks use it; the last release drops it. */
class SharedFenceIndexesTest {
    private static final Path DEMO = Path.of("../geo-fences/fences/huli-demo.geojson");

    @Test
    void subtasksOfTheSameFileShareOneIndexBuiltOnceAndTheLastReleaseDropsIt() throws Exception {
        byte[] demo = Files.readAllBytes(DEMO);
        byte[] other = new String(demo, StandardCharsets.UTF_8).replace("huli-demo-1", "huli-demo-2")
                .getBytes(StandardCharsets.UTF_8);
        int before = SharedFenceIndexes.size();
        AtomicInteger loads = new AtomicInteger();
        java.util.function.Supplier<FenceSet> load = () -> {
            loads.incrementAndGet();
            return ClassifyPositions.load(demo, "huli-demo.geojson");
        };
        SharedFenceIndexes.Entry a = SharedFenceIndexes.acquire(demo, "huli-demo.geojson", 9, load);
        SharedFenceIndexes.Entry b = SharedFenceIndexes.acquire(demo.clone(), "huli-demo.geojson", 9, load);
        assertThat(b).as("same bytes, same source, same resolution").isSameAs(a);
        assertThat(loads).as("loaded and built once").hasValue(1);
        SharedFenceIndexes.Entry c = SharedFenceIndexes.acquire(other, "huli-demo.geojson", 9,
                () -> ClassifyPositions.load(other, "huli-demo.geojson"));
        SharedFenceIndexes.Entry d = SharedFenceIndexes.acquire(demo, "huli-demo.geojson", 10, load);
        assertThat(c).as("other bytes").isNotSameAs(a);
        assertThat(c.index.fenceSet().version()).isEqualTo("huli-demo-2");
        assertThat(d).as("another resolution").isNotSameAs(a);
        assertThat(d.cells.resolution()).isEqualTo(10);
        assertThat(SharedFenceIndexes.size()).isEqualTo(before + 3);

        SharedFenceIndexes.release(a);
        assertThat(SharedFenceIndexes.size()).as("one user left").isEqualTo(before + 3);
        SharedFenceIndexes.release(b);
        SharedFenceIndexes.release(c);
        SharedFenceIndexes.release(d);
        SharedFenceIndexes.release(null);
        assertThat(SharedFenceIndexes.size()).as("nothing held once no subtask uses it").isEqualTo(before);
        SharedFenceIndexes.Entry again = SharedFenceIndexes.acquire(demo, "huli-demo.geojson", 9, load);
        assertThat(again).as("built anew after the last release").isNotSameAs(a);
        assertThat(loads).hasValue(3);
        SharedFenceIndexes.release(again);
    }
}
