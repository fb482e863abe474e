package org.bikefence.config;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.StateBackendOptions;

/**
 * The Flink runtime settings of a job run in this JVM (the demo, a replay): those of
 * {@code docker/flink/config.yaml} when it is there, RocksDB with incremental checkpoints where it says nothing
 * else, and checkpoints in a directory of the run's own on the file system, never in the JobManager's memory
 * (whose 5 MB a few thousand bikes' keyed state outgrows). A cluster takes the same settings from its own
 * {@code conf/config.yaml}.
 */
public final class LocalRuntime {
    /** Where the demo and the replay look for {@code config.yaml}: relative to the repository root. */
    public static final Path CONF_DIR = Path.of("docker", "flink");

    /** The state backend when the configuration names none, as in {@code docker/flink/config.yaml}. */
    public static final String DEFAULT_STATE_BACKEND = "rocksdb";

    /** The storage that writes checkpoints as files under {@code execution.checkpointing.dir}. */
    public static final String FILE_SYSTEM_STORAGE = "filesystem";

    /** Flink's name of the storage that keeps checkpoints in the JobManager's memory. */
    public static final String JOB_MANAGER_STORAGE = "jobmanager";

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

    /**
     * Fails, naming the keys to set, when {@code conf} would keep checkpoints in the JobManager's memory: storage
     * {@code jobmanager}, or no storage and no {@code execution.checkpointing.dir} (Flink's fallback). Every entry
     * point of the job calls it on the configuration it runs with; {@code where} names that configuration.
     */
    public static void requireDurableCheckpointStorage(ReadableConfig conf, String where) {
        String storage = conf.getOptional(CheckpointingOptions.CHECKPOINT_STORAGE).orElse(null);
        boolean dir = conf.getOptional(CheckpointingOptions.CHECKPOINTS_DIRECTORY).filter(d -> !d.isBlank()).isPresent();
        if (JOB_MANAGER_STORAGE.equalsIgnoreCase(storage)) {
            throw new IllegalArgumentException(where + ": '" + CheckpointingOptions.CHECKPOINT_STORAGE.key() + "' is '"
                    + storage + "', the JobManager's memory (at most 5 MB of state); set it to '" + FILE_SYSTEM_STORAGE
                    + "' with '" + CheckpointingOptions.CHECKPOINTS_DIRECTORY.key() + "' on durable storage");
        }
        if (!dir && (storage == null || FILE_SYSTEM_STORAGE.equalsIgnoreCase(storage))) {
            throw new IllegalArgumentException(where + ": no '" + CheckpointingOptions.CHECKPOINTS_DIRECTORY.key()
                    + "', so checkpoints would be kept in the JobManager's memory (at most 5 MB of state); set it to "
                    + "a directory every JobManager and TaskManager reaches (docker/flink/config.yaml has one)");
        }
    }
}
