package org.bikefence.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.bikefence.config.JobOptions;
import org.bikefence.local.LocalKafka;
import org.bikefence.testing.BoundedJobRun;
import org.bikefence.testing.FlinkTestCluster;
import org.bikefence.testing.InfluxdExtension;
import org.bikefence.testing.JobOutput;
import org.bikefence.testing.KafkaExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fault d of issue 11, the upgrade: a bounded run of the job is stopped with a savepoint mid-stream and resumed from
 * it by the next version of the job, which has one operator more (a keyed count of violations per bike with a uid
 * of its own, {@link SavepointRuns#addViolationsPerBike}), without {@code allowNonRestoredState}: the new operator
 * starts empty, every other operator takes its state by its uid, and the output must equal an uninterrupted run's
 * (every InfluxDB measurement row by row, the violations topic read committed as a multiset). The same savepoint is
 * then resumed by a job with an operator fewer (the job without the violations topic, so without its exactly-once
 * Kafka sink, whose state the savepoint holds): refused without {@code allowNonRestoredState}, and with it finishing
 * with the uninterrupted run's InfluxDB output. The resume by the same job is {@link BoundedRestoreITCase}.
 */
@ExtendWith(KafkaExtension.class)
class SavepointUpgradeFailureITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestCluster.twoSlots();

    @RegisterExtension
    static final InfluxdExtension INFLUX = new InfluxdExtension();

    static final String PREFIX = "upgrade";
    static final int PARTITIONS = 4;

    @Test
    void anUpgradeWithAnOperatorMoreResumesAsIfUninterruptedAndOneWithAnOperatorFewerNeedsAllowNonRestoredState(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        LocalKafka kafka = KafkaExtension.kafka();
        String run = Long.toString(System.nanoTime());
        SavepointRuns.Input input = SavepointRuns.input(kafka, PREFIX, run, PARTITIONS);
        String positions = input.positions();
        long sent = input.sent();

        INFLUX.influxd().createDatabase(SavepointRuns.database(PREFIX, "a", run));
        SavepointRuns.run(kafka, positions, INFLUX.influxd(), PREFIX, "a", run).run();
        JobOutput a = output(kafka, "a", run);

        // Version 1, the job as it is, stopped with a savepoint.
        INFLUX.influxd().createDatabase(SavepointRuns.database(PREFIX, "b", run));
        SavepointRuns.Stop stop = SavepointRuns.startAndStopMidStream(
                SavepointRuns.run(kafka, positions, INFLUX.influxd(), PREFIX, "b", run),
                INFLUX.influxd(), SavepointRuns.database(PREFIX, "b", run), kafka.bootstrapServers());
        JobOutput atStop = output(kafka, "b", run);
        // Output c starts as b was at the stop, for the job with an operator fewer below.
        SavepointRuns.copyDatabase(INFLUX.influxd(), SavepointRuns.database(PREFIX, "b", run),
                SavepointRuns.database(PREFIX, "c", run));

        // Version 2: one operator more, restored without allowNonRestoredState.
        long t0 = System.nanoTime();
        JobClient upgraded = SavepointRuns.run(kafka, positions, INFLUX.influxd(), PREFIX, "b", run)
                .fromSavepoint(stop.savepoint())
                .upgradedWith(SavepointRuns::addViolationsPerBike)
                .start();
        SavepointRuns.Recovery recovery = SavepointRuns.awaitFinished(cluster, upgraded, stop.requestedAtMs());
        double seconds = (System.nanoTime() - t0) / 1e9;
        JobExecutionResult upgradedResult = upgraded.getJobExecutionResult().get(1, TimeUnit.MINUTES);
        JobOutput b = output(kafka, "b", run);
        SavepointRuns.printRecovery("stop-with-savepoint, resumed by a job with an operator more", sent, a, atStop,
                b, stop, recovery, seconds);

        assertThat(a.violations()).as("violations of the uninterrupted run").isNotEmpty().doesNotHaveDuplicates();
        SavepointRuns.assertMidStream(atStop, a);
        assertThat(recovery.restoredFrom()).as("the upgraded job restored").isEqualTo(stop.savepoint());
        assertThat(JobOutput.difference(a, "uninterrupted", b, "stopped and resumed by the next version"))
                .as("differences").isEmpty();
        assertThat(upgradedResult.<Long>getAccumulatorResult(SavepointRuns.NEW_OPERATOR_COUNTED))
                .as("violation events the new operator counted: every one after the savepoint")
                .isEqualTo((long) (a.violations().size() - atStop.violations().size()));

        // The same savepoint into the job without the violations topic, whose only missing operator is the Kafka sink
        // (BikefenceJobTopologyTest): that sink's state (its writer's transactional state) has nowhere to go.
        assertThatThrownBy(() -> withoutViolationsSink(kafka, positions, run).fromSavepoint(stop.savepoint()).start()
                .getJobExecutionResult().get(2, TimeUnit.MINUTES))
                .as("a job with an operator fewer, restored without allowNonRestoredState")
                .hasStackTraceContaining("Cannot map checkpoint/savepoint state for operator")
                .hasStackTraceContaining("allowNonRestoredState");
        t0 = System.nanoTime();
        long submitted = System.currentTimeMillis();
        JobClient fewer = withoutViolationsSink(kafka, positions, run).fromSavepoint(stop.savepoint())
                .allowNonRestoredState().start();
        SavepointRuns.Recovery fewerRecovery = SavepointRuns.awaitFinished(cluster, fewer, submitted);
        seconds = (System.nanoTime() - t0) / 1e9;
        JobOutput c = new JobOutput(JobOutput.measurements(INFLUX.influxd(), SavepointRuns.database(PREFIX, "c", run)),
                a.violations());
        SavepointRuns.printRecovery("the same savepoint, resumed by a job with an operator fewer "
                + "(allowNonRestoredState; InfluxDB only; timed from its submission)", sent, a, atStop, c, stop,
                fewerRecovery, seconds);
        assertThat(fewerRecovery.restoredFrom()).as("the job with an operator fewer restored")
                .isEqualTo(stop.savepoint());
        assertThat(JobOutput.difference(a.measurements(), "uninterrupted", c.measurements(),
                "stopped and resumed with an operator fewer")).as("InfluxDB differences").isEmpty();
    }

    /** Output c: the job without the violations topic, so without the sink that publishes it. */
    private static BoundedJobRun withoutViolationsSink(LocalKafka kafka, String positions, String run) {
        return SavepointRuns.run(kafka, positions, INFLUX.influxd(), PREFIX, "c", run)
                .with(JobOptions.KAFKA_VIOLATIONS_TOPIC, "");
    }

    private static JobOutput output(LocalKafka kafka, String name, String run) throws Exception {
        return JobOutput.read(INFLUX.influxd(), SavepointRuns.database(PREFIX, name, run), kafka,
                SavepointRuns.violationsTopic(PREFIX, name, run), PARTITIONS);
    }
}
