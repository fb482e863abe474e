package org.bikefence.geofence;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.PrecisionModel;
import org.locationtech.jts.io.ParseException;
import org.locationtech.jts.io.geojson.GeoJsonReader;

/**
 * Loads a {@link FenceSet} from a GeoJSON FeatureCollection (RFC 7946, WGS84) whose features carry
 * the fence properties {@code id, kind, name, operators, capacity}; see the module README.
 */
public final class GeoJsonFenceLoader {

    /** SRID 4326: fence coordinates are WGS84 longitude/latitude in degrees. */
    static final GeometryFactory WGS84 = new GeometryFactory(new PrecisionModel(), 4326);

    // Duplicate keys would otherwise silently keep the last value, hiding a typo'd edit.
    private static final ObjectMapper MAPPER =
            new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private GeoJsonFenceLoader() {}

    public static FenceSet load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return load(in, file.toString());
        } catch (IOException e) {
            throw new FenceFileException(file.toString(), FenceFileException.NO_FEATURE, null, null,
                    "cannot read file: " + e, e);
        }
    }

    /** @param sourceName how error messages name the source, typically a file name or URL */
    public static FenceSet load(InputStream in, String sourceName) {
        JsonNode root;
        try {
            root = MAPPER.readTree(in);
        } catch (JsonProcessingException e) {
            throw fileProblem(sourceName, null, "not valid JSON: " + e.getOriginalMessage()
                    + location(e), e);
        } catch (IOException e) {
            throw fileProblem(sourceName, null, "cannot read: " + e, e);
        }
        if (root == null || !root.isObject()) {
            throw fileProblem(sourceName, null, "expected a GeoJSON FeatureCollection object");
        }
        if (!"FeatureCollection".equals(root.path("type").asText(null))) {
            throw fileProblem(sourceName, "type", "expected \"FeatureCollection\", got "
                    + root.path("type"));
        }
        JsonNode version = root.get("version");
        if (version == null || !version.isTextual() || version.asText().isBlank()) {
            throw fileProblem(sourceName, "version", version == null
                    ? "missing (a non-blank string naming this fence set's revision)"
                    : "expected a non-blank string, got " + version);
        }
        JsonNode features = root.get("features");
        if (features == null || !features.isArray()) {
            throw fileProblem(sourceName, "features", "expected an array, got " + features);
        }

        GeoJsonReader geometryReader = new GeoJsonReader(WGS84);
        List<Fence> fences = new ArrayList<>(features.size());
        Map<String, Integer> firstIndexOfId = new HashMap<>();
        for (int i = 0; i < features.size(); i++) {
            Fence fence = readFeature(features.get(i), new Where(sourceName, i), geometryReader);
            Integer previous = firstIndexOfId.putIfAbsent(fence.id(), i);
            if (previous != null) {
                throw new Where(sourceName, i).withId(fence.id()).problem("id",
                        "duplicate value \"" + fence.id() + "\" (first used by feature #"
                                + previous + ")");
            }
            fences.add(fence);
        }
        return new FenceSet(version.asText(), fences);
    }

    private static Fence readFeature(JsonNode feature, Where where, GeoJsonReader geometryReader) {
        if (!feature.isObject() || !"Feature".equals(feature.path("type").asText(null))) {
            throw where.problem("type", "expected a GeoJSON Feature object");
        }
        JsonNode properties = feature.path("properties");

        JsonNode idNode = properties.get("id");
        if (idNode == null || idNode.isNull()) {
            // GeoJSON's own Feature.id is what many editors write; accept it as a fallback.
            idNode = feature.get("id");
        }
        if (idNode == null || idNode.isNull()) {
            throw where.problem("id", "missing");
        }
        if (!(idNode.isTextual() || idNode.isIntegralNumber()) || idNode.asText().isBlank()) {
            throw where.problem("id", "expected a non-blank string, got " + idNode);
        }
        String id = idNode.asText();
        where = where.withId(id);

        JsonNode kindNode = properties.get("kind");
        if (kindNode == null || kindNode.isNull()) {
            throw where.problem("kind", "missing; allowed: " + FenceKind.allowedWireNames());
        }
        FenceKind kind;
        try {
            kind = FenceKind.fromWireName(kindNode.isTextual() ? kindNode.asText() : kindNode.toString());
        } catch (IllegalArgumentException e) {
            throw where.problem("kind", "unknown value " + kindNode + "; allowed: "
                    + FenceKind.allowedWireNames());
        }

        String name = null;
        JsonNode nameNode = properties.get("name");
        if (nameNode != null && !nameNode.isNull()) {
            if (!nameNode.isTextual()) {
                throw where.problem("name", "expected a string, got " + nameNode);
            }
            name = nameNode.asText();
        }

        Set<String> operators = new LinkedHashSet<>();
        JsonNode operatorsNode = properties.get("operators");
        if (operatorsNode != null && !operatorsNode.isNull()) {
            if (!operatorsNode.isArray()) {
                throw where.problem("operators", "expected an array of strings, got " + operatorsNode);
            }
            for (JsonNode op : operatorsNode) {
                if (!op.isTextual() || op.asText().isBlank()) {
                    throw where.problem("operators", "expected non-blank strings, got " + op);
                }
                operators.add(op.asText());
            }
        }

        OptionalInt capacity = OptionalInt.empty();
        JsonNode capacityNode = properties.get("capacity");
        if (capacityNode != null && !capacityNode.isNull()) {
            if (!capacityNode.isIntegralNumber() || !capacityNode.canConvertToInt()
                    || capacityNode.asInt() < 0) {
                throw where.problem("capacity",
                        "expected a non-negative integer, got " + capacityNode);
            }
            capacity = OptionalInt.of(capacityNode.asInt());
        }

        Geometry geometry = readGeometry(feature.get("geometry"), where, geometryReader);
        return new Fence(id, kind, name, operators, capacity, geometry);
    }

    private static Geometry readGeometry(JsonNode node, Where where, GeoJsonReader reader) {
        if (node == null || node.isNull()) {
            throw where.problem("geometry", "missing");
        }
        String type = node.path("type").asText(null);
        // Checked on the JSON so that a Point or LineString is named as such, not as a parse error.
        if (!"Polygon".equals(type) && !"MultiPolygon".equals(type)) {
            throw where.problem("geometry", "geometry type " + node.path("type")
                    + " is not a Polygon or MultiPolygon");
        }
        Geometry geometry;
        try {
            geometry = reader.read(node.toString());
        } catch (ParseException | RuntimeException e) {
            // JTS reports unclosed or too-short rings as IllegalArgumentException.
            throw where.problem("geometry", "unreadable " + type + ": " + e.getMessage(), e);
        }
        String problem = FenceGeometryChecks.problem(geometry);
        if (problem != null) {
            throw where.problem("geometry", problem);
        }
        return geometry;
    }

    private static FenceFileException fileProblem(String source, String property, String problem) {
        return fileProblem(source, property, problem, null);
    }

    private static FenceFileException fileProblem(String source, String property, String problem,
            Throwable cause) {
        return new FenceFileException(source, FenceFileException.NO_FEATURE, null, property,
                problem, cause);
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? ""
                : " (line " + e.getLocation().getLineNr() + ", column "
                        + e.getLocation().getColumnNr() + ")";
    }

    /** Where in the source a feature sits, for error messages. */
    private record Where(String source, int index, String id) {
        Where(String source, int index) {
            this(source, index, null);
        }

        Where withId(String newId) {
            return new Where(source, index, newId);
        }

        FenceFileException problem(String property, String problem) {
            return problem(property, problem, null);
        }

        FenceFileException problem(String property, String problem, Throwable cause) {
            return new FenceFileException(source, index, id, property, problem, cause);
        }
    }
}
