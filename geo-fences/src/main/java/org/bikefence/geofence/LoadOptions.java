package org.bikefence.geofence;

import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.bikefence.geofence.crs.Crs;

/**
 * How to read a fence file: its coordinate system and time zone where the format cannot say,
 * the city's bounding box, whether to repair invalid polygons, and format-specific choices.
 */
public final class LoadOptions {

    /** Problems listed in one {@link FenceFileException} before the rest are only counted. */
    public static final int DEFAULT_MAX_PROBLEMS = 100;

    private static final LoadOptions DEFAULTS = builder().build();

    private final Crs crs;
    private final ZoneId zone;
    private final Bounds cityBounds;
    private final boolean repair;
    private final FenceKind kind;
    private final Set<String> operators;
    private final Set<String> vehicleTypeIds;
    private final Map<String, FenceKind> mdsKinds;
    private final String version;
    private final int maxProblems;
    private final boolean gbfsRestrictionsWin;
    private final String idProperty;
    private final String nameProperty;

    private LoadOptions(Builder b) {
        this.crs = b.crs;
        this.zone = b.zone;
        this.cityBounds = b.cityBounds;
        this.repair = b.repair;
        this.kind = b.kind;
        this.operators = Set.copyOf(new LinkedHashSet<>(b.operators));
        this.vehicleTypeIds = Set.copyOf(b.vehicleTypeIds);
        this.mdsKinds = Map.copyOf(b.mdsKinds);
        this.version = b.version;
        this.maxProblems = b.maxProblems;
        this.gbfsRestrictionsWin = b.gbfsRestrictionsWin;
        this.idProperty = b.idProperty;
        this.nameProperty = b.nameProperty;
    }

