package org.bikefence.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.runtime.executiongraph.failover.ExponentialDelayRestartBackoffTimeStrategy;
import org.apache.flink.runtime.executiongraph.failover.RestartBackoffTimeStrategy;
import org.apache.flink.runtime.executiongraph.failover.RestartBackoffTimeStrategyFactoryLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalRuntimeTest {
    /** The repository's config.yaml, seen from the module directory. */
    private static final Path REPOSITORY_CONF = Path.of("..").resolve(LocalRuntime.CONF_DIR);

    @TempDir
    Path tmp;

    @Test
    void theRepositoryConfigRunsRocksDbWithCheckpointsToAFileSystemDirectory() {
        Configuration conf = LocalRuntime.load(REPOSITORY_CONF);

        assertThat(conf.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
        assertThat(conf.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
        assertThat(conf.get(CheckpointingOptions.CHECKPOINT_STORAGE)).isEqualTo("filesystem");
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).startsWith("file:///");
        assertThat(conf.get(CheckpointingOptions.SAVEPOINT_DIRECTORY)).startsWith("file:///");
        assertThat(conf.get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION))
                .isEqualTo(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    }

    @Test
    void withoutAConfigFileItIsTheSameBackendWithIncrementalCheckpoints() {
        Configuration conf = LocalRuntime.load(tmp.resolve("no-such-dir"));

        assertThat(conf.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
        assertThat(conf.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
    }

    @Test
    void theHeapBackendIsAChoiceOfTheConfigFile() throws IOException {
        Files.writeString(tmp.resolve("config.yaml"), "state:\n  backend:\n    type: hashmap\n"
                + "execution:\n  checkpointing:\n    incremental: false\n");

        Configuration conf = LocalRuntime.load(tmp);

        assertThat(conf.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("hashmap");
        assertThat(conf.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isFalse();
    }

    @Test
    void checkpointsGoAsFilesUnderTheAbsoluteDirectory() {
        Configuration conf = LocalRuntime.checkpointsIn(Path.of("target", "some", "..", "checkpoints"));

        assertThat(conf.get(CheckpointingOptions.CHECKPOINT_STORAGE)).isEqualTo("filesystem");
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
                .isEqualTo(Path.of("target", "checkpoints").toAbsolutePath().toUri().toString());
    }

    @Test
    void theRepositoryConfigAndLocalRunsHaveDurableCheckpointStorage() {
        LocalRuntime.requireDurableCheckpointStorage(LocalRuntime.load(REPOSITORY_CONF), "config.yaml");
        Configuration local = LocalRuntime.load(tmp.resolve("no-such-dir"));
        local.addAll(LocalRuntime.checkpointsIn(tmp.resolve("checkpoints")));
        LocalRuntime.requireDurableCheckpointStorage(local, "local");
    }

    @Test
    void checkpointsInTheJobManagersMemoryAreRefusedNamingTheKey() {
        Configuration jobManager = new Configuration();
        jobManager.set(CheckpointingOptions.CHECKPOINT_STORAGE, "jobmanager");
        jobManager.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, "file:///tmp/ckpt");
        assertThatThrownBy(() -> LocalRuntime.requireDurableCheckpointStorage(jobManager, "the demo's configuration"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the demo's configuration: 'execution.checkpointing.storage' is 'jobmanager', the "
                        + "JobManager's memory (at most 5 MB of state); set it to 'filesystem' with "
                        + "'execution.checkpointing.dir' on durable storage");

        // Flink's fallback without a directory is the JobManager's memory too.
        for (Configuration noDir : java.util.List.of(new Configuration(), LocalRuntime.load(tmp.resolve("none")),
                Configuration.fromMap(java.util.Map.of("execution.checkpointing.storage", "filesystem")))) {
            assertThatThrownBy(() -> LocalRuntime.requireDurableCheckpointStorage(noDir, "x"))
                    .hasMessageStartingWith("x: no 'execution.checkpointing.dir', so checkpoints would be kept in "
                            + "the JobManager's memory");
        }
    }

    @Test
    void theRepositoryConfigRestartsTheJobForEverWithExponentialDelay() {
        Configuration conf = LocalRuntime.load(REPOSITORY_CONF);

        // config.yaml and the local default are one setting: every key has the same value in both.
        LocalRuntime.restartStrategy().toMap().forEach((key, value) ->
                assertThat(conf.toMap()).as("docker/flink/config.yaml " + key).containsEntry(key, value));
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("exponential-delay");
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS))
                .as("no attempt limit").isEqualTo(Integer.MAX_VALUE);
        assertThat(LocalRuntime.restartLimit(conf)).isEmpty();

        // What Flink's scheduler makes of it (cluster configuration, no job-level setting, checkpointing on).
        RestartBackoffTimeStrategy strategy = RestartBackoffTimeStrategyFactoryLoader
                .createRestartBackoffTimeStrategyFactory(new Configuration(), conf, true).create();
        assertThat(strategy).isInstanceOf(ExponentialDelayRestartBackoffTimeStrategy.class);
        assertThat(strategy.toString()).contains("initialBackoffMS=1000,", "maxBackoffMS=30000,",
                "backoffMultiplier=2.0,", "resetBackoffThresholdMS=600000,", "jitterFactor=0.1,",
                "attemptsBeforeResetBackoff=2147483647,");
        for (int i = 0; i < 1_000; i++) {
            strategy.notifyFailure(new RuntimeException("InfluxDB down"));
            assertThat(strategy.canRestart()).as("restart after failure " + (i + 1)).isTrue();
        }
        assertThat(strategy.getBackoffTime()).as("first backoff, 1 s with 10 % jitter").isBetween(0L, 1_100L);
    }

    @Test
    void withoutAConfigFileTheJobRestartsForEverToo() {
        Configuration conf = LocalRuntime.load(tmp.resolve("no-such-dir"));

        assertThat(conf.toMap()).containsAllEntriesOf(LocalRuntime.restartStrategy().toMap());
        assertThat(LocalRuntime.restartLimit(conf)).isEmpty();
    }

    @Test
    void aRestartStrategyOfTheConfigFileIsKeptAndOneThatGivesUpIsNamed() throws IOException {
        Files.writeString(tmp.resolve("config.yaml"), "restart-strategy:\n  type: fixed-delay\n"
                + "  fixed-delay:\n    attempts: 3\n");

        Configuration conf = LocalRuntime.load(tmp);

        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("fixed-delay");
        assertThat(conf.contains(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF)).isFalse();
        assertThat(LocalRuntime.restartLimit(conf)).hasValue("'restart-strategy.type' is 'fixed-delay': the job can "
                + "give up on an outage; 'exponential-delay' (docker/flink/config.yaml) never does");

        Configuration limited = LocalRuntime.restartStrategy();
        limited.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS, 10);
        assertThat(LocalRuntime.restartLimit(limited)).hasValue("'restart-strategy.exponential-delay"
                + ".attempts-before-reset-backoff' is 10: the job fails after 10 restarts in a row");
        assertThat(LocalRuntime.restartLimit(new Configuration())).as("Flink's default with checkpoints").isEmpty();
    }
}
