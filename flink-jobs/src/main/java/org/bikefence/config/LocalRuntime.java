package org.bikefence.config;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.StateBackendOptions;

/**
 * The Flink runtime settings of a job run in this JVM (the demo, a replay): those of
 * {@code docker/flink/config.yaml} when it is there (its state backend: see the comment there), the heap
 * state backend with incremental checkpoints (used once RocksDB is chosen) where it says nothing else, and checkpoints in a directory of the run's own on the file system, never in the JobManager's
 * memory (whose 5 MB a few thousand bikes' keyed state outgrows). A cluster takes the same settings from its
 * own {@code conf/config.yaml}.
 */
public final class LocalRuntime {
    /** Where the demo and the replay look for {@code config.yaml}: relative to the repository root. */
    public static final Path CONF_DIR = Path.of("docker", "flink");

    /** The state backend when the configuration names none, as in {@code docker/flink/config.yaml}. */
    public static final String DEFAULT_STATE_BACKEND = "hashmap";

    /** The storage that writes checkpoints as files under {@code execution.checkpointing.dir}. */
    public static final String FILE_SYSTEM_STORAGE = "filesystem";

    private LocalRuntime() {}

    /**
     * {@code config.yaml} of {@code confDir} (none there: an empty configuration), with the default state backend
     * and incremental checkpoints unless it sets {@code state.backend.type} or {@code execution.checkpointing.incremental}.
     */
    public static Configuration load(Path confDir) {
        Configuration conf = Files.isRegularFile(confDir.resolve("config.yaml"))
                ? GlobalConfiguration.loadConfiguration(confDir.toString())
                : new Configuration();
        if (!conf.contains(StateBackendOptions.STATE_BACKEND)) {
            conf.set(StateBackendOptions.STATE_BACKEND, DEFAULT_STATE_BACKEND);
        }
        if (!conf.contains(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)) {
            conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        }
        return conf;
    }

    /** The settings that put checkpoints as files under {@code dir} (made absolute): give them to the job. */
    public static Configuration checkpointsIn(Path dir) {
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, FILE_SYSTEM_STORAGE);
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir.toAbsolutePath().normalize().toUri().toString());
        return conf;
    }
}
