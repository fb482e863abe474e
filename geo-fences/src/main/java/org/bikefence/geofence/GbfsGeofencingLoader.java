package org.bikefence.geofence;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.geom.Polygonal;
import org.locationtech.jts.geom.util.PolygonExtracter;

/**
 * Loads a GBFS {@code geofencing_zones.json} (v2.1-v2.3 and v3.x) as fences: a zone where bikes
 * may not end rides is no_park, a zone requiring station parking is parking, a zone that allows
 * ending rides is operating_area. Where zones overlap, GBFS gives the earlier zone's rules
 * precedence, so a later zone of a different kind loses the overlap. See the module README.
 */
public final class GbfsGeofencingLoader {

    private GbfsGeofencingLoader() {}

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
        return load(GeoJsonFenceLoader.readJson(in, ctx), ctx);
    }

    /** The rule that decides, reduced to what bikefence regulates. */
    private record Effect(FenceKind kind, String why) {}

    static LoadResult load(JsonNode root, LoadContext ctx) {
        JsonNode zones = root == null ? null : root.path("data").get("geofencing_zones");
        if (zones == null || !zones.isObject()) {
            throw ctx.fatal("data.geofencing_zones", "missing: not a GBFS geofencing_zones.json");
        }
        JsonNode features = zones.get("features");
        if (features == null || !features.isArray()) {
            throw ctx.fatal("data.geofencing_zones.features", "expected an array, got " + features);
        }
        String gbfsVersion = root.path("version").asText("");
        boolean v3 = gbfsVersion.isEmpty() ? looksLikeV3(features) : gbfsVersion.startsWith("3");
        if (gbfsVersion.isEmpty()) {
            ctx.warn("version", "missing; read as GBFS " + (v3 ? "3.0" : "2.3")
                    + " judging by the rule fields");
        } else if (!gbfsVersion.matches("2\\.[1-3](-RC\\d?)?|3\\.\\d+(-RC\\d?)?")) {
            ctx.warn("version", "\"" + gbfsVersion + "\" is not a GBFS version with geofencing"
                    + " (2.1-2.3, 3.x); read as " + (v3 ? "3.x" : "2.x"));
        }

        Effect global = null;
        JsonNode globalRules = root.path("data").get("global_rules");
        if (globalRules != null && globalRules.isArray()) {
            JsonNode rule = firstApplicableRule(globalRules, ctx.options.vehicleTypeIds());
            if (rule != null) {
                global = effect(rule, v3, -1, "global_rules", ctx);
                if (global != null && global.kind == FenceKind.NO_PARK) {
                    ctx.warn("global_rules", global.why + " outside every zone; bikefence has no"
                            + " 'everywhere else' fence: zones that allow ending rides become"
                            + " operating_area fences, so 'outside every operating_area' carries"
                            + " this rule");
                }
            }
        }

        List<Fence> fences = new ArrayList<>();
        List<Integer> featureIndexOfFence = new ArrayList<>();
        for (int i = 0; i < features.size(); i++) {
            Fence fence = readZone(features.get(i), i, v3, global, ctx);
            if (fence != null) {
                fences.add(fence);
                featureIndexOfFence.add(i);
            }
        }
        ctx.throwIfProblems();
        if (!ctx.options.gbfsRestrictionsWin()) {
            fences = applyPrecedence(fences, featureIndexOfFence, ctx);
        }

        String version = ctx.options.version().orElseGet(() -> "gbfs-"
                + (gbfsVersion.isEmpty() ? "?" : gbfsVersion) + "@" + root.path("last_updated").asText("?"));
        return new LoadResult(new FenceSet(version, ctx.options.zone(), fences), "gbfs",
                ctx.options.crs(), ctx.warnings(), ctx.repairs());
    }

    private static boolean looksLikeV3(JsonNode features) {
        for (JsonNode f : features) {
            for (JsonNode rule : f.path("properties").path("rules")) {
                if (rule.has("ride_end_allowed")) {
                    return true;
                }
                if (rule.has("ride_allowed")) {
                    return false;
                }
            }
        }
        return true;
    }

    private static Fence readZone(JsonNode feature, int index, boolean v3, Effect global,
            LoadContext ctx) {
        String id = "zone-" + index;
        JsonNode props = feature.path("properties");
        Map<String, String> names = new LinkedHashMap<>();
        String name = readName(props.get("name"), names);
        String where = "feature #" + index + (name == null ? "" : " (name \"" + name + "\")");

        JsonNode geometryNode = feature.get("geometry");
        if (geometryNode == null || geometryNode.isNull()) {
            ctx.warn(where, "geometry is null; zone skipped");
            return null;
        }
        int before = ctx.problemCount();

        Effect effect = null;
        JsonNode rules = props.get("rules");
        if (rules != null && !rules.isNull()) {
            if (!rules.isArray()) {
                ctx.problem(index, id, "rules", "expected an array, got "
                        + FenceJson.abbreviate(rules));
            } else {
                JsonNode rule = firstApplicableRule(rules, ctx.options.vehicleTypeIds());
                if (rule != null) {
                    effect = effect(rule, v3, index, id, ctx);
                }
            }
        }
        if (effect == null && ctx.problemCount() == before) {
            // GBFS: where a zone does not say, global rules apply; without them, nothing is restricted.
            effect = global != null ? global
                    : new Effect(FenceKind.OPERATING_AREA, "no rule restricts ending rides");
        }

        Instant start = time(props.get("start"), v3, index, id, "start", ctx);
        Instant end = time(props.get("end"), v3, index, id, "end", ctx);
        if (start != null && end != null && !end.isAfter(start)) {
            ctx.problem(index, id, "end", "end " + end + " is not after start " + start);
        }

        List<List<double[][]>> raw = FenceJson.polygons(geometryNode,
                p -> ctx.problem(index, id, "geometry", p));
        Geometry geometry = raw == null ? null
                : FenceGeometryChecks.toFenceGeometry(raw, ctx.options.crs(), ctx.options,
                        new FenceGeometryChecks.Report() {
                            @Override
                            public void problem(String message) {
                                ctx.problem(index, id, "geometry", message);
                            }

                            @Override
                            public void repaired(String message) {
                                ctx.repaired(where + " -> fence " + id, message);
                            }
                        });
        if (ctx.problemCount() > before) {
            return null;
        }
        Fence.Builder builder = Fence.builder(id, effect.kind, geometry)
                .name(name)
                .operators(ctx.options.operators())
                .schedule(Schedule.always().inZone(ctx.options.zone()))
                .effectiveFrom(start)
                .effectiveUntil(end);
        names.forEach(builder::name);
        return builder.build();
    }

    private static String readName(JsonNode node, Map<String, String> names) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return node.asText();
        }
        String zh = null;
        String en = null;
        String first = null;
        if (node.isArray()) {
            for (JsonNode t : node) {
                String text = t.path("text").asText(null);
                String lang = t.path("language").asText("");
                if (text == null) {
                    continue;
                }
                names.putIfAbsent(lang, text);
                first = first == null ? text : first;
                zh = zh == null && lang.startsWith("zh") ? text : zh;
                en = en == null && lang.startsWith("en") ? text : en;
            }
        }
        return zh != null ? zh : en != null ? en : first;
    }

    /**
     * The rule that decides for bikefence's vehicles: GBFS says the earlier of colliding rules
     * takes precedence, and a rule naming no vehicle types applies to all. With configured vehicle
     * types, the first rule naming one of them or none; without, the first rule naming none (it
     * surely applies to bikes), else the zone's first rule.
     */
    private static JsonNode firstApplicableRule(JsonNode rules, Set<String> vehicleTypes) {
        JsonNode firstTyped = null;
        for (JsonNode rule : rules) {
            JsonNode types = rule.has("vehicle_type_ids") ? rule.get("vehicle_type_ids")
                    : rule.get("vehicle_type_id");
            if (types == null || !types.isArray() || types.isEmpty()) {
                return rule;
            }
            if (vehicleTypes.isEmpty()) {
                firstTyped = firstTyped == null ? rule : firstTyped;
                continue;
            }
            for (JsonNode t : types) {
                if (vehicleTypes.contains(t.asText())) {
                    return rule;
                }
            }
        }
        return firstTyped;
    }

    private static Effect effect(JsonNode rule, boolean v3, int index, String id, LoadContext ctx) {
        String endField = v3 ? "ride_end_allowed" : "ride_allowed";
        Boolean endAllowed = bool(rule.get(endField));
        Boolean throughAllowed = bool(rule.get("ride_through_allowed"));
        Boolean stationParking = bool(rule.get("station_parking"));
        if (endAllowed == null) {
            String problem = "rule: \"" + endField + "\" is " + (rule.has(endField)
                    ? "not a boolean: " + rule.get(endField) : "missing") + " (required in GBFS "
                    + (v3 ? "3.x" : "2.x") + ")";
            if (index < 0) {
                ctx.fileProblem("global_rules", problem);
            } else {
                ctx.problem(index, id, "rules", problem);
            }
            return null;
        }
        if (!endAllowed) {
            return new Effect(FenceKind.NO_PARK, endField + " = false");
        }
        if (Boolean.FALSE.equals(throughAllowed)) {
            return new Effect(FenceKind.NO_PARK, "ride_through_allowed = false");
        }
        if (Boolean.TRUE.equals(stationParking)) {
            return new Effect(FenceKind.PARKING, "station_parking = true");
        }
        return new Effect(FenceKind.OPERATING_AREA, endField + " = true");
    }

    /** GBFS booleans; some feeds write 0/1. */
    private static Boolean bool(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        if (node.isInt() && (node.asInt() == 0 || node.asInt() == 1)) {
            return node.asInt() == 1;
        }
        return null;
    }

    /** v3: RFC 3339 strings; v2: POSIX seconds. Either is accepted in either version. */
    private static Instant time(JsonNode node, boolean v3, int index, String id, String field,
            LoadContext ctx) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isIntegralNumber()) {
            return Instant.ofEpochSecond(node.asLong());
        }
        if (node.isTextual()) {
            try {
                return FenceJson.instant(node.asText(), ctx.options.zone());
            } catch (IllegalArgumentException e) {
                ctx.problem(index, id, field, e.getMessage());
                return null;
            }
        }
        ctx.problem(index, id, field, "expected " + (v3 ? "an RFC 3339 date-time string"
                : "POSIX seconds") + ", got " + node);
        return null;
    }

    /**
     * GBFS: where zones overlap, the earlier zone's rules take precedence. A later fence of a
     * different kind therefore loses the part an earlier one covers (same-kind overlaps change
     * nothing and are kept, as bikefence allows overlapping fences).
     */
    private static List<Fence> applyPrecedence(List<Fence> fences, List<Integer> featureIndex,
            LoadContext ctx) {
        List<Fence> out = new ArrayList<>(fences.size());
        for (int i = 0; i < fences.size(); i++) {
            Fence later = fences.get(i);
            Geometry remaining = later.geometry();
            List<String> cutBy = new ArrayList<>();
            for (int j = 0; j < i; j++) {
                Fence earlier = fences.get(j);
                if (earlier.kind() == later.kind() || !periodsOverlap(earlier, later)
                        || !earlier.geometry().getEnvelopeInternal()
                                .intersects(remaining.getEnvelopeInternal())) {
                    continue;
                }
                Geometry overlap = earlier.geometry().intersection(remaining);
                if (overlap.getArea() > 0) {
                    remaining = remaining.difference(earlier.geometry());
                    cutBy.add("#" + featureIndex.get(j) + " (" + earlier.kind().wireName() + ")");
                }
            }
            String where = LoadContext.feature(featureIndex.get(i), later.id());
            if (cutBy.isEmpty()) {
                out.add(later);
                continue;
            }
            Geometry polygonal = polygonal(remaining);
            if (polygonal == null) {
                ctx.warn(where, later.kind().wireName() + " zone lies wholly under earlier zone(s) "
                        + String.join(", ", cutBy) + ", whose rules take precedence; skipped"
                        + (later.kind() == FenceKind.NO_PARK ? " (if the feed lists its operating"
                                + " area first, LoadOptions.gbfsRestrictionsWin /"
                                + " --gbfs-restrictions-win keeps it)" : ""));
                continue;
            }
            double lost = FenceGeometry.areaSquareMetres(later.geometry())
                    - FenceGeometry.areaSquareMetres(polygonal);
            ctx.warn(where, Math.round(lost) + " m2 of this " + later.kind().wireName()
                    + " zone lies under earlier zone(s) " + String.join(", ", cutBy)
                    + ", whose rules take precedence there; that part is excluded");
            out.add(later.toBuilder().geometry(polygonal).build());
        }
        return out;
    }

    private static boolean periodsOverlap(Fence a, Fence b) {
        long aFrom = a.effectiveFrom().map(Instant::toEpochMilli).orElse(Long.MIN_VALUE);
        long aUntil = a.effectiveUntil().map(Instant::toEpochMilli).orElse(Long.MAX_VALUE);
        long bFrom = b.effectiveFrom().map(Instant::toEpochMilli).orElse(Long.MIN_VALUE);
        long bUntil = b.effectiveUntil().map(Instant::toEpochMilli).orElse(Long.MAX_VALUE);
        return aFrom < bUntil && bFrom < aUntil;
    }

    private static Geometry polygonal(Geometry g) {
        if (g instanceof Polygonal && !g.isEmpty() && g.getArea() > 0) {
            return g;
        }
        @SuppressWarnings("unchecked")
        List<Polygon> polys = PolygonExtracter.getPolygons(g);
        polys.removeIf(p -> p.isEmpty() || p.getArea() == 0);
        if (polys.isEmpty()) {
            return null;
        }
        return polys.size() == 1 ? polys.get(0)
                : FenceGeometryChecks.WGS84.createMultiPolygon(polys.toArray(new Polygon[0]));
    }
}
