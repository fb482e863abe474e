package org.bikefence.geofence;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.bikefence.geofence.crs.Crs;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.operation.union.UnaryUnionOp;

/**
 * Loads MDS Geography objects (MDS 1.x and 2.x: a geographies.json list, a single-geography
 * response, or a bare Geography) and turns chosen ones into fences. MDS geographies carry no
 * fence kind of their own: the MDS Policy rules that reference them decide (callers pass a kind per
 * id), else the caller's kind, else the kind the {@code geography_type} names.
 */
public final class MdsGeographyLoader {

    private MdsGeographyLoader() {}

    /** Geographies of one MDS source, in file order, with the loader's warnings. */
    public record Geographies(String source, String version, Map<String, MdsGeography> byId,
            List<String> warnings, List<String> repairs) {

        public Geographies {
            byId = Collections.unmodifiableMap(new LinkedHashMap<>(byId));
            warnings = List.copyOf(warnings);
            repairs = List.copyOf(repairs);
        }

        public Optional<MdsGeography> get(String id) {
            return Optional.ofNullable(byId.get(id));
        }
    }

    /** @throws FenceFileException listing every problem (up to the options' limit) */
    public static Geographies load(Path file, LoadOptions options) {
        try (InputStream in = Files.newInputStream(file)) {
            return load(in, file.toString(), options);
        } catch (IOException e) {
            throw new FenceFileException(file.toString(), FenceFileException.NO_FEATURE, null, null,
                    "cannot read file: " + e, e);
        }
    }

    /** @throws FenceFileException listing every problem (up to the options' limit) */
    public static Geographies load(InputStream in, String sourceName, LoadOptions options) {
        LoadContext ctx = new LoadContext(sourceName, options);
        return load(GeoJsonFenceLoader.readJson(in, ctx), ctx);
    }

    /** True when the JSON looks like an MDS geography document. */
    static boolean looksLikeMds(JsonNode root) {
        return root != null && root.isObject() && (root.has("geographies") || root.has("geography")
                || root.has("geography_id") || root.path("data").has("geographies")
                || root.path("data").has("geography"));
    }

