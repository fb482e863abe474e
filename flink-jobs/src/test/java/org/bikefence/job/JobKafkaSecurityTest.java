package org.bikefence.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Properties;
import org.bikefence.config.JobConfig;
import org.junit.jupiter.api.Test;

/** The job's Kafka security options: validated with the configuration, secrets refused, only references passed on. */
class JobKafkaSecurityTest {
    private static final String FENCES = "src/test/resources/fences/it-fences.geojson";
    private static final String RULES = "src/test/resources/rules/sim-huli.yaml";

    private static JobConfig config(Map<String, String> env, String... args) {
        String[] all = new String[args.length + 4];
        all[0] = "--fences";
        all[1] = FENCES;
        all[2] = "--rules";
        all[3] = RULES;
        System.arraycopy(args, 0, all, 4, args.length);
        return JobConfig.fromArgs(all, env);
    }

    @Test
    void plaintextByDefaultAddsNoProperty() {
        assertThat(JobMain.kafkaSecurityProperties(config(Map.of()))).isEmpty();
    }

    @Test
    void saslSslFromArgumentsAndEnvironmentGivesReferencesOnly() {
        JobConfig c = config(Map.of("BIKEFENCE_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                        "BIKEFENCE_KAFKA_PASSWORD_ENV", "KAFKA_PASSWORD", "KAFKA_PASSWORD", "s3cret-value"),
                "--kafka.username", "bikefence", "--kafka.truststore", "/etc/bikefence/ca.pem");
        Properties p = JobMain.kafkaSecurityProperties(c);
        assertThat(p).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("ssl.truststore.type", "PEM")
                .containsEntry("config.providers", "bikefence");
        assertThat(p.getProperty("sasl.jaas.config")).contains("password=\"${bikefence:env-jaas:KAFKA_PASSWORD}\"");
        assertThat(p.toString() + c.asMap() + c.configuration().toMap()).doesNotContain("s3cret-value");
        assertThat(c.kafkaSecurity().toString()).isEqualTo("SASL_SSL SCRAM-SHA-512 user bikefence (password "
                + "env:KAFKA_PASSWORD), truststore /etc/bikefence/ca.pem (PEM)");
    }

    @Test
    void refusesSecretsAsOptionsOrBikefenceVariables() {
        assertThatThrownBy(() -> config(Map.of(), "--kafka.password", "s3cret-value"))
                .hasMessage("option 'kafka.password' is not accepted: give the secret through 'kafka.password-env' "
                        + "(an environment variable) or 'kafka.password-file'");
        assertThatThrownBy(() -> config(Map.of("BIKEFENCE_KAFKA_TRUSTSTORE_PASSWORD", "s3cret-value")))
                .hasMessageStartingWith("option 'kafka.truststore-password' is not accepted")
                .hasMessageNotContaining("s3cret-value");
    }

    @Test
    void incompleteSecurityIsAConfigurationErrorNamingTheOptions() {
        assertThatThrownBy(() -> config(Map.of(), "--kafka.security-protocol", "SASL_SSL"))
                .hasMessageContaining("option 'kafka.username' is required with kafka.security-protocol SASL_SSL")
                .hasMessageContaining("option 'kafka.password-env' or 'kafka.password-file' is required");
        assertThatThrownBy(() -> config(Map.of(), "--kafka.truststore", "/etc/ca.p12"))
                .hasMessageContaining("option 'kafka.truststore' needs kafka.security-protocol SASL_SSL or SSL, was "
                        + "PLAINTEXT");
    }
}
