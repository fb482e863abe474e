package org.bikefence.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import org.apache.flink.configuration.ConfigOption;

/**
 * The documentation table of the {@link JobOptions}: generated from the definitions ({@link #markdown()},
 * printed by {@link #main}), and read back from a README to compare ({@link #differences(String)}).
 */
public final class JobOptionsDoc {
    /** The heading of the README section that holds the option tables. */
    public static final String HEADING = "## Job options";

    private JobOptionsDoc() {}

    /** Prints the section for README.md. */
    public static void main(String[] args) {
        System.out.print(markdown());
    }

    /** The section: the heading, then one table per group of options. */
    public static String markdown() {
        StringBuilder md = new StringBuilder(HEADING).append("\n\n");
        group(md, "Kafka", o -> o.key().startsWith("kafka."));
        group(md, "Fences, rules, event time and the job",
                o -> !o.key().startsWith("kafka.") && !o.key().startsWith(JobOptions.INFLUX_PREFIX));
        group(md, "InfluxDB sink", o -> o.key().startsWith(JobOptions.INFLUX_PREFIX));
        return md.toString();
    }

    private static void group(StringBuilder md, String title, Predicate<ConfigOption<?>> member) {
        md.append("### ").append(title).append("\n\n| key | default | description |\n|---|---|---|\n");
        for (ConfigOption<?> o : JobOptions.ALL) {
            if (member.test(o)) {
                String def = JobOptions.defaultText(o);
                md.append("| `").append(o.key()).append("` | ").append(def == null ? "-" : "`" + def + "`")
                        .append(" | ").append(JobOptions.descriptionText(o).replace("|", "\\|")).append(" |\n");
            }
        }
        md.append('\n');
    }

    /** The options documented in the section of a README: key to default (null for {@code -}). */
    public static Map<String, String> documented(String readme) {
        Map<String, String> keys = new LinkedHashMap<>();
        boolean inSection = false;
        for (String line : readme.split("\\R")) {
            if (line.startsWith("## ")) {
                inSection = line.strip().equals(HEADING);
                continue;
            }
            if (!inSection || !line.startsWith("|")) {
                continue;
            }
            String[] cells = line.strip().replaceAll("^\\||\\|$", "").split("(?<!\\\\)\\|", -1);
            String key = unquote(cells[0]);
            if (key.equals("key") || key.matches(":?-+:?")) {
                continue;
            }
            String def = cells.length > 1 ? unquote(cells[1]) : "";
            if (keys.containsKey(key)) {
                throw new IllegalArgumentException("README documents option '" + key + "' twice");
            }
            keys.put(key, def.equals("-") ? null : def);
        }
        return keys;
    }

    /** Every key missing on either side and every default that differs; empty when the README is right. */
    public static List<String> differences(String readme) {
        List<String> problems = new ArrayList<>();
        if (readme.lines().noneMatch(l -> l.strip().equals(HEADING))) {
            problems.add("no '" + HEADING + "' section");
            return problems;
        }
        Map<String, String> documented = documented(readme);
        for (ConfigOption<?> o : JobOptions.ALL) {
            if (!documented.containsKey(o.key())) {
                problems.add("option '" + o.key() + "' is not documented");
            } else if (!Objects.equals(documented.get(o.key()), JobOptions.defaultText(o))) {
                problems.add("option '" + o.key() + "': README says default " + shown(documented.get(o.key()))
                        + ", the definition says " + shown(JobOptions.defaultText(o)));
            }
        }
        for (String key : documented.keySet()) {
            if (JobOptions.byKey(key).isEmpty()) {
                problems.add("README documents '" + key + "', which is not an option");
            }
        }
        return problems;
    }

    private static String shown(String def) {
        return def == null ? "none" : "'" + def + "'";
    }

    private static String unquote(String cell) {
        String s = cell.strip();
        if (s.length() >= 2 && s.startsWith("`") && s.endsWith("`")) {
            s = s.substring(1, s.length() - 1);
        }
        return s;
    }
}
