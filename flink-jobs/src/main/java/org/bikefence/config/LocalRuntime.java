package org.bikefence.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;

/**
 * The Flink runtime settings of a job run in this JVM (the demo, a replay): those of
 * {@code docker/flink/config.yaml} when it is there, RocksDB with incremental checkpoints where it says nothing
 * else, and checkpoints in a directory of the run's own on the file system, never in the JobManager's memory
 * (whose 5 MB a few thousand bikes' keyed state outgrows). A cluster takes the same settings from its own
 * {@code conf/config.yaml}. The live job never gives up: it restarts with {@link #restartStrategy()} (the replay
 * overrides it: a bounded tool fails after a few attempts).
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

    /** The live job's restart strategy: {@code exponential-delay}, without an attempt limit. */
    public static final String RESTART_STRATEGY = "exponential-delay";

    private LocalRuntime() {}

    /**
     * {@code config.yaml} of {@code confDir} (none there: an empty configuration), with the default state backend
     * and incremental checkpoints unless it sets {@code state.backend.type} or {@code execution.checkpointing.incremental},
     * and {@link #restartStrategy()} unless it sets {@code restart-strategy.type}.
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
        if (!conf.contains(RestartStrategyOptions.RESTART_STRATEGY)) {
            conf.addAll(restartStrategy());
        }
        return conf;
    }

    /**
     * How the live job restarts after a failure (an InfluxDB or Kafka outage, a lost TaskManager), as
     * {@code docker/flink/config.yaml} has it: from its last checkpoint, for ever, 1 s after the first failure,
     * doubling to at most 30 s between attempts while failures go on, with 10 % jitter; back to 1 s once it has run
     * 10 min without one. {@code attempts-before-reset-backoff} stays Flink's {@link Integer#MAX_VALUE}, which its
     * attempt counter (an {@code int}) cannot exceed: there is no attempt limit.
     */
    public static Configuration restartStrategy() {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, RESTART_STRATEGY);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF, Duration.ofSeconds(1));
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER, 2.0);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF, Duration.ofSeconds(30));
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD,
                Duration.ofMinutes(10));
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_JITTER_FACTOR, 0.1);
        return conf;
    }

    /**
     * Why a job run with {@code conf} would give up after failures, or empty when it restarts for ever (the
     * strategy {@code exponential-delay} without a lower {@code attempts-before-reset-backoff}, or none set with
     * checkpointing, Flink's own default then). For a warning at submission: the cluster may set its own.
     */
    public static Optional<String> restartLimit(ReadableConfig conf) {
        String type = conf.getOptional(RestartStrategyOptions.RESTART_STRATEGY).orElse(null);
        if (type == null) {
            return Optional.empty();
        }
        if (RESTART_STRATEGY.equalsIgnoreCase(type) || "exponentialdelay".equalsIgnoreCase(type)) {
            int attempts = conf.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS);
            return attempts == Integer.MAX_VALUE ? Optional.empty()
                    : Optional.of("'" + RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS.key()
                            + "' is " + attempts + ": the job fails after " + attempts + " restarts in a row");
        }
        return Optional.of("'" + RestartStrategyOptions.RESTART_STRATEGY.key() + "' is '" + type
                + "': the job can give up on an outage; '" + RESTART_STRATEGY + "' (docker/flink/config.yaml) never does");
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
