package org.bikefence.geofence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bikefence.geofence.TestFiles.fixture;

import java.nio.file.Path;
import org.bikefence.geofence.crs.Crs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FenceLoadersTest {

    @TempDir
    Path dir;

    @Test
    void picksTheLoaderByExtensionAndContent() {
        assertThat(FenceLoaders.load(fixture("city/parking.csv"), LoadOptions.defaults()).format())
                .isEqualTo("city-csv");
        assertThat(FenceLoaders.load(fixture("gbfs/zones-v3.json"), LoadOptions.defaults()).format())
                .isEqualTo("gbfs");
        assertThat(FenceLoaders.load(fixture("gbfs/zones-v2.3.json"), LoadOptions.defaults())
                .format()).isEqualTo("gbfs");
        LoadResult geojson = FenceLoaders.load(fixture("geojson/gcj02-square.geojson"),
                LoadOptions.defaults());
        assertThat(geojson.format()).isEqualTo("geojson");
        assertThat(geojson.crs()).isEqualTo(Crs.GCJ02);
        assertThat(FenceLoaders.load(Path.of(DemoFences.DEFAULT_FILE), LoadOptions.defaults())
                .fences().version()).isEqualTo(DemoFences.VERSION);
    }

    @Test
    void csvContentWithoutTheExtensionIsReadAsCsv() {
        Path file = TestFiles.write(dir, "fences.txt",
                "FENCE_ID,FENCE_LOC\nA,\"[118.1,24.5],[118.1001,24.5],[118.1001,24.5001],[118.1,24.5]\"\n");
        assertThat(FenceLoaders.load(file, LoadOptions.defaults()).format()).isEqualTo("city-csv");
    }

    @Test
    void aBadFileThrowsSoTheCallerKeepsItsSet() {
        FenceSet current = FenceLoaders.load(fixture("city/parking.csv"), LoadOptions.defaults())
                .fences();
        FenceSet kept = current;
        try {
            kept = FenceLoaders.load(fixture("city/bad.csv"), LoadOptions.defaults()).fences();
        } catch (FenceFileException e) {
            assertThat(e.totalProblems()).isEqualTo(8);
        }
        assertThat(kept).isSameAs(current);
    }

    @Test
    void missingFileIsNamed() {
        Path missing = dir.resolve("nope.geojson");
        assertThatThrownBy(() -> FenceLoaders.load(missing, LoadOptions.defaults()))
                .isInstanceOf(FenceFileException.class)
                .hasMessageStartingWith(missing + ": cannot read file");
    }
}
