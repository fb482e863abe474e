package org.bikefence.ingest.gbfs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.bikefence.ingest.FeedException;
import org.bikefence.ingest.JsonSlices;
import org.bikefence.ingest.ListedVehicle;
import org.bikefence.ingest.Observation;
import org.bikefence.ingest.Reasons;
import org.bikefence.ingest.Rejection;
import org.bikefence.model.BikeState;

/**
 * Parses GBFS vehicle status documents: v2.x {@code free_bike_status.json} ({@code data.bikes}, {@code bike_id},
 * POSIX-second times) and v3.x {@code vehicle_status.json} ({@code data.vehicles}, {@code vehicle_id}, RFC 3339
 * times), and the {@code gbfs.json} discovery file of both.
 *
 * <p>The declared {@code version} decides which layout is expected. A document that declares one version and
 * uses the other's layout is rejected as a whole ({@link Reasons#WRONG_VERSION}): guessing would silently turn
 * e.g. RFC 3339 strings into wrong event times. A single vehicle that uses another version's field types is
 * rejected on its own with the same reason.
 */
public final class GbfsParser {

    public static final String FREE_BIKE_STATUS = "free_bike_status";
    public static final String VEHICLE_STATUS = "vehicle_status";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private GbfsParser() {}

    /** Parses a vehicle status document; throws for problems of the whole document. */
    public static GbfsSnapshot parse(byte[] doc) throws FeedException {
        JsonNode root = JsonSlices.readObject(doc);
        JsonNode versionNode = root.get("version");
        if (versionNode == null || !versionNode.isTextual()) {
            throw new FeedException(Reasons.WRONG_VERSION, "no 'version' string: GBFS 2.x or 3.x expected"
                    + " (version is required from v1.1)");
        }
        String version = versionNode.asText();
        boolean v3;
        if (version.startsWith("3.")) {
            v3 = true;
        } else if (version.startsWith("2.")) {
            v3 = false;
        } else {
            throw new FeedException(Reasons.WRONG_VERSION, "declared version '" + version
                    + "' is not supported: GBFS 2.x free_bike_status or 3.x vehicle_status expected");
        }
        JsonNode data = root.path("data");
        String listField = v3 ? "vehicles" : "bikes";
        String otherField = v3 ? "bikes" : "vehicles";
        if (!data.path(listField).isArray()) {
            if (data.path(otherField).isArray()) {
                throw new FeedException(Reasons.WRONG_VERSION, "declares version " + version + " but lists data."
                        + otherField + ", the vehicle list of GBFS " + (v3 ? "2.x" : "3.x")
                        + " (expected data." + listField + ")");
            }
            throw new FeedException(Reasons.MISSING_FIELD, "no array data." + listField + " in a GBFS " + version
                    + " document" + (data.has("feeds") || data.isObject() && data.elements().hasNext()
                            && data.elements().next().has("feeds") ? " (this is a gbfs.json discovery file)" : ""));
        }
        long lastUpdatedMs = time(root.get("last_updated"), v3, "last_updated", version);
        JsonNode ttl = root.get("ttl");
        if (ttl == null || !ttl.canConvertToLong() || ttl.asLong() < 0) {
            throw new FeedException(ttl == null ? Reasons.MISSING_FIELD : Reasons.BAD_TYPE,
                    "'ttl' must be a non-negative integer, got " + ttl);
        }
        List<byte[]> raw;
        try {
            raw = JsonSlices.arrayElements(doc, "data", listField);
        } catch (IOException e) {
            throw new FeedException(Reasons.NOT_JSON, "cannot split data." + listField + ": " + e.getMessage());
        }
        List<ListedVehicle> vehicles = new ArrayList<>(raw.size());
        for (byte[] bytes : raw) {
            vehicles.add(vehicle(bytes, v3, version, lastUpdatedMs));
        }
        return new GbfsSnapshot(version, v3 ? VEHICLE_STATUS : FREE_BIKE_STATUS, lastUpdatedMs, ttl.asLong(), vehicles);
    }

