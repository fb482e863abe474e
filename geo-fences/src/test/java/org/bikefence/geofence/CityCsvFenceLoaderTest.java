package org.bikefence.geofence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;
import static org.bikefence.geofence.TestFiles.fixture;

import java.nio.file.Path;
import java.util.Set;
import org.bikefence.geofence.crs.Crs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CityCsvFenceLoaderTest {

    @TempDir
    Path dir;

    private static final LoadOptions XIAMEN = LoadOptions.builder().cityBounds(Bounds.XIAMEN).build();

    @Test
    void loadsParkingFencesWithChineseIdsDespiteTheByteOrderMark() {
        Path file = fixture("city/parking.csv");
        LoadResult result = CityCsvFenceLoader.load(file, XIAMEN);
        FenceSet set = result.fences();
        assertThat(result.format()).isEqualTo("city-csv");
        assertThat(set.fences()).extracting(Fence::id)
                .containsExactly("湖里大道0_L_T0001", "湖里大道0_L_T0002", "吕岭路0_R_T0003");
        assertThat(set.ofKind(FenceKind.PARKING)).hasSize(3);
        assertThat(set.version()).matches("parking\\.csv@sha256:[0-9a-f]{12}");
        Fence first = set.fences().get(0);
        assertThat(first.operators()).isEmpty();
        assertThat(first.geometry().getNumPoints()).isEqualTo(5);
        assertThat(FenceGeometry.areaSquareMetres(first.geometry())).isCloseTo(20.4, within(0.5));
    }

    @Test
    void optionsGiveKindOperatorsAndVersion() {
        FenceSet set = CityCsvFenceLoader.load(fixture("city/parking.csv"), LoadOptions.builder()
                .kind(FenceKind.NO_PARK).operators(Set.of("hello")).version("city-2026-03").build())
                .fences();
        assertThat(set.ofKind(FenceKind.NO_PARK)).hasSize(3);
        assertThat(set.fences().get(0).appliesTo("meituan")).isFalse();
        assertThat(set.version()).isEqualTo("city-2026-03");
    }

    @Test
    void gcj02ExportIsConvertedToWgs84() {
        Path file = TestFiles.write(dir, "gcj.csv", "FENCE_ID,FENCE_LOC\n"
                + "G1,\"[118.104975306,24.497351832],[118.105974722,24.497351730],"
                + "[118.105974794,24.498351590],[118.104975378,24.498351692],"
                + "[118.104975306,24.497351832]\"\n");
        Fence fence = CityCsvFenceLoader.load(file, LoadOptions.builder().crs(Crs.GCJ02).build())
                .fences().byId("G1").orElseThrow();
        assertThat(fence.geometry().getCoordinates()[0].x).isCloseTo(118.100, within(1e-6));
        assertThat(fence.geometry().getCoordinates()[0].y).isCloseTo(24.500, within(1e-6));
    }

    @Test
    void listsEveryBadLineWithFileLineIdAndValue() {
        Path file = fixture("city/bad.csv");
        FenceFileException e = catchThrowableOfType(FenceFileException.class,
                () -> CityCsvFenceLoader.load(file, XIAMEN));
        String f = file.toString();
        assertThat(e.totalProblems()).isEqualTo(9);
        assertThat(e.problems()).extracting(FenceFileException.Problem::message).containsExactly(
                f + ": line 3 (id \"UNQUOTED\"): property \"FENCE_LOC\": has 9 fields where 2 are"
                        + " expected: FENCE_LOC must be quoted",
                f + ": line 4 (id \"OPEN\"): property \"FENCE_LOC\": outer ring is not closed:"
                        + " first vertex [118.1, 24.5] differs from last vertex [118.1, 24.50006]",
                f + ": line 5 (id \"OK1\"): property \"FENCE_ID\": duplicate value \"OK1\" (first"
                        + " used on line 2)",
                f + ": line 6 (id \"SWAPPED\"): property \"FENCE_LOC\": coordinate [24.5, 118.1]"
                        + " is not a valid [longitude, latitude] (lng in [-180, 180], lat in"
                        + " [-90, 90]); swapped it would be valid: the file seems to give"
                        + " [latitude, longitude] where [longitude, latitude] is expected",
                f + ": line 7 (id \"TWO\"): property \"FENCE_LOC\": outer ring has 2 distinct"
                        + " vertices, at least 3 are needed",
                f + ": line 8 (id \"BOWTIE\"): property \"FENCE_LOC\": invalid polygon:"
                        + " Self-intersection at [118.101, 24.501] (LoadOptions.repair / --repair"
                        + " would fix it with JTS GeometryFixer)",
                f + ": line 9 (id \"FLAT\"): property \"FENCE_LOC\": polygon has zero area (its"
                        + " vertices lie on one line)",
                f + ": line 10 (id \"SHANGHAI\"): property \"FENCE_LOC\": coordinate"
                        + " [121.47, 31.23] (WGS84) lies outside the city bounds lat 24.2..24.95,"
                        + " lng 117.85..118.5",
                f + ": line 11 (id \"NOTLOC\"): property \"FENCE_LOC\": expected [lon,lat]"
                        + " vertices such as \"[118.1,24.5],[118.2,24.5],...\", got \"somewhere"
                        + " near the station\"");
        assertThat(e.getMessage()).startsWith(f + ": 9 problems\n");
    }

    @Test
    void repairFixesTheRepairableLinesAndReportsEach() {
        Path file = TestFiles.write(dir, "fixable.csv", "FENCE_ID,FENCE_LOC\n"
                + "OPEN,\"[118.100000,24.500000],[118.100030,24.500000],[118.100030,24.500060]\"\n"
                + "BOWTIE,\"[118.100,24.500],[118.102,24.502],[118.102,24.500],[118.100,24.502],"
                + "[118.100,24.500]\"\n");
        assertThatThrownBy(() -> CityCsvFenceLoader.load(file, LoadOptions.defaults()))
                .hasMessageContaining("2 problems");
        LoadResult result = CityCsvFenceLoader.load(file, LoadOptions.builder().repair(true).build());
        assertThat(result.fences().size()).isEqualTo(2);
        assertThat(result.repairs()).hasSize(2);
        assertThat(result.repairs().get(0)).contains("line 2 (id \"OPEN\"): closed outer ring");
        assertThat(result.repairs().get(1)).contains("line 3 (id \"BOWTIE\"): repaired invalid"
                + " polygon: Self-intersection");
    }

    @Test
    void aQuotedLineBreakKeepsTheFollowingLineNumbersRight() {
        Path file = TestFiles.write(dir, "multi.csv", "\uFEFFFENCE_ID,FENCE_LOC\r\n"
                + "M1,\"[118.1,24.5],[118.1001,24.5],\r\n[118.1001,24.5001],[118.1,24.5]\"\r\n"
                + "BAD,\"somewhere, \"\"near\"\" the station\"\r\n");
        FenceFileException e = catchThrowableOfType(FenceFileException.class,
                () -> CityCsvFenceLoader.load(file, LoadOptions.defaults()));
        assertThat(e.problems()).extracting(FenceFileException.Problem::message).containsExactly(
                file + ": line 4 (id \"BAD\"): property \"FENCE_LOC\": expected [lon,lat] vertices such as"
                        + " \"[118.1,24.5],[118.2,24.5],...\", got \"somewhere, \"near\" the station\"");
    }

    @Test
    void aQuoteLeftOpenIsReportedWithTheLineItOpensOn() {
        Path file = TestFiles.write(dir, "open.csv", "FENCE_ID,FENCE_LOC\n"
                + "K1,\"[118.1,24.5],[118.1001,24.5],[118.1001,24.5001],[118.1,24.5]\"\n"
                + "K2,\"[118.1,24.5],\n[118.1001,24.5]\n");
        assertThatThrownBy(() -> CityCsvFenceLoader.load(file, LoadOptions.defaults()))
                .hasMessageContaining(file + ": line 3: ")
                .hasMessageContaining("EOF reached before encapsulated token finished");
    }

    @Test
    void missingHeaderColumnIsFatal() {
        Path file = TestFiles.write(dir, "h.csv", "ID,LOC\nA,\"[1,1],[2,1],[2,2],[1,1]\"\n");
        assertThatThrownBy(() -> CityCsvFenceLoader.load(file, LoadOptions.defaults()))
                .hasMessage(file + ": line 1 (no id): header [ID, LOC] lacks column FENCE_ID;"
                        + " expected FENCE_ID,FENCE_LOC");
    }

    @Test
    void outerBracketsAndExtraColumnsAreAccepted() {
        Path file = TestFiles.write(dir, "x.csv", "NOTE,FENCE_LOC,FENCE_ID\r\n"
                + "kerb,\"[[118.1,24.5],[118.1001,24.5],[118.1001,24.5001],[118.1,24.5]]\",K1\r\n");
        assertThat(CityCsvFenceLoader.load(file, LoadOptions.defaults()).fences().byId("K1"))
                .isPresent();
    }
}
