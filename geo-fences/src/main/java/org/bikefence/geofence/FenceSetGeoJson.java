package org.bikefence.geofence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.format.DateTimeFormatter;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.geom.Polygon;

/**
 * Writes a loaded {@link FenceSet} as bikefence GeoJSON (WGS84, every property explicit), so that a set
 * made of several files with their own options (plain GIS files, MDS geographies, GCJ-02 CSV, ...) can
 * travel as one self-describing file: the job gets it at submission and on the fences topic, and reads it
 * with the default options into the same fences (ids, kinds, names, operators, capacity, grace, schedule,
 * effective period, geometry: coordinates are written as the shortest decimal that reads back to the same
 * double).
 */
public final class FenceSetGeoJson {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");

    private FenceSetGeoJson() {}

    /** The set as UTF-8 GeoJSON text. */
    public static byte[] write(FenceSet set) {
        ObjectNode root = JSON.objectNode();
        root.put("type", "FeatureCollection");
        root.put("version", set.version());
        root.put("crs", "WGS84");
        root.put("timeZone", set.zone().getId());
        ArrayNode features = root.putArray("features");
        for (Fence f : set.fences()) {
            features.add(feature(f));
        }
        try {
            return GeoJsonFenceLoader.MAPPER.writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write fence set " + set.version(), e);
        }
    }

    private static ObjectNode feature(Fence f) {
        ObjectNode feature = JSON.objectNode();
        feature.put("type", "Feature");
        ObjectNode p = feature.putObject("properties");
        p.put("id", f.id());
        p.put("kind", f.kind().wireName());
        name(f, p);
        if (!f.operators().isEmpty()) {
            ArrayNode ops = p.putArray("operators");
            f.operators().forEach(ops::add);
        }
        f.capacity().ifPresent(c -> p.put("capacity", c));
        f.graceMinutes().ifPresent(g -> p.put("graceMinutes", g));
        if (!f.schedule().isAlways()) {
            ArrayNode windows = p.putArray("schedule");
            for (Schedule.Window w : f.schedule().windows()) {
                ObjectNode o = windows.addObject();
                ArrayNode days = o.putArray("days");
                for (DayOfWeek d : EnumSet.copyOf(w.days())) {
                    days.add(d.name().substring(0, 3));
                }
                o.put("start", w.start().format(HH_MM));
                o.put("end", w.endOfDay() ? "24:00" : w.end().format(HH_MM));
            }
        }
        f.effectiveFrom().ifPresent(t -> p.put("effectiveFrom", t.toString()));
        f.effectiveUntil().ifPresent(t -> p.put("effectiveUntil", t.toString()));
        feature.set("geometry", geometry(f.geometry()));
        return feature;
    }

    /**
     * A plain name as a string; translations as an object whose first entry is the display name (the loader
     * takes the first as the display name), or just the display name when it is none of them.
     */
    private static void name(Fence f, ObjectNode p) {
        Map<String, String> names = f.names();
        if (names.isEmpty()) {
            if (!f.name().equals(f.id())) {
                p.put("name", f.name());
            }
            return;
        }
        String displayLanguage = null;
        for (Map.Entry<String, String> e : names.entrySet()) {
            if (e.getValue().equals(f.name())) {
                displayLanguage = e.getKey();
                break;
            }
        }
        if (displayLanguage == null) {
            p.put("name", f.name());
            return;
        }
        ObjectNode o = p.putObject("name");
        o.put(displayLanguage, f.name());
        names.forEach((lang, text) -> {
            if (!o.has(lang)) {
                o.put(lang, text);
            }
        });
    }

    private static ObjectNode geometry(Geometry g) {
        ObjectNode o = JSON.objectNode();
        if (g instanceof Polygon || g.getNumGeometries() == 1) {
            o.put("type", "Polygon");
            o.set("coordinates", rings((Polygon) g.getGeometryN(0)));
        } else {
            o.put("type", "MultiPolygon");
            ArrayNode polygons = o.putArray("coordinates");
            for (int i = 0; i < g.getNumGeometries(); i++) {
                polygons.add(rings((Polygon) g.getGeometryN(i)));
            }
        }
        return o;
    }

    private static ArrayNode rings(Polygon polygon) {
        ArrayNode rings = JSON.arrayNode();
        rings.add(ring(polygon.getExteriorRing()));
        for (int i = 0; i < polygon.getNumInteriorRing(); i++) {
            rings.add(ring(polygon.getInteriorRingN(i)));
        }
        return rings;
    }

    private static ArrayNode ring(LineString ring) {
        ArrayNode positions = JSON.arrayNode();
        for (Coordinate c : ring.getCoordinates()) {
            positions.addArray().add(c.x).add(c.y);
        }
        return positions;
    }

    /** The fences of {@code set} that {@link #write} cannot carry unchanged; for a check after writing. */
    static List<String> differences(FenceSet expected, FenceSet actual) {
        java.util.List<String> d = new java.util.ArrayList<>();
        if (!expected.version().equals(actual.version())) {
            d.add("version " + expected.version() + " != " + actual.version());
        }
        if (expected.size() != actual.size()) {
            d.add(expected.size() + " fences != " + actual.size());
            return d;
        }
        for (int i = 0; i < expected.size(); i++) {
            Fence a = expected.fences().get(i);
            Fence b = actual.fences().get(i);
            if (!a.id().equals(b.id()) || a.kind() != b.kind() || !a.name().equals(b.name())
                    || !a.operators().equals(b.operators()) || !a.capacity().equals(b.capacity())
                    || !a.graceMinutes().equals(b.graceMinutes())
                    || !(a.schedule().isAlways() ? b.schedule().isAlways() : a.schedule().equals(b.schedule()))
                    || !a.effectiveFrom().equals(b.effectiveFrom())
                    || !a.effectiveUntil().equals(b.effectiveUntil())
                    || !sameGeometry(a.geometry(), b.geometry())) {
                d.add("fence " + a.id() + " differs");
            }
        }
        return d;
    }

    private static boolean sameGeometry(Geometry a, Geometry b) {
        if (a.getNumGeometries() != b.getNumGeometries()) {
            return false;
        }
        for (int i = 0; i < a.getNumGeometries(); i++) {
            if (!a.getGeometryN(i).equalsExact(b.getGeometryN(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@link #write}, then reads the text back as the job will and checks that it holds the same fences.
     *
     * @throws FenceFileException when the written set does not read back (naming the source)
     * @throws IllegalStateException when it reads back different
     */
    public static byte[] writeChecked(FenceSet set, String source) {
        byte[] bytes = write(set);
        FenceSet back = FenceLoaders.load(bytes, source, LoadOptions.defaults()).fences();
        List<String> d = differences(set, back);
        if (!d.isEmpty()) {
            throw new IllegalStateException(source + ": the combined fence set does not read back the same: "
                    + String.join("; ", d.subList(0, Math.min(5, d.size()))));
        }
        return bytes;
    }
}
