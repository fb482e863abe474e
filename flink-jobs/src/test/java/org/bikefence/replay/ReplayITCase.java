package org.bikefence.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bikefence.job.ReplayScenarioFixtures.MIN;
import static org.bikefence.job.ReplayScenarioFixtures.T;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.bikefence.config.JobConfig;
import org.bikefence.config.JobOptions;
import org.bikefence.job.JobMain;
import org.bikefence.job.ReplayScenarioFixtures;
import org.bikefence.job.ReplayScenarioFixtures.Record;
import org.bikefence.local.LocalInfluxd;
import org.bikefence.local.LocalKafka;
import org.bikefence.testing.FlinkTestCluster;
import org.bikefence.testing.InfluxdExtension;
import org.bikefence.testing.KafkaExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replay against the live path on real components (KRaft broker, MiniCluster, influxd): the same records
 * through Kafka and through a replay of a gzip JSON Lines file must leave identical InfluxDB databases;
 * and a city CSV export with naive Xiamen times must give the scenario's violations.
 */
@ExtendWith(KafkaExtension.class)
class ReplayITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestCluster.twoSlots();

    @RegisterExtension
    static final InfluxdExtension INFLUX = new InfluxdExtension();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FENCES_TOPIC = "it-replay-geofences-empty";
    /** The job options both paths share, as BikefenceJobITCase runs the job. */
    private static final List<String> JOB_OPTIONS = List.of(
            "--" + JobOptions.FENCES.key(), ReplayScenarioFixtures.FENCES,
            "--" + JobOptions.RULES.key(), ReplayScenarioFixtures.RULES,
            "--" + JobOptions.MAX_OUT_OF_ORDER_MS.key(), "120000",
            "--" + JobOptions.CHECKPOINT_INTERVAL_MS.key(), "1000",
            "--" + JobOptions.PARALLELISM.key(), "2");

    @TempDir
    Path tmp;

    @Test
    void replayOfTheArchivedStreamWritesExactlyThePointsOfTheStreamingJob() throws Exception {
        List<Record> records = ReplayScenarioFixtures.produced();
        LocalInfluxd influx = INFLUX.influxd();
        String streamingDb = INFLUX.database();
        String replayDb = streamingDb + "_replay";
        influx.createDatabase(replayDb);

        runStreaming(records, streamingDb);

        Path archive = tmp.resolve("bike-positions.jsonl.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(archive))) {
            for (Record r : records) {
                out.write((r.value() + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        Path dlq = tmp.resolve("dlq.jsonl");
        Replay.Result result = replay(replayDb, dlq, "--from", archive.toString());

        assertThat(result.records()).isEqualTo(records.size());
        List<String> measurements = measurements(influx, streamingDb);
        assertThat(measurements).contains("violation", "operator_minute", "operator_score");
        assertThat(measurements(influx, replayDb)).isEqualTo(measurements);
        for (String m : measurements) {
            JsonNode streamed = series(influx, streamingDb, m);
            assertThat(streamed.path(0).path("values").size()).as(m).isPositive();
            assertThat(series(influx, replayDb, m)).as(m).isEqualTo(streamed);
        }

        // Dead letters name the archive and the line, with the original line and the Kafka reasons.
        List<JsonNode> dead = deadLetters(dlq);
        assertThat(result.deadLetters()).isEqualTo(dead.size());
        Map<String, String> expected = new TreeMap<>();
        Map<String, String> actual = new TreeMap<>();
        List<Record> bad = ReplayScenarioFixtures.bad();
        for (int i = 0; i < bad.size(); i++) {
            int line = records.indexOf(bad.get(i)) + 1;
            expected.put(archive + ":" + line, ReplayScenarioFixtures.badReasons().get(i) + " " + bad.get(i).value());
        }
        for (JsonNode d : dead) {
            actual.put(d.get("source").asText(), d.get("reason").asText() + " " + d.get("original").asText());
        }
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void cityCsvWithNaiveXiamenTimesGivesTheScenariosViolationsAndRowsThatCannotBeMappedGoToTheDeadLetterFile()
            throws Exception {
        LocalInfluxd influx = INFLUX.influxd();
        String db = INFLUX.database() + "_csv";
        influx.createDatabase(db);
        Path csv = Path.of("src/test/resources/replay/meituan-morning.csv");
        Path dlq = tmp.resolve("csv-dlq.jsonl");

        Replay.Result result = replay(db, dlq, "--from", csv.toString(),
                "--csv-columns", "bikeId=BIKE_ID,lat=LATITUDE,lng=LONGITUDE,ts=TIME,state=STATE",
                "--operator", "meituan", "--tz", "Asia/Shanghai");

        assertThat(result.records()).isEqualTo(11);
        assertThat(strings(influx.rows(db, "SELECT bike_id, fence_id, operator, status, duration_s, parked_since "
                + "FROM violation"))).containsExactly(
                        List.of(T + 10 * MIN, "MT-1", "NP-A", "meituan", "closed", 900, T).toString(),
                        List.of(T + 14 * MIN, "MT-3", "NP-A", "meituan", "closed", 960, T + 4 * MIN).toString());
        assertThat(strings(influx.rows(db, "SELECT bikes_seen, bikes_in_no_park, violations_opened, "
                + "violations_closed FROM operator_minute"))).containsExactly(
                        minute(0, 1, 1, 0, 0), minute(1, 1, 1, 0, 0), minute(2, 1, 0, 0, 0), minute(3, 1, 0, 0, 0),
                        minute(4, 1, 1, 0, 0), minute(5, 1, 1, 0, 0), minute(8, 1, 0, 0, 0), minute(10, 0, 0, 1, 0),
                        minute(14, 0, 0, 1, 0), minute(25, 1, 0, 0, 1), minute(30, 1, 0, 0, 1));
        assertThat(strings(influx.rows(db, "SELECT last(score) FROM operator_score"))).singleElement().asString()
                .endsWith(", 99]");

        List<JsonNode> dead = deadLetters(dlq);
        assertThat(dead).hasSize(2);
        assertThat(dead.get(0).get("source").asText()).isEqualTo(csv + ":7");
        assertThat(dead.get(0).get("column").asText()).isEqualTo("TIME");
        assertThat(dead.get(0).get("value").asText()).isEqualTo("2026-10-12 8h05");
        assertThat(dead.get(0).get("reason").asText()).isEqualTo("bad_type");
        assertThat(dead.get(0).get("original").asText()).isEqualTo("MT-9,24.5005,118.1005,2026-10-12 8h05,parked");
        assertThat(dead.get(1).get("source").asText()).isEqualTo(csv + ":10");
        assertThat(dead.get(1).get("column").asText()).isEqualTo("LATITUDE");
        assertThat(dead.get(1).get("value").asText()).isEqualTo("24.50O5");
        assertThat(dead.get(1).get("detail").asText()).isEqualTo("field 'lat' must be a number, got '24.50O5'");
    }

    @Test
    void invalidRecordsOfAnOctoberArchiveReplayedLaterCountInOctoberAndTheirDeductionsLandInOctobersAssessment()
            throws Exception {
        LocalInfluxd influx = INFLUX.influxd();
        String db = INFLUX.database() + "_backfill";
        influx.createDatabase(db);
        // The morning of 2026-10-12 (11 records; one with an unreadable time, one with a bad latitude), and a
        // second export of the same month none of whose rows has a readable time: it counts in --month.
        Path csv = Path.of("src/test/resources/replay/meituan-morning.csv");
        Path noTimes = Files.writeString(tmp.resolve("meituan-no-times.csv"),
                "BIKE_ID,LATITUDE,LONGITUDE,TIME,STATE\nMT-7,24.5005,118.1005,,parked\n"
                        + "MT-8,24.5005,118.1005,soon,parked\n");

        replay(db, tmp.resolve("backfill-dlq.jsonl"), "--from", csv.toString(), noTimes.toString(),
                "--csv-columns", "bikeId=BIKE_ID,lat=LATITUDE,lng=LONGITUDE,ts=TIME,state=STATE",
                "--operator", "meituan", "--month", "2026-10");

        // Run in a later month (the wall clock is past October 2026), every invalid record counts in October.
        long october = java.time.ZonedDateTime.of(2026, 10, 1, 0, 0, 0, 0, java.time.ZoneId.of("Asia/Shanghai"))
                .toInstant().toEpochMilli();
        assertThat(strings(influx.rows(db, "SELECT invalid_records, records FROM operator_metrics "
                + "WHERE operator = 'meituan'"))).containsExactly(List.of(october, 4, 13).toString());
        // 4 of 13 records invalid (31 %, over the 0.5 % allowed): the rule's cap of 2 points, in October's assessment.
        assertThat(strings(influx.rows(db, "SELECT \"value\", points FROM deduction "
                + "WHERE operator = 'meituan' AND rule_id = 'dataFeed.invalid'"))).containsExactly(
                        List.of(october, 30.77, 2).toString());
        assertThat(strings(influx.rows(db, "SELECT deducted FROM operator_month WHERE operator = 'meituan'")))
                .singleElement().asString().startsWith("[" + october + ", ");
    }

    @Test
    void aReplayRunsOnRocksDbAndCheckpointsAsFilesUnderItsCheckpointDirectory(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        String db = INFLUX.database() + "_checkpoints";
        INFLUX.influxd().createDatabase(db);
        Path checkpoints = tmp.resolve("replay-checkpoints");

        Replay.Result result = replay(db, tmp.resolve("checkpoints-dlq.jsonl"),
                "--from", "src/test/resources/replay/meituan-morning.csv",
                "--csv-columns", "bikeId=BIKE_ID,lat=LATITUDE,lng=LONGITUDE,ts=TIME,state=STATE",
                "--operator", "meituan", "--checkpoint-dir", checkpoints.toString());

        // Not the JobManager's memory, which a replay of 20,000 bikes (15 MB of state) overflows.
        String job = result.job().getJobID().toHexString();
        FlinkTestCluster.Checkpoints c = FlinkTestCluster.of(cluster, result.job().getJobID());
        // The test cluster's RocksDB (the replay's own environment is checked in ReplayEnvironmentTest).
        assertThat(c.stateBackend()).isEqualTo("EmbeddedRocksDBStateBackend");
        assertThat(c.storage()).isEqualTo("FileSystemCheckpointStorage");
        assertThat(c.completed()).isPositive();
        assertThat(c.latestPath()).startsWithRaw(checkpoints.toAbsolutePath().resolve(job));
        assertThat(checkpoints.resolve(job)).isDirectory();
        assertThat(c.maxParallelism()).isEqualTo(JobOptions.MAX_PARALLELISM.defaultValue());
    }

    @Test
    void theStateBackendOptionHashmapRunsTheReplayOnTheHeapThoughTheClusterSaysRocksDb(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        String db = INFLUX.database() + "_hashmap";
        INFLUX.influxd().createDatabase(db);
        Path checkpoints = tmp.resolve("hashmap-checkpoints");

        Replay.Result result = replay(db, tmp.resolve("hashmap-dlq.jsonl"),
                "--from", "src/test/resources/replay/meituan-morning.csv",
                "--csv-columns", "bikeId=BIKE_ID,lat=LATITUDE,lng=LONGITUDE,ts=TIME,state=STATE",
                "--operator", "meituan", "--checkpoint-dir", checkpoints.toString(),
                "--" + JobOptions.STATE_BACKEND.key(), "hashmap");

        FlinkTestCluster.Checkpoints c = FlinkTestCluster.of(cluster, result.job().getJobID());
        assertThat(c.stateBackend()).isEqualTo("HashMapStateBackend");
        assertThat(c.storage()).isEqualTo("FileSystemCheckpointStorage");
        assertThat(c.completed()).isPositive();
        assertThat(c.latestPath()).startsWithRaw(checkpoints.toAbsolutePath().resolve(result.job().getJobID().toHexString()));
    }

    private void runStreaming(List<Record> records, String db) throws Exception {
        LocalKafka kafka = KafkaExtension.kafka();
        String positions = "it-replay-positions-" + System.nanoTime();
        String dlq = "it-replay-dlq-" + System.nanoTime();
        kafka.createTopics(2, positions, dlq, FENCES_TOPIC);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProps())) {
            long kafkaTime = Long.MIN_VALUE;
            for (Record r : records) {
                // An archive has no arrival times, so a replay counts no record as arriving late: the streamed
                // copy must arrive on time too (Kafka time = event time). A record without a readable event
                // time arrives, in both, with the record before it (a replay's archive time, see ReplayReader).
                long ts = new org.bikefence.job.RecordEventTime(600_000L, null).extractTimestamp(
                        org.bikefence.model.RawRecord.of(r.key(), r.value()), 0L);
                if (ts != Long.MIN_VALUE) {
                    kafkaTime = ts;
                }
                assertThat(kafkaTime).as("the scenario starts with a record with a time").isNotEqualTo(Long.MIN_VALUE);
                producer.send(new ProducerRecord<>(positions, null, kafkaTime, utf8(r.key()), utf8(r.value())))
                        .get();
            }
        }
        List<String> args = new ArrayList<>(JOB_OPTIONS);
        args.addAll(List.of(
                "--" + JobOptions.KAFKA_BOOTSTRAP.key(), kafka.bootstrapServers(),
                "--" + JobOptions.KAFKA_POSITIONS_TOPIC.key(), positions,
                "--" + JobOptions.KAFKA_DLQ_TOPIC.key(), dlq,
                "--" + JobOptions.KAFKA_FENCES_TOPIC.key(), FENCES_TOPIC,
                "--" + JobOptions.KAFKA_GROUP_ID.key(), "it-replay-" + System.nanoTime(),
                "--" + JobOptions.KAFKA_STARTING_OFFSETS.key(), "earliest",
                "--" + JobOptions.KAFKA_BOUNDED.key(), "true",
                "--influx.url", INFLUX.influxd().url(),
                "--influx.db", db));
        JobConfig config = JobConfig.fromArgs(args.toArray(new String[0]), Map.of());
        StreamExecutionEnvironment env = org.bikefence.testing.NoKryo.environment();
        JobMain.create(config).execute(JobMain.configure(env, config));
    }

    private static Replay.Result replay(String db, Path dlq, String... inputOptions) throws Exception {
        List<String> args = new ArrayList<>(List.of(inputOptions));
        if (!args.contains("--checkpoint-dir")) {
            // A directory of the run's own under target/tmp, not the command's default .run/ of the module.
            args.addAll(List.of("--checkpoint-dir",
                    java.nio.file.Files.createTempDirectory("replay-checkpoints-").toString()));
        }
        args.addAll(JOB_OPTIONS);
        args.addAll(List.of("--influx.url", INFLUX.influxd().url(), "--influx.db", db,
                "--dlq", dlq.toString(), "--progress", "on"));
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();
        Replay.Result result = Replay.run(ReplayCommand.parse(args.toArray(new String[0])), Map.of(),
                org.bikefence.testing.NoKryo.environment(), new PrintStream(terminal, true, StandardCharsets.UTF_8),
                false);
        // The final progress line is printed when the job has finished.
        assertThat(terminal.toString(StandardCharsets.UTF_8)).contains("] 100%  " + String.format("%,d", result.records())
                + " events");
        return result;
    }

    private static List<String> measurements(LocalInfluxd influx, String db) throws Exception {
        List<String> names = new ArrayList<>();
        for (List<Object> row : influx.rows(db, "SHOW MEASUREMENTS")) {
            names.add((String) row.get(0));
        }
        return names;
    }

    /** All points of a measurement, tags included (SELECT * returns them as columns in InfluxDB 1.x). */
    private static JsonNode series(LocalInfluxd influx, String db, String measurement) throws Exception {
        return influx.query(db, "SELECT * FROM \"" + measurement + "\"").path("results").path(0).path("series");
    }

    private static List<JsonNode> deadLetters(Path dlq) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(dlq, StandardCharsets.UTF_8)) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    private static String minute(int m, long seen, long inNoPark, long opened, long closed) {
        return List.of(T + m * MIN, seen, inNoPark, opened, closed).toString();
    }

    private static List<String> strings(List<List<Object>> rows) {
        return rows.stream().map(Object::toString).toList();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
