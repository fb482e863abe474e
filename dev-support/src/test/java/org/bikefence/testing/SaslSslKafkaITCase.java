package org.bikefence.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.bikefence.kafka.KafkaClientSecurity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The SASL_SSL broker of the secured-connection tests: SCRAM login over TLS works, a wrong password does not. */
class SaslSslKafkaITCase {

    private static SaslSslKafka broker;

    @BeforeAll
    static void start() {
        Path dir = Path.of(System.getProperty("basedir", "."), "target", "sasl-ssl-kafka-" + ProcessHandle.current().pid());
        broker = SaslSslKafka.start(dir, System.getProperty("java.class.path"));
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private static Properties secured(Path passwordFile) {
        Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrapServers());
        KafkaClientSecurity.fromOptions(broker.clientOptions(passwordFile)).applyTo(p);
        return p;
    }

    @Test
    void scramLoginOverTlsProducesAndConsumes() throws Exception {
        broker.kafka().createTopics(1, "secured");
        Properties producer = secured(broker.passwordFile());
        producer.putAll(broker.kafka().producerProps());
        producer.put("bootstrap.servers", broker.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(producer)) {
            p.send(new ProducerRecord<>("secured", "k".getBytes(StandardCharsets.UTF_8),
                    "over SASL_SSL".getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
        }
        Properties consumer = secured(broker.passwordFile());
        consumer.putAll(broker.kafka().consumerProps("secured-check"));
        consumer.put("bootstrap.servers", broker.bootstrapServers());
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumer)) {
            c.subscribe(List.of("secured"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    values.add(new String(r.value(), StandardCharsets.UTF_8));
                }
            }
        }
        assertThat(values).containsExactly("over SASL_SSL");
    }

    @Test
    void aTruststoreWithoutTheBrokersCertificateFailsTheHandshakeWithOneLine() {
        java.util.Map<String, String> options = new java.util.LinkedHashMap<>(broker.clientOptions());
        options.put("kafka.truststore", broker.untrustedTruststore().toString());
        KafkaClientSecurity security = KafkaClientSecurity.fromOptions(options);
        Properties p = security.applyTo(new Properties());
        p.put("bootstrap.servers", broker.bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            assertThatThrownBy(() -> admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(org.apache.kafka.common.errors.SslAuthenticationException.class)
                    .satisfies(e -> assertThat(security.explain(e))
                            .startsWith("TLS handshake with Kafka failed (check 'kafka.truststore' holds the broker's CA")
                            .doesNotContain("\n"));
        }
        assertThatThrownBy(() -> security.checkLogin(broker.bootstrapServers(), Duration.ofSeconds(20)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Kafka at " + broker.bootstrapServers() + ": TLS handshake with Kafka failed");
    }

    @Test
    void aWrongPasswordIsRefusedWithOneLine() {
        KafkaClientSecurity security = KafkaClientSecurity.fromOptions(broker.clientOptions(broker.wrongPasswordFile()));
        Properties p = secured(broker.wrongPasswordFile());
        try (Admin admin = Admin.create(p)) {
            assertThatThrownBy(() -> admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(SaslAuthenticationException.class)
                    .satisfies(e -> {
                        String line = security.explain(e);
                        assertThat(line).startsWith("Kafka refused the login of user 'bikefence' (SCRAM-SHA-512")
                                .contains("invalid credentials")
                                .doesNotContain("\n")
                                .doesNotContain(broker.password());
                    });
        }
    }
}
