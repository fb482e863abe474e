package org.bikefence.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.bikefence.config.JobConfig;
import org.bikefence.config.LocalRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local Flink a replay builds: the configured backend, and checkpoints as files in its own directory, never in memory. */
class ReplayEnvironmentTest {
    private static final Path REPOSITORY_CONF = Path.of("..").resolve(LocalRuntime.CONF_DIR);

    @TempDir
    Path tmp;

    private static JobConfig jobOptions(String... more) {
        String[] all = new String[more.length + 4];
        all[0] = "--fences";
        all[1] = "src/test/resources/fences/it-fences.geojson";
        all[2] = "--rules";
        all[3] = "src/test/resources/rules/sim-huli.yaml";
        System.arraycopy(more, 0, all, 4, more.length);
        return JobConfig.fromArgs(all, Map.of());
    }

    @Test
    void aReplayRunsOnTheConfiguredBackendAndCheckpointsToFilesUnderItsCheckpointDirectory() {
        StreamExecutionEnvironment env = ReplayCommand.environment(REPOSITORY_CONF);
        Path checkpoints = tmp.resolve("replay-checkpoints");

        Replay.configure(env, jobOptions("--checkpoint.interval-ms", "2000"), checkpoints);

        ReadableConfig conf = env.getConfiguration();
        assertThat(conf.get(StateBackendOptions.STATE_BACKEND)).isEqualTo(LocalRuntime.load(REPOSITORY_CONF)
                .get(StateBackendOptions.STATE_BACKEND));
        assertThat(conf.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
        assertThat(conf.get(CheckpointingOptions.CHECKPOINT_STORAGE)).isEqualTo("filesystem");
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isEqualTo(checkpoints.toUri().toString());
        assertThat(conf.get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION))
                .isEqualTo(ExternalizedCheckpointRetention.NO_EXTERNALIZED_CHECKPOINTS);
        assertThat(env.getCheckpointInterval()).isEqualTo(2000);
        assertThat(env.getMaxParallelism()).isEqualTo(128);
        // Not the live job's strategy of config.yaml (restarts for ever): a bounded tool fails after 3 attempts.
        assertThat(LocalRuntime.load(REPOSITORY_CONF).get(RestartStrategyOptions.RESTART_STRATEGY))
                .isEqualTo("exponential-delay");
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("fixed-delay");
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS)).isEqualTo(3);
    }

    @Test
    void aConfigFileThatKeepsCheckpointsInTheJobManagersMemoryIsOverruled() throws IOException {
        Files.writeString(tmp.resolve("config.yaml"), "state:\n  backend:\n    type: rocksdb\n"
                + "execution:\n  checkpointing:\n    storage: jobmanager\n");
        StreamExecutionEnvironment env = ReplayCommand.environment(tmp);

        Replay.configure(env, jobOptions(), tmp.resolve("checkpoints"));

        assertThat(env.getConfiguration().get(CheckpointingOptions.CHECKPOINT_STORAGE)).isEqualTo("filesystem");
        // The state backend stays the configuration's choice.
        assertThat(env.getConfiguration().get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
    }

    @Test
    void theCheckpointDirectoryIsUnderRunUnlessGiven() {
        assertThat(ReplayCommand.parse("--from", "a.jsonl").checkpointDir()).isEqualTo(Path.of(".run/replay-checkpoints"));
        assertThat(ReplayCommand.parse("--from", "a.jsonl", "--checkpoint-dir", "/data/ckpt").checkpointDir())
                .isEqualTo(Path.of("/data/ckpt"));
    }
}
