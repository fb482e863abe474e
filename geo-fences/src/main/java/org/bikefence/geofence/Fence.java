package org.bikefence.geofence;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.Polygonal;

/** One regulated area: an id, what it regulates, whom it applies to and its WGS84 polygon(s). */
public final class Fence {

    private final String id;
    private final FenceKind kind;
    private final String name;
    private final Set<String> operators;
    private final OptionalInt capacity;
    private final Geometry geometry;

    /**
     * Creates a fence; structural checks only, geometric validation is the loaders' job because
     * they can say which file and feature is wrong.
     *
     * @param operators operators the fence applies to; empty means all operators
     * @param geometry Polygon or MultiPolygon, x = longitude, y = latitude (copied)
     */
    public Fence(String id, FenceKind kind, String name, Set<String> operators, OptionalInt capacity,
            Geometry geometry) {
        this.id = requireNonBlank(id, "id");
        this.kind = Objects.requireNonNull(kind, "kind");
        this.name = name == null ? id : name;
        Objects.requireNonNull(operators, "operators");
        // LinkedHashSet keeps the file's order so toString and re-serialisation are stable.
        this.operators = Collections.unmodifiableSet(new LinkedHashSet<>(operators));
        this.capacity = Objects.requireNonNull(capacity, "capacity");
        Objects.requireNonNull(geometry, "geometry");
        if (!(geometry instanceof Polygonal) || geometry.isEmpty()) {
            throw new IllegalArgumentException(
                    "fence " + id + ": geometry must be a non-empty Polygon or MultiPolygon, got "
                            + geometry.getGeometryType());
        }
        // Copy so a caller mutating its geometry afterwards cannot corrupt a built FenceIndex.
        this.geometry = geometry.copy();
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

    /** Human-readable name, possibly Chinese; the id when the source gave none. */
    public String name() {
        return name;
    }

    /** Operators this fence applies to; empty means it applies to every operator. */
    public Set<String> operators() {
        return operators;
    }

    public boolean appliesTo(String operator) {
        return operators.isEmpty() || operators.contains(operator);
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
}
