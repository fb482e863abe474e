package org.bikefence.model;

/** An operator's score for the day so far, as of the end of one minute. */
public class OperatorScore {
    public String operator;
    /** The minute this score is as of (window start), epoch ms. */
    public long asOf;
    /** The day (in the rule set's time zone), ISO yyyy-MM-dd. */
    public String day;
    public String ruleSetVersion;
    public long noParkViolations;
    public double deduction;
    public double score;

    public OperatorScore() {}

    @Override
    public String toString() {
        return operator + " " + day + "@" + asOf + " score=" + score + " (violations=" + noParkViolations + ")";
    }
}
