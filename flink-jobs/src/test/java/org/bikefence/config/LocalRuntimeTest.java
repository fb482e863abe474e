package org.bikefence.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateBackendOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalRuntimeTest {
    /** The repository's config.yaml, seen from the module directory. */
    private static final Path REPOSITORY_CONF = Path.of("..").resolve(LocalRuntime.CONF_DIR);

    @TempDir
    Path tmp;

    @Test
    void theRepositoryConfigRunsTheHeapBackendWithCheckpointsToAFileSystemDirectory() {
        Configuration conf = LocalRuntime.load(REPOSITORY_CONF);

        assertThat(conf.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("hashmap");
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

        assertThat(conf.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("hashmap");
        assertThat(conf.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
    }

    @Test
    void rocksDbIsAChoiceOfTheConfigFile() throws IOException {
        Files.writeString(tmp.resolve("config.yaml"), "state:\n  backend:\n    type: rocksdb\n"
                + "execution:\n  checkpointing:\n    incremental: false\n");

        Configuration conf = LocalRuntime.load(tmp);

        assertThat(conf.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
        assertThat(conf.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isFalse();
    }

    @Test
    void checkpointsGoAsFilesUnderTheAbsoluteDirectory() {
        Configuration conf = LocalRuntime.checkpointsIn(Path.of("target", "some", "..", "checkpoints"));

        assertThat(conf.get(CheckpointingOptions.CHECKPOINT_STORAGE)).isEqualTo("filesystem");
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
                .isEqualTo(Path.of("target", "checkpoints").toAbsolutePath().toUri().toString());
    }
}
