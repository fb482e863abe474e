package org.bikefence.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bikefence.ingest.IngestFixtures.T0;
import static org.bikefence.ingest.IngestFixtures.normalizer;
import static org.bikefence.ingest.IngestFixtures.observation;

import java.nio.charset.StandardCharsets;
import org.bikefence.decode.PositionDecoder;
import org.bikefence.geofence.crs.Crs;
import org.bikefence.model.BikePosition;
import org.bikefence.model.BikeState;
import org.junit.jupiter.api.Test;

class PositionNormalizerTest {

    @Test
    void convertsTheDeclaredSystemToWgs84OnceAndDropsTheCrsField() throws Exception {
        PositionNormalizer n = normalizer("qingju", Crs.BD09, T0);

        PositionNormalizer.Result r = n.normalize(observation("q-1", T0 - 1_000, 24.5110, 118.1520, BikeState.PARKED));

        double[] wgs = Crs.BD09.toWgs84(24.5110, 118.1520);
        assertThat(r.accepted()).isTrue();
        assertThat(r.position())
                .isEqualTo(new BikePosition("qingju", "q-1", T0 - 1_000, wgs[0], wgs[1], BikeState.PARKED));
        String json = new String(r.value(), StandardCharsets.UTF_8);
        assertThat(json).doesNotContain("crs").startsWith("{\"operator\":\"qingju\",\"bikeId\":\"q-1\",\"ts\":");
        // BD-09 is several hundred metres off WGS84 in Xiamen: the conversion happened.
        assertThat(Math.abs(wgs[1] - 118.1520)).isGreaterThan(0.005);
        // The job decodes exactly the same position (no second conversion: no crs field).
        assertThat(new PositionDecoder(() -> T0, 600_000).decode(r.value())).isEqualTo(r.position());
    }

    @Test
    void wgs84PassesThroughUnchanged() {
        PositionNormalizer.Result r = normalizer("hello", Crs.WGS84, T0)
                .normalize(observation("h", T0, 24.5, 118.1, BikeState.FAULTY));
        assertThat(r.position().lat).isEqualTo(24.5);
        assertThat(r.position().lng).isEqualTo(118.1);
        assertThat(r.position().state).isEqualTo(BikeState.FAULTY);
    }

    @Test
    void namesGpsOutliersSwappedCoordinatesAndImpossiblePositions() {
        PositionNormalizer n = normalizer("hello", Crs.GCJ02, T0);

        Rejection berlin = n.normalize(observation("d4", T0, 52.5203, 13.4049, BikeState.PARKED)).rejection();
        assertThat(berlin.reason()).isEqualTo(Reasons.OUTSIDE_CITY);
        assertThat(berlin.detail()).contains("52.5203").contains("lat [24.2, 24.95]");
        assertThat(berlin.bikeId()).isEqualTo("d4");
        assertThat(new String(berlin.original(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":\"d4\"}");

        assertThat(n.normalize(observation("e5", T0, 118.145, 24.502, BikeState.PARKED)).rejection().reason())
                .isEqualTo(Reasons.SWAPPED_COORDINATES);
        assertThat(n.normalize(observation("e6", T0, 0.0, 0.0, BikeState.PARKED)).rejection().reason())
                .isEqualTo(Reasons.OUTSIDE_CITY);
        assertThat(n.normalize(observation("e7", T0, Double.NaN, 118.1, BikeState.PARKED)).rejection().reason())
                .isEqualTo(Reasons.OUT_OF_RANGE);
        assertThat(n.normalize(observation("e8", T0, 24.5, 190.0, BikeState.PARKED)).rejection().reason())
                .isEqualTo(Reasons.OUT_OF_RANGE);
    }

    @Test
    void swappedDetectionWorksForSmallBoxesToo() {
        // A box where lat and lng ranges overlap nowhere with their swap, inside [-90, 90] both ways.
        PositionNormalizer n =
                new PositionNormalizer("x", Crs.WGS84, new CityBounds(10, 11, 50, 51), () -> T0, 600_000);
        assertThat(n.normalize(observation("s", T0, 50.5, 10.5, BikeState.PARKED)).rejection().reason())
                .isEqualTo(Reasons.SWAPPED_COORDINATES);
    }

    @Test
    void theJobsDecoderRulesApply() {
        PositionNormalizer n = normalizer("hello", Crs.WGS84, T0);
        Rejection future = n.normalize(observation("f", T0 + 3_600_000, 24.5, 118.1, BikeState.PARKED)).rejection();
        assertThat(future.reason()).isEqualTo(PositionDecoder.FUTURE_TIMESTAMP);
        assertThat(n.normalize(observation("", T0, 24.5, 118.1, BikeState.PARKED)).rejection().reason())
                .isEqualTo(PositionDecoder.MISSING_FIELD);
    }
    @Test
    void idsOverTheJobsLimitAreTooLargeAndNoDeadLetterKey() {
        PositionNormalizer n = normalizer("hello", Crs.WGS84, T0);
        String id64 = "h".repeat(PositionDecoder.DEFAULT_MAX_BIKE_ID_LENGTH);
        assertThat(n.normalize(observation(id64, T0, 24.5, 118.1, BikeState.PARKED)).position().bikeId)
                .isEqualTo(id64);

        Rejection longId = n.normalize(observation(id64 + "h", T0, 24.5, 118.1, BikeState.PARKED)).rejection();
        assertThat(longId.reason()).isEqualTo(Reasons.TOO_LARGE).isEqualTo("too_large");
        assertThat(longId.detail()).contains("65 characters");
        assertThat(longId.bikeId()).isNull();

        // 100 KB: the contract record would be over 64 KiB, refused by the same decoder with the same reason.
        Rejection huge = n.normalize(observation("h".repeat(100 * 1024), T0, 24.5, 118.1, BikeState.PARKED))
                .rejection();
        assertThat(huge.reason()).isEqualTo(Reasons.TOO_LARGE);
        assertThat(huge.detail()).contains("bytes; at most 65536 allowed");
        assertThat(huge.bikeId()).isNull();
    }

    @Test
    void aRejectionKeepsItsIdAsKeyUpToTheLimitOnly() {
        String id64 = "\uD83D\uDEB2".repeat(64);
        assertThat(new Rejection(id64, Reasons.OUTSIDE_CITY, "d", new byte[0]).bikeId()).isEqualTo(id64);
        assertThat(new Rejection(id64 + "x", Reasons.DUPLICATE_ID, "d", new byte[0]).bikeId()).isNull();
    }
}
