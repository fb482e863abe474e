package org.bikefence.geofence;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.Polygonal;

/**
 * One regulated area: an id, what it regulates, whom it applies to, when it is in force and its
 * WGS84 polygon(s).
 */
public final class Fence {

    private final String id;
    private final FenceKind kind;
    private final String name;
    private final Set<String> operators;
    /** No operator named: the fence applies to all (checked per position and fence, so kept as a field). */
    private final boolean allOperators;
    private final OptionalInt capacity;
    private final Geometry geometry;
    private final Map<String, String> names;
    private final Schedule schedule;
    private final Optional<Instant> effectiveFrom;
    private final Optional<Instant> effectiveUntil;
    private final OptionalInt graceMinutes;

    /**
     * Creates a fence; structural checks only, geometric validation is the loaders' job because
     * they can say which file and feature is wrong.
     *
     * @param operators operators the fence applies to; empty means all operators
     * @param geometry Polygon or MultiPolygon, x = longitude, y = latitude (copied)
     */
    public Fence(String id, FenceKind kind, String name, Set<String> operators, OptionalInt capacity,
            Geometry geometry) {
        this(id, kind, name, Map.of(), operators, capacity, geometry, Schedule.always(),
                Optional.empty(), Optional.empty(), OptionalInt.empty());
    }

    private Fence(String id, FenceKind kind, String name, Map<String, String> names,
            Set<String> operators, OptionalInt capacity, Geometry geometry, Schedule schedule,
            Optional<Instant> effectiveFrom, Optional<Instant> effectiveUntil,
            OptionalInt graceMinutes) {
        this.id = requireNonBlank(id, "id");
        this.kind = Objects.requireNonNull(kind, "kind");
        this.names = Collections.unmodifiableMap(new LinkedHashMap<>(names));
        this.name = name != null ? name : names.isEmpty() ? id : names.values().iterator().next();
        Objects.requireNonNull(operators, "operators");
        // LinkedHashSet keeps the file's order so toString and re-serialisation are stable.
        this.operators = Collections.unmodifiableSet(new LinkedHashSet<>(operators));
        this.allOperators = this.operators.isEmpty();
        this.capacity = Objects.requireNonNull(capacity, "capacity");
        Objects.requireNonNull(geometry, "geometry");
        if (!(geometry instanceof Polygonal) || geometry.isEmpty()) {
            throw new IllegalArgumentException(
                    "fence " + id + ": geometry must be a non-empty Polygon or MultiPolygon, got "
                            + geometry.getGeometryType());
        }
        // Copy so a caller mutating its geometry afterwards cannot corrupt a built FenceIndex.
        this.geometry = geometry.copy();
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.effectiveFrom = Objects.requireNonNull(effectiveFrom, "effectiveFrom");
        this.effectiveUntil = Objects.requireNonNull(effectiveUntil, "effectiveUntil");
        if (effectiveFrom.isPresent() && effectiveUntil.isPresent()
                && !effectiveUntil.get().isAfter(effectiveFrom.get())) {
            throw new IllegalArgumentException("fence " + id + ": effectiveUntil "
                    + effectiveUntil.get() + " is not after effectiveFrom " + effectiveFrom.get());
        }
        this.graceMinutes = Objects.requireNonNull(graceMinutes, "graceMinutes");
        if (graceMinutes.isPresent() && graceMinutes.getAsInt() < 0) {
            throw new IllegalArgumentException("fence " + id + ": graceMinutes must be >= 0");
        }
    }

    /** Starts building a fence with everything optional left at its default. */
    public static Builder builder(String id, FenceKind kind, Geometry geometry) {
        return new Builder(id, kind, geometry);
    }

    /** A builder preset with this fence's properties, e.g. to replace its geometry. */
    public Builder toBuilder() {
        Builder b = new Builder(id, kind, geometry);
        b.name = name.equals(id) && names.isEmpty() ? null : name;
        b.names.putAll(names);
        b.operators.addAll(operators);
        b.capacity = capacity;
        b.schedule = schedule;
        b.effectiveFrom = effectiveFrom;
        b.effectiveUntil = effectiveUntil;
        b.graceMinutes = graceMinutes;
        return b;
    }

    private static String requireNonBlank(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        return value;
    }

    public String id() {
        return id;
    }

    public FenceKind kind() {
        return kind;
    }

    /**
     * Human-readable name, possibly Chinese; the first of {@link #names()} when only translations
     * were given, the id when the source gave none.
     */
    public String name() {
        return name;
    }

    /** Names by language tag (e.g. "zh", "en") in source order; empty when the source gave one plain name. */
    public Map<String, String> names() {
        return names;
    }

    /** Weekly windows in which the fence is in force; {@link Schedule#always()} by default. */
    public Schedule schedule() {
        return schedule;
    }

