package org.bikefence.cli.bench;

import java.util.Locale;

/**
 * The pipelines the benchmark compares, each from the same topic, bounded from earliest: bare and full for the ratio;
 * decode, classify and keyed are steps of the job in between, for where the difference goes.
 */
public enum Variant {
    /** KafkaSource with byte[] values, a map to the value's length, a discarding sink: Kafka and Flink alone. */
    BARE,
    /** The job's source (RawRecordDeserializer) and its decode-validate step (DecodePositions), then discard. */
    DECODE,
    /** The job's whole first chain: its source and watermarks, decode-validate, classify-fences; then discard. */
    CLASSIFY,
    /** The first chain, keyed by bike into a keyed step that reads no state and emits nothing. */
    KEYED,
    /** The whole job as JobMain wires it (fences and violations topics off), writing to a local influxd. */
    FULL;

    /** The name on the command line and in the output: bare, decode, classify, keyed, full. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The variant with this label. */
    public static Variant of(String label) {
        for (Variant v : values()) {
            if (v.label().equals(label.trim())) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown variant '" + label + "' (bare, decode, classify, keyed, full)");
    }
}
