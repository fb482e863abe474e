package org.bikefence.rules.mds;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an MDS Policy document (1.x: {@code data.policies[]}; 2.x: top-level {@code policies[]}) and maps each
 * rule to bikefence terms:
 *
 * <ul>
 *   <li>{@code count}, maximum 0: no-park zone ({@link MdsRuleMapping.Kind#NO_PARK})</li>
 *   <li>{@code count}, maximum &gt; 0: a cap, per provider if the policy names providers
 *       ({@link MdsRuleMapping.Kind#FLEET_CAP}) else for all providers together ({@code AREA_CAP})</li>
 *   <li>{@code time} on parked states: idle / zombie limit ({@code IDLE_LIMIT})</li>
 *   <li>{@code speed}: no-ride (maximum 0) or speed limit, carried but not enforced by the stream yet</li>
 * </ul>
 *
 * Everything else (user messages, fees, minimum counts, exclusive maxima, trip-duration limits, rules not for
 * bicycles) is rejected: an imported policy must mean exactly what it says, so nothing is silently dropped.
 */
public final class MdsPolicyImporter {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    private static final Set<String> PARKED_STATES = Set.of("available", "non_operational", "reserved", "unknown",
            "elsewhere", "removed");
    private static final Map<String, DayOfWeek> DAYS = Map.of("mon", DayOfWeek.MONDAY, "tue", DayOfWeek.TUESDAY,
            "wed", DayOfWeek.WEDNESDAY, "thu", DayOfWeek.THURSDAY, "fri", DayOfWeek.FRIDAY, "sat",
            DayOfWeek.SATURDAY, "sun", DayOfWeek.SUNDAY);
    private static final double KPH_PER_MPH = 1.609344;

    private MdsPolicyImporter() {
    }

    public static MdsPolicyImport read(Path file) {
        try {
            return read(Files.readAllBytes(file), file.toString());
        } catch (IOException e) {
            throw new MdsPolicyException(file.toString(), "cannot read file: " + e, e);
        }
    }

    public static MdsPolicyImport read(InputStream in, String source) {
        try {
            return read(in.readAllBytes(), source);
        } catch (IOException e) {
            throw new MdsPolicyException(source, "cannot read: " + e, e);
        }
    }

    public static MdsPolicyImport read(String json, String source) {
        return read(json.getBytes(StandardCharsets.UTF_8), source);
    }

    private static MdsPolicyImport read(byte[] json, String source) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : "line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ": ";
            throw new MdsPolicyException(source, where + "malformed JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new MdsPolicyException(source, "cannot read: " + e, e);
        }
        if (root == null || !root.isObject()) {
            throw new MdsPolicyException(source, "expected a JSON object with policies", null);
        }
        JsonNode policies = root.path("data").path("policies");
        String prefix = "data.policies";
        if (policies.isMissingNode()) {
            policies = root.path("policies");
            prefix = "policies";
        }
        if (!policies.isArray()) {
            throw new MdsPolicyException(source, "no policies array (expected data.policies[] of MDS 1.x or "
                    + "policies[] of MDS 2.x)", null);
        }
        List<MdsRuleMapping> out = new ArrayList<>();
        List<MdsPolicyException.Rejection> rejected = new ArrayList<>();
        for (int p = 0; p < policies.size(); p++) {
            JsonNode policy = policies.get(p);
            String policyAt = prefix + "[" + p + "]";
            String policyId = text(policy, "policy_id");
            List<String> providers = strings(policy.path("provider_ids"));
            Instant start = instant(policy.path("start_date"));
            Instant end = instant(policy.path("end_date"));
            JsonNode rules = policy.path("rules");
            if (!rules.isArray() || rules.isEmpty()) {
                rejected.add(new MdsPolicyException.Rejection(policyId, null, text(policy, "name"),
                        "policy has no rules", policyAt + ".rules", json(rules)));
                continue;
            }
            for (int r = 0; r < rules.size(); r++) {
                JsonNode rule = rules.get(r);
                String ruleAt = policyAt + ".rules[" + r + "]";
                try {
                    out.add(map(policyId, providers, start, end, rule, ruleAt));
                } catch (Reject x) {
                    String field = x.field == null ? null : ruleAt + "." + x.field;
                    rejected.add(new MdsPolicyException.Rejection(policyId, text(rule, "rule_id"),
                            text(rule, "name"), x.getMessage(), field, x.field == null ? null : json(x.value)));
                }
            }
        }
        if (!rejected.isEmpty()) {
            throw new MdsPolicyException(source, rejected);
        }
        return new MdsPolicyImport(source, text(root, "version"), out);
    }

    private static MdsRuleMapping map(String policyId, List<String> providers, Instant start, Instant end,
            JsonNode rule, String location) {
        String ruleId = text(rule, "rule_id");
        if (ruleId == null) {
            throw new Reject(rule, "rule_id", "rule_id is missing");
        }
        String type = text(rule, "rule_type");
        List<String> geographies = strings(rule.path("geographies"));
        if (geographies.isEmpty()) {
            throw new Reject(rule, "geographies", "no geographies");
        }
        List<String> vehicleTypes = strings(rule.path("vehicle_types"));
        if (!vehicleTypes.isEmpty() && !vehicleTypes.contains("bicycle")) {
            throw new Reject(rule, "vehicle_types", "applies to " + vehicleTypes + ", not bicycle");
        }
        if (!rule.path("rate_amount").isMissingNode() && !rule.path("rate_amount").isNull()) {
            throw new Reject(rule, "rate_amount", "fees (rate_amount) are not part of the performance rules");
        }
        if (rule.path("inclusive_maximum").isBoolean() && !rule.path("inclusive_maximum").asBoolean()) {
            throw new Reject(rule, "inclusive_maximum",
                    "inclusive_maximum false is not supported; state the largest allowed value instead");
        }
        Set<String> states = new LinkedHashSet<>();
        rule.path("states").fieldNames().forEachRemaining(states::add);
        MdsSchedule schedule = schedule(rule);
        Long maximum = rule.path("maximum").isIntegralNumber() ? rule.path("maximum").asLong() : null;
        long minimum = rule.path("minimum").asLong(0);
        String units = text(rule, "rule_units");
        if (type == null) {
            throw new Reject(rule, "rule_type", "rule_type is missing");
        }
        MdsRuleMapping.Kind kind;
        Long devices = null;
        Duration idle = null;
        Double kph = null;
        switch (type) {
            case "count" -> {
                if (units != null && !units.equals("devices")) {
                    throw new Reject(rule, "rule_units", "count rule in '" + units + "', expected devices");
                }
                if (minimum > 0) {
                    throw new Reject(rule, "minimum",
                            "minimum " + minimum + " (a required presence) has no bikefence mapping");
                }
                if (maximum == null) {
                    throw new Reject(rule, "maximum", "count rule without maximum has no bikefence mapping");
                }
                devices = maximum;
                kind = maximum == 0 ? MdsRuleMapping.Kind.NO_PARK
                        : providers.isEmpty() ? MdsRuleMapping.Kind.AREA_CAP : MdsRuleMapping.Kind.FLEET_CAP;
            }
            case "time" -> {
                if (states.contains("on_trip")) {
                    throw new Reject(rule, "states", "time limit on on_trip (trip duration) has no bikefence "
                            + "mapping; only idle limits on parked states map");
                }
                if (maximum == null || maximum <= 0) {
                    throw new Reject(rule, "maximum", "time rule needs a positive maximum");
                }
                ChronoUnit unit = switch (units == null ? "" : units) {
                    case "seconds" -> ChronoUnit.SECONDS;
                    case "minutes" -> ChronoUnit.MINUTES;
                    case "hours" -> ChronoUnit.HOURS;
                    case "days" -> ChronoUnit.DAYS;
                    default -> throw new Reject(rule, "rule_units", "time rule in '" + units
                            + "', expected seconds, minutes, hours or days");
                };
                for (String s : states) {
                    if (!PARKED_STATES.contains(s)) {
                        throw new Reject(rule, "states", "unknown vehicle state '" + s + "'");
                    }
                }
                idle = Duration.of(maximum, unit);
                kind = MdsRuleMapping.Kind.IDLE_LIMIT;
            }
            case "speed" -> {
                if (maximum == null) {
                    throw new Reject(rule, "maximum", "speed rule without maximum");
                }
                double factor = switch (units == null ? "" : units) {
                    case "kph" -> 1.0;
                    case "mph" -> KPH_PER_MPH;
                    default -> throw new Reject(rule, "rule_units", "speed rule in '" + units + "', expected kph or mph");
                };
                kph = maximum * factor;
                kind = maximum == 0 ? MdsRuleMapping.Kind.NO_RIDE : MdsRuleMapping.Kind.SPEED_LIMIT;
            }
            case "user" -> throw new Reject(rule, "rule_type", "user rules are rider messages with no limit to check");
            case "rate" -> throw new Reject(rule, "rule_type", "rate rules are fees, not part of the performance rules");
            default -> throw new Reject(rule, "rule_type", "unknown rule_type '" + type
                    + "'; bikefence maps count, time and speed rules");
        }
        return new MdsRuleMapping(kind, policyId, ruleId, text(rule, "name"), geographies, schedule, providers,
                devices, idle, kph, states, start, end, location);
    }

    private static MdsSchedule schedule(JsonNode rule) {
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (String d : strings(rule.path("days"))) {
            DayOfWeek day = DAYS.get(d);
            if (day == null) {
                throw new Reject(rule, "days", "unknown day '" + d + "', expected mon..sun");
            }
            days.add(day);
        }
        if (days.isEmpty()) {
            days = EnumSet.allOf(DayOfWeek.class);
        }
        return new MdsSchedule(days, time(rule, "start_time", MdsSchedule.ALWAYS.start()),
                time(rule, "end_time", MdsSchedule.ALWAYS.end()));
    }

    private static LocalTime time(JsonNode rule, String field, LocalTime dflt) {
        String t = text(rule, field);
        if (t == null) {
            return dflt;
        }
        try {
            return LocalTime.parse(t);
        } catch (DateTimeParseException e) {
            throw new Reject(rule, field, field + " '" + t + "' is not a time of day HH:mm:ss");
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isValueNode() && !v.isNull() ? v.asText() : null;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array.isArray()) {
            array.forEach(n -> out.add(n.asText()));
        }
        return out;
    }

    private static Instant instant(JsonNode millis) {
        return millis.isIntegralNumber() ? Instant.ofEpochMilli(millis.asLong()) : null;
    }

    /** A JSON value as compact JSON text, for messages. */
    static String json(JsonNode value) {
        if (value == null || value.isMissingNode()) {
            return null;
        }
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return value.toString();
        }
    }

    /** A rule that does not map, with the field at fault; caught per rule so all rejections are reported together. */
    private static final class Reject extends RuntimeException {
        private static final long serialVersionUID = 1L;

        final String field;
        final transient JsonNode value;

        Reject(JsonNode rule, String field, String message) {
            super(message, null, false, false);
            this.field = field;
            this.value = rule.path(field);
        }
    }
}
