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
import java.util.Collection;
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
        return parse(bytes, sourceName);
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

    private static RuleSet parse(byte[] bytes, String source) {
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
        return new Validator(source, positions).ruleSet(file);
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
                    .version(requireText("version", f.version()))
                    .effectiveFrom(date("effectiveFrom", f.effectiveFrom()));
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
            }
            b.baseScore(base).floor(floor);
            if (f.rules() == null) {
                throw error("rules", "is required (at least rules.noPark)");
            }
            b.noPark(noPark("rules." + NoParkRule.ID, f.rules().noPark()));
            return b.build();
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
            BigDecimal per = nonNegative(path + ".deductionPerViolation", require(path + ".deductionPerViolation",
                    n.deductionPerViolation()));
            BigDecimal max = nonNegative(path + ".maxDeduction", require(path + ".maxDeduction", n.maxDeduction()));
            return new NoParkRule(grace, per, max);
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
