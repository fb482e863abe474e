package org.bikefence.geofence.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import org.bikefence.geofence.Fence;
import org.bikefence.geofence.FenceKind;
import org.bikefence.geofence.FenceSet;
import org.bikefence.geofence.SyntheticCity;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.geom.PrecisionModel;

/**
 * The benchmarks' fence sets and bike positions: {@code synthetic} (SyntheticCity, always there)
 * and {@code real} (the 14,071 DCIC 2021 Xiamen parking fences and morning-peak bike positions,
 * read at run time from {@link #REAL_DIR} and never copied into the repository, plus the synthetic
 * operating area and no-park zones).
 */
final class Datasets {

    static final Path REAL_DIR = Path.of(System.getProperty("bikefence.realData",
            "/work/shared/data/xiamen-dcic2021-bike"));
    static final Path REAL_FENCES = REAL_DIR.resolve("gxdc_tcd_fences.geojson");
    static final Path REAL_POSITIONS = REAL_DIR.resolve("morning_peak_bike_positions.csv");

    static final int POINTS = 1 << 20;

    static final GeometryFactory WGS84 = new GeometryFactory(new PrecisionModel(), 4326);

    private Datasets() {}

    record Data(FenceSet fences, double[] lats, double[] lngs, String note) {}

    static Data load(String name) {
        SyntheticCity city = SyntheticCity.generate();
        return switch (name) {
            case "synthetic" -> {
                double[][] p = city.bikePositions(POINTS, 1);
                yield new Data(city.fences(), p[0], p[1], "synthetic city, synthetic positions");
            }
            case "real" -> real(city);
            default -> throw new IllegalArgumentException("unknown dataset " + name);
        };
    }

    private static Data real(SyntheticCity city) {
        if (!Files.isRegularFile(REAL_FENCES) || !Files.isRegularFile(REAL_POSITIONS)) {
            throw new IllegalStateException("real data not found in " + REAL_DIR
                    + " (optional: run only -p dataset=synthetic)");
        }
        GeometryFactory gf = WGS84;
        List<Fence> fences = new ArrayList<>(city.noPark());
        fences.add(city.operatingArea());
        int invalid = 0;
        try {
            JsonNode features = new ObjectMapper().readTree(REAL_FENCES.toFile()).get("features");
            for (int n = 0; n < features.size(); n++) {
                JsonNode ring = features.get(n).get("geometry").get("coordinates").get(0);
                Coordinate[] cs = new Coordinate[ring.size()];
                for (int k = 0; k < cs.length; k++) {
                    cs[k] = new Coordinate(ring.get(k).get(0).asDouble(), ring.get(k).get(1).asDouble());
                }
                Polygon p = gf.createPolygon(cs);
                if (!p.isValid()) {
                    invalid++;
                    continue;
                }
                fences.add(new Fence(String.format("R%05d", n), FenceKind.PARKING, null, Set.of(),
                        OptionalInt.empty(), p));
            }
            List<double[]> positions = new ArrayList<>();
            try (BufferedReader r = Files.newBufferedReader(REAL_POSITIONS)) {
                r.readLine();
                for (String line; (line = r.readLine()) != null; ) {
                    String[] f = line.split(",");
                    positions.add(new double[] {Double.parseDouble(f[1]), Double.parseDouble(f[2])});
                }
            }
            // Real positions in random order, repeated to fill the array.
            Random rnd = new Random(3);
            double[] lats = new double[POINTS];
            double[] lngs = new double[POINTS];
            for (int k = 0; k < POINTS; k++) {
                double[] p = positions.get(rnd.nextInt(positions.size()));
                lats[k] = p[0];
                lngs[k] = p[1];
            }
            return new Data(new FenceSet("dcic2021-real-plus-synthetic-zones", fences), lats, lngs,
                    String.format("%d real parking fences (%d invalid skipped) + synthetic zones, "
                            + "%d real bike positions", fences.size() - city.noPark().size() - 1,
                            invalid, positions.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
