package org.bikefence.geofence;

import java.util.List;
import java.util.Objects;

/**
 * A fence source that cannot be loaded, listing every problem found (up to a limit), each naming
 * the source, the feature (position or line, and id), the property and the offending value so
 * that whoever edits the file can fix them all in one go. The caller keeps its previous fence set.
 */
public final class FenceFileException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Marks problems that concern the whole source rather than one feature. */
    public static final int NO_FEATURE = -1;

    /** Marks problems whose source has no line numbers (JSON features are located by position). */
    public static final int NO_LINE = -1;

    /**
     * One thing wrong with a fence source.
     *
     * @param featureIndex position of the feature counting from 0, or {@link #NO_FEATURE}
     * @param line 1-based line of a line-oriented source (CSV), or {@link #NO_LINE}
     * @param featureId the feature's id when known, else null
     * @param property the offending property (e.g. "kind", "geometry"), or null
     * @param problem what is wrong, quoting the bad value
     */
    public record Problem(String source, int featureIndex, int line, String featureId,
            String property, String problem) implements java.io.Serializable {

        public Problem {
            Objects.requireNonNull(problem, "problem");
        }

        /** The full message: "source: feature #3 (id "X"): property "kind": ...". */
        public String message() {
            StringBuilder sb = new StringBuilder(source == null ? "<unnamed source>" : source);
            if (line != NO_LINE) {
                sb.append(": line ").append(line);
            } else if (featureIndex != NO_FEATURE) {
                sb.append(": feature #").append(featureIndex);
            }
            if (line != NO_LINE || featureIndex != NO_FEATURE) {
                sb.append(featureId == null ? " (no id)" : " (id \"" + featureId + "\")");
            }
            if (property != null) {
                sb.append(": property \"").append(property).append('"');
            }
            return sb.append(": ").append(problem).toString();
        }

        @Override
        public String toString() {
            return message();
        }
    }

    private final List<Problem> problems;
    private final int totalProblems;

    /**
     * A single problem.
     *
     * @param featureIndex position of the feature in the source counting from 0, or
     *     {@link #NO_FEATURE}
     * @param featureId the feature's id when known, else null
     * @param property the offending property (e.g. "kind", "geometry"), or null
     * @param problem what is wrong, quoting the bad value
     */
    public FenceFileException(String source, int featureIndex, String featureId, String property,
            String problem, Throwable cause) {
        this(List.of(new Problem(source, featureIndex, NO_LINE, featureId, property, problem)), 1,
                cause);
    }

    public FenceFileException(String source, int featureIndex, String featureId, String property,
            String problem) {
        this(source, featureIndex, featureId, property, problem, null);
    }

    /**
     * Several problems.
     *
     * @param problems the problems kept (non-empty)
     * @param totalProblems how many were found, at least {@code problems.size()}; the rest were
     *     dropped at the loader's limit
     */
    public FenceFileException(List<Problem> problems, int totalProblems, Throwable cause) {
        super(message(problems, totalProblems), cause);
        if (problems.isEmpty() || totalProblems < problems.size()) {
            throw new IllegalArgumentException("need at least one problem and a consistent total");
        }
        this.problems = List.copyOf(problems);
        this.totalProblems = totalProblems;
    }

    private static String message(List<Problem> problems, int total) {
        if (problems.size() == 1 && total == 1) {
            return problems.get(0).message();
        }
        String source = problems.isEmpty() ? null : problems.get(0).source();
        StringBuilder sb = new StringBuilder(source == null ? "<unnamed source>" : source)
                .append(": ").append(total).append(" problems");
        for (Problem p : problems) {
            sb.append("\n  ").append(p.message());
        }
        if (total > problems.size()) {
            sb.append("\n  ... and ").append(total - problems.size())
                    .append(" more not listed (limit ").append(problems.size()).append(')');
        }
        return sb.toString();
    }

    /** The problems listed in the message, in the order found. */
    public List<Problem> problems() {
        return problems;
    }

    /** How many problems the loader found, including any beyond its listing limit. */
    public int totalProblems() {
        return totalProblems;
    }

    public String source() {
        return problems.get(0).source();
    }

    /** Position of the first problem's feature counting from 0, or {@link #NO_FEATURE}. */
    public int featureIndex() {
        return problems.get(0).featureIndex();
    }

    /** The first problem's feature id, or null when it had none or is not about one feature. */
    public String featureId() {
        return problems.get(0).featureId();
    }

    /** The first problem's property, or null. */
    public String property() {
        return problems.get(0).property();
    }
}