    /** First instant the fence is in force (inclusive); empty = since ever. */
    public Optional<Instant> effectiveFrom() {
        return effectiveFrom;
    }

    /** Instant the fence stops being in force (exclusive); empty = until further notice. */
    public Optional<Instant> effectiveUntil() {
        return effectiveUntil;
    }

    /**
     * Minutes a bike may stand before a violation opens, when this fence overrides the rule set's
     * grace period (key_control zones, 严管区, are stricter).
     */
    public OptionalInt graceMinutes() {
        return graceMinutes;
    }

    /**
     * True when the fence is in force at the instant: inside its effective period (from inclusive,
     * until exclusive) and inside one of its schedule windows, read in the schedule's time zone.
     */
    public boolean isActiveAt(long epochMs) {
        if (effectiveFrom.isPresent() && epochMs < effectiveFrom.get().toEpochMilli()) {
            return false;
        }
        if (effectiveUntil.isPresent() && epochMs >= effectiveUntil.get().toEpochMilli()) {
            return false;
        }
        return schedule.isActiveAt(epochMs);
    }

    /** True when the fence has no schedule and no effective period: in force at every instant. */
    public boolean isPermanent() {
        return schedule.isAlways() && effectiveFrom.isEmpty() && effectiveUntil.isEmpty();
    }

    /** Operators this fence applies to; empty means it applies to every operator. */
    public Set<String> operators() {
        return operators;
    }

    public boolean appliesTo(String operator) {
        return allOperators || operators.contains(operator);
    }

    /** Number of bikes a parking fence holds, when the source says. */
    public OptionalInt capacity() {
        return capacity;
    }

    /**
     * The fence's Polygon or MultiPolygon (x = longitude, y = latitude). JTS geometries are
     * mutable; this is the fence's own instance, shared for speed, and must not be modified.
     */
    public Geometry geometry() {
        return geometry;
    }

    /** Fences are identified by id alone: a fence set never holds two fences with one id. */
    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof Fence other && id.equals(other.id));
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "Fence{" + id + ", " + kind.wireName() + ", " + name + "}";
    }

    /** Builds a {@link Fence}; only id, kind and geometry are required. */
    public static final class Builder {
        private final String id;
        private final FenceKind kind;
        private Geometry geometry;
        private String name;
        private final Map<String, String> names = new LinkedHashMap<>();
        private final Set<String> operators = new LinkedHashSet<>();
        private OptionalInt capacity = OptionalInt.empty();
        private Schedule schedule = Schedule.always();
        private Optional<Instant> effectiveFrom = Optional.empty();
        private Optional<Instant> effectiveUntil = Optional.empty();
        private OptionalInt graceMinutes = OptionalInt.empty();

        private Builder(String id, FenceKind kind, Geometry geometry) {
            this.id = id;
            this.kind = kind;
            this.geometry = geometry;
        }

        /** The display name; defaults to the first translation, else the id. */
        public Builder name(String value) {
            this.name = value;
            return this;
        }

        /** Adds a translated name, e.g. ("zh", "湖里万达禁停区"). */
        public Builder name(String languageTag, String text) {
            this.names.put(Objects.requireNonNull(languageTag, "languageTag"),
                    Objects.requireNonNull(text, "text"));
            return this;
        }

        /** Operators the fence applies to; none = every operator. */
        public Builder operators(Set<String> values) {
            this.operators.clear();
            this.operators.addAll(values);
            return this;
        }

        public Builder capacity(int bikes) {
            this.capacity = OptionalInt.of(bikes);
            return this;
        }

        public Builder capacity(OptionalInt bikes) {
            this.capacity = Objects.requireNonNull(bikes, "capacity");
            return this;
        }

        public Builder schedule(Schedule value) {
            this.schedule = Objects.requireNonNull(value, "schedule");
            return this;
        }

        public Builder effectiveFrom(Instant value) {
            this.effectiveFrom = Optional.ofNullable(value);
            return this;
        }

        public Builder effectiveUntil(Instant value) {
            this.effectiveUntil = Optional.ofNullable(value);
            return this;
        }

        public Builder graceMinutes(int minutes) {
            this.graceMinutes = OptionalInt.of(minutes);
            return this;
        }

        public Builder graceMinutes(OptionalInt minutes) {
            this.graceMinutes = Objects.requireNonNull(minutes, "graceMinutes");
            return this;
        }

        public Builder geometry(Geometry value) {
            this.geometry = value;
            return this;
        }

        /** @throws IllegalArgumentException on a blank id, non-polygonal geometry or inverted period */
        public Fence build() {
            return new Fence(id, kind, name, names, operators, capacity, geometry, schedule,
                    effectiveFrom, effectiveUntil, graceMinutes);
        }
    }
}
