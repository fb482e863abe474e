package org.bikefence.geofence;

/**
 * A fence source that cannot be loaded, with a message naming the source, the feature (position
 * and id), the property and the offending value so that whoever edits the file can fix it.
 */
public final class FenceFileException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Marks problems that concern the whole source rather than one feature. */
    public static final int NO_FEATURE = -1;

    private final String source;
    private final int featureIndex;
    private final String featureId;
    private final String property;

    /**
     * @param featureIndex position of the feature in the source counting from 0, or
     *     {@link #NO_FEATURE}
     * @param featureId the feature's id when known, else null
     * @param property the offending property (e.g. "kind", "geometry"), or null
     * @param problem what is wrong, quoting the bad value
     */
    public FenceFileException(String source, int featureIndex, String featureId, String property,
            String problem, Throwable cause) {
        super(message(source, featureIndex, featureId, property, problem), cause);
        this.source = source;
        this.featureIndex = featureIndex;
        this.featureId = featureId;
        this.property = property;
    }

    public FenceFileException(String source, int featureIndex, String featureId, String property,
            String problem) {
        this(source, featureIndex, featureId, property, problem, null);
    }

    private static String message(String source, int featureIndex, String featureId,
            String property, String problem) {
        StringBuilder sb = new StringBuilder(source == null ? "<unnamed source>" : source);
        if (featureIndex != NO_FEATURE) {
            sb.append(": feature #").append(featureIndex);
            sb.append(featureId == null ? " (no id)" : " (id \"" + featureId + "\")");
        }
        if (property != null) {
            sb.append(": property \"").append(property).append('"');
        }
        return sb.append(": ").append(problem).toString();
    }

    public String source() {
        return source;
    }

    /** Position of the feature counting from 0, or {@link #NO_FEATURE}. */
    public int featureIndex() {
        return featureIndex;
    }

    /** The feature's id, or null when it had none or the problem is not about one feature. */
    public String featureId() {
        return featureId;
    }

    /** The offending property, or null. */
    public String property() {
        return property;
    }
}