    static Geographies load(JsonNode root, LoadContext ctx) {
        if (root == null || !root.isObject()) {
            throw ctx.fatal(null, "expected an MDS Geography JSON object");
        }
        List<JsonNode> items = new ArrayList<>();
        JsonNode list = root.has("geographies") ? root.get("geographies")
                : root.path("data").get("geographies");
        JsonNode single = root.has("geography") ? root.get("geography")
                : root.path("data").get("geography");
        if (list != null) {
            if (!list.isArray()) {
                throw ctx.fatal("geographies", "expected an array, got " + FenceJson.abbreviate(list));
            }
            list.forEach(items::add);
        } else if (single != null) {
            items.add(single);
        } else if (root.has("geography_id")) {
            items.add(root);
        } else {
            throw ctx.fatal(null, "no \"geographies\", \"geography\" or \"geography_id\":"
                    + " not an MDS Geography document");
        }
        Map<String, MdsGeography> byId = new LinkedHashMap<>();
        Map<String, Integer> firstIndex = new LinkedHashMap<>();
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            // MDS 1.x examples wrap each one: {"version": ..., "geography": {...}}.
            if (item.isObject() && !item.has("geography_id") && item.has("geography")) {
                item = item.get("geography");
            }
            MdsGeography g = readGeography(item, i, ctx);
            if (g != null) {
                Integer previous = firstIndex.putIfAbsent(g.id(), i);
                if (previous != null) {
                    ctx.problem(i, g.id(), "geography_id", "duplicate value \"" + g.id()
                            + "\" (first used by geography #" + previous + ")");
                } else {
                    byId.put(g.id(), g);
                }
            }
        }
        ctx.throwIfProblems();
        String version = root.path("version").asText("");
        return new Geographies(ctx.source, version, byId, ctx.warnings(), ctx.repairs());
    }

    private static MdsGeography readGeography(JsonNode node, int index, LoadContext ctx) {
        if (!node.isObject()) {
            ctx.problem(index, null, null, "expected a Geography object, got "
                    + FenceJson.abbreviate(node));
            return null;
        }
        int before = ctx.problemCount();
        String id = text(node, "geography_id");
        if (id == null || id.isBlank()) {
            ctx.problem(index, null, "geography_id", "missing");
            return null;
        }
        String name = text(node, "name");
        Optional<Instant> published = time(node, "published_date", index, id, ctx);
        Optional<Instant> effective = time(node, "effective_date", index, id, ctx);
        Optional<Instant> retire = time(node, "retire_date", index, id, ctx);
        if (effective.isPresent() && retire.isPresent() && !retire.get().isAfter(effective.get())) {
            ctx.problem(index, id, "retire_date", retire.get() + " is not after effective_date "
                    + effective.get());
        }
        List<String> previous = new ArrayList<>();
        for (JsonNode p : node.path("prev_geographies")) {
            previous.add(p.asText());
        }
        JsonNode fc = node.get("geography_json");
        if (fc == null || !fc.isObject()) {
            ctx.problem(index, id, "geography_json", "missing: a GeoJSON FeatureCollection is required");
            return null;
        }
        List<JsonNode> features = new ArrayList<>();
        if ("FeatureCollection".equals(fc.path("type").asText())) {
            fc.path("features").forEach(features::add);
        } else if ("Feature".equals(fc.path("type").asText())) {
            features.add(fc);
        } else {
            ctx.problem(index, id, "geography_json", "expected a FeatureCollection, got type "
                    + fc.path("type"));
            return null;
        }
        List<Geometry> parts = new ArrayList<>();
        int skipped = 0;
        for (int f = 0; f < features.size(); f++) {
            JsonNode geometry = features.get(f).get("geometry");
            String type = geometry == null ? "null" : geometry.path("type").asText("null");
            if (!"Polygon".equals(type) && !"MultiPolygon".equals(type)) {
                skipped++;
                continue;
            }
            String where = "geography_json feature #" + f;
            List<List<double[][]>> raw = FenceJson.polygons(geometry,
                    p -> ctx.problem(index, id, where, p));
            if (raw == null) {
                continue;
            }
            Geometry g = FenceGeometryChecks.toFenceGeometry(raw, ctx.options.crs(), ctx.options,
                    new FenceGeometryChecks.Report() {
                        @Override
                        public void problem(String message) {
                            ctx.problem(index, id, where, message);
                        }

                        @Override
                        public void repaired(String message) {
                            ctx.repaired("geography #" + index + " (id \"" + id + "\") " + where,
                                    message);
                        }
                    });
            if (g != null) {
                parts.add(g);
            }
        }
        if (ctx.problemCount() > before) {
            return null;
        }
        String label = "geography #" + index + " (id \"" + id + "\"" + (name == null ? ""
                : ", name \"" + name + "\"") + ")";
        if (skipped > 0) {
            ctx.warn(label, skipped + " of " + features.size() + " features are not polygons"
                    + " (points or lines, e.g. stops) and are not part of its area");
        }
        // Features of one geography may overlap; the union is a valid (Multi)Polygon.
        Optional<Geometry> geometry = parts.isEmpty() ? Optional.empty()
                : Optional.of(parts.size() == 1 ? parts.get(0) : UnaryUnionOp.union(parts));
        return new MdsGeography(id, name, text(node, "description"), text(node, "geography_type"),
                geometry, published, effective, retire, previous);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** MDS timestamps are epoch milliseconds; ISO strings are accepted too. */
    private static Optional<Instant> time(JsonNode node, String field, int index, String id,
            LoadContext ctx) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (v.isIntegralNumber()) {
            return Optional.of(Instant.ofEpochMilli(v.asLong()));
        }
        if (v.isTextual() && v.asText().matches("\\d{10,}")) {
            return Optional.of(Instant.ofEpochMilli(Long.parseLong(v.asText())));
        }
        if (v.isTextual()) {
            try {
                return Optional.of(FenceJson.instant(v.asText(), ctx.options.zone()));
            } catch (IllegalArgumentException e) {
                ctx.problem(index, id, field, e.getMessage());
                return Optional.empty();
            }
        }
        ctx.problem(index, id, field, "expected epoch milliseconds, got " + v);
        return Optional.empty();
    }

    /**
     * Fences from chosen geographies: fence id = geography id, name = its name, in force from its
     * effective_date until its retire_date, applying to the options' operators.
     *
     * @param kinds geography id -> fence kind (as the MDS Policy rules that use it decide)
     * @param version version of the resulting fence set
     * @throws FenceFileException naming every id that is unknown or has no polygon
     */
    public static FenceSet toFenceSet(Geographies geographies, Map<String, FenceKind> kinds,
            String version, LoadOptions options) {
        Objects.requireNonNull(kinds, "kinds");
        LoadContext ctx = new LoadContext(geographies.source(), options);
        List<Fence> fences = new ArrayList<>();
        List<String> ids = new ArrayList<>(geographies.byId().keySet());
        int extra = ids.size();
        for (String id : kinds.keySet()) {
            if (!geographies.byId().containsKey(id)) {
                ids.add(id);
            }
        }
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            FenceKind kind = kinds.get(id);
            if (kind == null) {
                continue;
            }
            MdsGeography g = geographies.byId().get(id);
            if (g == null) {
                ctx.problem(FenceFileException.NO_FEATURE, id, "geography_id", "no geography with"
                        + " this id (known: " + String.join(", ", geographies.byId().keySet()) + ")");
                continue;
            }
            if (g.geometry().isEmpty()) {
                ctx.problem(i < extra ? i : FenceFileException.NO_FEATURE, id, "geography_json",
                        "has no Polygon or MultiPolygon features, so it cannot be a " + kind.wireName()
                                + " fence");
                continue;
            }
            Fence.Builder b = Fence.builder(id, kind, g.geometry().get())
                    .name(g.name())
                    .operators(options.operators())
                    .schedule(Schedule.always().inZone(options.zone()))
                    .effectiveFrom(g.effective().orElse(null))
                    .effectiveUntil(g.retire().orElse(null));
            fences.add(b.build());
        }
        ctx.throwIfProblems();
        return new FenceSet(version, options.zone(), fences);
    }

    /**
     * Loads a file and makes fences of the geographies named in {@link LoadOptions#mdsKinds()},
     * or, when that is empty, of every polygonal geography: with {@link LoadOptions#kind()} when
     * given, else with the kind its {@code geography_type} names ({@link #KIND_OF_TYPE}).
     *
     * @throws FenceFileException naming every geography whose type names no kind (when no kind is
     *     given), or listing every other problem
     */
    public static LoadResult loadFences(Path file, LoadOptions options) {
        return toLoadResult(load(file, options), options);
    }

    /**
     * MDS {@code geography_type} values (lower case, {@code -} and spaces read as {@code _}) that
     * name a fence kind. MDS 2.0 leaves the type free (its examples: municipal_boundary,
     * policy_zone, stop, council_district, ...; the Louisville examples add no_ride_zone,
     * operating_area, slow_ride_zone, distribution_zone); only these say what bikefence needs.
     */
    public static final Map<String, FenceKind> KIND_OF_TYPE = kindOfType();

    private static Map<String, FenceKind> kindOfType() {
        Map<String, FenceKind> m = new LinkedHashMap<>();
        for (String t : List.of("no_parking_zone", "no_parking_area", "no_parking", "no_park_zone",
                "no_ride_zone", "no_riding_zone")) {
            m.put(t, FenceKind.NO_PARK);
        }
        m.put("operating_area", FenceKind.OPERATING_AREA);
        for (String t : List.of("stop", "parking", "parking_zone", "parking_area")) {
            m.put(t, FenceKind.PARKING);
        }
        return Collections.unmodifiableMap(m);
    }

    /** The fence kind a geography_type names, if it names one ({@link #KIND_OF_TYPE}). */
    public static Optional<FenceKind> kindOfType(String geographyType) {
        if (geographyType == null) {
            return Optional.empty();
        }
        String t = geographyType.trim().toLowerCase(java.util.Locale.ROOT).replace('-', '_')
                .replace(' ', '_');
        return Optional.ofNullable(KIND_OF_TYPE.get(t));
    }

    static LoadResult toLoadResult(Geographies geographies, LoadOptions options) {
        Map<String, FenceKind> kinds = new LinkedHashMap<>(options.mdsKinds());
        List<String> warnings = new ArrayList<>(geographies.warnings());
        if (kinds.isEmpty()) {
            // --kind overrides; otherwise each geography's type decides, and one that names no kind
            // is an error: guessing would turn a city boundary into a no-park zone.
            LoadContext ctx = new LoadContext(geographies.source(), options);
            int index = 0;
            for (MdsGeography g : geographies.byId().values()) {
                int i = index++;
                if (g.geometry().isEmpty()) {
                    warnings.add(geographies.source() + ": geography \"" + g.id() + "\" ("
                            + g.name() + ") has no polygons; not a fence");
                    continue;
                }
                if (options.kind().isPresent()) {
                    kinds.put(g.id(), options.kind().get());
                    continue;
                }
                Optional<FenceKind> kind = kindOfType(g.type());
                if (kind.isPresent()) {
                    kinds.put(g.id(), kind.get());
                } else {
                    ctx.problem(i, g.id(), "geography_type", (g.type() == null ? "missing"
                            : "\"" + g.type() + "\" names no fence kind")
                            + "; mapped: " + String.join(", ", KIND_OF_TYPE.keySet())
                            + "; choose the kind with --kind KIND (or FILE:kind=KIND)");
                }
            }
            ctx.throwIfProblems();
        }
        String version = options.version().orElseGet(() -> "mds-"
                + (geographies.version().isEmpty() ? "?" : geographies.version()) + "@"
                + Path.of(geographies.source()).getFileName());
        FenceSet set = toFenceSet(geographies, kinds, version, options);
        Crs crs = options.crs();
        return new LoadResult(set, "mds", crs, warnings, geographies.repairs());
    }
}
