package org.bikefence.rules;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads and validates rule-set YAML files (format: scoring-rules/README.md), failing with a
 * {@link RuleSetException} that names the file, line, field and value.
 */
public final class RuleSetLoader {

    /** Classpath location of the bundled Huli rule set, the same file as scoring-rules/rulesets/huli.yaml. */
    public static final String DEFAULT_RESOURCE = "rulesets/huli.yaml";

    private static final YAMLMapper MAPPER = YAMLMapper.builder(YAMLFactory.builder()
                    // Our messages carry the position; the whole file repeated in every cause is noise.
                    .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                    // A repeated key would silently override the first: a rule could change unseen.
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .build();

    private RuleSetLoader() {
    }

    public static RuleSet load(Path yaml) {
        return loadLocated(yaml).rules();
    }

    /** A loaded rule set with where it came from, so that later cross-file checks can point at a line. */
    record Located(RuleSet rules, String source, YamlPositions positions) {
        RuleSetException error(String field, String reason) {
            YamlPositions.Position pos = positions.at(field);
            return new RuleSetException(source, pos == null ? 0 : pos.line(), pos == null ? 0 : pos.column(), field,
                    pos == null ? null : pos.text(), reason, null);
        }
    }

    static Located loadLocated(Path yaml) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(yaml);
        } catch (IOException e) {
            throw new RuleSetException(yaml.toString(), 0, 0, null, null, "cannot read file: " + e, e);
        }
        return parse(bytes, yaml.toString());
    }

    public static RuleSet load(InputStream in, String sourceName) {
        byte[] bytes;
        try {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new RuleSetException(sourceName, 0, 0, null, null, "cannot read: " + e, e);
        }
        return parse(bytes, sourceName).rules();
    }

    /** The bundled Huli rule set from the classpath. */
    public static RuleSet loadDefault() {
        try (InputStream in = RuleSetLoader.class.getClassLoader().getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(DEFAULT_RESOURCE + " is not on the classpath");
            }
            return load(in, "classpath:" + DEFAULT_RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Located parse(byte[] bytes, String source) {
        YamlPositions positions;
        try {
            positions = YamlPositions.index(MAPPER, bytes);
        } catch (JsonProcessingException e) {
            throw syntaxError(source, e);
        } catch (IOException e) {
            throw new RuleSetException(source, 0, 0, null, null, "cannot read: " + e, e);
        }
        if (positions.isEmpty()) {
            throw new RuleSetException(source, 0, 0, null, null, "file is empty", null);
        }
        RuleSetFile file;
        try {
            file = MAPPER.readValue(bytes, RuleSetFile.class);
        } catch (JsonMappingException e) {
            throw bindingError(source, positions, e);
        } catch (JsonProcessingException e) {
            throw syntaxError(source, e);
        } catch (IOException e) {
            throw new RuleSetException(source, 0, 0, null, null, "cannot read: " + e, e);
        }
        return new Located(new Validator(source, positions).ruleSet(file), source, positions);
    }

    private static RuleSetException syntaxError(String source, JsonProcessingException e) {
        JsonLocation loc = e.getLocation();
        int line = loc == null ? 0 : loc.getLineNr();
        int column = loc == null ? 0 : loc.getColumnNr();
        String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (message.startsWith("Duplicate field") && e.getProcessor() instanceof JsonParser p) {
            return new RuleSetException(source, line, column, YamlPositions.path(p.getParsingContext()), null,
                    "appears twice in the same section (the second would silently win)", e);
        }
        return new RuleSetException(source, line, column, null, null, "malformed YAML: " + snakeYamlSummary(message),
                e);
    }

    /** SnakeYAML interleaves its message with indented source snippets; keep only the sentences. */
    private static String snakeYamlSummary(String message) {
        return message.lines()
                .filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)))
                .collect(Collectors.joining(": "));
    }

    private static RuleSetException bindingError(String source, YamlPositions positions, JsonMappingException e) {
        String field = e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
        YamlPositions.Position pos = positions.at(field);
        String value = pos == null ? null : pos.text();
        String reason;
        if (e instanceof UnrecognizedPropertyException u) {
            reason = "unknown field '" + u.getPropertyName() + "'; expected one of " + names(u.getKnownPropertyIds());
        } else if (e instanceof InvalidFormatException f) {
            value = String.valueOf(f.getValue());
            reason = "expected " + describe(f.getTargetType());
        } else if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            reason = "expected " + describe(m.getTargetType());
        } else {
            reason = firstLine(e.getOriginalMessage());
        }
        // Records bind through their constructor, so Jackson reports the end of the enclosing mapping;
        // the index knows where the offending value itself starts.
        JsonLocation loc = e.getLocation();
        int line = pos != null ? pos.line() : loc != null ? loc.getLineNr() : 0;
        int column = pos != null ? pos.column() : loc != null ? loc.getColumnNr() : 0;
        return new RuleSetException(source, line, column, field, value, reason, e);
    }

    private static String describe(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (Number.class.isAssignableFrom(type)) {
            return "a number";
        }
        if (type == String.class) {
            return "a single value (text)";
        }
        if (type.isRecord()) {
            return "a mapping of fields (key: value lines)";
        }
        return type.getSimpleName();
    }

    private static String names(Collection<Object> known) {
        return known == null ? "(none)" : known.stream().map(String::valueOf).sorted().toList().toString();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Semantic checks after binding, each reported at the position of the value it rejects. */
    private static final class Validator {
        private final String source;
        private final YamlPositions positions;

        Validator(String source, YamlPositions positions) {
            this.source = source;
            this.positions = positions;
        }

        RuleSet ruleSet(RuleSetFile f) {
            RuleSet.Builder b = RuleSet.builder()
                    .city(requireText("city", f.city()))
                    .cityZh(optionalText("cityZh", f.cityZh()))
                    .district(optionalText("district", f.district()))
                    .districtZh(optionalText("districtZh", f.districtZh()))
                    .version(requireText("version", f.version()));
            LocalDate from = date("effectiveFrom", f.effectiveFrom());
            b.effectiveFrom(from);
            if (f.effectiveUntil() != null) {
                LocalDate until = date("effectiveUntil", f.effectiveUntil());
                if (until.isBefore(from)) {
                    throw error("effectiveUntil", "is before effectiveFrom " + from);
                }
                b.effectiveUntil(until);
            }
            if (f.timeZone() != null) {
                b.timeZone(zone("timeZone", f.timeZone()));
            }
            BigDecimal base = RuleSet.DEFAULT_BASE_SCORE;
            BigDecimal floor = RuleSet.DEFAULT_FLOOR;
            if (f.score() != null) {
                if (f.score().base() != null) {
                    base = f.score().base();
                    if (base.signum() <= 0) {
                        throw error("score.base", "must be greater than 0");
                    }
                }
                if (f.score().floor() != null) {
                    floor = nonNegative("score.floor", f.score().floor());
                }
                if (floor.compareTo(base) > 0) {
                    throw error(f.score().floor() != null ? "score.floor" : "score.base",
                            "floor " + floor.toPlainString() + " is above base score " + base.toPlainString());
                }
                if (f.score().ceiling() != null) {
                    if (f.score().ceiling().compareTo(base) < 0) {
                        throw error("score.ceiling", "must not be below base score " + base.toPlainString());
                    }
                    b.ceiling(f.score().ceiling());
                }
            }
            b.baseScore(base).floor(floor);
            if (f.rules() == null) {
                throw error("rules", "is required (at least rules.noPark)");
            }
            if (f.operators() != null) {
                f.operators().forEach((id, o) -> b.operator(operator("operators." + id, id, o)));
            }
            List<Category> categories = categories(f.categories(), base);
            b.categories(categories);
            Set<String> categoryIds = new LinkedHashSet<>();
            categories.forEach(c -> categoryIds.add(c.id()));

            RuleSetFile.Rules r = f.rules();
            List<ScoringRule> scoring = new ArrayList<>();
            b.noPark(noPark("rules." + NoParkRule.ID, r.noPark()));
            items(MetricFamily.NO_PARK, r.noPark().scoring(), categoryIds, scoring);
            if (r.parking() != null) {
                items(MetricFamily.PARKING, r.parking().scoring(), categoryIds, scoring);
            }
            if (r.fleet() != null) {
                items(MetricFamily.FLEET, r.fleet().scoring(), categoryIds, scoring);
            }
            b.monitoring(monitoring(r, categoryIds, scoring));
            b.scoringRules(scoring);

            List<Grade> grades = grades(f.grades(), floor);
            if (!categories.isEmpty() && grades.isEmpty()) {
                throw error("grades", "is required when categories are given (a monthly score needs a grade)");
            }
            b.grades(grades);
            b.quota(quota(f.ranking(), f.quota(), categoryIds));
            for (ScoringRule s : scoring) {
                if (s.metric().needsFleetQuota() && (f.operators() == null || f.operators().isEmpty())) {
                    throw error(itemPath(s) + ".metric", "needs the operators' fleet quotas: add an operators: "
                            + "section with fleetQuota for each operator");
                }
            }
            return b.build();
        }

        private static String itemPath(ScoringRule s) {
            int dot = s.id().indexOf('.');
            return "rules." + s.id().substring(0, dot) + ".scoring" + s.id().substring(dot);
        }

        private OperatorQuota operator(String path, String id, RuleSetFile.Operator o) {
            if (o == null) {
                throw error(path, "needs fleetQuota");
            }
            long quota = require(path + ".fleetQuota", o.fleetQuota());
            if (quota <= 0) {
                throw error(path + ".fleetQuota", "must be at least 1 bike");
            }
            return new OperatorQuota(id, optionalText(path + ".nameZh", o.nameZh()), quota);
        }

        private List<Category> categories(Map<String, RuleSetFile.CategoryDef> defs, BigDecimal base) {
            List<Category> out = new ArrayList<>();
            if (defs == null) {
                return out;
            }
            BigDecimal sum = BigDecimal.ZERO;
            for (Map.Entry<String, RuleSetFile.CategoryDef> e : defs.entrySet()) {
                String path = "categories." + e.getKey();
                RuleSetFile.CategoryDef c = e.getValue();
                if (c == null) {
                    throw error(path, "needs points");
                }
                BigDecimal points = require(path + ".points", c.points());
                if (points.signum() <= 0) {
                    throw error(path + ".points", "must be greater than 0");
                }
                BigDecimal maxBonus = c.maxBonus() == null ? BigDecimal.ZERO
                        : nonNegative(path + ".maxBonus", c.maxBonus());
                sum = sum.add(points);
                out.add(new Category(e.getKey(), optionalText(path + ".name", c.name()),
                        optionalText(path + ".nameZh", c.nameZh()), points, maxBonus));
            }
            if (!out.isEmpty() && sum.compareTo(base) != 0) {
                // Weights that do not add up to the base would make a perfect score unreachable (or exceedable).
                throw error("categories", "category points add up to " + sum.toPlainString()
                        + " but must equal score.base " + base.toPlainString());
            }
            return out;
        }

        private Monitoring monitoring(RuleSetFile.Rules r, Set<String> categoryIds, List<ScoringRule> scoring) {
            Monitoring.Accumulation acc = Monitoring.Accumulation.DEFAULTS;
            if (r.accumulation() != null) {
                RuleSetFile.Accumulation a = r.accumulation();
                String p = "rules.accumulation";
                acc = new Monitoring.Accumulation(
                        intIn(p + ".h3Resolution", a.h3Resolution(), acc.h3Resolution(), 0, 15),
                        intIn(p + ".cellThreshold", a.cellThreshold(), acc.cellThreshold(), 1, Integer.MAX_VALUE),
                        intIn(p + ".minDurationMinutes", a.minDurationMinutes(), acc.minDurationMinutes(), 1,
                                Integer.MAX_VALUE),
                        intIn(p + ".clearDeadlineMinutes", a.clearDeadlineMinutes(), acc.clearDeadlineMinutes(), 1,
                                Integer.MAX_VALUE));
                items(MetricFamily.ACCUMULATION, a.scoring(), categoryIds, scoring);
            }
            Monitoring.OutOfArea out = Monitoring.OutOfArea.DEFAULTS;
            if (r.outOfArea() != null) {
                out = new Monitoring.OutOfArea(intIn("rules.outOfArea.graceMinutes", r.outOfArea().graceMinutes(),
                        out.graceMinutes(), 1, Integer.MAX_VALUE));
                items(MetricFamily.OUT_OF_AREA, r.outOfArea().scoring(), categoryIds, scoring);
            }
            Monitoring.Zombies zombies = Monitoring.Zombies.DEFAULTS;
            if (r.zombies() != null) {
                zombies = new Monitoring.Zombies(intIn("rules.zombies.idleDays", r.zombies().idleDays(),
                        zombies.idleDays(), 1, Integer.MAX_VALUE));
                items(MetricFamily.ZOMBIES, r.zombies().scoring(), categoryIds, scoring);
            }
            Monitoring.Condition condition = Monitoring.Condition.DEFAULTS;
            if (r.condition() != null) {
                condition = new Monitoring.Condition(intIn("rules.condition.handleDeadlineHours",
                        r.condition().handleDeadlineHours(), condition.handleDeadlineHours(), 1, Integer.MAX_VALUE));
                items(MetricFamily.CONDITION, r.condition().scoring(), categoryIds, scoring);
            }
            Monitoring.DataFeed feed = Monitoring.DataFeed.DEFAULTS;
            if (r.dataFeed() != null) {
                RuleSetFile.DataFeed d = r.dataFeed();
                String p = "rules.dataFeed";
                feed = new Monitoring.DataFeed(
                        intIn(p + ".parkedReportIntervalMinutes", d.parkedReportIntervalMinutes(),
                                feed.parkedReportIntervalMinutes(), 1, Integer.MAX_VALUE),
                        intIn(p + ".ridingReportIntervalSeconds", d.ridingReportIntervalSeconds(),
                                feed.ridingReportIntervalSeconds(), 1, Integer.MAX_VALUE),
                        intIn(p + ".lateAfterSeconds", d.lateAfterSeconds(), feed.lateAfterSeconds(), 1,
                                Integer.MAX_VALUE),
                        intIn(p + ".gapMinutes", d.gapMinutes(), feed.gapMinutes(), 1, Integer.MAX_VALUE));
                items(MetricFamily.DATA_FEED, d.scoring(), categoryIds, scoring);
            }
            return new Monitoring(acc, out, zombies, condition, feed);
        }

        private void items(MetricFamily family, Map<String, RuleSetFile.Item> items, Set<String> categoryIds,
                List<ScoringRule> out) {
            if (items == null) {
                return;
            }
            for (Map.Entry<String, RuleSetFile.Item> e : items.entrySet()) {
                out.add(item(family, e.getKey(), e.getValue(), categoryIds));
            }
        }

        private ScoringRule item(MetricFamily family, String name, RuleSetFile.Item i, Set<String> categoryIds) {
            String path = "rules." + family.key() + ".scoring." + name;
            if (i == null) {
                throw error(path, "needs category, metric and a price");
            }
            String category = requireText(path + ".category", i.category());
            if (categoryIds.isEmpty()) {
                throw error(path + ".category", "no categories: section defines categories");
            }
            if (!categoryIds.contains(category)) {
                throw error(path + ".category", "unknown category; expected one of " + sorted(categoryIds));
            }
            String metricKey = requireText(path + ".metric", i.metric());
            Metric metric = Metric.find(family, metricKey).orElseThrow(() -> error(path + ".metric",
                    "not a " + family.key() + " metric; expected one of " + Metric.keys(family)));
            int forms = (i.pointsPerUnit() != null ? 1 : 0) + (i.pointsPerPointBelow() != null ? 1 : 0)
                    + (i.bonus() != null ? 1 : 0);
            if (forms != 1) {
                throw error(path, "give exactly one of pointsPerUnit (with optional above), pointsPerPointBelow "
                        + "(with target) or bonus (with atLeast or atMost)");
            }
            BigDecimal max = i.max() == null ? null : nonNegative(path + ".max", i.max());
            String id = family.key() + "." + name;
            if (i.pointsPerUnit() != null) {
                forbid(path, i.target(), "target", "pointsPerUnit");
                forbid(path, i.atLeast(), "atLeast", "pointsPerUnit");
                forbid(path, i.atMost(), "atMost", "pointsPerUnit");
                BigDecimal above = i.above() == null ? BigDecimal.ZERO : nonNegative(path + ".above", i.above());
                return new ScoringRule(id, category, metric, ScoringRule.Kind.PER_UNIT, above,
                        nonNegative(path + ".pointsPerUnit", i.pointsPerUnit()), max);
            }
            if (i.pointsPerPointBelow() != null) {
                forbid(path, i.above(), "above", "pointsPerPointBelow");
                forbid(path, i.atLeast(), "atLeast", "pointsPerPointBelow");
                forbid(path, i.atMost(), "atMost", "pointsPerPointBelow");
                BigDecimal target = nonNegative(path + ".target", require(path + ".target", i.target()));
                if (metric.unit() == Metric.Unit.PERCENT && target.compareTo(BigDecimal.valueOf(100)) > 0) {
                    throw error(path + ".target", "is a percentage and must not exceed 100");
                }
                return new ScoringRule(id, category, metric, ScoringRule.Kind.PER_POINT_BELOW, target,
                        nonNegative(path + ".pointsPerPointBelow", i.pointsPerPointBelow()), max);
            }
            forbid(path, i.above(), "above", "bonus");
            forbid(path, i.target(), "target", "bonus");
            if ((i.atLeast() == null) == (i.atMost() == null)) {
                throw error(path, "a bonus needs exactly one of atLeast or atMost");
            }
            BigDecimal bonus = nonNegative(path + ".bonus", i.bonus());
            return i.atLeast() != null
                    ? new ScoringRule(id, category, metric, ScoringRule.Kind.BONUS_AT_LEAST,
                            nonNegative(path + ".atLeast", i.atLeast()), bonus, max)
                    : new ScoringRule(id, category, metric, ScoringRule.Kind.BONUS_AT_MOST,
                            nonNegative(path + ".atMost", i.atMost()), bonus, max);
        }

        private void forbid(String path, Object value, String field, String form) {
            if (value != null) {
                throw error(path + "." + field, "does not apply to a " + form + " rule");
            }
        }

        private List<Grade> grades(List<RuleSetFile.GradeDef> defs, BigDecimal floor) {
            List<Grade> out = new ArrayList<>();
            if (defs == null) {
                return out;
            }
            Set<String> names = new LinkedHashSet<>();
            for (int n = 0; n < defs.size(); n++) {
                String path = "grades[" + n + "]";
                RuleSetFile.GradeDef g = defs.get(n);
                if (g == null) {
                    throw error(path, "needs name and min");
                }
                String name = requireText(path + ".name", g.name());
                if (!names.add(name)) {
                    throw error(path + ".name", "appears twice in grades");
                }
                BigDecimal min = nonNegative(path + ".min", require(path + ".min", g.min()));
                if (!out.isEmpty() && min.compareTo(out.get(out.size() - 1).min()) >= 0) {
                    throw error(path + ".min", "must be below the previous band's min "
                            + out.get(out.size() - 1).min().toPlainString() + " (list grades from best to worst)");
                }
                out.add(new Grade(name, optionalText(path + ".nameEn", g.nameEn()), min,
                        g.pass() == null || g.pass()));
            }
            if (!out.isEmpty() && out.get(out.size() - 1).min().compareTo(floor) > 0) {
                throw error("grades[" + (out.size() - 1) + "].min", "the lowest band must start at or below the "
                        + "floor " + floor.toPlainString() + " so that every score gets a grade");
            }
            return out;
        }

        private QuotaPolicy quota(RuleSetFile.Ranking ranking, RuleSetFile.Quota quota, Set<String> categoryIds) {
            List<String> tieBreak = new ArrayList<>();
            if (ranking != null && ranking.tieBreak() != null) {
                for (int n = 0; n < ranking.tieBreak().size(); n++) {
                    String id = ranking.tieBreak().get(n);
                    if (!categoryIds.contains(id)) {
                        throw error("ranking.tieBreak[" + n + "]", "unknown category; expected one of "
                                + sorted(categoryIds));
                    }
                    tieBreak.add(id);
                }
            }
            Long pool = null;
            List<BigDecimal> shares = new ArrayList<>();
            if (quota != null) {
                if (quota.poolBikes() != null) {
                    if (quota.poolBikes() < 0) {
                        throw error("quota.poolBikes", "must not be negative");
                    }
                    pool = quota.poolBikes();
                }
                BigDecimal sum = BigDecimal.ZERO;
                List<BigDecimal> given = quota.sharesByRankPct() == null ? List.of() : quota.sharesByRankPct();
                for (int n = 0; n < given.size(); n++) {
                    String path = "quota.sharesByRankPct[" + n + "]";
                    BigDecimal share = nonNegative(path, require(path, given.get(n)));
                    sum = sum.add(share);
                    if (sum.compareTo(BigDecimal.valueOf(100)) > 0) {
                        throw error(path, "shares add up to " + sum.toPlainString() + " %, more than the whole pool");
                    }
                    shares.add(share);
                }
            }
            return new QuotaPolicy(pool, shares, tieBreak);
        }

        private int intIn(String path, Integer value, int dflt, int min, int max) {
            if (value == null) {
                return dflt;
            }
            if (value < min || value > max) {
                throw error(path, max == Integer.MAX_VALUE ? "must be at least " + min
                        : "must be between " + min + " and " + max);
            }
            return value;
        }

        private static List<String> sorted(Set<String> ids) {
            return ids.stream().sorted().toList();
        }

        private NoParkRule noPark(String path, RuleSetFile.NoPark n) {
            if (n == null) {
                throw error(path, "is required");
            }
            int grace = NoParkRule.DEFAULT_GRACE_MINUTES;
            if (n.graceMinutes() != null) {
                grace = n.graceMinutes();
                if (grace <= 0) {
                    throw error(path + ".graceMinutes", "must be at least 1 minute");
                }
            }
            int deadline = intIn(path + ".clearDeadlineMinutes", n.clearDeadlineMinutes(),
                    NoParkRule.DEFAULT_CLEAR_DEADLINE_MINUTES, 1, Integer.MAX_VALUE);
            BigDecimal per = nonNegative(path + ".deductionPerViolation", require(path + ".deductionPerViolation",
                    n.deductionPerViolation()));
            BigDecimal max = nonNegative(path + ".maxDeduction", require(path + ".maxDeduction", n.maxDeduction()));
            return new NoParkRule(grace, per, max, deadline);
        }

        private BigDecimal nonNegative(String path, BigDecimal value) {
            if (value.signum() < 0) {
                throw error(path, "must not be negative (points are deducted; use 0 to disable)");
            }
            return value;
        }

        private <T> T require(String path, T value) {
            if (value == null) {
                throw error(path, "is required");
            }
            return value;
        }

        private String requireText(String path, String value) {
            if (require(path, value).isBlank()) {
                throw error(path, "must not be blank");
            }
            return value;
        }

        private String optionalText(String path, String value) {
            if (value != null && value.isBlank()) {
                throw error(path, "must not be blank (leave the field out instead)");
            }
            return value;
        }

        private LocalDate date(String path, String value) {
            try {
                return LocalDate.parse(require(path, value));
            } catch (DateTimeParseException e) {
                throw error(path, "not a date in the form yyyy-MM-dd");
            }
        }

        private ZoneId zone(String path, String value) {
            try {
                return ZoneId.of(value);
            } catch (DateTimeException e) {
                throw error(path, "not a time-zone id such as Asia/Shanghai");
            }
        }

        private RuleSetException error(String path, String reason) {
            YamlPositions.Position exact = positions.at(path);
            YamlPositions.Position pos = exact != null ? exact : positions.find(path);
            String value = exact == null ? null : exact.text();
            return new RuleSetException(source, pos == null ? 0 : pos.line(), pos == null ? 0 : pos.column(), path,
                    value, reason, null);
        }
    }
}