    /** WGS84, Asia/Shanghai, no bounding box, no repair. */
    public static LoadOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.crs = crs;
        b.zone = zone;
        b.cityBounds = cityBounds;
        b.repair = repair;
        b.kind = kind;
        b.operators.addAll(operators);
        b.vehicleTypeIds.addAll(vehicleTypeIds);
        b.mdsKinds.putAll(mdsKinds);
        b.version = version;
        b.maxProblems = maxProblems;
        b.gbfsRestrictionsWin = gbfsRestrictionsWin;
        b.idProperty = idProperty;
        b.nameProperty = nameProperty;
        return b;
    }

    /**
     * Coordinate system of files that cannot declare one (CSV, GBFS, MDS) and of GeoJSON files
     * without a "crs" member; WGS84 by default.
     */
    public Crs crs() {
        return crs;
    }

    /** Time zone of sources that cannot declare one; Asia/Shanghai by default. */
    public ZoneId zone() {
        return zone;
    }

    /** When present, every vertex must lie in this box (after conversion to WGS84). */
    public Optional<Bounds> cityBounds() {
        return Optional.ofNullable(cityBounds);
    }

    /** Repair invalid polygons with JTS GeometryFixer (each repair becomes a warning) instead of rejecting them. */
    public boolean repair() {
        return repair;
    }

    /**
     * Kind for formats that carry none: CSV (default parking), GeoJSON features without a
     * {@code kind} property (a plain GIS file, see {@link #readsPlainGeoJson()}) and MDS geographies
     * without an entry in {@link #mdsKinds()} (it then overrides their {@code geography_type}).
     */
    public Optional<FenceKind> kind() {
        return Optional.ofNullable(kind);
    }

    /** Operators that fences from CSV, GBFS and MDS sources apply to; empty = every operator. */
    public Set<String> operators() {
        return operators;
    }

    /**
     * GBFS: the vehicle types that matter; a zone's first rule naming one of them (or naming no
     * types) decides the fence kind. Empty = the first rule naming no types decides, else the
     * zone's first rule.
     */
    public Set<String> vehicleTypeIds() {
        return vehicleTypeIds;
    }

    /** MDS: geography id -> kind; when non-empty only these geographies become fences. */
    public Map<String, FenceKind> mdsKinds() {
        return mdsKinds;
    }

    /**
     * GeoJSON: the feature property holding each fence's id (e.g. {@code FID} of a GIS export);
     * absent = the {@code id} property, the Feature's own {@code id}, and in a plain GIS file the
     * feature's index.
     */
    public Optional<String> idProperty() {
        return Optional.ofNullable(idProperty);
    }

    /** GeoJSON: the feature property holding each fence's name (e.g. {@code NAME}); absent = {@code name}. */
    public Optional<String> nameProperty() {
        return Optional.ofNullable(nameProperty);
    }

    /**
     * True when a GeoJSON FeatureCollection is read as a plain GIS file, not as bikefence's own
     * format: when a kind or an id property is given. Features then take the kind when they have
     * no {@code kind}, ids default to {@code <file>#<index>}, operators default to
     * {@link #operators()}, and a file without {@code version} gets a content hash.
     */
    public boolean readsPlainGeoJson() {
        return kind != null || idProperty != null;
    }

    /**
     * Fence set version; when given it names the set whatever the file says, otherwise the file's
     * own (bikefence GeoJSON {@code version}), else one derived from the source (CSV, plain GeoJSON:
     * a content hash; GBFS, MDS: their version and file name).
     */
    public Optional<String> version() {
        return Optional.ofNullable(version);
    }

    public int maxProblems() {
        return maxProblems;
    }

    /**
     * GBFS: false (default) applies the spec's precedence, the earlier of overlapping zones wins;
     * true keeps every zone whole, so no-park zones overlay the operating area whatever their
     * order. Real feeds often list the operating area first, which by the spec would void every
     * no-park zone inside it.
     */
    public boolean gbfsRestrictionsWin() {
        return gbfsRestrictionsWin;
    }

    /** Equal options read every file alike (so {@code equals(defaults())} tells "no option given"). */
    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof LoadOptions other && crs == other.crs && zone.equals(other.zone)
                && Objects.equals(cityBounds, other.cityBounds) && repair == other.repair && kind == other.kind
                && operators.equals(other.operators) && vehicleTypeIds.equals(other.vehicleTypeIds)
                && mdsKinds.equals(other.mdsKinds) && Objects.equals(version, other.version)
                && maxProblems == other.maxProblems && gbfsRestrictionsWin == other.gbfsRestrictionsWin
                && Objects.equals(idProperty, other.idProperty) && Objects.equals(nameProperty, other.nameProperty));
    }

    @Override
    public int hashCode() {
        return Objects.hash(crs, zone, cityBounds, repair, kind, operators, vehicleTypeIds, mdsKinds, version,
                maxProblems, gbfsRestrictionsWin, idProperty, nameProperty);
    }

    /** Builds {@link LoadOptions}. */
    public static final class Builder {
        private Crs crs = Crs.WGS84;
        private ZoneId zone = Schedule.DEFAULT_ZONE;
        private Bounds cityBounds;
        private boolean repair;
        private FenceKind kind;
        private final Set<String> operators = new LinkedHashSet<>();
        private final Set<String> vehicleTypeIds = new LinkedHashSet<>();
        private final Map<String, FenceKind> mdsKinds = new LinkedHashMap<>();
        private String version;
        private int maxProblems = DEFAULT_MAX_PROBLEMS;
        private boolean gbfsRestrictionsWin;
        private String idProperty;
        private String nameProperty;

        private Builder() {}

        public Builder idProperty(String value) {
            this.idProperty = blankToNull(value);
            return this;
        }

        public Builder nameProperty(String value) {
            this.nameProperty = blankToNull(value);
            return this;
        }

        private static String blankToNull(String value) {
            return value == null || value.isBlank() ? null : value;
        }

        public Builder gbfsRestrictionsWin(boolean value) {
            this.gbfsRestrictionsWin = value;
            return this;
        }

        public Builder crs(Crs value) {
            this.crs = Objects.requireNonNull(value, "crs");
            return this;
        }

        public Builder zone(ZoneId value) {
            this.zone = Objects.requireNonNull(value, "zone");
            return this;
        }

        public Builder cityBounds(Bounds value) {
            this.cityBounds = value;
            return this;
        }

        public Builder repair(boolean value) {
            this.repair = value;
            return this;
        }

        public Builder kind(FenceKind value) {
            this.kind = value;
            return this;
        }

        public Builder operators(Set<String> values) {
            this.operators.clear();
            this.operators.addAll(values);
            return this;
        }

        public Builder vehicleTypeIds(Set<String> values) {
            this.vehicleTypeIds.clear();
            this.vehicleTypeIds.addAll(values);
            return this;
        }

        public Builder mdsKinds(Map<String, FenceKind> values) {
            this.mdsKinds.clear();
            this.mdsKinds.putAll(values);
            return this;
        }

        public Builder version(String value) {
            this.version = value;
            return this;
        }

        public Builder maxProblems(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("maxProblems must be at least 1");
            }
            this.maxProblems = value;
            return this;
        }

        public LoadOptions build() {
            return new LoadOptions(this);
        }
    }
}
