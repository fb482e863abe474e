package org.bikefence.geofence;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reading pieces of fence files that several JSON formats share: GeoJSON polygon coordinates,
 * schedules and dates. Each method reports what is wrong through a consumer (without location)
 * and returns null, so the caller can carry on and list every problem.
 */
final class FenceJson {

    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");

    private FenceJson() {}

    /**
     * The rings of a GeoJSON Polygon or MultiPolygon as raw {x, y} pairs, or null after reporting.
     * Ring closure and vertex counts are checked later, by {@link FenceGeometryChecks}.
     */
    static List<List<double[][]>> polygons(JsonNode geometry, Consumer<String> problem) {
        if (geometry == null || geometry.isNull()) {
            problem.accept("missing");
            return null;
        }
        String type = geometry.path("type").asText(null);
        if (!"Polygon".equals(type) && !"MultiPolygon".equals(type)) {
            problem.accept("geometry type " + geometry.path("type")
                    + " is not a Polygon or MultiPolygon");
            return null;
        }
        JsonNode coordinates = geometry.get("coordinates");
        if (coordinates == null || !coordinates.isArray()) {
            problem.accept(type + " has no \"coordinates\" array");
            return null;
        }
        List<List<double[][]>> polygons = new ArrayList<>();
        if ("Polygon".equals(type)) {
            List<double[][]> rings = rings(coordinates, "", problem);
            if (rings == null) {
                return null;
            }
            polygons.add(rings);
        } else {
            for (int p = 0; p < coordinates.size(); p++) {
                List<double[][]> rings = rings(coordinates.get(p), "polygon " + p + ": ", problem);
                if (rings == null) {
                    return null;
                }
                polygons.add(rings);
            }
        }
        return polygons;
    }

    private static List<double[][]> rings(JsonNode node, String where, Consumer<String> problem) {
        if (!node.isArray() || node.isEmpty()) {
            problem.accept(where + "expected a non-empty array of rings, got " + abbreviate(node));
            return null;
        }
        List<double[][]> rings = new ArrayList<>();
        for (int r = 0; r < node.size(); r++) {
            JsonNode ring = node.get(r);
            String what = where + (r == 0 ? "outer ring" : "hole " + (r - 1));
            if (!ring.isArray()) {
                problem.accept(what + ": expected an array of positions, got " + abbreviate(ring));
                return null;
            }
            double[][] xy = new double[ring.size()][];
            for (int i = 0; i < ring.size(); i++) {
                JsonNode pos = ring.get(i);
                if (!pos.isArray() || pos.size() < 2 || !pos.get(0).isNumber()
                        || !pos.get(1).isNumber()) {
                    problem.accept(what + ": position " + i
                            + " is not [longitude, latitude] numbers: " + abbreviate(pos));
                    return null;
                }
                xy[i] = new double[] {pos.get(0).doubleValue(), pos.get(1).doubleValue()};
            }
            rings.add(xy);
        }
        return rings;
    }

    /**
     * A schedule: one window object or an array of them, each {@code {"days": [...], "start":
     * "HH:mm", "end": "HH:mm"}}; days default to every day, "24:00" ends at midnight.
     */
    static Schedule schedule(JsonNode node, ZoneId zone, Consumer<String> problem) {
        List<JsonNode> items = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(items::add);
        } else if (node.isObject()) {
            items.add(node);
        } else {
            problem.accept("expected a window object {\"days\", \"start\", \"end\"} or an array of"
                    + " them, got " + abbreviate(node));
            return null;
        }
        List<Schedule.Window> windows = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String where = items.size() > 1 || node.isArray() ? "window " + i + ": " : "";
            JsonNode item = items.get(i);
            if (!item.isObject()) {
                problem.accept(where + "expected an object, got " + abbreviate(item));
                return null;
            }
            Set<DayOfWeek> days = EnumSet.allOf(DayOfWeek.class);
            JsonNode daysNode = item.get("days");
            if (daysNode != null && !daysNode.isNull()) {
                if (!daysNode.isArray() || daysNode.isEmpty()) {
                    problem.accept(where + "\"days\": expected a non-empty array such as"
                            + " [\"MON\", \"TUE\"], got " + abbreviate(daysNode));
                    return null;
                }
                days = EnumSet.noneOf(DayOfWeek.class);
                for (JsonNode d : daysNode) {
                    DayOfWeek day = day(d);
                    if (day == null) {
                        problem.accept(where + "\"days\": " + d + " is not a day of the week"
                                + " (MON..SUN, MONDAY..SUNDAY or ISO 1..7)");
                        return null;
                    }
                    days.add(day);
                }
            }
            LocalTime start = time(item.get("start"));
            if (start == null) {
                problem.accept(where + "\"start\": expected a time \"HH:mm\" (00:00-23:59), got "
                        + item.get("start"));
                return null;
            }
            JsonNode endNode = item.get("end");
            boolean endOfDay = endNode != null && "24:00".equals(endNode.asText());
            LocalTime end = endOfDay ? LocalTime.MIDNIGHT : time(endNode);
            if (end == null) {
                problem.accept(where + "\"end\": expected a time \"HH:mm\" (00:00-24:00), got "
                        + endNode);
                return null;
            }
            try {
                windows.add(new Schedule.Window(days, start, end, endOfDay));
            } catch (IllegalArgumentException e) {
                problem.accept(where + e.getMessage());
                return null;
            }
        }
        return Schedule.of(zone, windows);
    }

    private static DayOfWeek day(JsonNode d) {
        if (d.isInt() && d.asInt() >= 1 && d.asInt() <= 7) {
            return DayOfWeek.of(d.asInt());
        }
        if (!d.isTextual()) {
            return null;
        }
        String s = d.asText().trim().toUpperCase(Locale.ROOT);
        for (DayOfWeek day : DayOfWeek.values()) {
            if (day.name().equals(s) || day.name().substring(0, 3).equals(s)) {
                return day;
            }
        }
        return null;
    }

    private static LocalTime time(JsonNode node) {
        if (node == null || !node.isTextual()) {
            return null;
        }
        try {
            return LocalTime.parse(node.asText(), HH_MM);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * An ISO-8601 instant with offset ({@code 2026-03-01T00:00:00+08:00}, {@code ...Z}), a local
     * date-time ({@code 2026-03-01T08:00}) or a date ({@code 2026-03-01}, its start), the local
     * forms read in {@code zone}.
     *
     * @throws IllegalArgumentException naming the accepted forms
     */
    static Instant instant(String text, ZoneId zone) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException ignored) {
            // try the local forms
        }
        try {
            return LocalDateTime.parse(text).atZone(zone).toInstant();
        } catch (DateTimeParseException ignored) {
            // try a date
        }
        try {
            return LocalDate.parse(text).atStartOfDay(zone).toInstant();
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("\"" + text + "\" is not an ISO instant"
                    + " (2026-03-01T00:00:00+08:00), local date-time (2026-03-01T08:00) or date"
                    + " (2026-03-01)");
        }
    }

    /** The value for a message: JSON text, shortened when long (coordinates can be huge). */
    static String abbreviate(JsonNode node) {
        String s = String.valueOf(node);
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
