package org.bikefence.geofence;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bikefence.geofence.crs.Crs;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;

/**
 * Loads a {@link FenceSet} from a GeoJSON FeatureCollection whose features carry the fence
 * properties (id, kind, name, operators, capacity, schedule, effective dates, graceMinutes) and
 * whose top level declares version, crs and timeZone; see the module README.
 */
public final class GeoJsonFenceLoader {

    /** SRID 4326: fence coordinates are WGS84 longitude/latitude in degrees. */
    static final GeometryFactory WGS84 = FenceGeometryChecks.WGS84;

    // Duplicate keys would otherwise silently keep the last value, hiding a typo'd edit.
    static final ObjectMapper MAPPER =
            new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private GeoJsonFenceLoader() {}

    /** Loads with default options; @throws FenceFileException listing every problem */
    public static FenceSet load(Path file) {
        return load(file, LoadOptions.defaults()).fences();
    }

    /**
     * @param sourceName how error messages name the source, typically a file name or URL
     * @throws FenceFileException listing every problem
     */
    public static FenceSet load(InputStream in, String sourceName) {
        return load(in, sourceName, LoadOptions.defaults()).fences();
    }

    /** @throws FenceFileException listing every problem (up to the options' limit) */
    public static LoadResult load(Path file, LoadOptions options) {
        try (InputStream in = Files.newInputStream(file)) {
            return load(in, file.toString(), options);
        } catch (IOException e) {
            throw new FenceFileException(file.toString(), FenceFileException.NO_FEATURE, null, null,
                    "cannot read file: " + e, e);
        }
    }

    /** @throws FenceFileException listing every problem (up to the options' limit) */
    public static LoadResult load(InputStream in, String sourceName, LoadOptions options) {
        LoadContext ctx = new LoadContext(sourceName, options);
        byte[] bytes;
        try {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw ctx.fatal(null, "cannot read: " + e, e);
        }
        return load(readJson(new java.io.ByteArrayInputStream(bytes), ctx), ctx, bytes);
    }

    static JsonNode readJson(InputStream in, LoadContext ctx) {
        try {
            return MAPPER.readTree(in);
        } catch (JsonProcessingException e) {
            throw ctx.fatal(null, "not valid JSON: " + e.getOriginalMessage() + location(e), e);
        } catch (IOException e) {
            throw ctx.fatal(null, "cannot read: " + e, e);
        }
    }

