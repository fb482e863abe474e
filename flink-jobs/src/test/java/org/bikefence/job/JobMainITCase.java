package org.bikefence.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.bikefence.config.JobConfig;
import org.bikefence.config.JobOptions;
import org.bikefence.local.LocalKafka;
import org.bikefence.testing.KafkaExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Submission-time checks that need a real broker or influxd. */
@ExtendWith(KafkaExtension.class)
class JobMainITCase {
    @org.junit.jupiter.api.extension.RegisterExtension
    static final org.bikefence.testing.InfluxdExtension INFLUX = new org.bikefence.testing.InfluxdExtension();

    private static JobConfig bounded(LocalKafka kafka, String positions, String fences) {
        return JobConfig.fromArgs(new String[] {
            "--" + JobOptions.KAFKA_BOOTSTRAP.key(), kafka.bootstrapServers(),
            "--" + JobOptions.KAFKA_POSITIONS_TOPIC.key(), positions,
            "--" + JobOptions.KAFKA_FENCES_TOPIC.key(), fences,
            "--" + JobOptions.KAFKA_BOUNDED.key(), "true",
            "--" + JobOptions.FENCES.key(), ScenarioFixtures.FENCES,
            "--" + JobOptions.RULES.key(), ScenarioFixtures.RULES,
        }, Map.of());
    }

    @Test
    void aBoundedRunOverAMissingTopicFailsAtSubmissionNamingTheOption() {
        LocalKafka kafka = KafkaExtension.kafka();
        String positions = "jm-positions-" + System.nanoTime();
        kafka.createTopics(1, positions);

        assertThatThrownBy(() -> JobMain.create(bounded(kafka, positions, "no-such-fences-topic")))
                .hasMessageContaining("'kafka.fences-topic'").hasMessageContaining("'no-such-fences-topic'");
        assertThatThrownBy(() -> JobMain.create(bounded(kafka, "no-such-positions", "")))
                .hasMessageContaining("'kafka.positions-topic'").hasMessageContaining("'no-such-positions'");
        assertThatCode(() -> JobMain.create(bounded(kafka, positions, ""))).doesNotThrowAnyException();
    }

    @Test
    void aBoundedRunOverAMissingRuleSetTopicFailsAtSubmissionNamingTheOption() {
        LocalKafka kafka = KafkaExtension.kafka();
        String positions = "jm-positions-" + System.nanoTime();
        String ruleSets = "jm-rulesets-" + System.nanoTime();
        kafka.createTopics(1, positions);

        assertThatThrownBy(() -> JobMain.create(withRuleSets(kafka, positions, "no-such-rulesets")))
                .hasMessageContaining("'kafka.rulesets-topic'").hasMessageContaining("'no-such-rulesets'");
        kafka.createTopics(1, ruleSets);
        assertThatCode(() -> JobMain.create(withRuleSets(kafka, positions, ruleSets)))
                .doesNotThrowAnyException();
        assertThat(JobMain.ruleSetUpdateSource(bounded(kafka, positions, ""))).as("off by default").isNull();
    }

    private static JobConfig withRuleSets(LocalKafka kafka, String positions, String ruleSets) {
        return JobConfig.fromArgs(new String[] {
            "--" + JobOptions.KAFKA_BOOTSTRAP.key(), kafka.bootstrapServers(),
            "--" + JobOptions.KAFKA_POSITIONS_TOPIC.key(), positions,
            "--" + JobOptions.KAFKA_FENCES_TOPIC.key(), "",
            "--" + JobOptions.KAFKA_RULESETS_TOPIC.key(), ruleSets,
            "--" + JobOptions.KAFKA_BOUNDED.key(), "true",
            "--" + JobOptions.FENCES.key(), ScenarioFixtures.FENCES,
            "--" + JobOptions.RULES.key(), ScenarioFixtures.RULES,
        }, Map.of());
    }

    @Test
    void anUnreachableBrokerFailsAtSubmissionNamingTheOptionAndTheAddress() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        JobConfig config = config("--" + JobOptions.KAFKA_BOOTSTRAP.key(), "127.0.0.1:" + port);
        long t0 = System.nanoTime();

        assertThatThrownBy(() -> JobMain.checkKafka(config))
                .hasMessageStartingWith("option 'kafka.bootstrap-servers': cannot list topics at '127.0.0.1:" + port
                        + "' (is the broker running?)")
                .hasMessageNotContaining("\n");
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - t0)).isLessThan(java.time.Duration.ofSeconds(15));
    }

    @Test
    void anUnboundedJobMayStartBeforeItsTopicsExist() {
        JobConfig config = config("--" + JobOptions.KAFKA_BOOTSTRAP.key(), KafkaExtension.kafka().bootstrapServers(),
                "--" + JobOptions.KAFKA_POSITIONS_TOPIC.key(), "not-yet-" + System.nanoTime());

        assertThatCode(() -> JobMain.checkKafka(config)).doesNotThrowAnyException();
    }

    @Test
    void theInfluxCheckCreatesTheDefaultOrARequestedDatabaseAndRefusesAnyOther() throws Exception {
        String url = INFLUX.influxd().url();
        String other = INFLUX.database() + "_other";

        assertThatThrownBy(() -> JobMain.checkInflux(influx(url, other, false), false))
                .isInstanceOf(org.bikefence.influx.InfluxPreflightException.class)
                .hasMessageStartingWith("InfluxDB database '" + other + "' does not exist at " + url)
                .hasMessageEndingWith(", or run with --influx.create-db true");
        assertThat(JobMain.checkInflux(influx(url, other, true), false).outcome())
                .isEqualTo(org.bikefence.influx.InfluxPreflight.Outcome.CREATED);
        assertThat(JobMain.checkInflux(influx(url, JobOptions.INFLUX_DB.defaultValue(), false), false).outcome())
                .isIn(org.bikefence.influx.InfluxPreflight.Outcome.CREATED, org.bikefence.influx.InfluxPreflight.Outcome.READY);
        assertThat(INFLUX.influxd().rows("_internal", "SHOW DATABASES")).extracting(r -> r.get(0))
                .contains(other, JobOptions.INFLUX_DB.defaultValue());
    }

    @Test
    void aPasswordOnlyTheTaskManagersHaveLeavesTheDatabaseUncheckedAtSubmission() throws Exception {
        String unset = "BIKEFENCE_TEST_UNSET_" + System.nanoTime();
        JobConfig config = config("--influx.url", INFLUX.influxd().url(), "--influx.db", INFLUX.database() + "_elsewhere",
                "--influx.username", "writer", "--influx.password-env", unset);

        assertThat(JobMain.checkInflux(config, false).outcome())
                .isEqualTo(org.bikefence.influx.InfluxPreflight.Outcome.NOT_CHECKED);
        assertThatThrownBy(() -> JobMain.checkInflux(config, true)).hasMessageContaining(unset);
    }

    private static JobConfig influx(String url, String db, boolean create) {
        return config("--influx.url", url, "--influx.db", db, "--" + JobOptions.INFLUX_CREATE_DB.key(),
                String.valueOf(create));
    }

    private static JobConfig config(String... args) {
        java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of(args));
        all.addAll(java.util.List.of("--" + JobOptions.FENCES.key(), ScenarioFixtures.FENCES,
                "--" + JobOptions.RULES.key(), ScenarioFixtures.RULES));
        return JobConfig.fromArgs(all.toArray(new String[0]), Map.of());
    }
}
