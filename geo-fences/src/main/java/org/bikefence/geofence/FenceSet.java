package org.bikefence.geofence;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A versioned, immutable collection of fences with unique ids, as loaded from one source, with the
 * time zone its schedules and local dates are read in.
 */
public final class FenceSet {

    private final String version;
    private final ZoneId zone;
    private final List<Fence> fences;
    private final Map<String, Fence> byId;
    private final Map<FenceKind, List<Fence>> byKind;

    /**
     * A set in the default zone, Asia/Shanghai.
     *
     * @throws IllegalArgumentException on a blank version or a duplicate fence id
     */
    public FenceSet(String version, List<Fence> fences) {
        this(version, Schedule.DEFAULT_ZONE, fences);
    }

    /**
     * @param zone the set's time zone; loaders give each fence's schedule this zone, so
     *     {@link Fence#isActiveAt} and {@link #activeAt} agree
     * @throws IllegalArgumentException on a blank version or a duplicate fence id
     */
    public FenceSet(String version, ZoneId zone, List<Fence> fences) {
        this.zone = Objects.requireNonNull(zone, "zone");
        if (version == null || version.isBlank()) {
            throw new IllegalArgumentException("version must not be blank");
        }
        this.version = version;
        this.fences = List.copyOf(fences);
        Map<String, Fence> ids = new LinkedHashMap<>();
        Map<FenceKind, List<Fence>> kinds = new EnumMap<>(FenceKind.class);
        for (FenceKind kind : FenceKind.values()) {
            kinds.put(kind, new ArrayList<>());
        }
        for (Fence fence : this.fences) {
            Objects.requireNonNull(fence, "fence");
            if (ids.putIfAbsent(fence.id(), fence) != null) {
                throw new IllegalArgumentException("duplicate fence id \"" + fence.id() + "\"");
            }
            kinds.get(fence.kind()).add(fence);
        }
        kinds.replaceAll((kind, list) -> List.copyOf(list));
        this.byId = Collections.unmodifiableMap(ids);
        this.byKind = Collections.unmodifiableMap(kinds);
    }

    public String version() {
        return version;
    }

    /** Time zone of the set's schedules and local effective dates; Asia/Shanghai by default. */
    public ZoneId zone() {
        return zone;
    }

    /** Fences in force at the instant (see {@link Fence#isActiveAt}), in source order. */
    public List<Fence> activeAt(long epochMs) {
        List<Fence> active = new ArrayList<>();
        for (Fence fence : fences) {
            if (fence.isActiveAt(epochMs)) {
                active.add(fence);
            }
        }
        return active;
    }

    /** All fences in source order. */
    public List<Fence> fences() {
        return fences;
    }

    public Optional<Fence> byId(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** Fences of one kind in source order; empty when there are none. */
    public List<Fence> ofKind(FenceKind kind) {
        return byKind.get(Objects.requireNonNull(kind, "kind"));
    }

    public int size() {
        return fences.size();
    }

    @Override
    public String toString() {
        return "FenceSet{" + version + ", " + zone + ", " + fences.size() + " fences}";
    }
}
