package org.bikefence.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.bikefence.geofence.crs.Crs;
import org.bikefence.geofence.tool.CliSupport;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class IngestConfigTest {

    /** The example shipped in docker/ingest/, read from the repository. */
    private static final Path EXAMPLE = Path.of(System.getProperty("basedir", "."))
            .resolve("../docker/ingest/operators.yaml").normalize();

    @Test
    void theShippedExampleIsValid() throws Exception {
        IngestConfig c = IngestConfig.load(EXAMPLE);

        assertThat(c.operators().keySet()).contains("hello", "meituan", "qingju");
        assertThat(c.operator("hello").kind()).isEqualTo(OperatorFeed.Kind.GBFS);
        assertThat(c.operator("qingju").kind()).isEqualTo(OperatorFeed.Kind.PUSH);
        assertThat(c.bounds()).isEqualTo(CityBounds.XIAMEN);
    }

    @Test
    void defaultsRunTheDemo() throws Exception {
        IngestConfig c = IngestConfig.parse("operators: []");
        assertThat(c.kafkaBootstrap()).isEqualTo("127.0.0.1:19092");
        assertThat(c.positionsTopic()).isEqualTo("bike-positions");
        assertThat(c.dlqTopic()).isEqualTo("bike-positions-dlq");
        assertThat(c.influxUrl()).isEqualTo("http://127.0.0.1:18086");
        assertThat(c.pushMaxBodyBytes()).isEqualTo(1 << 20);
        assertThat(c.maxFutureMs()).isEqualTo(600_000);
    }

    @Test
    void readsOperatorsAndTheCityBox() throws Exception {
        IngestConfig c = IngestConfig.parse(String.join("\n",
                "city-bounds: {min-lat: 24.4, max-lat: 24.6, min-lng: 118.0, max-lng: 118.2}",
                "operators:",
                "  - {id: hello, kind: gbfs, url: 'https://x/gbfs.json', crs: gcj-02, every: 15s, freshness: 2m}"));
        OperatorFeed hello = c.operator("hello");
        assertThat(hello.crs()).isEqualTo(Crs.GCJ02);
        assertThat(hello.every()).isEqualTo(Duration.ofSeconds(15));
        assertThat(hello.freshness()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.bounds()).isEqualTo(new CityBounds(24.4, 24.6, 118.0, 118.2));
    }

    @Test
    void listsEveryProblemNamingKeyAndValue() {
        assertThatThrownBy(() -> IngestConfig.parse(String.join("\n",
                "kafka: {timeout: soon}",
                "colour: blue",
                "operators:",
                "  - {id: a, kind: gbfs, url: 'ftp://x'}",
                "  - {id: b, kind: carrier-pigeon, url: 'https://x'}",
                "  - {id: c, kind: gbfs, url: 'https://x', crs: UTM}",
                "  - {id: d, kind: push}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kafka.timeout must be a duration").hasMessageContaining("'soon'")
                .hasMessageContaining("unknown key 'colour'")
                .hasMessageContaining("operators[a]: operator a: url must be an http(s) URL")
                .hasMessageContaining("kind must be gbfs, mds or push, was 'carrier-pigeon'")
                .hasMessageContaining("unknown coordinate system 'UTM'")
                .hasMessageContaining("push operator needs token-env or token-file");
    }

    @Test
    void tokensComeFromTheEnvironmentAndAreNeverShown() throws Exception {
        OperatorFeed f = IngestConfig.parse("operators: [{id: q, kind: push, token-env: Q_TOKEN}]").operator("q");
        Map<String, String> env = new HashMap<>(Map.of("Q_TOKEN", "s3cret-value\n"));
        assertThat(f.token(env::get)).isEqualTo("s3cret-value");
        assertThat(f.toString()).contains("env:Q_TOKEN").doesNotContain("s3cret");
        env.clear();
        assertThatThrownBy(() -> f.token(env::get)).hasMessageContaining("Q_TOKEN").hasMessageContaining("not set");
    }

    @Test
    void commandLineOptionsOverrideTheFileOrDefineAnOperator() throws Exception {
        Map<String, String> options = new HashMap<>(Map.of("url", "https://feeds.example/hello/gbfs.json",
                "every", "10s", "config", EXAMPLE.toString(), "kafka.bootstrap-servers", "k1:9092"));
        IngestConfig c = IngestMain.config("gbfs", "hello", options, Map.of());
        assertThat(c.operator("hello").url()).isEqualTo("https://feeds.example/hello/gbfs.json");
        assertThat(c.operator("hello").every()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.kafkaBootstrap()).isEqualTo("k1:9092");

        Map<String, String> only = new HashMap<>(Map.of("url", "https://x/free_bike_status.json", "crs", "BD09",
                "config", "/nonexistent.yaml"));
        IngestConfig fresh = IngestMain.config("gbfs", "newco", only, Map.of());
        assertThat(fresh.operator("newco").crs()).isEqualTo(Crs.BD09);

        assertThatThrownBy(() -> IngestMain.config("mds", "hello",
                new HashMap<>(Map.of("config", EXAMPLE.toString())), Map.of()))
                .hasMessageContaining("configured as kind gbfs, not mds");
        assertThatThrownBy(() -> IngestMain.config("gbfs", "hello",
                new HashMap<>(Map.of("config", EXAMPLE.toString(), "colour", "blue")), Map.of()))
                .hasMessageContaining("unknown option(s) [colour]");
        assertThat(new CommandLine(new IngestMain()).getUsageMessage()).contains("gbfs", "mds", "push", "check");
    }

    @Test
    void anUnknownOptionOrABadConfigurationIsOneUsageLine() {
        StringWriter err = new StringWriter();
        CommandLine cl = CliSupport.configure(new CommandLine(new IngestMain())).setErr(new PrintWriter(err, true));
        assertThat(cl.execute("gbfs", "--operator", "hello", "--config", EXAMPLE.toString(), "--colour", "blue"))
                .isEqualTo(2);
        assertThat(err.toString()).hasLineCount(1).contains("--colour").doesNotContain("Exception");

        StringWriter err2 = new StringWriter();
        CommandLine cl2 = CliSupport.configure(new CommandLine(new IngestMain())).setErr(new PrintWriter(err2, true));
        assertThat(cl2.execute("mds", "--operator", "hello", "--config", EXAMPLE.toString())).isEqualTo(2);
        assertThat(err2.toString()).hasLineCount(1).contains("configured as kind gbfs, not mds");
    }
}
