package org.bikefence.geofence;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.locationtech.jts.algorithm.Orientation;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.LinearRing;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.geom.prep.PreparedGeometry;
import org.locationtech.jts.geom.prep.PreparedGeometryFactory;
import org.locationtech.jts.index.quadtree.Quadtree;

/**
 * Generates the SYNTHETIC demo fence set for Xiamen's Huli district (fences/huli-demo.geojson):
 * a hand-drawn operating area, no-parking zones around invented metro exits and crossings, and
 * parking bays along an invented street grid. Nothing here is copied from a real dataset.
 *
 * <p>Output is a pure function of the seed: StrictMath and Locale.ROOT formatting make it
 * byte-identical on every JVM, which DemoFencesTest relies on to keep the committed file honest.
 */
public final class DemoFences {

    public static final String VERSION = "huli-demo-1";
    /** Path of the committed file relative to the module; also its classpath resource name. */
    public static final String DEFAULT_FILE = "fences/huli-demo.geojson";
    private static final long SEED = 20_260_101L;

    private static final int NO_PARK_ZONES = 10;
    private static final int PARKING_FENCES = 400;
    private static final double M_PER_DEG_LAT = 110_574;
    /** Grid origin and rotation of the invented street grid. */
    private static final double ORIGIN_LNG = 118.130;
    private static final double ORIGIN_LAT = 24.505;
    private static final double STREET_ANGLE = StrictMath.toRadians(12);
    private static final double STREET_SPACING_M = 220;
    /** Parking bays keep at least this distance from no-park zones, so they never overlap. */
    private static final double NO_PARK_CLEARANCE_M = 5;

    /** Simplified, hand-drawn outline of the northern part of Xiamen Island, [lng, lat]. */
    private static final double[][] OPERATING_AREA = {
        {118.066, 24.478}, {118.064, 24.492}, {118.070, 24.503}, {118.068, 24.515},
        {118.076, 24.526}, {118.083, 24.538}, {118.092, 24.547}, {118.104, 24.553},
        {118.118, 24.557}, {118.134, 24.558}, {118.150, 24.555}, {118.163, 24.549},
        {118.176, 24.541}, {118.187, 24.530}, {118.195, 24.517}, {118.198, 24.503},
        {118.193, 24.490}, {118.180, 24.482}, {118.164, 24.478}, {118.146, 24.474},
        {118.126, 24.472}, {118.106, 24.473}, {118.086, 24.475},
    };
    /** An invented no-service hole (think airport apron), so the demo exercises holes. */
    private static final double[][] OPERATING_AREA_HOLE = {
        {118.128, 24.532}, {118.140, 24.530}, {118.149, 24.535}, {118.147, 24.544},
        {118.135, 24.546}, {118.127, 24.540},
    };

    private static final GeometryFactory GF = GeoJsonFenceLoader.WGS84;

    private final Random rnd = new Random(SEED);
    private final double mPerDegLng = 111_320 * StrictMath.cos(StrictMath.toRadians(ORIGIN_LAT));
    private final StringBuilder out = new StringBuilder();
    private int featureCount;

    private DemoFences() {}

