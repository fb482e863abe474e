package org.bikefence.rules.mds;

import java.util.List;
import java.util.stream.Collectors;

/**
 * An MDS Policy document that cannot be imported: unreadable, or with rules that have no bikefence mapping.
 * All unmappable rules are listed, each named by rule_id and name, so one pass fixes them all.
 */
public final class MdsPolicyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** One rule that does not map, and why. */
    public record Rejection(String policyId, String ruleId, String name, String reason) {
        @Override
        public String toString() {
            return "policy " + policyId + ", rule " + ruleId + " '" + name + "': " + reason;
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
