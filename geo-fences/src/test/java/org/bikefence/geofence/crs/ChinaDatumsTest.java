package org.bikefence.geofence.crs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ChinaDatumsTest {
    private static final double METRES_PER_DEG_LAT = 111_320.0;

    @Test
    void forwardGcj02MatchesPublishedReferencePoint() {
        // Reference vector used by the eviltransform test-suite (Beijing, Tiananmen area).
        double[] gcj = ChinaDatums.wgs84ToGcj02(39.915, 116.404);
        assertThat(gcj[0]).isCloseTo(39.91640428150164, within(1e-9));
        assertThat(gcj[1]).isCloseTo(116.41024449916938, within(1e-9));
    }

    @Test
    void gcj02OffsetInXiamenIsAFewHundredMetres() {
        double[] gcj = ChinaDatums.wgs84ToGcj02(24.50, 118.13);
        double dLatM = (gcj[0] - 24.50) * METRES_PER_DEG_LAT;
        double dLngM = (gcj[1] - 118.13) * METRES_PER_DEG_LAT * Math.cos(Math.toRadians(24.5));
        double offset = Math.hypot(dLatM, dLngM);
        assertThat(offset).isBetween(300.0, 800.0);
    }

    @Test
    void inverseGcj02IsAccurateToFarBelowHalfAMetreAcrossXiamen() {
        SplittableRandom rnd = new SplittableRandom(7);
        double worst = 0;
        for (int i = 0; i < 100_000; i++) {
            double lat = 24.40 + rnd.nextDouble() * 0.25;
            double lng = 117.90 + rnd.nextDouble() * 0.40;
            double[] gcj = ChinaDatums.wgs84ToGcj02(lat, lng);
            double[] back = Crs.GCJ02.toWgs84(gcj[0], gcj[1]);
            worst = Math.max(worst, errorMetres(lat, lng, back));
        }
        assertThat(worst).isLessThan(0.001);
    }

    @Test
    void inverseBd09RoundTripsThroughGcj02() {
        SplittableRandom rnd = new SplittableRandom(11);
        double worst = 0;
        for (int i = 0; i < 100_000; i++) {
            double lat = 24.40 + rnd.nextDouble() * 0.25;
            double lng = 117.90 + rnd.nextDouble() * 0.40;
            double[] gcj = ChinaDatums.wgs84ToGcj02(lat, lng);
            double[] bd = ChinaDatums.gcj02ToBd09(gcj[0], gcj[1]);
            double[] back = Crs.BD09.toWgs84(bd[0], bd[1]);
            worst = Math.max(worst, errorMetres(lat, lng, back));
        }
        assertThat(worst).isLessThan(0.001);
    }

    @Test
    void pointsOutsideChinaPassThroughGcj02Unchanged() {
        double[] louisville = Crs.GCJ02.toWgs84(38.25, -85.76);
        assertThat(louisville).containsExactly(38.25, -85.76);
    }

    @Test
    void parsesDeclaredNamesAndRejectsUnknownOnes() {
        assertThat(Crs.parse("gcj-02")).isEqualTo(Crs.GCJ02);
        assertThat(Crs.parse("WGS84")).isEqualTo(Crs.WGS84);
        assertThat(Crs.parse("bd09")).isEqualTo(Crs.BD09);
        assertThatThrownBy(() -> Crs.parse("UTM50")).hasMessageContaining("'UTM50'");
    }

    private static double errorMetres(double lat, double lng, double[] back) {
        double dLat = (back[0] - lat) * METRES_PER_DEG_LAT;
        double dLng = (back[1] - lng) * METRES_PER_DEG_LAT * Math.cos(Math.toRadians(lat));
        return Math.hypot(dLat, dLng);
    }
}
