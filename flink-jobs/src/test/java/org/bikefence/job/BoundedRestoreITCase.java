package org.bikefence.job;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.bikefence.local.LocalKafka;
import org.bikefence.testing.FlinkTestCluster;
import org.bikefence.testing.InfluxdExtension;
import org.bikefence.testing.JobOutput;
import org.bikefence.testing.KafkaExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A bounded run (kafka.bounded=true) whose Kafka source enumerator is restored from a snapshot must still end: the
 * run is stopped with a savepoint mid-stream and resumed from it by the same job, and must finish with the output
 * of an uninterrupted run (every measurement row by row, the violations topic read committed as a multiset). The
 * same-jar half of fault d of issue 11 ({@link SavepointUpgradeFailureITCase} is the upgrade).
 *
 * <p>Flink's Kafka connector (5.0.0-2.2) never finished such a run.
 */
@ExtendWith(KafkaExtension.class)
class BoundedRestoreITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestCluster.twoSlots();

    @RegisterExtension
    static final InfluxdExtension INFLUX = new InfluxdExtension();

    static final int PARTITIONS = 2;

    @Test
    void aBoundedRunResumedFromASavepointFinishesWithTheOutputOfAnUninterruptedRun(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        LocalKafka kafka = KafkaExtension.kafka();
        String run = Long.toString(System.nanoTime());
        String positions = "restore-positions-" + run;
        kafka.createTopics(PARTITIONS, positions, SavepointRuns.violationsTopic("restore", "a", run),
                SavepointRuns.violationsTopic("restore", "b", run));
        JobOutput.keepForever(kafka, positions);
        long sent = SavepointRuns.produce(kafka, positions);

        INFLUX.influxd().createDatabase(SavepointRuns.database("restore", "a", run));
        SavepointRuns.run(kafka, positions, INFLUX.influxd(), "restore", "a", run).run();
        JobOutput a = output(kafka, "a", run);

        INFLUX.influxd().createDatabase(SavepointRuns.database("restore", "b", run));
        SavepointRuns.Stop stop = SavepointRuns.startAndStopMidStream(
                SavepointRuns.run(kafka, positions, INFLUX.influxd(), "restore", "b", run),
                INFLUX.influxd(), SavepointRuns.database("restore", "b", run), kafka.bootstrapServers());
        JobOutput atStop = output(kafka, "b", run);
        long t0 = System.nanoTime();
        JobClient resumed = SavepointRuns.run(kafka, positions, INFLUX.influxd(), "restore", "b", run)
                .fromSavepoint(stop.savepoint()).start();
        SavepointRuns.Recovery recovery = SavepointRuns.awaitFinished(cluster, resumed, stop.requestedAtMs());
        double seconds = (System.nanoTime() - t0) / 1e9;
        JobOutput b = output(kafka, "b", run);
        SavepointRuns.printRecovery("stop-with-savepoint, resumed by the same job", sent, a, atStop, b, stop, recovery,
                seconds);

        assertThat(a.violations()).as("violations of the uninterrupted run").isNotEmpty().doesNotHaveDuplicates();
        SavepointRuns.assertMidStream(atStop, a);
        assertThat(recovery.restoredFrom()).as("the resumed run restored").isEqualTo(stop.savepoint());
        assertThat(JobOutput.difference(a, "uninterrupted", b, "stopped and resumed")).as("differences").isEmpty();
    }

    private static JobOutput output(LocalKafka kafka, String name, String run) throws Exception {
        return JobOutput.read(INFLUX.influxd(), SavepointRuns.database("restore", name, run), kafka,
                SavepointRuns.violationsTopic("restore", name, run), PARTITIONS);
    }
}
