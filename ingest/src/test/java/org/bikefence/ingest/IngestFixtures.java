package org.bikefence.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.bikefence.geofence.crs.Crs;
import org.bikefence.model.BikeState;

/** Named instants, operators and fixture files of the ingest tests (files under src/test/resources/ingest/). */
public final class IngestFixtures {

    /** {@code last_updated} of the first GBFS snapshot, 2026-05-28T20:26:40Z. */
    public static final long T0 = 1_780_000_000_000L;
    /** When the adapter fetches the first snapshot: 5 s after it was published. */
    public static final long FETCH_1 = T0 + 5_000;
    /** {@code last_updated} of the second snapshot. */
    public static final long T1 = T0 + 30_000;
    public static final long FETCH_2 = T1 + 5_000;

    static final Duration FRESHNESS = Duration.ofSeconds(120);

    private IngestFixtures() {}

    public static OperatorFeed gbfsOperator(String id, String url, Crs crs) {
        return new OperatorFeed(id, OperatorFeed.Kind.GBFS, url, crs, null, null, Duration.ofSeconds(30), FRESHNESS);
    }

    static PositionNormalizer normalizer(String operator, Crs crs, long now) {
        return new PositionNormalizer(operator, crs, CityBounds.XIAMEN, () -> now, 600_000);
    }

    static Observation observation(String id, long ts, double lat, double lng, BikeState state) {
        return new Observation(id, ts, lat, lng, state, ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] bytes(String resource) {
        try (InputStream in = IngestFixtures.class.getResourceAsStream("/ingest/" + resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource ingest/" + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(String resource) {
        return new String(bytes(resource), StandardCharsets.UTF_8);
    }
}
