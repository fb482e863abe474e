package org.bikefence.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import org.bikefence.model.RuleSetUpdate;
import org.bikefence.rules.RuleSetLoader;

/** Rule-set versions for the live rule-set tests: the bundled Huli file with a few numbers changed. */
public final class LiveRulesFixtures {
    private LiveRulesFixtures() {}

    /** The bundled {@code rulesets/huli.yaml} (version huli-2026.1, from 2026-01-01, 10-minute no-park grace). */
    public static String huliYaml() {
        try (InputStream in = RuleSetLoader.class.getClassLoader().getResourceAsStream(RuleSetLoader.DEFAULT_RESOURCE)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Huli's rules as another version, in force from {@code from}, with other no-park and out-of-area graces. */
    public static String version(String version, LocalDate from, int noParkGraceMinutes, int outOfAreaGraceMinutes) {
        String yaml = replaceOnce(huliYaml(), "version: huli-2026.1 ", "version: " + version + " ");
        yaml = replaceOnce(yaml, "effectiveFrom: 2026-01-01 ", "effectiveFrom: " + from + " ");
        yaml = replaceOnce(yaml, "graceMinutes: 10 ", "graceMinutes: " + noParkGraceMinutes + " ");
        return replaceOnce(yaml, "graceMinutes: 30 ", "graceMinutes: " + outOfAreaGraceMinutes + " ");
    }

    /** {@code yaml} with {@code from} replaced by {@code to} exactly once. */
    public static String replaceOnce(String yaml, String from, String to) {
        int at = yaml.indexOf(from);
        if (at < 0 || yaml.indexOf(from, at + 1) >= 0) {
            throw new IllegalArgumentException("'" + from + "' is not in the rule set exactly once");
        }
        return yaml.substring(0, at) + to + yaml.substring(at + from.length());
    }

    /** An update as the Kafka source makes it. */
    public static RuleSetUpdate update(String yaml, long publishedAt) {
        return new RuleSetUpdate("key", yaml, publishedAt, "rulesets-0@" + publishedAt);
    }

    /** An update as the validation passes it on: named, applying from {@code appliesFrom}. */
    public static RuleSetUpdate accepted(String version, String yaml, long appliesFrom) {
        RuleSetUpdate u = update(yaml, 0);
        u.version = version;
        u.appliesFrom = appliesFrom;
        return u;
    }
}
