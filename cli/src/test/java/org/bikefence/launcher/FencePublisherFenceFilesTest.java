package org.bikefence.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.bikefence.cli.Bikefence;
import org.bikefence.geofence.Fence;
import org.bikefence.geofence.FenceFiles;
import org.bikefence.geofence.FenceKind;
import org.bikefence.geofence.FenceLoaders;
import org.bikefence.geofence.FenceSet;
import org.bikefence.geofence.LoadOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code fences publish} takes the files and options {@code fences classify} takes; what it puts on the topic. */
class FencePublisherFenceFilesTest {
    private static final Path V1 = Path.of("../flink-jobs/src/test/resources/fences/it-fences.geojson");

    @TempDir
    Path dir;

    private static String square(double minLng, double minLat, double maxLng, double maxLat) {
        return String.format(Locale.ROOT, "[[%s,%s],[%s,%s],[%s,%s],[%s,%s],[%s,%s]]", minLng, minLat, maxLng, minLat,
                maxLng, maxLat, minLng, maxLat, minLng, minLat);
    }

    private Path plainZones() throws Exception {
        return Files.writeString(dir.resolve("no-ride.geojson"), "{\"type\":\"FeatureCollection\",\"features\":["
                + "{\"type\":\"Feature\",\"properties\":{\"FID\":7,\"NAME\":\"A\"},\"geometry\":{\"type\":\"Polygon\","
                + "\"coordinates\":[" + square(118.100, 24.500, 118.101, 24.501) + "]}}]}");
    }

    @Test
    void oneFileWithoutOptionsGoesAsItIs() throws Exception {
        FencePublisher.Content c = FencePublisher.content(List.of(FenceFiles.Entry.of(V1.toString())),
                LoadOptions.defaults(), null);
        assertThat(c.bytes()).isEqualTo(Files.readAllBytes(V1));
    }

    @Test
    void filesWithOptionsGoAsOneSetTheJobsReadWithDefaultOptions() throws Exception {
        List<FenceFiles.Entry> files = FenceFiles.parseList(plainZones() + ":kind=no_park,id-property=FID,"
                + "name-property=NAME;" + V1);
        FencePublisher.Content c = FencePublisher.content(files, LoadOptions.defaults(), "huli-7");
        // what a job does with every record of the topic
        FenceSet read = FenceLoaders.load(c.bytes(), "geofences-0@3", LoadOptions.defaults()).fences();
        assertThat(read.version()).isEqualTo("huli-7");
        assertThat(read.byId("7").orElseThrow().kind()).isEqualTo(FenceKind.NO_PARK);
        assertThat(read.byId("7").orElseThrow().name()).isEqualTo("A");
        FenceSet v1 = FenceLoaders.load(V1, LoadOptions.defaults()).fences();
        assertThat(read.fences()).extracting(Fence::id).containsAll(v1.fences().stream().map(Fence::id).toList())
                .hasSize(v1.size() + 1);
        // without the options the plain file is refused, and nothing would be published
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> FencePublisher.content(
                List.of(FenceFiles.Entry.of(plainZones().toString())), LoadOptions.defaults(), null))
                .hasMessageContaining("property \"version\": missing");
    }

    @Test
    void badFileOptionsAreAUsageErrorBeforeKafkaIsAsked() throws Exception {
        StringWriter err = new StringWriter();
        CommandLine cl = Bikefence.commandLine();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        int exit = cl.execute("fences", "publish", "--bootstrap", "127.0.0.1:1", plainZones() + ":knd=no_park");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).startsWith("bikefence fences publish: fence file '" + dir.resolve("no-ride.geojson")
                + ":knd=no_park': unknown option 'knd'; known: kind, crs");
        StringWriter err2 = new StringWriter();
        cl.setErr(new PrintWriter(err2, true));
        assertThat(cl.execute("fences", "publish", "--bootstrap", "127.0.0.1:1", "--kind", "noparking",
                V1.toString())).isEqualTo(2);
        assertThat(err2.toString()).contains("noparking");
        assertThat(new String(Files.readAllBytes(V1), StandardCharsets.UTF_8)).isNotEmpty();
    }
}
