package org.bikefence.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bikefence.job.ScenarioFixtures.MIN;
import static org.bikefence.job.ScenarioFixtures.SCRIPT;
import static org.bikefence.job.ScenarioFixtures.T;

import java.nio.file.Path;
import java.util.List;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.bikefence.config.JobOptions;
import org.bikefence.local.LocalInfluxd;
import org.bikefence.local.LocalKafka;
import org.bikefence.rules.RuleSetLoader;
import org.bikefence.testing.BoundedJobRun;
import org.bikefence.testing.FlinkTestCluster;
import org.bikefence.testing.InfluxdExtension;
import org.bikefence.testing.KafkaExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job runs a rule set imported from an MDS policy: the scripted morning of {@link ScenarioFixtures} through the
 * real job with a rules directory holding the district's rule set and the import of
 * {@link JobMainRulesDirectoryTest#POLICY} (a 20-minute grace in no-park zones instead of the base's 10). Every
 * violation opens 20 minutes after its bike parked, and the scores name the imported version.
 */
@ExtendWith(KafkaExtension.class)
class MdsRulesJobITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestCluster.twoSlots();

    @RegisterExtension
    static final InfluxdExtension INFLUX = new InfluxdExtension();

    @Test
    void violationsOpenAfterTheGraceOfTheMdsPolicyAndScoresNameTheImportedVersion(@TempDir Path dir)
            throws Exception {
        Path rules = JobMainRulesDirectoryTest.rulesDirectory(dir);
        String imported = RuleSetLoader.load(rules.resolve("huli-mds.yaml")).version();
        LocalKafka kafka = KafkaExtension.kafka();
        String positions = "mds-positions-" + System.nanoTime();
        kafka.createTopics(2, positions);
        ScenarioFixtures.produce(kafka, positions, SCRIPT);

        BoundedJobRun.over(kafka, positions, INFLUX.influxd(), INFLUX.database())
                .with(JobOptions.FENCES, ScenarioFixtures.FENCES)
                .with(JobOptions.RULES, rules.toString())
                .run();

        LocalInfluxd influx = INFLUX.influxd();
        List<List<Object>> violations = influx.rows(INFLUX.database(),
                "SELECT bike_id, status, parked_since FROM violation");
        // With the base's 10 minutes (BikefenceJobITCase): MT-1 at T+10, MT-3 at T+14.
        assertThat(violations).extracting(Object::toString).contains(
                List.of(T + 20 * MIN, "MT-1", "closed", T).toString(),
                List.of(T + 24 * MIN, "MT-3", "closed", T + 4 * MIN).toString());
        assertThat(violations).allSatisfy(row -> assertThat(((Number) row.get(0)).longValue()
                - ((Number) row.get(3)).longValue()).as("grace of %s", row).isEqualTo(20 * MIN));
        assertThat(influx.rows(INFLUX.database(), "SELECT rule_set FROM operator_score"))
                .isNotEmpty().allSatisfy(row -> assertThat(row.get(1)).isEqualTo(imported));
    }
}