    /** @param content the file's bytes, for the content-hash version of a plain GIS file; null: hash the tree */
    static LoadResult load(JsonNode root, LoadContext ctx, byte[] content) {
        if (root == null || !root.isObject()) {
            throw ctx.fatal(null, "expected a GeoJSON FeatureCollection object");
        }
        if (!"FeatureCollection".equals(root.path("type").asText(null))) {
            throw ctx.fatal("type", "expected \"FeatureCollection\", got " + root.path("type"));
        }
        JsonNode features = root.get("features");
        if (features == null || !features.isArray()) {
            throw ctx.fatal("features", "expected an array, got " + features);
        }
        JsonNode version = root.get("version");
        boolean plain = ctx.options.readsPlainGeoJson();
        boolean ownVersion = version != null && version.isTextual() && !version.asText().isBlank();
        String setVersion;
        if (ctx.options.version().isPresent()) {
            setVersion = ctx.options.version().get();
        } else if (ownVersion) {
            setVersion = version.asText();
        } else if (plain) {
            // A GIS export carries no revision: its content names it, as the city CSV's does.
            setVersion = CityCsvFenceLoader.defaultVersion(ctx.source, content != null ? content
                    : root.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } else {
            setVersion = null;
            ctx.fileProblem("version", version == null
                    ? "missing (a non-blank string naming this fence set's revision; for a plain GIS"
                            + " file give --kind KIND or --fences-version VERSION)"
                    : "expected a non-blank string, got " + version);
        }
        Crs crs = crs(root.get("crs"), ctx);
        ZoneId zone = zone(root.get("timeZone"), ctx);

        List<Fence> fences = new ArrayList<>(features.size());
        Map<String, Integer> firstIndexOfId = new HashMap<>();
        for (int i = 0; i < features.size(); i++) {
            Fence fence = readFeature(features.get(i), i, crs, zone, ctx, firstIndexOfId);
            if (fence != null) {
                fences.add(fence);
            }
        }
        ctx.throwIfProblems();
        return new LoadResult(new FenceSet(setVersion, zone, fences), plain ? "geojson (plain)"
                : "geojson", crs, ctx.warnings(), ctx.repairs());
    }

    private static Crs crs(JsonNode node, LoadContext ctx) {
        if (node == null || node.isNull()) {
            return ctx.options.crs();
        }
        if (node.isObject()) {
            // The 2008 GeoJSON "named crs" object: accept the WGS84 names files still carry.
            String name = node.path("properties").path("name").asText("");
            if (name.endsWith("CRS84") || name.endsWith("4326")) {
                return Crs.WGS84;
            }
            ctx.fileProblem("crs", "unsupported coordinate system " + node
                    + "; expected \"WGS84\", \"GCJ02\" or \"BD09\"");
            return Crs.WGS84;
        }
        try {
            return Crs.parse(node.isTextual() ? node.asText() : node.toString());
        } catch (IllegalArgumentException e) {
            ctx.fileProblem("crs", e.getMessage());
            return Crs.WGS84;
        }
    }

    private static ZoneId zone(JsonNode node, LoadContext ctx) {
        if (node == null || node.isNull()) {
            return ctx.options.zone();
        }
        try {
            return ZoneId.of(node.asText());
        } catch (DateTimeException e) {
            ctx.fileProblem("timeZone", "unknown time zone " + node
                    + "; expected an IANA name such as \"Asia/Shanghai\"");
            return ctx.options.zone();
        }
    }

    private static Fence readFeature(JsonNode feature, int index, Crs crs, ZoneId zone,
            LoadContext ctx, Map<String, Integer> firstIndexOfId) {
        if (!feature.isObject() || !"Feature".equals(feature.path("type").asText(null))) {
            ctx.problem(index, null, "type", "expected a GeoJSON Feature object");
            return null;
        }
        JsonNode properties = feature.path("properties");
        int problemsBefore = ctx.problemCount();

        LoadOptions options = ctx.options;
        boolean plain = options.readsPlainGeoJson();
        String idProperty = options.idProperty().orElse("id");
        JsonNode idNode = properties.get(idProperty);
        if ((idNode == null || idNode.isNull()) && options.idProperty().isEmpty()) {
            // GeoJSON's own Feature.id is what many editors write; accept it as a fallback.
            idNode = feature.get("id");
        }
        String id = null;
        if ((idNode == null || idNode.isNull()) && options.readsPlainGeoJson()
                && options.idProperty().isEmpty()) {
            // A plain GIS file without ids: the feature's index, qualified by the file so that the
            // ids of several files in one set stay distinct.
            idNode = com.fasterxml.jackson.databind.node.TextNode.valueOf(fileStem(ctx.source) + "#" + index);
        }
        if (idNode == null || idNode.isNull()) {
            ctx.problem(index, null, idProperty, options.idProperty().isPresent()
                    ? "missing (the id property chosen with --id-property)"
                    : "missing");
        } else if (!(idNode.isTextual() || idNode.isIntegralNumber()) || idNode.asText().isBlank()) {
            ctx.problem(index, null, idProperty, "expected a non-blank string, got " + idNode);
        } else {
            id = idNode.asText();
            Integer previous = firstIndexOfId.putIfAbsent(id, index);
            if (previous != null) {
                ctx.problem(index, id, idProperty, "duplicate value \"" + id
                        + "\" (first used by feature #" + previous + ")");
            }
        }
        final String fid = id;

        JsonNode kindNode = properties.get("kind");
        FenceKind kind = null;
        if ((kindNode == null || kindNode.isNull()) && options.kind().isPresent()) {
            kind = options.kind().get();
        } else if (kindNode == null || kindNode.isNull()) {
            ctx.problem(index, fid, "kind", "missing; allowed: " + FenceKind.allowedWireNames()
                    + "; for a plain GIS file give the kind of all its features with --kind KIND");
        } else {
            try {
                kind = FenceKind.fromWireName(kindNode.isTextual() ? kindNode.asText()
                        : kindNode.toString());
            } catch (IllegalArgumentException e) {
                ctx.problem(index, fid, "kind", "unknown value " + kindNode + "; allowed: "
                        + FenceKind.allowedWireNames());
            }
        }

        Fence.Builder builder = Fence.builder(id == null ? "?" : id,
                kind == null ? FenceKind.NO_PARK : kind, null);
        if (options.nameProperty().isPresent()) {
            String nameProperty = options.nameProperty().get();
            JsonNode nameNode = properties.get(nameProperty);
            if (nameNode != null && (nameNode.isTextual() || nameNode.isNumber())) {
                if (!nameNode.asText().isBlank()) {
                    builder.name(nameNode.asText());
                }
            } else if (nameNode != null && !nameNode.isNull()) {
                ctx.problem(index, fid, nameProperty, "expected a string (the name property chosen with"
                        + " --name-property), got " + FenceJson.abbreviate(nameNode));
            }
        } else {
            readName(properties.get("name"), builder, index, fid, ctx);
        }

        JsonNode operatorsNode = properties.get("operators");
        if ((operatorsNode == null || operatorsNode.isNull()) && plain) {
            builder.operators(options.operators());
        } else if (operatorsNode != null && !operatorsNode.isNull()) {
            if (!operatorsNode.isArray()) {
                ctx.problem(index, fid, "operators",
                        "expected an array of strings, got " + operatorsNode);
            } else {
                Set<String> operators = new LinkedHashSet<>();
                for (JsonNode op : operatorsNode) {
                    if (!op.isTextual() || op.asText().isBlank()) {
                        ctx.problem(index, fid, "operators", "expected non-blank strings, got " + op);
                    } else {
                        operators.add(op.asText());
                    }
                }
                builder.operators(operators);
            }
        }

        Integer capacity = nonNegativeInt(properties, "capacity", index, fid, ctx);
        if (capacity != null) {
            builder.capacity(capacity);
        }
        Integer grace = nonNegativeInt(properties, "graceMinutes", index, fid, ctx);
        if (grace != null) {
            builder.graceMinutes(grace);
        }

        JsonNode scheduleNode = properties.get("schedule");
        if (scheduleNode != null && !scheduleNode.isNull()) {
            Schedule schedule = FenceJson.schedule(scheduleNode, zone,
                    p -> ctx.problem(index, fid, "schedule", p));
            if (schedule != null) {
                builder.schedule(schedule);
            }
        } else {
            builder.schedule(Schedule.always().inZone(zone));
        }
        Instant from = instant(properties, "effectiveFrom", zone, index, fid, ctx);
        Instant until = instant(properties, "effectiveUntil", zone, index, fid, ctx);
        if (from != null && until != null && !until.isAfter(from)) {
            ctx.problem(index, fid, "effectiveUntil", "\"" + properties.get("effectiveUntil").asText()
                    + "\" is not after effectiveFrom \"" + properties.get("effectiveFrom").asText()
                    + "\"");
        } else {
            builder.effectiveFrom(from).effectiveUntil(until);
        }

        List<List<double[][]>> raw = FenceJson.polygons(feature.get("geometry"),
                p -> ctx.problem(index, fid, "geometry", p));
        Geometry geometry = raw == null ? null
                : FenceGeometryChecks.toFenceGeometry(raw, crs, ctx.options,
                        new FenceGeometryChecks.Report() {
                            @Override
                            public void problem(String message) {
                                ctx.problem(index, fid, "geometry", message);
                            }

                            @Override
                            public void repaired(String message) {
                                ctx.repaired(LoadContext.feature(index, fid), message);
                            }
                        });
        if (ctx.problemCount() > problemsBefore) {
            return null;
        }
        return builder.geometry(geometry).build();
    }

    private static void readName(JsonNode nameNode, Fence.Builder builder, int index, String id,
            LoadContext ctx) {
        if (nameNode == null || nameNode.isNull()) {
            return;
        }
        if (nameNode.isTextual()) {
            builder.name(nameNode.asText());
        } else if (nameNode.isObject() && !nameNode.isEmpty()) {
            // {"zh": "...", "en": "..."}: the first is the display name.
            for (Iterator<Map.Entry<String, JsonNode>> it = nameNode.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isTextual()) {
                    ctx.problem(index, id, "name", "translation \"" + e.getKey()
                            + "\": expected a string, got " + e.getValue());
                    return;
                }
                builder.name(e.getKey(), e.getValue().asText());
            }
        } else {
            ctx.problem(index, id, "name", "expected a string or an object of translations"
                    + " {\"zh\": ..., \"en\": ...}, got " + nameNode);
        }
    }