    private static ListedVehicle vehicle(byte[] bytes, boolean v3, String version, long lastUpdatedMs) {
        String idField = v3 ? "vehicle_id" : "bike_id";
        JsonNode v;
        try {
            v = MAPPER.readTree(bytes);
        } catch (IOException e) {
            return rejected(null, Reasons.NOT_JSON, e.getMessage(), bytes);
        }
        if (!v.isObject()) {
            return rejected(null, Reasons.BAD_TYPE, "vehicle entry is not an object", bytes);
        }
        JsonNode idNode = v.get(idField);
        String id = idNode != null && idNode.isTextual() && !idNode.asText().isEmpty() ? idNode.asText() : null;
        if (id == null) {
            String otherId = v3 ? "bike_id" : "vehicle_id";
            if (v.path(otherId).isTextual()) {
                return rejected(v.path(otherId).asText(), Reasons.WRONG_VERSION, "vehicle has '" + otherId
                        + "' (GBFS " + (v3 ? "2.x" : "3.x") + ") instead of '" + idField + "' in a " + version
                        + " feed", bytes);
            }
            return rejected(null, Reasons.MISSING_FIELD, "required field '" + idField + "' is missing or empty", bytes);
        }
        boolean reserved = v.path("is_reserved").asBoolean(false);
        boolean disabled = v.path("is_disabled").asBoolean(false);
        JsonNode lat = v.get("lat");
        JsonNode lon = v.get("lon");
        Rejection bad = coordinateProblem(id, "lat", lat, bytes);
        if (bad == null) {
            bad = coordinateProblem(id, "lon", lon, bytes);
        }
        if (bad != null) {
            return new ListedVehicle(id, null, bad);
        }
        long ts = lastUpdatedMs;
        JsonNode reported = v.get("last_reported");
        if (reported != null && !reported.isNull()) {
            try {
                ts = time(reported, v3, "last_reported", version);
            } catch (FeedException e) {
                return new ListedVehicle(id, null, new Rejection(id, e.reason(), e.detail(), bytes));
            }
        }
        BikeState state = disabled ? BikeState.FAULTY : BikeState.PARKED;
        if (reserved && !disabled) {
            return ListedVehicle.held(id);
        }
        return new ListedVehicle(id, new Observation(id, ts, lat.asDouble(), lon.asDouble(), state, bytes), null);
    }

    private static Rejection coordinateProblem(String id, String field, JsonNode n, byte[] bytes) {
        if (n == null || n.isNull()) {
            return new Rejection(id, Reasons.MISSING_FIELD, "field '" + field + "' is missing or null", bytes);
        }
        if (!n.isNumber()) {
            return new Rejection(id, Reasons.BAD_TYPE, "field '" + field + "' must be a number, got " + n, bytes);
        }
        return null;
    }

    private static ListedVehicle rejected(String id, String reason, String detail, byte[] bytes) {
        return new ListedVehicle(id, null, new Rejection(id, reason, detail, bytes));
    }

    /** v2.x: POSIX seconds (integer); v3.x: RFC 3339 string. The other version's form is WRONG_VERSION. */
    static long time(JsonNode n, boolean v3, String field, String version) throws FeedException {
        if (n == null || n.isNull()) {
            throw new FeedException(Reasons.MISSING_FIELD, "required field '" + field + "' is missing");
        }
        if (v3) {
            if (n.isTextual()) {
                try {
                    return OffsetDateTime.parse(n.asText()).toInstant().toEpochMilli();
                } catch (DateTimeParseException e) {
                    throw new FeedException(Reasons.BAD_TYPE, "field '" + field + "' = '" + n.asText()
                            + "' is not an RFC 3339 date-time");
                }
            }
            if (n.isIntegralNumber()) {
                throw new FeedException(Reasons.WRONG_VERSION, "field '" + field + "' = " + n
                        + " is POSIX seconds (GBFS 2.x) in a feed declaring " + version + " (RFC 3339 expected)");
            }
        } else {
            if (n.isIntegralNumber()) {
                return n.asLong() * 1000;
            }
            if (n.isTextual()) {
                throw new FeedException(Reasons.WRONG_VERSION, "field '" + field + "' = '" + n.asText()
                        + "' is an RFC 3339 string (GBFS 3.x) in a feed declaring " + version
                        + " (POSIX seconds expected)");
            }
        }
        throw new FeedException(Reasons.BAD_TYPE, "field '" + field + "' has the wrong type: " + n);
    }

    /**
     * The vehicle status URL named by a {@code gbfs.json} discovery document (v2.x: {@code data.<language>.feeds},
     * the first language; v3.x: {@code data.feeds}), or null when the document is not a discovery file.
     */
    public static String statusFeedUrl(byte[] doc) throws FeedException {
        JsonNode data = JsonSlices.readObject(doc).path("data");
        List<JsonNode> feedLists = new ArrayList<>();
        if (data.path("feeds").isArray()) {
            feedLists.add(data.get("feeds"));
        } else if (data.isObject()) {
            data.elements().forEachRemaining(lang -> {
                if (lang.path("feeds").isArray()) {
                    feedLists.add(lang.get("feeds"));
                }
            });
        }
        if (feedLists.isEmpty()) {
            return null;
        }
        for (JsonNode feeds : feedLists) {
            for (JsonNode f : feeds) {
                String name = f.path("name").asText("");
                if ((name.equals(FREE_BIKE_STATUS) || name.equals(VEHICLE_STATUS)) && f.path("url").isTextual()) {
                    return f.get("url").asText();
                }
            }
        }
        throw new FeedException(Reasons.MISSING_FIELD, "gbfs.json lists no free_bike_status or vehicle_status feed");
    }
}