    /** Writes the demo set to args[0], or to geo-fences/fences/huli-demo.geojson. */
    public static void main(String[] args) throws IOException {
        Path file = args.length > 0 ? Path.of(args[0])
                : Files.isDirectory(Path.of("geo-fences")) ? Path.of("geo-fences", DEFAULT_FILE)
                : Path.of(DEFAULT_FILE);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, render(), StandardCharsets.UTF_8);
        System.out.println("wrote " + file.toAbsolutePath());
    }

    /** Loads the committed demo fence set that ships inside this module's jar. */
    public static FenceSet load() {
        try (InputStream in = DemoFences.class.getResourceAsStream("/" + DEFAULT_FILE)) {
            if (in == null) {
                throw new IllegalStateException("classpath resource /" + DEFAULT_FILE + " missing");
            }
            return GeoJsonFenceLoader.load(in, "classpath:/" + DEFAULT_FILE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The demo fence set as GeoJSON text; the same string on every call and every JVM. */
    public static String render() {
        return new DemoFences().generate();
    }

    private String generate() {
        out.append("{\"type\":\"FeatureCollection\",\"version\":\"").append(VERSION).append("\",\n")
                .append("\"description\":\"SYNTHETIC demo fences for Huli district, Xiamen, drawn by")
                .append(" the bikefence DemoFences generator; not real regulatory data.\",\n")
                .append("\"features\":[\n");

        Polygon area = GF.createPolygon(ring(OPERATING_AREA, true),
                new LinearRing[] {ring(OPERATING_AREA_HOLE, false)});
        feature("huli-operating-area", FenceKind.OPERATING_AREA,
                "湖里区运营区 / Huli operating area (synthetic)", null, area);
        PreparedGeometry preparedArea = PreparedGeometryFactory.prepare(area);

        List<Geometry> noPark = new ArrayList<>();
        int metroExit = 0;
        int crossing = 0;
        while (noPark.size() < NO_PARK_ZONES) {
            double[] xy = streetCrossing(rnd.nextInt(41) - 20, rnd.nextInt(31) - 15);
            double radius = 10 + rnd.nextDouble() * 65;
            int vertices = 8 + rnd.nextInt(23);
            boolean irregular = rnd.nextInt(3) == 0;
            Polygon zone = circle(xy, radius, vertices, irregular);
            if (!preparedArea.covers(zone) || noPark.stream().anyMatch(z -> z.intersects(zone))) {
                continue;
            }
            String name = noPark.size() % 3 == 2
                    ? String.format(Locale.ROOT, "繁忙路口 %d / Busy crossing %d (synthetic)",
                            ++crossing, crossing)
                    : String.format(Locale.ROOT, "地铁站出入口%c / Metro exit %c (synthetic)",
                            (char) ('A' + metroExit), (char) ('A' + metroExit++));
            noPark.add(zone);
            feature(String.format(Locale.ROOT, "NP%02d", noPark.size()), FenceKind.NO_PARK, name,
                    null, zone);
        }
        double clearanceDeg = NO_PARK_CLEARANCE_M / M_PER_DEG_LAT;

        Quadtree placed = new Quadtree();
        int parking = 0;
        while (parking < PARKING_FENCES) {
            boolean alongU = rnd.nextBoolean();
            int street = rnd.nextInt(61) - 30;
            double along = (rnd.nextDouble() - 0.5) * 14_000;
            double side = (rnd.nextBoolean() ? 1 : -1) * (6 + rnd.nextDouble() * 3);
            double width = 2 + rnd.nextDouble();
            double length = 5 + rnd.nextDouble() * 10;
            Polygon bay = parkingBay(alongU, street * STREET_SPACING_M, along, side, width, length);
            if (!preparedArea.covers(bay)
                    || noPark.stream().anyMatch(z -> z.isWithinDistance(bay, clearanceDeg))
                    || overlapsPlaced(placed, bay)) {
                continue;
            }
            placed.insert(bay.getEnvelopeInternal(), bay);
            parking++;
            int capacity = Math.min(30, Math.max(5, (int) (length * 1.6) + rnd.nextInt(4)));
            String id = String.format(Locale.ROOT, "P%04d", parking);
            feature(id, FenceKind.PARKING, "停放区 " + id + " / Parking " + id, capacity, bay);
        }
        out.append("\n]}\n");
        return out.toString();
    }

    private static boolean overlapsPlaced(Quadtree placed, Polygon bay) {
        for (Object other : placed.query(bay.getEnvelopeInternal())) {
            if (((Geometry) other).intersects(bay)) {
                return true;
            }
        }
        return false;
    }

    /** Local metres (x east, y north) of crossing (u, v) of the rotated street grid. */
    private double[] streetCrossing(int u, int v) {
        return grid(u * STREET_SPACING_M, v * STREET_SPACING_M);
    }

    /** Rotates street-grid coordinates (a along u-streets, b across) into local east/north metres. */
    private static double[] grid(double a, double b) {
        double cos = StrictMath.cos(STREET_ANGLE);
        double sin = StrictMath.sin(STREET_ANGLE);
        return new double[] {a * cos - b * sin, a * sin + b * cos};
    }

    private Polygon circle(double[] centre, double radius, int vertices, boolean irregular) {
        double[][] lngLat = new double[vertices][];
        for (int k = 0; k < vertices; k++) {
            double angle = 2 * StrictMath.PI * k / vertices;
            // Radial jitter keeps the ring star-shaped, hence simple and valid.
            double r = irregular ? radius * (0.8 + 0.3 * rnd.nextDouble()) : radius;
            lngLat[k] = toLngLat(centre[0] + r * StrictMath.cos(angle),
                    centre[1] + r * StrictMath.sin(angle));
        }
        return GF.createPolygon(ring(lngLat, true));
    }

    /**
     * A rectangle beside a street: street line at offset {@code street} on one family, centre
     * {@code along} the street and {@code side} metres off its centre line, long side parallel.
     */
    private Polygon parkingBay(boolean alongU, double street, double along, double side,
            double width, double length) {
        double[][] corners = new double[4][];
        double[][] unit = {{-0.5, -0.5}, {0.5, -0.5}, {0.5, 0.5}, {-0.5, 0.5}};
        for (int k = 0; k < 4; k++) {
            double a = along + unit[k][0] * length;
            double b = street + side + unit[k][1] * width;
            double[] xy = alongU ? grid(a, b) : grid(b, a);
            corners[k] = toLngLat(xy[0], xy[1]);
        }
        return GF.createPolygon(ring(corners, true));
    }

    /** Local metres to [lng, lat], rounded to the 7 decimals (about 1 cm) the file carries. */
    private double[] toLngLat(double x, double y) {
        return new double[] {round7(ORIGIN_LNG + x / mPerDegLng), round7(ORIGIN_LAT + y / M_PER_DEG_LAT)};
    }

    private static double round7(double v) {
        return Double.parseDouble(String.format(Locale.ROOT, "%.7f", v));
    }

    /** Closes the ring and orients it as RFC 7946 asks: shells counter-clockwise, holes clockwise. */
    private static LinearRing ring(double[][] lngLat, boolean shell) {
        Coordinate[] coords = new Coordinate[lngLat.length + 1];
        for (int k = 0; k < lngLat.length; k++) {
            coords[k] = new Coordinate(lngLat[k][0], lngLat[k][1]);
        }
        coords[lngLat.length] = coords[0].copy();
        if (Orientation.isCCW(coords) != shell) {
            Collections.reverse(Arrays.asList(coords));
        }
        return GF.createLinearRing(coords);
    }

    private void feature(String id, FenceKind kind, String name, Integer capacity, Polygon polygon) {
        if (featureCount++ > 0) {
            out.append(",\n");
        }
        out.append("{\"type\":\"Feature\",\"properties\":{\"id\":\"").append(id)
                .append("\",\"kind\":\"").append(kind.wireName())
                .append("\",\"name\":\"").append(name).append('"');
        if (capacity != null) {
            out.append(",\"capacity\":").append(capacity);
        }
        out.append("},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[");
        appendRing(polygon.getExteriorRing().getCoordinates());
        for (int h = 0; h < polygon.getNumInteriorRing(); h++) {
            out.append(',');
            appendRing(polygon.getInteriorRingN(h).getCoordinates());
        }
        out.append("]}}");
    }

    private void appendRing(Coordinate[] coords) {
        out.append('[');
        for (int k = 0; k < coords.length; k++) {
            if (k > 0) {
                out.append(',');
            }
            out.append(String.format(Locale.ROOT, "[%.7f,%.7f]", coords[k].x, coords[k].y));
        }
        out.append(']');
    }
}
