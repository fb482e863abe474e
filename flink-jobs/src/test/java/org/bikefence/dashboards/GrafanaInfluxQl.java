package org.bikefence.dashboards;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Grafana's InfluxDB data source does to a raw InfluxQL query before sending it (the macros and template
 * variables the dashboards use), and a small reader of the resulting SELECT: its measurement, the columns and
 * series tags InfluxDB will answer with, and every identifier it names.
 */
final class GrafanaInfluxQl {

    /** A dashboard template variable's current selection; multi/includeAll variables are formatted as regexes. */
    record Variable(String name, boolean multiOrAll, List<String> values) {}

    /** Grafana's variable syntaxes: {@code $name}, {@code [[name]]}, {@code [[name:fmt]]}, {@code ${name[:fmt]}}. */
    private static final Pattern VARIABLE =
            Pattern.compile("\\$(\\w+)|\\[\\[(\\w+?)(?::(\\w+))?]]|\\$\\{(\\w+)(?::([^}]+))?}");
    /** A variable left in a query after interpolation: Grafana would send it to InfluxDB verbatim. */
    static final Pattern LEFT_OVER = Pattern.compile("\\$\\w|\\$\\{|\\[\\[");

    private GrafanaInfluxQl() {}

    /**
     * The query as Grafana sends it for an absolute time range {@code [fromMs, toMs]} and a panel interval.
     * Grafana's InfluxDB data source replaces {@code $timeFilter} (and {@code $__timeFilter}) with
     * {@code time >= <from>ms and time <= <to>ms}; the template service then replaces {@code $__interval} /
     * {@code $interval} (e.g. {@code 1m}), {@code $__interval_ms}, {@code $__from} / {@code $__to} (epoch ms) and the
     * dashboard's variables. A variable that is multi-value or has "All" is regex-escaped and, with several
     * values, joined as {@code (a|b)} — meant for {@code =~ /^$var$/}; a plain variable is inserted as is.
     */
    static String interpolate(String query, long fromMs, long toMs, String interval, long intervalMs,
            Map<String, Variable> variables) {
        String timeFilter = "time >= " + fromMs + "ms and time <= " + toMs + "ms";
        String q = query.replace("$__timeFilter", timeFilter).replace("$timeFilter", timeFilter);
        Matcher m = VARIABLE.matcher(q);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(4);
            String format = m.group(3) != null ? m.group(3) : m.group(5);
            String value = builtIn(name, fromMs, toMs, interval, intervalMs);
            if (value == null && variables.containsKey(name)) {
                value = format(variables.get(name), format);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value == null ? m.group() : value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String builtIn(String name, long fromMs, long toMs, String interval, long intervalMs) {
        switch (name) {
            case "__interval":
            case "interval":
                return interval;
            case "__interval_ms":
                return Long.toString(intervalMs);
            case "__from":
                return Long.toString(fromMs);
            case "__to":
                return Long.toString(toMs);
            default:
                return null;
        }
    }

    private static String format(Variable v, String format) {
        if ("raw".equals(format)) {
            return String.join(",", v.values());
        }
        if (!v.multiOrAll() && format == null) {
            return v.values().get(0);
        }
        List<String> escaped = new ArrayList<>();
        for (String value : v.values()) {
            escaped.add(regexEscape(value));
        }
        return escaped.size() == 1 ? escaped.get(0) : "(" + String.join("|", escaped) + ")";
    }

    /** Grafana's influxRegularEscape: regex metacharacters and the slash that ends an InfluxQL regex. */
    static String regexEscape(String value) {
        return value.replaceAll("[\\\\^$*+?.()|\\[\\]{}/]", "\\\\$0");
    }

    /** A SELECT as InfluxDB will answer it. */
    record Select(String measurement, List<String> columns, List<String> groupByTags, Set<String> identifiers) {}

    private static final Set<String> KEYWORDS = Set.of("select", "from", "where", "and", "or", "group", "by", "as",
            "fill", "null", "none", "previous", "linear", "order", "asc", "desc", "limit", "slimit", "offset",
            "soffset", "tz", "time", "now", "true", "false", "not");
    private static final Set<String> FUNCTIONS = Set.of("last", "first", "count", "sum", "mean", "median", "max",
            "min", "spread", "stddev", "distinct", "mode", "integral", "difference", "non_negative_difference",
            "derivative", "non_negative_derivative", "cumulative_sum", "moving_average", "elapsed", "top", "bottom",
            "percentile", "sample");
    private static final Pattern STRING = Pattern.compile("'(?:[^'\\\\]|\\\\.)*'");
    private static final Pattern REGEX = Pattern.compile("(=~|!~)\\s*/(?:[^/\\\\]|\\\\.)*/");
    private static final Pattern DURATION_OR_NUMBER = Pattern.compile("\\b\\d+(?:\\.\\d+)?(?:[a-zµ]+)?\\b");
    private static final Pattern TOKEN = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)+)\"|([A-Za-z_][A-Za-z0-9_]*)");
    private static final Pattern SHAPE = Pattern.compile(
            "(?is)^\\s*SELECT\\s+(.+?)\\s+FROM\\s+(\\S+)(?:\\s+WHERE\\s+(.+?))?(?:\\s+GROUP\\s+BY\\s+(.+?))?"
                    + "(?:\\s+fill\\([^)]*\\))?(?:\\s+ORDER\\s+BY\\s+.+?)?(?:\\s+LIMIT\\s+\\d+)?"
                    + "(?:\\s+tz\\('[^']*'\\))?\\s*$");

    /**
     * Reads a single-measurement SELECT. Every expression in the SELECT list must be a bare field or tag or have
     * an {@code AS} alias, so the columns a panel gets are known from the query text alone.
     */
    static Select parse(String influxQl) {
        String masked = REGEX.matcher(STRING.matcher(influxQl).replaceAll("''")).replaceAll("$1 //");
        Matcher shape = SHAPE.matcher(masked);
        if (!shape.matches()) {
            throw new IllegalArgumentException("not a SELECT ... FROM ... [WHERE] [GROUP BY] [fill] [tz]: " + influxQl);
        }
        String measurement = unquote(shape.group(2));
        List<String> columns = new ArrayList<>();
        Set<String> identifiers = new LinkedHashSet<>();
        for (String item : splitTopLevel(shape.group(1))) {
            String[] parts = item.split("(?i)\\s+AS\\s+");
            if (parts.length == 2) {
                columns.add(unquote(parts[1].trim()));
            } else if (TOKEN.matcher(item.trim()).matches()) {
                columns.add(unquote(item.trim()));
            } else {
                throw new IllegalArgumentException("give '" + item.trim() + "' an AS alias in: " + influxQl);
            }
            identifiers.addAll(identifiersIn(parts[0]));
        }
        if (shape.group(3) != null) {
            identifiers.addAll(identifiersIn(shape.group(3)));
        }
        List<String> tags = new ArrayList<>();
        if (shape.group(4) != null) {
            for (String item : splitTopLevel(shape.group(4))) {
                if (!item.trim().toLowerCase(Locale.ROOT).startsWith("time(")) {
                    tags.add(unquote(item.trim()));
                }
            }
            identifiers.addAll(tags);
        }
        return new Select(measurement, columns, tags, identifiers);
    }

    /** Fields and tags a query expression names: quoted identifiers and bare words that are not InfluxQL's own. */
    private static Set<String> identifiersIn(String expression) {
        Set<String> out = new LinkedHashSet<>();
        String e = DURATION_OR_NUMBER.matcher(expression).replaceAll(" ").replace("//", " ");
        Matcher m = TOKEN.matcher(e);
        while (m.find()) {
            if (m.group(1) != null) {
                out.add(m.group(1));
            } else {
                String word = m.group(2).toLowerCase(Locale.ROOT);
                if (!KEYWORDS.contains(word) && !FUNCTIONS.contains(word)) {
                    out.add(m.group(2));
                }
            }
        }
        return out;
    }

    private static List<String> splitTopLevel(String list) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < list.length(); i++) {
            char c = list.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                out.add(list.substring(start, i));
                start = i + 1;
            }
        }
        out.add(list.substring(start));
        return out;
    }

    static String unquote(String identifier) {
        return identifier.length() >= 2 && identifier.startsWith("\"") && identifier.endsWith("\"")
                ? identifier.substring(1, identifier.length() - 1) : identifier;
    }
}
