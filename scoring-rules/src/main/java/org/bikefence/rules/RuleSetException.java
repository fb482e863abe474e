package org.bikefence.rules;

/**
 * A rule-set file that cannot be used, with the file, line, field path and offending value so the person
 * editing the YAML can fix it without reading code.
 */
public final class RuleSetException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final int line;
    private final int column;
    private final String field;
    private final String value;

    RuleSetException(String source, int line, int column, String field, String value, String reason,
            Throwable cause) {
        super(format(source, line, column, field, value, reason), cause);
        this.source = source;
        this.line = line;
        this.column = column;
        this.field = field;
        this.value = value;
    }

    /** File path or resource name the rule set was read from. */
    public String source() {
        return source;
    }

    /** 1-based line in the source, or 0 when the problem has no position (e.g. the file cannot be read). */
    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    /** Dotted field path, e.g. {@code rules.noPark.graceMinutes}; null for problems not tied to a field. */
    public String field() {
        return field;
    }

    /** The value as written in the file; null when the field is missing or there is no single value. */
    public String value() {
        return value;
    }

    private static String format(String source, int line, int column, String field, String value,
            String reason) {
        StringBuilder sb = new StringBuilder("Invalid rule set ").append(source);
        if (line > 0) {
            sb.append(", line ").append(line);
            if (column > 0) {
                sb.append(", column ").append(column);
            }
        }
        sb.append(": ");
        if (field != null) {
            sb.append(field.isEmpty() ? "(document)" : field);
            if (value != null) {
                sb.append(" = '").append(value).append('\'');
            }
            sb.append(": ");
        }
        return sb.append(reason).toString();
    }
}
