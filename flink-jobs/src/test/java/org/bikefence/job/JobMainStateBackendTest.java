package org.bikefence.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.bikefence.config.JobConfig;
import org.junit.jupiter.api.Test;

/** The state settings JobMain gives every entry point: RocksDB by default, incremental, max parallelism 128. */
class JobMainStateBackendTest {
    private static JobConfig options(String... more) {
        List<String> args = new ArrayList<>(List.of("--fences", ScenarioFixtures.FENCES, "--rules", ScenarioFixtures.RULES));
        args.addAll(List.of(more));
        return JobConfig.fromArgs(args.toArray(new String[0]), Map.of());
    }

    private static StreamExecutionEnvironment env(String... keyValues) {
        Configuration conf = new Configuration();
        for (int i = 0; i < keyValues.length; i += 2) {
            conf.setString(keyValues[i], keyValues[i + 1]);
        }
        return StreamExecutionEnvironment.getExecutionEnvironment(conf);
    }

    @Test
    void withoutAChoiceTheJobRunsOnRocksDbWithIncrementalCheckpointsAndMaxParallelism128() {
        StreamExecutionEnvironment env = JobMain.configure(env(), options());

        assertThat(env.getConfiguration().get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
        assertThat(env.getConfiguration().get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
        assertThat(env.getMaxParallelism()).isEqualTo(128);
    }

    @Test
    void theRuntimesOwnStateBackendTypeIsKeptWhenTheOptionIsNotGiven() {
        StreamExecutionEnvironment env = JobMain.configure(
                env("state.backend.type", "hashmap", "execution.checkpointing.incremental", "false"), options());

        assertThat(env.getConfiguration().get(StateBackendOptions.STATE_BACKEND)).isEqualTo("hashmap");
        assertThat(env.getConfiguration().get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isFalse();
    }

    @Test
    void theOptionWinsOverTheRuntimesConfiguration() {
        assertThat(JobMain.configure(env("state.backend.type", "rocksdb"), options("--state.backend", "hashmap"))
                .getConfiguration().get(StateBackendOptions.STATE_BACKEND)).isEqualTo("hashmap");
        assertThat(JobMain.configure(env("state.backend.type", "hashmap"), options("--state.backend", "rocksdb"))
                .getConfiguration().get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
    }

    @Test
    void anUnknownStateBackendIsRefusedNamingTheOption() {
        assertThatThrownBy(() -> options("--state.backend", "memory"))
                .hasMessageContaining("option 'state.backend' must be rocksdb or hashmap, was 'memory'");
    }

    @Test
    void theJobJarsMainRefusesToSubmitWithCheckpointsInTheJobManagersMemory() {
        // This JVM's Flink configuration names no checkpoint directory: Flink would keep checkpoints in memory.
        assertThatThrownBy(() -> JobMain.main(new String[] {"--fences", ScenarioFixtures.FENCES,
            "--rules", ScenarioFixtures.RULES}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("the Flink configuration (conf/config.yaml): no 'execution.checkpointing.dir'");
    }
}
