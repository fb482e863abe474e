package org.bikefence.model;

/**
 * A whole rule-set version published to the {@code rulesets} topic, as the text of its YAML file; after the job's
 * validation, the accepted version as the tracker and the scoring steps take it (and keep it in broadcast state).
 */
public class RuleSetUpdate {
    /** Kafka key: the version it says it is (informational; the file's own {@code version} counts). */
    public String key;
    /** The rule-set file (YAML), exactly as published. */
    public String yaml;
    /** When it was published (Kafka record timestamp), epoch ms. */
    public long publishedAt;
    /** Where it came from, {@code topic-partition@offset}. */
    public String source;
    /**
     * Set by the validation: the version's name and the event time its per-bike rules apply from (the start of its
     * {@code effectiveFrom} day in the rule set's time zone).
     */
    public String version;
    public long appliesFrom;

    public RuleSetUpdate() {}

    public RuleSetUpdate(String key, String yaml, long publishedAt, String source) {
        this.key = key;
        this.yaml = yaml;
        this.publishedAt = publishedAt;
        this.source = source;
    }
}
