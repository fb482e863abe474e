package org.bikefence.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.executiongraph.AccessExecutionJobVertex;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.bikefence.config.JobOptions;
import org.bikefence.local.LocalKafka;
import org.bikefence.testing.FlinkTestCluster;
import org.bikefence.testing.InfluxdExtension;
import org.bikefence.testing.JobOutput;
import org.bikefence.testing.KafkaExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fault e of issue 11: a savepoint taken at parallelism 2 and restored at 4. A bounded run over a 4-partition topic
 * is stopped with a savepoint mid-stream at parallelism 2 and resumed from it at parallelism 4 (max parallelism 128,
 * set by the job, so its keyed state's 128 key groups are spread over four subtasks instead of two; the Kafka
 * splits, the sinks' and the minute slicers' state likewise). Its output must equal that of an uninterrupted run at
 * parallelism 2 (every InfluxDB measurement row by row, the violations topic read committed as a multiset): the
 * job's output does not depend on its parallelism ({@link ParallelismITCase}).
 */
@ExtendWith(KafkaExtension.class)
class RescaleFailureITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestCluster.withSlots(4);

    @RegisterExtension
    static final InfluxdExtension INFLUX = new InfluxdExtension();

    static final String PREFIX = "rescale";
    static final int PARTITIONS = 4;

    @Test
    void aSavepointTakenAtParallelismTwoRestoredAtFourGivesTheOutputOfAnUninterruptedRun(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        LocalKafka kafka = KafkaExtension.kafka();
        String run = Long.toString(System.nanoTime());
        SavepointRuns.Input input = SavepointRuns.input(kafka, PREFIX, run, PARTITIONS);
        String positions = input.positions();
        long sent = input.sent();

        INFLUX.influxd().createDatabase(SavepointRuns.database(PREFIX, "a", run));
        SavepointRuns.run(kafka, positions, INFLUX.influxd(), PREFIX, "a", run)
                .with(JobOptions.PARALLELISM, "2").run();
        JobOutput a = output(kafka, "a", run);

        INFLUX.influxd().createDatabase(SavepointRuns.database(PREFIX, "b", run));
        SavepointRuns.Stop stop = SavepointRuns.startAndStopMidStream(
                SavepointRuns.run(kafka, positions, INFLUX.influxd(), PREFIX, "b", run)
                .with(JobOptions.PARALLELISM, "2"),
                INFLUX.influxd(), SavepointRuns.database(PREFIX, "b", run), kafka.bootstrapServers());
        JobOutput atStop = output(kafka, "b", run);
        long t0 = System.nanoTime();
        JobClient rescaled = SavepointRuns.run(kafka, positions, INFLUX.influxd(), PREFIX, "b", run)
                .with(JobOptions.PARALLELISM, "4")
                .fromSavepoint(stop.savepoint()).start();
        SavepointRuns.Recovery recovery = SavepointRuns.awaitFinished(cluster, rescaled, stop.requestedAtMs());
        double seconds = (System.nanoTime() - t0) / 1e9;
        JobOutput b = output(kafka, "b", run);
        SavepointRuns.printRecovery("savepoint at parallelism 2, restored at 4", sent, a, atStop, b, stop, recovery,
                seconds);

        TreeSet<String> parallelism = new TreeSet<>();
        TreeSet<Integer> maxParallelism = new TreeSet<>();
        for (AccessExecutionJobVertex v : cluster.getArchivedExecutionGraph(rescaled.getJobID())
                .get(30, TimeUnit.SECONDS).getAllVertices().values()) {
            parallelism.add(Integer.toString(v.getParallelism()));
            maxParallelism.add(v.getMaxParallelism());
        }
        assertThat(parallelism).as("parallelism of the resumed job's tasks").containsExactly("4");
        assertThat(maxParallelism).as("max parallelism of the resumed job's tasks").containsExactly(128);
        assertThat(a.violations()).as("violations of the uninterrupted run").isNotEmpty().doesNotHaveDuplicates();
        SavepointRuns.assertMidStream(atStop, a);
        assertThat(recovery.restoredFrom()).as("the rescaled job restored").isEqualTo(stop.savepoint());
        assertThat(JobOutput.difference(a, "uninterrupted at parallelism 2", b, "stopped at 2, resumed at 4"))
                .as("differences").isEmpty();
    }

    private static JobOutput output(LocalKafka kafka, String name, String run) throws Exception {
        return JobOutput.read(INFLUX.influxd(), SavepointRuns.database(PREFIX, name, run), kafka,
                SavepointRuns.violationsTopic(PREFIX, name, run), PARTITIONS);
    }
}
