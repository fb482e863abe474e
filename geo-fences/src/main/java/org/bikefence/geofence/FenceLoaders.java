package org.bikefence.geofence;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Loads any supported fence file, choosing the loader by extension and content: {@code .csv} is
 * the city platform export; JSON is GBFS geofencing_zones when it has
 * {@code data.geofencing_zones}, MDS when it has geographies, else bikefence GeoJSON.
 */
public final class FenceLoaders {

    private FenceLoaders() {}

    /**
     * @throws FenceFileException listing every problem (up to the options' limit); a caller that
     *     already has a fence set keeps it
     */
    public static LoadResult load(Path file, LoadOptions options) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new FenceFileException(file.toString(), FenceFileException.NO_FEATURE, null, null,
                    "cannot read file: " + e, e);
        }
        return load(bytes, file.toString(), options);
    }

    /**
     * Loads a fence file given as bytes (a fence update off Kafka, a file read at submission), picking the
     * format from the source name's extension and the content.
     */
    public static LoadResult load(byte[] bytes, String source, LoadOptions options) {
        String name = source.toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv") || !looksLikeJson(bytes)) {
            return CityCsvFenceLoader.load(new ByteArrayInputStream(bytes), source, options);
        }
        LoadContext ctx = new LoadContext(source, options);
        JsonNode root = GeoJsonFenceLoader.readJson(new ByteArrayInputStream(bytes), ctx);
        if (root != null && root.path("data").has("geofencing_zones")) {
            return GbfsGeofencingLoader.load(root, ctx);
        }
        if (MdsGeographyLoader.looksLikeMds(root)) {
            return MdsGeographyLoader.toLoadResult(MdsGeographyLoader.load(root, ctx), options);
        }
        return GeoJsonFenceLoader.load(root, ctx, bytes);
    }

    private static boolean looksLikeJson(byte[] bytes) {
        for (byte b : bytes) {
            if (b == '{' || b == '[') {
                return true;
            }
            if (!Character.isWhitespace(b) && b != (byte) 0xEF && b != (byte) 0xBB
                    && b != (byte) 0xBF) {
                return false;
            }
        }
        return false;
    }
}
