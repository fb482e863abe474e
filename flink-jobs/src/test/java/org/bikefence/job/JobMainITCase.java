package org.bikefence.job;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.bikefence.config.JobConfig;
import org.bikefence.config.JobOptions;
import org.bikefence.local.LocalKafka;
import org.bikefence.testing.KafkaExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Submission-time checks that need a real broker. */
@ExtendWith(KafkaExtension.class)
class JobMainITCase {
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
}
