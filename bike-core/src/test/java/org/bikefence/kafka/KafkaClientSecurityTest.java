package org.bikefence.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientSecurityTest {

    private static Map<String, String> saslSsl() {
        Map<String, String> o = new HashMap<>();
        o.put("kafka.security-protocol", "sasl_ssl");
        o.put("kafka.username", "bikefence");
        o.put("kafka.password-env", "KAFKA_PASSWORD");
        o.put("kafka.truststore", "/etc/bikefence/kafka-ca.p12");
        o.put("kafka.truststore-password-file", "/run/secrets/kafka_truststore_password");
        return o;
    }

    @Test
    void plaintextByDefaultAddsNothing() {
        KafkaClientSecurity s = KafkaClientSecurity.fromOptions(Map.of("kafka.bootstrap-servers", "x:9092"));
        assertThat(s.isPlaintext()).isTrue();
        assertThat(s.properties()).isEmpty();
    }

    @Test
    void saslSslPropertiesHoldOnlyReferencesToTheSecrets() {
        Map<String, String> p = KafkaClientSecurity.fromOptions(saslSsl()).properties();
        assertThat(p).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                        + "username=\"bikefence\" password=\"${bikefence:env-jaas:KAFKA_PASSWORD}\";")
                .containsEntry("ssl.truststore.location", "/etc/bikefence/kafka-ca.p12")
                .containsEntry("ssl.truststore.type", "PKCS12")
                .containsEntry("ssl.truststore.password", "${bikefence:file:/run/secrets/kafka_truststore_password}")
                .containsEntry("config.providers", "bikefence")
                .containsEntry("config.providers.bikefence.class", KafkaSecretProvider.class.getName());
        assertThat(KafkaClientSecurity.fromOptions(saslSsl()).toString())
                .isEqualTo("SASL_SSL SCRAM-SHA-512 user bikefence (password env:KAFKA_PASSWORD), truststore "
                        + "/etc/bikefence/kafka-ca.p12 (PKCS12, password file:/run/secrets/kafka_truststore_password)");
    }

    @Test
    void refusesSecretValuesAndIncompleteSettingsNamingEachOption() {
        Map<String, String> literal = saslSsl();
        literal.put("kafka.password", "s3cret");
        assertThatThrownBy(() -> KafkaClientSecurity.fromOptions(literal))
                .hasMessage("option 'kafka.password' is not accepted: give the secret through 'kafka.password-env' "
                        + "(an environment variable) or 'kafka.password-file'")
                .hasMessageNotContaining("s3cret");

        Map<String, String> noUser = saslSsl();
        noUser.remove("kafka.username");
        noUser.put("kafka.password-file", "/run/secrets/p");
        assertThatThrownBy(() -> KafkaClientSecurity.fromOptions(noUser))
                .hasMessage("options 'kafka.password-env' and 'kafka.password-file' exclude each other; "
                        + "option 'kafka.username' is required with kafka.security-protocol SASL_SSL; "
                        + "option 'kafka.password-env' or 'kafka.password-file' is required with "
                        + "kafka.security-protocol SASL_SSL");

        assertThatThrownBy(() -> KafkaClientSecurity.fromOptions(Map.of("kafka.security-protocol", "TLS")))
                .hasMessage("option 'kafka.security-protocol' must be one of [PLAINTEXT, SSL, SASL_PLAINTEXT, "
                        + "SASL_SSL], was 'TLS'");
        assertThatThrownBy(() -> KafkaClientSecurity.fromOptions(Map.of("kafka.username", "u")))
                .hasMessage("option 'kafka.username' needs kafka.security-protocol SASL_SSL or SASL_PLAINTEXT, was "
                        + "PLAINTEXT");
        assertThatThrownBy(() -> KafkaClientSecurity.fromOptions(Map.of("kafka.security-protocol", "SSL",
                "kafka.truststore", "ca.pem", "kafka.truststore-password-env", "P")))
                .hasMessage("option 'kafka.truststore-password-env': a PEM truststore has no password");
    }

    @Test
    void checkHereNamesTheMissingVariableOrFile(@TempDir Path dir) throws Exception {
        KafkaClientSecurity s = KafkaClientSecurity.fromOptions(saslSsl());
        assertThatThrownBy(() -> s.checkHere(name -> null))
                .hasMessage("option 'kafka.password-env': environment variable KAFKA_PASSWORD is not set; "
                        + "option 'kafka.truststore-password-file': cannot read file "
                        + "/run/secrets/kafka_truststore_password (NoSuchFileException); "
                        + "option 'kafka.truststore': no readable file '/etc/bikefence/kafka-ca.p12'");
        Path password = Files.writeString(dir.resolve("p"), "pw\n");
        Path store = Files.writeString(dir.resolve("ca.p12"), "x");
        Map<String, String> o = saslSsl();
        o.put("kafka.truststore", store.toString());
        o.put("kafka.truststore-password-file", password.toString());
        KafkaClientSecurity.fromOptions(o).checkHere(name -> name.equals("KAFKA_PASSWORD") ? "pw" : null);
    }

    @Test
    void providerResolvesEnvironmentAndFilesAndEscapesForJaas(@TempDir Path dir) throws Exception {
        KafkaSecretProvider provider = new KafkaSecretProvider();
        String path = System.getenv("PATH");
        assertThat(provider.get("env", Set.of("PATH")).data()).containsEntry("PATH", path);
        Path file = Files.writeString(dir.resolve("pw"), "a\"b\\c\n");
        assertThat(provider.get("file", Set.of(file.toString())).data()).containsEntry(file.toString(), "a\"b\\c");
        assertThat(provider.get("file-jaas", Set.of(file.toString())).data())
                .containsEntry(file.toString(), "a\\\"b\\\\c");
        assertThatThrownBy(() -> provider.get("env", Set.of("BIKEFENCE_SURELY_UNSET_VARIABLE")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("environment variable BIKEFENCE_SURELY_UNSET_VARIABLE holding a Kafka secret is not set");
        assertThat(provider.get("env").data()).as("never lists secrets").isEmpty();
    }

    @Test
    void checkLoginReportsUnansweredBrokersAndRefusesAnUnloadableTruststore(@TempDir Path dir) throws Exception {
        String nobody = "127.0.0.1:" + freePort();
        assertThat(KafkaClientSecurity.plaintext().checkLogin(nobody, java.time.Duration.ofSeconds(2)))
                .as("no broker is not an error, only a reason").isNotBlank().doesNotContain("\n");
        Path garbage = Files.writeString(dir.resolve("store.p12"), "not a keystore");
        KafkaClientSecurity ssl = KafkaClientSecurity.fromOptions(Map.of("kafka.security-protocol", "SSL",
                "kafka.truststore", garbage.toString()));
        assertThatThrownBy(() -> ssl.checkLogin(nobody, java.time.Duration.ofSeconds(2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Kafka at " + nobody + ": ")
                .hasMessageContaining(garbage.toString())
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void explainsARefusedLoginInOneLine() {
        KafkaClientSecurity s = KafkaClientSecurity.fromOptions(saslSsl());
        String line = s.explain(new RuntimeException("wrapped", new SaslAuthenticationException(
                "Authentication failed during authentication due to invalid credentials with SASL mechanism "
                        + "SCRAM-SHA-512")));
        assertThat(line).isEqualTo("Kafka refused the login of user 'bikefence' (SCRAM-SHA-512; check "
                + "'kafka.password-env'/'kafka.password-file' and the user's SCRAM credentials on the broker): "
                + "Authentication failed during authentication due to invalid credentials with SASL mechanism "
                + "SCRAM-SHA-512");
        assertThat(line).doesNotContain("\n");
    }
}