    private static Integer nonNegativeInt(JsonNode properties, String name, int index, String id,
            LoadContext ctx) {
        JsonNode node = properties.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.asInt() < 0) {
            ctx.problem(index, id, name, "expected a non-negative integer, got " + node);
            return null;
        }
        return node.asInt();
    }

    private static Instant instant(JsonNode properties, String name, ZoneId zone, int index,
            String id, LoadContext ctx) {
        JsonNode node = properties.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            ctx.problem(index, id, name, "expected an ISO date-time string, got " + node);
            return null;
        }
        try {
            return FenceJson.instant(node.asText(), zone);
        } catch (IllegalArgumentException e) {
            ctx.problem(index, id, name, e.getMessage());
            return null;
        }
    }

    /** "no-ride-zone" of "data/no-ride-zone.geojson": how index ids name their file. */
    static String fileStem(String source) {
        String name;
        try {
            java.nio.file.Path p = Path.of(source).getFileName();
            name = p == null ? source : p.toString();
        } catch (java.nio.file.InvalidPathException e) {
            name = source;
        }
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    static String location(JsonProcessingException e) {
        return e.getLocation() == null ? ""
                : " (line " + e.getLocation().getLineNr() + ", column "
                        + e.getLocation().getColumnNr() + ")";
    }
}
