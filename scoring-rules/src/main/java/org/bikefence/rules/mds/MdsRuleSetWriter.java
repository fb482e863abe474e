package org.bikefence.rules.mds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.bikefence.rules.RuleSet;
import org.bikefence.rules.RuleSetLoader;

/**
 * Writes a rule set (YAML, format: scoring-rules/README.md) from an MDS Policy document on top of a base rule set
 * that supplies everything MDS does not say (city, scores, categories, grades...):
 *
 * <ul>
 *   <li>count rules with a maximum for named providers: {@code operators.<id>.fleetQuota};</li>
 *   <li>time rules on the no-park zones' geographies: {@code rules.noPark.graceMinutes}; on {@code non_operational}
 *       only: {@code rules.condition.handleDeadlineHours}; on other parked states: {@code rules.zombies.idleDays};</li>
 *   <li>count rules with maximum 0 (no-park zones) are fences, not rule-set fields: listed in the header comment;</li>
 *   <li>speed rules: recorded in the header comment as <b>not enforced</b> (the stream does not check speed).</li>
 * </ul>
 *
 * A rule the rule set cannot express (a cap on all providers together, two different caps for one operator, an
 * idle limit that is not whole days, a scheduled cap...) is rejected with its location in the document, never
 * dropped. The output is deterministic: the same policy, base, provider mapping and version give the same bytes
 * (file names, not paths, appear in it). It is loaded back with {@link RuleSetLoader} before it is returned.
 */
public final class MdsRuleSetWriter {

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            // "2026.1" unquoted would read back as a number, "yes" as a boolean: quote what would change type.
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .build();

    private static final String NON_OPERATIONAL = "non_operational";

    private MdsRuleSetWriter() {
    }

    /**
     * What the import wrote.
     *
     * @param yaml the rule set, UTF-8 text
     * @param rules the rule set as the loader reads it back
     * @param assigned each rule-set field MDS set (in field order), to the value and the rule that set it
     * @param notes what was imported but is not a rule-set parameter (no-park zones, speed rules), one line each
     */
    public record Result(String yaml, RuleSet rules, Map<String, String> assigned, List<String> notes) {
        public Result {
            assigned = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(assigned)); // field order
            notes = List.copyOf(notes);
        }

