package org.bikefence.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
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
import org.apache.flink.runtime.executiongraph.AccessExecutionJobVertex;
import org.apache.flink.runtime.executiongraph.ArchivedExecutionGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.bikefence.config.LocalRuntime;

/**
 * The MiniCluster the integration tests run whole jobs on, with the runtime settings of a real run: RocksDB,
 * incremental checkpoints as files, the live job's restart strategy (exponential delay, no attempt limit), and little
 * managed memory (RocksDB's native memory, 48 MB a slot; the machine is small and shared). Each cluster (one per test
 * class) has a directory of its own under {@code java.io.tmpdir} (the module's {@code target/tmp} in the build) for
 * its checkpoints and RocksDB's working files, so test classes never share them. Every whole-job test uses it:
 * {@code WholeJobTestsUseTheTestClusterTest} checks that.
 */
public final class FlinkTestCluster {
    /** Managed memory of the TaskManager per slot, shared by RocksDB's instances in its slots. */
    public static final MemorySize MANAGED_MEMORY_PER_SLOT = MemorySize.ofMebiBytes(48);

    private FlinkTestCluster() {}

    /** One TaskManager with two slots, as most tests of whole jobs use. */
    public static MiniClusterExtension twoSlots() {
        return withSlots(2);
    }

    /** One TaskManager with {@code slots} slots; its directory is made when the test class starts. */
    public static MiniClusterExtension withSlots(int slots) {
        return new MiniClusterExtension(() -> new MiniClusterResourceConfiguration.Builder()
                .setConfiguration(configuration(newDirectory(), slots))
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(slots)
                .build());
    }

    /** How a finished job checkpointed, as the cluster's archive of it says. */
    public record Checkpoints(String stateBackend, String storage, long completed, Path latestPath,
            long latestStateSize, int maxParallelism) {}

    /** The checkpoints of a job that has ended on {@code cluster}. */
    public static Checkpoints of(MiniCluster cluster, JobID job) throws Exception {
        ArchivedExecutionGraph graph = cluster.getArchivedExecutionGraph(job).get(30, TimeUnit.SECONDS);
        CheckpointStatsSnapshot stats = graph.getCheckpointStatsSnapshot();
        CompletedCheckpointStats latest = stats.getHistory().getLatestCompletedCheckpoint();
        int maxParallelism = 0;
        for (AccessExecutionJobVertex v : graph.getAllVertices().values()) {
            maxParallelism = Math.max(maxParallelism, v.getMaxParallelism());
        }
        return new Checkpoints(graph.getStateBackendName().orElse(null), graph.getCheckpointStorageName().orElse(null),
                stats.getCounts().getNumberOfCompletedCheckpoints(),
                latest == null ? null : Path.of(URI.create(latest.getExternalPath())),
                latest == null ? 0 : latest.getStateSize(), maxParallelism);
    }

    /** Where {@code cluster} writes checkpoints (one directory per job id below it). */
    public static Path checkpointsDirectory(MiniCluster cluster) {
        return Path.of(URI.create(cluster.getConfiguration().get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)));
    }

    /** Where {@code cluster}'s RocksDB instances keep their working files. */
    public static Path rocksDbDirectory(MiniCluster cluster) {
        return Path.of(cluster.getConfiguration().get(RocksDBOptions.LOCAL_DIRECTORIES));
    }

    /**
     * A cluster's configuration for {@code slots} slots, with its checkpoints and RocksDB's files under {@code dir}: what a job run on it
     * gets unless its own environment says otherwise.
     */
    public static Configuration configuration(Path dir, int slots) {
        Configuration conf = new Configuration();
        // The backend a city's fleet needs, as docker/flink/config.yaml and the job option's default have it.
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        conf.addAll(LocalRuntime.checkpointsIn(dir.resolve("checkpoints")));
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MANAGED_MEMORY_PER_SLOT.multiply(slots));
        // A short path of its own: under the MiniCluster's nested temporary directories RocksDB's paths grow too
        // long for it to keep its log files apart.
        conf.set(RocksDBOptions.LOCAL_DIRECTORIES, dir.resolve("rocksdb").toAbsolutePath().toString());
        // The live job's restart strategy, as a cluster's config.yaml has it: never gives up (tests that must see a
        // failure set their own on the job, as the replay does).
        conf.addAll(LocalRuntime.restartStrategy());
        return conf;
    }

    private static Path newDirectory() {
        try {
            return Files.createTempDirectory("flink-it-").toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
