package org.bikefence.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.bikefence.config.JobConfig;
import org.bikefence.config.JobOptions;
import org.bikefence.job.JobMain;
import org.bikefence.local.LocalInfluxd;
import org.bikefence.local.LocalKafka;

/**
 * Runs the real job (JobMain's wiring) once, bounded, over what is in a Kafka topic, into an influxd
 * database, with the options integration tests share; each test overrides what it needs.
 */
public final class BoundedJobRun {
    private final Map<String, String> options = new LinkedHashMap<>();
    private String savepoint;
    private boolean allowNonRestoredState;
    private Consumer<StreamExecutionEnvironment> upgrade = env -> {};

    private BoundedJobRun(LocalKafka kafka, String positionsTopic, LocalInfluxd influx, String db) {
        String run = Long.toString(System.nanoTime());
        options.put(JobOptions.KAFKA_BOOTSTRAP.key(), kafka.bootstrapServers());
        options.put(JobOptions.KAFKA_POSITIONS_TOPIC.key(), positionsTopic);
        options.put(JobOptions.KAFKA_DLQ_TOPIC.key(), "it-dlq-" + run);
        // No live fence updates and no published violations unless a test names existing topics for them.
        options.put(JobOptions.KAFKA_FENCES_TOPIC.key(), "");
        options.put(JobOptions.KAFKA_VIOLATIONS_TOPIC.key(), "");
        options.put(JobOptions.KAFKA_GROUP_ID.key(), "it-" + run);
        options.put(JobOptions.KAFKA_TRANSACTIONAL_ID_PREFIX.key(), "it-violations-" + run);
        options.put(JobOptions.KAFKA_STARTING_OFFSETS.key(), "earliest");
        options.put(JobOptions.KAFKA_BOUNDED.key(), "true");
        options.put(JobOptions.MAX_OUT_OF_ORDER_MS.key(), "120000");
        options.put(JobOptions.CHECKPOINT_INTERVAL_MS.key(), "1000");
        options.put(JobOptions.PARALLELISM.key(), "2");
        options.put(JobOptions.INFLUX_URL.key(), influx.url());
        options.put(JobOptions.INFLUX_DB.key(), db);
    }

    /** A run reading {@code positionsTopic} from the start to the end it has now. */
    public static BoundedJobRun over(LocalKafka kafka, String positionsTopic, LocalInfluxd influx, String db) {
        return new BoundedJobRun(kafka, positionsTopic, influx, db);
    }

    /** Sets one job option. */
    public BoundedJobRun with(ConfigOption<?> option, String value) {
        options.put(option.key(), value);
        return this;
    }

    /** Starts from a savepoint (or retained checkpoint) instead of the topic's start. */
    public BoundedJobRun fromSavepoint(String path) {
        this.savepoint = path;
        return this;
    }

    /**
     * Restores even when the savepoint holds state of an operator the job no longer has, dropping that state
     * ({@code execution.state-recovery.ignore-unclaimed-state}, {@code flink run --allowNonRestoredState}).
     */
    public BoundedJobRun allowNonRestoredState() {
        this.allowNonRestoredState = true;
        return this;
    }

    /**
     * Runs a next version of the job: {@code addOperators} adds operators to the environment after the job's own
     * pipeline is built (reaching the job's streams through the environment's transformations).
     */
    public BoundedJobRun upgradedWith(Consumer<StreamExecutionEnvironment> addOperators) {
        this.upgrade = addOperators;
        return this;
    }

    /** Submits the job to the test's MiniCluster and returns at once, for tests that stop or watch it. */
    public JobClient start() throws Exception {
        JobConfig config = config();
        StreamExecutionEnvironment env = environment();
        JobMain.create(config).build(JobMain.configure(env, config));
        upgrade.accept(env);
        return env.executeAsync("bikefence");
    }

    private JobConfig config() {
        List<String> args = new ArrayList<>();
        options.forEach((k, v) -> {
            args.add("--" + k);
            args.add(v);
        });
        return JobConfig.fromArgs(args.toArray(new String[0]), Map.of());
    }

    private StreamExecutionEnvironment environment() {
        Configuration flink = new Configuration();
        if (savepoint != null) {
            flink.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
            flink.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, allowNonRestoredState);
        }
        return NoKryo.environment(flink);
    }

    /**
     * Runs the job to its end on the test's MiniCluster ({@link FlinkTestCluster}: RocksDB, checkpoints as files in
     * the cluster's own directory) and returns what Flink reports of it; {@link JobMain#configure} sets RocksDB and
     * the max parallelism as in every entry point.
     */
    public JobExecutionResult run() throws Exception {
        JobConfig config = config();
        StreamExecutionEnvironment env = environment();
        JobMain.create(config).build(JobMain.configure(env, config));
        upgrade.accept(env);
        return env.execute("bikefence");
    }
}