        public byte[] bytes() {
            return yaml.getBytes(StandardCharsets.UTF_8);
        }
    }

    /**
     * Imports a policy onto a base rule set.
     *
     * @param policyJson the MDS Policy document (1.x or 2.x)
     * @param policySource its name in messages (a path)
     * @param baseYaml the base rule set
     * @param baseSource its name in messages
     * @param outName name of the file to be written, for the loader's messages if the result were invalid
     * @param providers MDS provider id to rule-set operator id; a provider that is already an operator id of the
     *     base needs no entry
     * @param version the version to write, or null for {@code <base version>+mds.<first 8 hex digits of the
     *     policy's SHA-256>}
     * @throws MdsPolicyException naming the file and every rule that cannot be expressed
     * @throws org.bikefence.rules.RuleSetException when the base is not a valid rule set
     */
    public static Result write(byte[] policyJson, String policySource, byte[] baseYaml, String baseSource,
            String outName, Map<String, String> providers, String version) {
        RuleSet base = RuleSetLoader.load(new ByteArrayInputStream(baseYaml), baseSource);
        MdsPolicyImport policy = MdsPolicyImporter.read(new String(policyJson, StandardCharsets.UTF_8), policySource);
        Mapping m = new Mapping(policy, base, providers == null ? Map.of() : providers);
        m.run();
        if (!m.rejected.isEmpty()) {
            throw new MdsPolicyException(policySource, m.rejected);
        }
        LocalDate from = base.effectiveFrom();
        LocalDate until = base.effectiveUntil().orElse(null);
        for (MdsRuleMapping r : m.contributing) {
            if (r.policyStart() != null) {
                LocalDate start = firstWholeDay(r.policyStart(), base.timeZone());
                from = start.isAfter(from) ? start : from;
            }
            if (r.policyEnd() != null) {
                LocalDate end = lastWholeDay(r.policyEnd(), base.timeZone());
                until = until == null || end.isBefore(until) ? end : until;
            }
        }
        if (until != null && until.isBefore(from)) {
            throw new MdsPolicyException(policySource, "the imported rules would apply from " + from + " until "
                    + until + " (policy start_date/end_date in " + base.timeZone() + ", and the base's effectiveFrom/"
                    + "effectiveUntil): not one whole day", null);
        }
        String v = version != null ? version : base.version() + "+mds." + sha256(policyJson).substring(0, 8);
        if (from.equals(base.effectiveFrom())) {
            m.notes.add("effectiveFrom " + from + " is the base's own (the policies start on or before it): use this "
                    + "file instead of the base, not beside it (a rules directory refuses two versions starting the "
                    + "same day)");
        }

        ObjectNode root = readTree(baseYaml, baseSource);
        root.put("version", v);
        root.put("effectiveFrom", from.toString());
        if (until != null) {
            root = withAfter(root, "effectiveUntil", until.toString(), "effectiveFrom");
        }
        for (Map.Entry<String, Assigned> e : m.assigned.entrySet()) {
            set(root, e.getKey(), e.getValue().value);
        }
        String yaml = header(policy, baseSource, v, from, until, m) + emit(root);
        RuleSet rules = RuleSetLoader.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), outName);
        Map<String, String> assigned = new LinkedHashMap<>();
        m.assigned.forEach((field, a) -> assigned.put(field, a.value + " <- " + describe(a.rule)));
        return new Result(yaml, rules, assigned, m.notes);
    }

    /** The first day wholly inside a policy that starts at {@code start}. */
    static LocalDate firstWholeDay(Instant start, ZoneId zone) {
        LocalDateTime t = LocalDateTime.ofInstant(start, zone);
        return t.toLocalTime().equals(LocalTime.MIDNIGHT) ? t.toLocalDate() : t.toLocalDate().plusDays(1);
    }

    /** The last day wholly inside a policy that ends at {@code end} (an end at 23:59:59 counts as the day's end). */
    static LocalDate lastWholeDay(Instant end, ZoneId zone) {
        return LocalDateTime.ofInstant(end.plusSeconds(1), zone).toLocalDate().minusDays(1);
    }

    /** Maps the rules, collecting rule-set fields, notes and rejections in document order. */
    private static final class Mapping {
        final MdsPolicyImport policy;
        final RuleSet base;
        final Map<String, String> providers;
        final Map<String, Assigned> assigned = new TreeMap<>();
        final Set<MdsRuleMapping> contributing = new LinkedHashSet<>();
        final List<String> notes = new ArrayList<>();
        final List<MdsPolicyException.Rejection> rejected = new ArrayList<>();

        Mapping(MdsPolicyImport policy, RuleSet base, Map<String, String> providers) {
            this.policy = policy;
            this.base = base;
            this.providers = providers;
        }

        void run() {
            for (MdsRuleMapping r : policy.rules()) {
                switch (r.kind()) {
                    case NO_PARK -> notes.add("no-park zone " + describe(r) + ": geographies " + r.geographyIds()
                            + when(r.schedule()) + " are fences, not rule-set fields: load the MDS geographies as "
                            + "no_park fences (geo-fences, ./bikefence fences)");
                    case FLEET_CAP -> fleetCap(r);
                    case AREA_CAP -> reject(r, policyAt(r) + ".provider_ids", "none", "count maximum "
                            + r.maximumDevices() + " for all providers together has no rule-set field (a rule set "
                            + "caps each operator: operators.<id>.fleetQuota); name the providers in the policy's "
                            + "provider_ids");
                    case IDLE_LIMIT -> timeLimit(r);
                    case NO_RIDE -> notes.add("NOT ENFORCED: no-ride " + describe(r) + " in geographies "
                            + r.geographyIds() + when(r.schedule()) + ": imported as a comment only; the stream "
                            + "does not check riding or speed");
                    case SPEED_LIMIT -> notes.add("NOT ENFORCED: speed limit " + kph(r.maximumKph()) + " km/h "
                            + describe(r) + " in geographies " + r.geographyIds() + when(r.schedule())
                            + ": imported as a comment only; the stream does not check speed");
                }
            }
        }

        private void fleetCap(MdsRuleMapping r) {
            if (!r.schedule().isAlways()) {
                rejectSchedule(r, "a fleet cap");
                return;
            }
            for (int i = 0; i < r.providerIds().size(); i++) {
                String provider = r.providerIds().get(i);
                String operator = providers.getOrDefault(provider,
                        base.operators().containsKey(provider) ? provider : null);
                if (operator == null) {
                    reject(r, policyAt(r) + ".provider_ids[" + i + "]", '"' + provider + '"', "provider is not an "
                            + "operator of the base rule set " + base.operators().keySet().stream().sorted().toList()
                            + "; give its operator id (--provider " + provider + "=ID)");
                    continue;
                }
                assign(r, "operators." + operator + ".fleetQuota", r.maximumDevices());
            }
        }

        private void timeLimit(MdsRuleMapping r) {
            if (!r.providerIds().isEmpty()) {
                reject(r, policyAt(r) + ".provider_ids", json(r.providerIds()), "a time limit for some providers "
                        + "only has no rule-set field: grace periods and idle limits apply to every operator");
                return;
            }
            Set<String> noParkGeographies = new LinkedHashSet<>(policy.noParkGeographyIds());
            long inNoPark = r.geographyIds().stream().filter(noParkGeographies::contains).count();
            Duration max = r.maximumIdle();
            if (inNoPark == r.geographyIds().size()) {
                for (MdsRuleMapping z : policy.ofKind(MdsRuleMapping.Kind.NO_PARK)) {
                    boolean covers = z.geographyIds().stream().anyMatch(r.geographyIds()::contains);
                    if (covers && !r.schedule().isAlways() && !r.schedule().equals(z.schedule())) {
                        rejectSchedule(r, "a no-park grace period unlike its zone's (" + describe(z) + ")");
                        return;
                    }
                }
                if (max.toSeconds() % 60 != 0) {
                    rejectMaximum(r, "a no-park grace of " + duration(max) + " is not whole minutes; "
                            + "rules.noPark.graceMinutes counts whole minutes");
                    return;
                }
                assign(r, "rules.noPark.graceMinutes", max.toMinutes());
                return;
            }
            if (inNoPark > 0) {
                reject(r, r.location() + ".geographies", json(r.geographyIds()), "mixes no-park zones " + r
                        .geographyIds().stream().filter(noParkGeographies::contains).toList() + " with other "
                        + "geographies: split it into a grace period on the zones and an idle limit elsewhere");
                return;
            }
            if (!r.schedule().isAlways()) {
                rejectSchedule(r, "an idle limit");
                return;
            }
            if (r.states().equals(Set.of(NON_OPERATIONAL))) {
                if (max.toSeconds() % 3600 != 0) {
                    rejectMaximum(r, "a limit of " + duration(max) + " on non_operational bikes is not whole "
                            + "hours; rules.condition.handleDeadlineHours counts whole hours");
                    return;
                }
                assign(r, "rules.condition.handleDeadlineHours", max.toHours());
                return;
            }
            if (max.toSeconds() % 86_400 != 0) {
                rejectMaximum(r, "an idle limit of " + duration(max) + " is not whole days; rules.zombies.idleDays "
                        + "counts whole days");
                return;
            }
            assign(r, "rules.zombies.idleDays", max.toDays());
        }

        private void assign(MdsRuleMapping r, String field, long value) {
            Assigned earlier = assigned.get(field);
            if (earlier != null && earlier.value != value) {
                reject(r, r.location() + ".maximum", maximum(r), field + " would be " + value + " here but "
                        + earlier.value + " by " + describe(earlier.rule) + " (geographies "
                        + earlier.rule.geographyIds() + "): a rule set has one " + field + "; keep one of them");
                return;
            }
            if (value > Integer.MAX_VALUE && !field.endsWith("fleetQuota")) {
                rejectMaximum(r, field + " = " + value + " is too large");
                return;
            }
            if (earlier == null) {
                assigned.put(field, new Assigned(value, r));
            }
            contributing.add(r);
        }

        private void rejectSchedule(MdsRuleMapping r, String what) {
            MdsSchedule s = r.schedule();
            boolean allDays = s.days().size() == DayOfWeek.values().length;
            String field = allDays ? "start_time" : "days";
            reject(r, r.location() + "." + field, schedule(s), what + " in force only" + when(s) + " has no "
                    + "rule-set field: rule-set parameters apply at all times");
        }

        private void rejectMaximum(MdsRuleMapping r, String reason) {
            reject(r, r.location() + ".maximum", maximum(r), reason);
        }

        /** The rule's maximum in its own terms: a count, or a duration with its unit. */
        private static String maximum(MdsRuleMapping r) {
            return r.maximumDevices() != null ? String.valueOf(r.maximumDevices())
                    : r.maximumIdle() != null ? duration(r.maximumIdle()) : null;
        }

        private void reject(MdsRuleMapping r, String location, String value, String reason) {
            rejected.add(new MdsPolicyException.Rejection(r.policyId(), r.ruleId(), r.name(), reason, location,
                    value));
        }
    }

    private record Assigned(long value, MdsRuleMapping rule) {
    }

    private static String policyAt(MdsRuleMapping r) {
        int i = r.location().lastIndexOf(".rules[");
        return i < 0 ? r.location() : r.location().substring(0, i);
    }

    private static String describe(MdsRuleMapping r) {
        return "rule " + r.ruleId() + " '" + oneLine(r.name()) + "' (" + r.location() + ")";
    }

    private static String when(MdsSchedule s) {
        return s.isAlways() ? "" : " (" + schedule(s) + ")";
    }

    private static String schedule(MdsSchedule s) {
        String days = s.days().stream().sorted()
                .map(d -> d.getDisplayName(TextStyle.SHORT, Locale.ROOT).toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(","));
        return days + " " + s.start() + "-" + s.end();
    }

    private static String duration(Duration d) {
        long s = d.toSeconds();
        if (s % 86_400 == 0) {
            return s / 86_400 + " days";
        }
        if (s % 3600 == 0) {
            return s / 3600 + " hours";
        }
        return s % 60 == 0 ? s / 60 + " minutes" : s + " seconds";
    }

    private static String kph(double kph) {
        return java.math.BigDecimal.valueOf(kph).setScale(1, java.math.RoundingMode.HALF_UP).toPlainString();
    }

    private static String json(List<String> values) {
        return values.stream().map(v -> '"' + v + '"').collect(Collectors.joining(",", "[", "]"));
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").strip();
    }

    private static String fileName(String source) {
        int i = Math.max(source.lastIndexOf('/'), source.lastIndexOf('\\'));
        return i < 0 ? source : source.substring(i + 1);
    }

    private static String header(MdsPolicyImport policy, String baseSource, String version, LocalDate from,
            LocalDate until, Mapping m) {
        StringBuilder b = new StringBuilder();
        b.append("# Rule set imported from the MDS policy ").append(fileName(policy.source()));
        if (policy.mdsVersion() != null) {
            b.append(" (MDS ").append(policy.mdsVersion()).append(')');
        }
        b.append(" onto the base ").append(fileName(baseSource)).append(".\n");
        b.append("# 由 MDS 政策导入的规则集；MDS 未规定的内容（得分、类别、等级等）取自基础规则集。\n");
        b.append("# Written by ./bikefence rules import-mds: the same inputs give the same bytes. Check it with\n");
        b.append("# ./bikefence rules check. The base's comments are not carried over; its values are.\n");
        b.append("#\n# version ").append(version).append(", in force from ").append(from)
                .append(until == null ? "" : " until " + until)
                .append(" (whole days of the policies' start_date/end_date that set a field).\n");
        m.notes.stream().filter(n -> n.startsWith("effectiveFrom")).forEach(n -> b.append("# ").append(n)
                .append('\n'));
        b.append("#\n# Set from MDS 由 MDS 设定:\n");
        if (m.assigned.isEmpty()) {
            b.append("#   (nothing: the values are the base's)\n");
        }
        m.assigned.forEach((field, a) -> b.append("#   ").append(field).append(" = ").append(a.value)
                .append("  <- ").append(describe(a.rule)).append('\n'));
        List<String> fences = m.notes.stream().filter(n -> n.startsWith("no-park")).toList();
        if (!fences.isEmpty()) {
            b.append("#\n# No-park zones 禁停区 (enforced through the fence set, not this file):\n");
            fences.forEach(n -> b.append("#   ").append(n).append('\n'));
        }
        List<String> speed = m.notes.stream().filter(n -> n.startsWith("NOT ENFORCED")).toList();
        if (!speed.isEmpty()) {
            b.append("#\n# NOT ENFORCED 未执行: speed and no-ride rules are recorded here only; bikefence does not\n");
            b.append("# check speed or riding in a zone (限速与禁骑规则仅作记录，系统不检查车速):\n");
            speed.forEach(n -> b.append("#   ").append(n.substring("NOT ENFORCED: ".length())).append('\n'));
        }
        b.append('\n');
        return b.toString();
    }

    private static ObjectNode readTree(byte[] yaml, String source) {
        try {
            JsonNode n = YAML.readTree(yaml);
            if (n instanceof ObjectNode o) {
                return o;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source, e);
        }
        throw new IllegalStateException(source + " loaded as a rule set but is not a mapping");
    }

    /** A copy of {@code root} with {@code field} set, placed after {@code after} when it is new. */
    private static ObjectNode withAfter(ObjectNode root, String field, String value, String after) {
        if (root.has(field) || !root.has(after)) {
            root.put(field, value);
            return root;
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.set(e.getKey(), e.getValue());
            if (e.getKey().equals(after)) {
                out.put(field, value);
            }
        }
        return out;
    }

    private static void set(ObjectNode root, String dotted, long value) {
        String[] path = dotted.split("\\.");
        ObjectNode at = root;
        for (int i = 0; i < path.length - 1; i++) {
            JsonNode next = at.get(path[i]);
            ObjectNode child;
            if (next instanceof ObjectNode o) {
                child = o;
            } else {
                child = JsonNodeFactory.instance.objectNode();
                at.set(path[i], child);
            }
            at = child;
        }
        at.put(path[path.length - 1], value);
    }

    private static String emit(ObjectNode root) {
        try {
            return YAML.writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
