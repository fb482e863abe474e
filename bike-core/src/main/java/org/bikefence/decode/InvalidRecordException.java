package org.bikefence.decode;

/** Why a record cannot become a position: a reason code for counting and a detail naming field and value. */
public final class InvalidRecordException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String reason;
    private String operator;

    public InvalidRecordException(String reason, String detail) {
        // No stack trace: rejections are expected input, not bugs, and may be frequent.
        super(detail, null, false, false);
        this.reason = reason;
    }

    /**
     * Reason code: not_json, missing_field, bad_type, out_of_range, unknown_state, unknown_crs, future_timestamp,
     * duplicate_field, too_large (the constants of {@link PositionDecoder}).
     */
    public String reason() {
        return reason;
    }

    public String detail() {
        return getMessage();
    }

    /** The operator the record names, when the decoder got that far; null otherwise. */
    public String operator() {
        return operator;
    }

    InvalidRecordException withOperator(String op) {
        this.operator = op;
        return this;
    }
}
