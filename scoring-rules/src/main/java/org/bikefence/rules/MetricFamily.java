package org.bikefence.rules;

/** The groups of monthly metrics; each is one section under {@code rules:} in a rule-set file. */
public enum MetricFamily {
    NO_PARK("noPark"),
    PARKING("parking"),
    ACCUMULATION("accumulation"),
    FLEET("fleet"),
    OUT_OF_AREA("outOfArea"),
    ZOMBIES("zombies"),
    CONDITION("condition"),
    DATA_FEED("dataFeed");

    private final String key;

    MetricFamily(String key) {
        this.key = key;
    }

    /** Section name under {@code rules:}, e.g. {@code noPark}. */
    public String key() {
        return key;
    }
}
