package org.bikefence.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bikefence.decode.PositionDecoder;
import org.bikefence.job.JobMain;
import org.bikefence.job.JobSettings;
import org.bikefence.sink.InfluxDbSink;
import org.junit.jupiter.api.Test;

class JobConfigTest {
    /** Files that exist when the tests run in the module directory (the defaults are relative to the root). */
    private static final String FENCES = "src/test/resources/fences/it-fences.geojson";
    private static final String RULES = "src/test/resources/rules/sim-huli.yaml";

    private static JobConfig args(String... more) {
        String[] all = new String[more.length + 4];
        all[0] = "--fences";
        all[1] = FENCES;
        all[2] = "--rules";
        all[3] = RULES;
        System.arraycopy(more, 0, all, 4, more.length);
        return JobConfig.fromArgs(all, Map.of());
    }

    @Test
    void optionsNotGivenHaveTheirDocumentedDefaults() {
        JobConfig c = args();

        assertThat(c.get(JobOptions.KAFKA_BOOTSTRAP)).isEqualTo("127.0.0.1:19092");
        assertThat(c.get(JobOptions.KAFKA_BOUNDED)).isFalse();
        assertThat(c.get(JobOptions.PARALLELISM)).isEqualTo(1);
        assertThat(c.getMillis(JobOptions.MAX_OUT_OF_ORDER_MS)).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.get(JobOptions.INFLUX_RP)).isNull();
        assertThat(c.asMap()).containsEntry("influx.db", "bikefence").containsEntry("kafka.bounded", "false")
                .doesNotContainKey("influx.rp");
        assertThat(c.configuration().toMap()).containsOnlyKeys("fences", "rules");
    }

    @Test
    void argumentsWinOverTheEnvironmentWhichWinsOverDefaults() {
        JobConfig c = JobConfig.fromArgs(new String[] {"--fences", FENCES, "--rules", RULES, "--parallelism", "3"},
                Map.of("BIKEFENCE_PARALLELISM", "2", "BIKEFENCE_KAFKA_BOOTSTRAP_SERVERS", "k:9092",
                        "BIKEFENCE_WATERMARK_MAX_OUT_OF_ORDER_MS", "1000", "BIKEFENCE_REAL_DATA", "/not/an/option",
                        "PATH", "/bin"));

        assertThat(c.get(JobOptions.PARALLELISM)).isEqualTo(3);
        assertThat(c.get(JobOptions.KAFKA_BOOTSTRAP)).isEqualTo("k:9092");
        assertThat(c.get(JobOptions.MAX_OUT_OF_ORDER_MS)).isEqualTo(1000L);
        assertThat(c.get(JobOptions.KAFKA_FENCES_TOPIC)).isEqualTo("geofences");
    }

    @Test
    void anEmptyValueIsAValue() {
        assertThat(args("--kafka.fences-topic", "").get(JobOptions.KAFKA_FENCES_TOPIC)).isEmpty();
    }

    @Test
    void everyProblemIsReportedNamingTheOptionAndTheValue() {
        assertThatThrownBy(() -> args("--parallelism", "0", "--watermark.idleness-ms", "soon",
                "--kafka.starting-offsets", "newest", "--kafka.bounded", "maybe"))
                .hasMessageStartingWith("invalid configuration:")
                .hasMessageContaining("option 'parallelism' must be positive, was '0'")
                .hasMessageContaining("option 'watermark.idleness-ms' must be an integer, was 'soon'")
                .hasMessageContaining("option 'kafka.starting-offsets' must be committed, earliest or latest, "
                        + "was 'newest'")
                .hasMessageContaining("option 'kafka.bounded' must be true or false, was 'maybe'");
        assertThatThrownBy(() -> JobConfig.fromArgs(new String[] {"--fences", "no/such.geojson",
                "--rules", "no/such.yaml"}, Map.of()))
                .hasMessageContaining("option 'fences': file 'no/such.geojson' does not exist")
                .hasMessageContaining("option 'rules': no rule-set file or directory 'no/such.yaml'");
        assertThatThrownBy(() -> JobConfig.fromArgs(new String[] {"--fences", FENCES, "--rules", RULES},
                Map.of("BIKEFENCE_CHECKPOINT_INTERVAL_MS", "-5")))
                .hasMessageContaining("option 'checkpoint.interval-ms' must be positive, was '-5'");
    }

    @Test
    void decodeSizeLimitsDefaultToTheDecodersReachTheJobSettingsAndMustBePositive() {
        JobSettings defaults = JobMain.settings(args());
        assertThat(defaults.maxBikeIdLength()).isEqualTo(PositionDecoder.DEFAULT_MAX_BIKE_ID_LENGTH).isEqualTo(64);
        assertThat(defaults.maxRecordBytes()).isEqualTo(PositionDecoder.DEFAULT_MAX_RECORD_BYTES).isEqualTo(65_536);

        JobSettings given = JobMain.settings(args("--decode.max-bike-id-length", "32",
                "--decode.max-record-bytes", "4096"));
        assertThat(given.maxBikeIdLength()).isEqualTo(32);
        assertThat(given.maxRecordBytes()).isEqualTo(4096);

        assertThatThrownBy(() -> args("--decode.max-bike-id-length", "0", "--decode.max-record-bytes", "-1"))
                .hasMessageContaining("option 'decode.max-bike-id-length' must be positive, was '0'")
                .hasMessageContaining("option 'decode.max-record-bytes' must be positive, was '-1'");
    }

    @Test
    void theNowSnapshotIntervalIsFiveMinutesUnlessGivenAndAPositiveMultipleOfFive() {
        assertThat(JobMain.settings(args()).nowSnapshotInterval()).isEqualTo(java.time.Duration.ofMinutes(5));
        assertThat(JobMain.settings(args("--now.snapshot-interval-minutes", "15")).nowSnapshotInterval())
                .isEqualTo(java.time.Duration.ofMinutes(15));

        assertThatThrownBy(() -> args("--now.snapshot-interval-minutes", "7"))
                .hasMessageContaining("option 'now.snapshot-interval-minutes' must be a multiple of 5, was '7'");
        assertThatThrownBy(() -> args("--now.snapshot-interval-minutes", "0"))
                .hasMessageContaining("option 'now.snapshot-interval-minutes' must be positive, was '0'");
    }

    @Test
    void theMaxParallelismIsFixedAt128UnlessGivenAndBoundsTheParallelism() {
        assertThat(args().get(JobOptions.MAX_PARALLELISM)).isEqualTo(128);
        assertThat(args("--max-parallelism", "256", "--parallelism", "256").get(JobOptions.MAX_PARALLELISM))
                .isEqualTo(256);

        assertThatThrownBy(() -> args("--max-parallelism", "0"))
                .hasMessageContaining("option 'max-parallelism' must be positive, was '0'");
        assertThatThrownBy(() -> args("--max-parallelism", "32769"))
                .hasMessageContaining("option 'max-parallelism' must be at most 32768, was '32769'");
        assertThatThrownBy(() -> args("--parallelism", "8", "--max-parallelism", "4"))
                .hasMessageContaining("option 'parallelism' must not exceed 'max-parallelism' (4), was '8'");
        assertThatThrownBy(() -> args("--parallelism", "200"))
                .hasMessageContaining("option 'parallelism' must not exceed 'max-parallelism' (128), was '200'");
    }

    @Test
    void anOptionWithoutValueIsRefused() {
        assertThatThrownBy(() -> args("--parallelism")).hasMessageContaining("option '--parallelism' has no value");
        assertThatThrownBy(() -> args("--kafka.group-id", "--parallelism", "2"))
                .hasMessageContaining("option '--kafka.group-id' has no value");
    }

    @Test
    void unknownKeysAreRefused() {
        assertThatThrownBy(() -> args("--paralelism", "2")).hasMessageContaining("unknown option(s) [paralelism]")
                .hasMessageContaining("parallelism");
        assertThatThrownBy(() -> JobConfig.fromArgs(new String[] {"--fences", FENCES, "--rules", RULES},
                Map.of("BIKEFENCE_INFLUX_DATABSE", "d")))
                .hasMessageContaining("influx.databse (environment variable BIKEFENCE_INFLUX_DATABSE)");
    }

    @Test
    void aMisspeltVariableIsRefusedAndTheProjectsOtherVariablesAreNot() {
        assertThatThrownBy(() -> JobConfig.fromArgs(new String[] {"--fences", FENCES, "--rules", RULES},
                Map.of("BIKEFENCE_KAFKA_BOOTSTRAP", "kafka:9092")))
                .hasMessageContaining("kafka.bootstrap (environment variable BIKEFENCE_KAFKA_BOOTSTRAP)")
                .hasMessageContaining("kafka.bootstrap-servers");
        Map<String, String> env = new HashMap<>();
        JobConfig.NOT_OPTIONS.forEach(v -> env.put(v, "x"));
        env.put("BIKEFENCE_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092");
        env.put("PATH", "/usr/bin");
        assertThat(JobConfig.fromArgs(new String[] {"--fences", FENCES, "--rules", RULES}, env)
                .get(JobOptions.KAFKA_BOOTSTRAP)).isEqualTo("kafka:9092");
    }

    /**
     * Every {@code BIKEFENCE_*} variable the repository names outside tests (sources, docker/, the launcher script,
     * READMEs) is a job option's, a refused secret's, one of {@link JobConfig#NOT_OPTIONS}, or Grafana's own: so
     * none of them stops a job, and a new one cannot be added without deciding which it is.
     */
    @Test
    void everyBikefenceVariableOfTheProjectIsAnOptionOrKnownNotToBe() throws IOException {
        Set<String> known = new TreeSet<>(JobConfig.NOT_OPTIONS);
        JobOptions.ALL.forEach(o -> known.add(variable(o.key())));
        JobOptions.FORBIDDEN.forEach(k -> known.add(variable(k)));
        known.add("BIKEFENCE_INFLUX_USER"); // Grafana's data source (docker/grafana/provisioning), not the job's
        Pattern name = Pattern.compile("BIKEFENCE_[A-Z0-9_]*[A-Z0-9]");
        Path root = Path.of("..").toAbsolutePath().normalize();
        Set<String> found = new TreeSet<>();
        Set<String> unknown = new TreeSet<>();
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(Files::isRegularFile).filter(f -> scanned(root.relativize(f))).forEach(f -> {
                String text = read(f);
                Matcher m = name.matcher(text);
                while (m.find()) {
                    if (m.end() < text.length() && (text.charAt(m.end()) == '_' || text.charAt(m.end()) == '*')) {
                        continue; // a prefix, as in BIKEFENCE_INFLUX_*
                    }
                    found.add(m.group());
                    if (!known.contains(m.group())) {
                        unknown.add(m.group() + " (" + root.relativize(f) + ")");
                    }
                }
            });
        }
        assertThat(found).as("the scan saw the compose file's variables").contains("BIKEFENCE_KAFKA_BOOTSTRAP_SERVERS",
                "BIKEFENCE_KAFKA_EXTERNAL_PORT", "BIKEFENCE_TOPICS");
        assertThat(unknown).as("BIKEFENCE_* variables that would stop a job as unknown options").isEmpty();
    }

    private static String variable(String key) {
        return "BIKEFENCE_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static boolean scanned(Path relative) {
        String p = relative.toString().replace('\\', '/');
        if (p.startsWith(".") || p.contains("/target/") || p.startsWith("target/") || p.contains("/src/test/")
                || p.contains("node_modules/")) {
            return false;
        }
        return p.equals("bikefence") || p.startsWith("docker/") || p.contains("/src/main/") || p.endsWith(".md");
    }

    private static String read(Path f) {
        try {
            return new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void literalSecretsAreRefusedWithoutEchoingThem() {
        assertThatThrownBy(() -> args("--influx.token", "s3cret")).hasMessageContaining("'influx.token-env'")
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> JobConfig.fromArgs(new String[] {"--fences", FENCES, "--rules", RULES},
                Map.of("BIKEFENCE_INFLUX_PASSWORD", "s3cret")))
                .hasMessageContaining("'influx.password-file'").hasMessageNotContaining("s3cret");
    }

    @Test
    void theSinkIsBuiltFromTheSameOptions() {
        InfluxDbSink v1 = InfluxDbSink.fromConfig(args("--influx.batch-size", "10").configuration());
        assertThat(v1.toString()).contains("url=http://127.0.0.1:18086", "api=V1", "db=bikefence", "batchSize=10");

        // influx.db's default belongs to v1: a v2 sink with org, bucket and token needs nothing else.
        InfluxDbSink v2 = InfluxDbSink.fromConfig(args("--influx.api", "v2", "--influx.org", "city",
                "--influx.bucket", "bikefence", "--influx.token-env", "INFLUX_TOKEN").configuration());
        assertThat(v2.apiVersion()).isEqualTo(InfluxDbSink.ApiVersion.V2);
        assertThatThrownBy(() -> InfluxDbSink.fromConfig(args("--influx.api", "v2", "--influx.org", "city",
                "--influx.bucket", "b", "--influx.token-env", "T", "--influx.db", "d").configuration()))
                .hasMessageContaining("'influx.db'");
        assertThatThrownBy(() -> InfluxDbSink.fromConfig(args("--influx.flush-interval-ms", "x").configuration()))
                .hasMessageContaining("option 'influx.flush-interval-ms'");
    }
}
