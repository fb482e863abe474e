package org.bikefence.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The adapters' Kafka security, InfluxDB credentials and push rate limit in the configuration file. */
class IngestSecurityConfigTest {

    @Test
    void readsKafkaSecurityWithTheJobsKeys() throws Exception {
        IngestConfig c = IngestConfig.parse(String.join("\n",
                "kafka:",
                "  bootstrap-servers: kafka-1.city:9093",
                "  security-protocol: SASL_SSL",
                "  username: bikefence-ingest",
                "  password-file: /run/secrets/kafka_password",
                "  truststore: /etc/bikefence/kafka-ca.pem"));
        assertThat(c.kafkaSecurity().properties())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("ssl.truststore.type", "PEM")
                .containsEntry("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                        + "username=\"bikefence-ingest\" password=\"${bikefence:file-jaas:/run/secrets/kafka_password}\";");
        assertThat(IngestConfig.parse("kafka: {bootstrap-servers: x:1}").kafkaSecurity().isPlaintext()).isTrue();
    }

    @Test
    void refusesSecretValuesTyposAndIncompleteSecurity() {
        assertThatThrownBy(() -> IngestConfig.parse("kafka: {security-protocol: SASL_SSL, username: u, password: pw}"))
                .hasMessageContaining("option 'kafka.password' is not accepted")
                .hasMessageNotContaining("unknown key")
                .hasMessageNotContaining("pw}");
        assertThatThrownBy(() -> IngestConfig.parse("kafka: {security-protocol: SASL_SSL}"))
                .hasMessageContaining("option 'kafka.username' is required with kafka.security-protocol SASL_SSL");
        assertThatThrownBy(() -> IngestConfig.parse("kafka: {securty-protocol: SASL_SSL}"))
                .hasMessageContaining("unknown key 'kafka.securty-protocol'");
        assertThatThrownBy(() -> IngestConfig.parse("influx: {username: u, password: pw}"))
                .hasMessageContaining("option 'influx.password' is not accepted");
        assertThatThrownBy(() -> IngestConfig.parse("influx: {api: v2, org: city}"))
                .hasMessageContaining("influx.bucket is required with influx.api v2")
                .hasMessageContaining("influx.token-env or influx.token-file is required with influx.api v2");
        assertThatThrownBy(() -> IngestConfig.parse("push: {rate-limit: -1}"))
                .hasMessageContaining("push.rate-limit must be a number of requests per second >= 0");
    }

    @Test
    void pushRateLimitDefaultsToTwentyPerSecondWithBurstForty() throws Exception {
        IngestConfig c = IngestConfig.parse("push: {port: 0}");
        assertThat(c.pushRateLimit()).isEqualTo(20.0);
        assertThat(c.pushBurst()).isEqualTo(40);
        assertThat(IngestConfig.parse("push: {rate-limit: 0}").pushRateLimit()).isZero();
    }

    @Test
    void feedHealthCredentialsComeFromTheEnvironmentOrAFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("influx_password"), "pw-from-file\n");
        IngestConfig fromFile = IngestConfig.parse("influx: {username: feeds, password-file: " + file + "}");
        try (FeedHealthWriter w = IngestMain.health(fromFile, Map.<String, String>of()::get)) {
            assertThat(w).isNotNull();
        }
        IngestConfig fromEnv = IngestConfig.parse("influx: {username: feeds, password-env: FEEDS_PASSWORD}");
        assertThatThrownBy(() -> IngestMain.health(fromEnv, Map.<String, String>of()::get))
                .hasMessage("influx.password-env: environment variable FEEDS_PASSWORD is not set");
        IngestConfig missing = IngestConfig.parse("influx: {username: feeds, password-file: " + dir.resolve("none") + "}");
        assertThatThrownBy(() -> IngestMain.health(missing, Map.<String, String>of()::get))
                .hasMessageStartingWith("influx.password-file: cannot read " + dir.resolve("none"));
        IngestConfig v2 = IngestConfig.parse("influx: {api: v2, org: city, bucket: bikefence, token-env: T}");
        try (FeedHealthWriter w = IngestMain.health(v2, Map.of("T", "tok")::get)) {
            assertThat(w).isNotNull();
        }
    }
}
