package org.bikefence.geofence;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Fixture files under src/test/resources/fences, all made for these tests. */
public final class TestFiles {

    private TestFiles() {}

    /** The path of a fixture, e.g. {@code fixture("city/parking.csv")}. */
    public static Path fixture(String relative) {
        URL url = TestFiles.class.getResource("/fences/" + relative);
        if (url == null) {
            throw new IllegalArgumentException("no test fixture fences/" + relative);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes a UTF-8 file into {@code dir} and returns its path. */
    public static Path write(Path dir, String name, String content) {
        try {
            return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
