package org.bikefence.rules.mds;

import java.util.List;
import java.util.stream.Collectors;

/**
 * An MDS Policy document that cannot be imported: unreadable, or with rules that have no bikefence mapping.
 * All unmappable rules are listed, each named by rule_id and name, so one pass fixes them all.
 */
public final class MdsPolicyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * One rule that does not map, and why.
     *
     * @param location where the offending field is in the document, e.g. {@code policies[0].rules[2].rule_type};
     *     null when unknown
     * @param value the offending value as JSON text, or null when the field is missing
     */
    public record Rejection(String policyId, String ruleId, String name, String reason, String location,
            String value) {

        public Rejection(String policyId, String ruleId, String name, String reason) {
            this(policyId, ruleId, name, reason, null, null);
        }

        @Override
        public String toString() {
            String at = location == null ? "" : " (at " + location + (value == null ? ", missing" : " = " + value) + ")";
            return "policy " + policyId + ", rule " + ruleId + " '" + name + "': " + reason + at;
        }
    }

    private final String source;
    private final List<Rejection> rejections;

    MdsPolicyException(String source, String message, Throwable cause) {
        super("Cannot import MDS policy " + source + ": " + message, cause);
        this.source = source;
        this.rejections = List.of();
    }

    MdsPolicyException(String source, List<Rejection> rejections) {
        super("Cannot import MDS policy " + source + ": " + rejections.size() + " rule(s) do not map:\n  "
                + rejections.stream().map(Rejection::toString).collect(Collectors.joining("\n  ")));
        this.source = source;
        this.rejections = List.copyOf(rejections);
    }

    public String source() {
        return source;
    }

    public List<Rejection> rejections() {
        return rejections;
    }
}
