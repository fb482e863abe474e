package org.bikefence.sink;

import org.bikefence.influx.WriteRetrier;
import org.bikefence.influx.Secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InfluxDbSinkTest {

    @Test
    void buildsAV1SinkWithDefaults() {
        InfluxDbSink sink = InfluxDbSink.builder().url("http://localhost:8086/").database("bikes").build();

        assertThat(sink.url()).isEqualTo("http://localhost:8086");
        assertThat(sink.apiVersion()).isEqualTo(InfluxDbSink.ApiVersion.V1);
        assertThat(sink.batchSize()).isEqualTo(5000);
        assertThat(sink.flushInterval()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void sanityCheckNamesTheMissingOrWrongOption() {
        assertThatThrownBy(() -> InfluxDbSink.builder().database("bikes").build()).hasMessageContaining("'influx.url'");
        assertThatThrownBy(() -> InfluxDbSink.builder().url("localhost:8086").database("bikes").build())
                .hasMessageContaining("'influx.url'");
        assertThatThrownBy(() -> InfluxDbSink.builder().url("http://h:8086").build()).hasMessageContaining("'influx.db'");
        assertThatThrownBy(() -> InfluxDbSink.builder().url("http://h:8086").database("d").bucket("b").build())
                .hasMessageContaining("'influx.bucket'");
        assertThatThrownBy(() -> InfluxDbSink.builder().url("http://h:8086").database("d").username("u").build())
                .hasMessageContaining("password");
        assertThatThrownBy(() -> InfluxDbSink.builder().url("http://h:8086").apiVersion(InfluxDbSink.ApiVersion.V2)
                .org("o").bucket("b").build()).hasMessageContaining("'influx.token-env'");
        assertThatThrownBy(() -> InfluxDbSink.builder().url("http://h:8086").apiVersion(InfluxDbSink.ApiVersion.V2)
                .bucket("b").tokenFromEnv("T").build()).hasMessageContaining("'influx.org'");
        assertThatThrownBy(() -> InfluxDbSink.builder().url("http://h:8086").database("d").batchSize(0).build())
                .hasMessageContaining("'influx.batch-size'");
        assertThatThrownBy(() -> InfluxDbSink.builder().url("http://h:8086").database("d").flushInterval(Duration.ZERO).build())
                .hasMessageContaining("'influx.flush-interval-ms'");
        assertThatThrownBy(() -> InfluxDbSink.builder().url("http://h:8086").database("d").maxRetries(-1).build())
                .hasMessageContaining("'influx.max-retries'");
        assertThatThrownBy(() -> InfluxDbSink.builder().url("http://u:pw@h:8086").database("d").build())
                .hasMessageContaining("credentials")
                .hasMessageNotContaining("pw");
    }

    @Test
    void buildsFromConfigAndRejectsTyposAndLiteralSecrets() {
        InfluxDbSink sink = InfluxDbSink.fromConfig(conf(
                "influx.url", "http://influx:8086", "influx.api", "v2", "influx.org", "bikefence",
                "influx.bucket", "violations", "influx.token-env", "INFLUX_TOKEN", "influx.batch-size", "100",
                "influx.flush-interval-ms", "250", "kafka.bootstrap", "ignored:9092"));

        assertThat(sink.apiVersion()).isEqualTo(InfluxDbSink.ApiVersion.V2);
        assertThat(sink.batchSize()).isEqualTo(100);
        assertThat(sink.flushInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(sink.toString()).contains("token=env:INFLUX_TOKEN");

        assertThatThrownBy(() -> InfluxDbSink.fromConfig(conf("influx.url", "http://h", "influx.databse", "d")))
                .hasMessageContaining("influx.databse");
        assertThatThrownBy(() -> InfluxDbSink.fromConfig(conf("influx.url", "http://h", "influx.api", "v2",
                "influx.token", "abc"))).hasMessageContaining("influx.token-env").hasMessageNotContaining("abc");
        assertThatThrownBy(() -> InfluxDbSink.fromConfig(conf("influx.url", "http://h", "influx.api", "v3")))
                .hasMessageContaining("'influx.api'");
    }

    private static Configuration conf(String... keysAndValues) {
        Map<String, String> m = new java.util.HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return Configuration.fromMap(m);
    }

    @Test
    void secretReferencesAreResolvedWhenTheClientOpensAndNotSerialized(@TempDir Path dir) throws IOException {
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, "file-SECRET\n");
        InfluxDbSink sink = InfluxDbSink.builder().url("http://127.0.0.1:1").apiVersion(InfluxDbSink.ApiVersion.V2)
                .org("o").bucket("b").tokenFromFile(tokenFile.toString()).build();

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(sink);
        }
        assertThat(bytes.toString(java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("file-SECRET");
        assertThat(sink.toString()).contains("token=file:" + tokenFile).doesNotContain("file-SECRET");
        assertThat(Secret.fromFile(tokenFile.toString()).resolve()).isEqualTo("file-SECRET");
        sink.createClient(WriteRetrier.RetryListener.NONE).close();
    }

    @Test
    void aMissingSecretFailsNamingTheVariableOrFile() {
        assertThatThrownBy(() -> Secret.fromEnv("BIKEFENCE_SURELY_UNSET_VAR").resolve())
                .hasMessageContaining("BIKEFENCE_SURELY_UNSET_VAR");
        assertThatThrownBy(() -> Secret.fromFile("/nonexistent/token").resolve())
                .hasMessageContaining("/nonexistent/token");
    }
}
