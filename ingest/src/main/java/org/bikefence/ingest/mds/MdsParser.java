package org.bikefence.ingest.mds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
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
 * Parses pages of the MDS 2.x provider API: {@code /vehicles/status} ({@code vehicles_status}: device_id,
 * last_event, last_telemetry) and {@code /events/recent} ({@code events}), with the {@code links.next} of paging.
 *
 * <p>Position and time: the newer of last_telemetry and last_event that has a location (telemetry is the
 * vehicle's latest fix; the event says why its state changed). State: {@link MdsStates}.
 */
public final class MdsParser {

    /** The Accept header MDS providers negotiate the version on. */
    public static final String ACCEPT = "application/vnd.mds+json;version=2.0";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private MdsParser() {}

    /** One page: its vehicles (or events) in order, and the next page's URL or null. */
    public record Page(String version, String feed, List<ListedVehicle> vehicles, String next) {}

    public static Page parse(byte[] doc) throws FeedException {
        JsonNode root = JsonSlices.readObject(doc);
        JsonNode version = root.get("version");
        if (version == null || !version.isTextual() || !version.asText().startsWith("2.")) {
            throw new FeedException(Reasons.WRONG_VERSION, "MDS 2.x expected, 'version' is "
                    + (version == null ? "missing" : version.toString()));
        }
        String field = root.path("vehicles_status").isArray() ? "vehicles_status"
                : root.path("events").isArray() ? "events" : null;
        if (field == null) {
            throw new FeedException(Reasons.MISSING_FIELD, "no array 'vehicles_status' or 'events' in an MDS "
                    + version.asText() + " page" + (root.has("vehicles") ? " ('vehicles' is MDS 1.x)" : ""));
        }
        List<byte[]> raw;
        try {
            raw = JsonSlices.arrayElements(doc, field);
        } catch (IOException e) {
            throw new FeedException(Reasons.NOT_JSON, "cannot split '" + field + "': " + e.getMessage());
        }
        List<ListedVehicle> vehicles = new ArrayList<>(raw.size());
        for (byte[] bytes : raw) {
            vehicles.add(field.equals("events") ? event(bytes) : status(bytes));
        }
        JsonNode next = root.path("links").path("next");
        String nextUrl = next.isTextual() && !next.asText().isEmpty() ? next.asText() : null;
        return new Page(version.asText(), field, vehicles, nextUrl);
    }

    private static ListedVehicle status(byte[] bytes) {
        JsonNode v;
        try {
            v = MAPPER.readTree(bytes);
        } catch (IOException e) {
            return new ListedVehicle(null, null, new Rejection(null, Reasons.NOT_JSON, e.getMessage(), bytes));
        }
        String id = v.path("device_id").isTextual() ? v.get("device_id").asText() : null;
        if (id == null || id.isEmpty()) {
            return new ListedVehicle(null, null, new Rejection(null, Reasons.MISSING_FIELD,
                    "required field 'device_id' is missing or empty", bytes));
        }
        JsonNode event = v.path("last_event");
        JsonNode telemetry = v.path("last_telemetry");
        if (!event.isObject()) {
            return rejected(id, Reasons.MISSING_FIELD, "required field 'last_event' is missing", bytes);
        }
        JsonNode located = event;
        if (telemetry.path("location").isObject()
                && (!event.path("location").isObject()
                        || telemetry.path("timestamp").asLong(0) >= event.path("timestamp").asLong(0))) {
            located = telemetry;
        }
        return observation(id, event, located, bytes);
    }

    private static ListedVehicle event(byte[] bytes) {
        JsonNode e;
        try {
            e = MAPPER.readTree(bytes);
        } catch (IOException x) {
            return new ListedVehicle(null, null, new Rejection(null, Reasons.NOT_JSON, x.getMessage(), bytes));
        }
        String id = e.path("device_id").isTextual() ? e.get("device_id").asText() : null;
        if (id == null || id.isEmpty()) {
            return new ListedVehicle(null, null, new Rejection(null, Reasons.MISSING_FIELD,
                    "required field 'device_id' is missing or empty", bytes));
        }
        return observation(id, e, e, bytes);
    }

    /** State from {@code event}, position and time from {@code located}. */
    private static ListedVehicle observation(String id, JsonNode event, JsonNode located, byte[] bytes) {
        String vehicleState = event.path("vehicle_state").isTextual() ? event.get("vehicle_state").asText() : null;
        if (vehicleState != null && MdsStates.held(vehicleState)) {
            return ListedVehicle.held(id);
        }
        List<String> types = new ArrayList<>();
        event.path("event_types").forEach(t -> types.add(t.asText()));
        BikeState state = MdsStates.map(vehicleState, types);
        if (state == null) {
            return rejected(id, Reasons.UNKNOWN_STATE, "vehicle_state " + (vehicleState == null ? "missing"
                    : "'" + vehicleState + "'") + " and event_types " + types + " name no known state", bytes);
        }
        JsonNode location = located.path("location");
        if (!location.isObject()) {
            return rejected(id, Reasons.MISSING_FIELD, "no location (a geography-driven event has no position)", bytes);
        }
        for (String f : new String[] {"lat", "lng"}) {
            JsonNode n = location.get(f);
            if (n == null || n.isNull()) {
                return rejected(id, Reasons.MISSING_FIELD, "field 'location." + f + "' is missing or null", bytes);
            }
            if (!n.isNumber()) {
                return rejected(id, Reasons.BAD_TYPE, "field 'location." + f + "' must be a number, got " + n, bytes);
            }
        }
        JsonNode ts = located.path("timestamp");
        if (!ts.isIntegralNumber()) {
            return rejected(id, ts.isMissingNode() || ts.isNull() ? Reasons.MISSING_FIELD : Reasons.BAD_TYPE,
                    "field 'timestamp' must be integer epoch milliseconds, got " + ts, bytes);
        }
        return new ListedVehicle(id, new Observation(id, ts.asLong(), location.get("lat").asDouble(),
                location.get("lng").asDouble(), state, bytes), null);
    }

    private static ListedVehicle rejected(String id, String reason, String detail, byte[] bytes) {
        return new ListedVehicle(id, null, new Rejection(id, reason, detail, bytes));
    }
}
