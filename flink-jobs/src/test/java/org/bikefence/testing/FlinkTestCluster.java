package org.bikefence.testing;

import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.checkpoint.CompletedCheckpointStats;
import org.apache.flink.runtime.executiongraph.ArchivedExecutionGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.bikefence.config.LocalRuntime;

/**
 * The MiniCluster the integration tests run whole jobs on, with the runtime settings of a real run: RocksDB,
 * incremental checkpoints as files under the module's {@code target/checkpoints}, and little managed memory
 * (RocksDB's native memory; the machine is small and shared).
 */
public final class FlinkTestCluster {
    /** Where the test jobs' checkpoints go, one directory per job id; relative to the module. */
    public static final Path CHECKPOINTS = Path.of("target", "checkpoints");

    /** The working directories of the test jobs' RocksDB instances; relative to the module. */
    public static final Path ROCKSDB = Path.of("target", "rocksdb");

    /** Managed memory of the TaskManager, shared by RocksDB's instances in its two slots. */
    public static final MemorySize MANAGED_MEMORY = MemorySize.ofMebiBytes(96);

    private FlinkTestCluster() {}

    /** One TaskManager with two slots, as the tests of whole jobs use. */
    public static MiniClusterExtension twoSlots() {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setConfiguration(configuration())
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(2)
                .build());
    }

    /** How a finished job checkpointed, as the cluster's archive of it says. */
    public record Checkpoints(String stateBackend, String storage, long completed, Path latestPath,
            long latestStateSize) {}

    /** The checkpoints of a job that has ended on {@code cluster}. */
    public static Checkpoints of(MiniCluster cluster, JobID job) throws Exception {
        ArchivedExecutionGraph graph = cluster.getArchivedExecutionGraph(job).get(30, TimeUnit.SECONDS);
        CheckpointStatsSnapshot stats = graph.getCheckpointStatsSnapshot();
        CompletedCheckpointStats latest = stats.getHistory().getLatestCompletedCheckpoint();
        return new Checkpoints(graph.getStateBackendName().orElse(null), graph.getCheckpointStorageName().orElse(null),
                stats.getCounts().getNumberOfCompletedCheckpoints(),
                latest == null ? null : Path.of(URI.create(latest.getExternalPath())),
                latest == null ? 0 : latest.getStateSize());
    }

    /** The cluster's configuration: what a job run on it gets unless its own environment says otherwise. */
    public static Configuration configuration() {
        Configuration conf = new Configuration();
        // The whole-job tests run on RocksDB, the backend a city's fleet needs, though config.yaml still says
        // hashmap (see flink-jobs/README.md, State and checkpoints).
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        conf.addAll(LocalRuntime.checkpointsIn(CHECKPOINTS));
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MANAGED_MEMORY);
        // A short path of its own: under the MiniCluster's nested temporary directories RocksDB's paths grow too
        // long for it to keep its log files apart.
        conf.set(RocksDBOptions.LOCAL_DIRECTORIES, ROCKSDB.toAbsolutePath().toString());
        return conf;
    }
}
