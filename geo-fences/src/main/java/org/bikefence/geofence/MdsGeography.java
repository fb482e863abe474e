package org.bikefence.geofence;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.locationtech.jts.geom.Geometry;

/**
 * One MDS Geography (a named, versioned area that MDS Policy rules refer to by id), with its
 * polygonal features merged into one WGS84 geometry.
 *
 * @param id the geography_id (a UUID)
 * @param type geography_type, e.g. "operating_area", "municipal_boundary", "stop"; may be null
 * @param geometry the union of its Polygon/MultiPolygon features; empty when it has none (e.g. a
 *     geography of stop points)
 * @param effective effective_date; @param retire retire_date
 */
public record MdsGeography(String id, String name, String description, String type,
        Optional<Geometry> geometry, Optional<Instant> published, Optional<Instant> effective,
        Optional<Instant> retire, List<String> previousGeographies) {

    public MdsGeography {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(geometry, "geometry");
        previousGeographies = List.copyOf(previousGeographies);
    }
}
