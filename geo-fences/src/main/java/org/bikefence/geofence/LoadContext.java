package org.bikefence.geofence;

import java.util.ArrayList;
import java.util.List;
import org.bikefence.geofence.FenceFileException.Problem;

/**
 * What one load has found so far: problems (fatal, collected up to the options' limit so the
 * exception lists them all), warnings and repairs. One per load; not thread-safe.
 */
final class LoadContext {

    final String source;
    final LoadOptions options;
    private final List<Problem> problems = new ArrayList<>();
    private int problemCount;
    private final List<String> warnings = new ArrayList<>();
    private final List<String> repairs = new ArrayList<>();

    LoadContext(String source, LoadOptions options) {
        this.source = source;
        this.options = options;
    }

    /** A problem at a feature (by position) of a JSON source. */
    void problem(int featureIndex, String featureId, String property, String problem) {
        add(new Problem(source, featureIndex, FenceFileException.NO_LINE, featureId, property,
                problem));
    }

    /** A problem at a line of a line-oriented source. */
    void problemAtLine(int line, String featureId, String property, String problem) {
        add(new Problem(source, FenceFileException.NO_FEATURE, line, featureId, property, problem));
    }

    /** A problem with the whole source. */
    void fileProblem(String property, String problem) {
        problem(FenceFileException.NO_FEATURE, null, property, problem);
    }

    private void add(Problem p) {
        problemCount++;
        if (problems.size() < options.maxProblems()) {
            problems.add(p);
        }
    }

    boolean hasProblems() {
        return problemCount > 0;
    }

    int problemCount() {
        return problemCount;
    }

    void warn(String where, String message) {
        warnings.add(source + ": " + where + ": " + message);
    }

    void repaired(String where, String message) {
        repairs.add(source + ": " + where + ": " + message);
    }

    /** @throws FenceFileException listing every problem collected so far, if any */
    void throwIfProblems() {
        if (problemCount > 0) {
            throw new FenceFileException(problems, problemCount, null);
        }
    }

    FenceFileException fatal(String property, String problem) {
        return fatal(property, problem, null);
    }

    /** Throws a single file-level problem now: the source cannot be read further. */
    FenceFileException fatal(String property, String problem, Throwable cause) {
        return new FenceFileException(source, FenceFileException.NO_FEATURE, null, property,
                problem, cause);
    }

    List<String> warnings() {
        return warnings;
    }

    List<String> repairs() {
        return repairs;
    }

    /** "feature #3 (id "X")" or "line 7 (id "X")": how warnings name a feature. */
    static String feature(int index, String id) {
        return "feature #" + index + (id == null ? "" : " (id \"" + id + "\")");
    }

    static String line(int line, String id) {
        return "line " + line + (id == null ? "" : " (id \"" + id + "\")");
    }
}
