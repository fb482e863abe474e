package org.bikefence.testing;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Environments for whole-job tests with generic types disabled ({@code pipeline.generic-types: false}): a type
 * that would fall back to Kryo fails the job at once, naming the type, instead of being serialized slowly.
 */
public final class NoKryo {
    private NoKryo() {}

    /** The test's execution environment without Kryo. */
    public static StreamExecutionEnvironment environment() {
        return environment(new Configuration());
    }

    /** The test's execution environment with {@code flink} and without Kryo. */
    public static StreamExecutionEnvironment environment(Configuration flink) {
        Configuration conf = new Configuration(flink);
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        return StreamExecutionEnvironment.getExecutionEnvironment(conf);
    }
}
