package org.bikefence.job;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.bikefence.local.LocalKafka;

/**
 * A scripted day in a test district: named bikes, places and instants, and the records they send. Public for the
 * dashboard test (org.bikefence.dashboards), which runs the same script.
 */
public final class ScenarioFixtures {
    public static final long MIN = 60_000L;
    /** 08:00 in Xiamen on 12 October 2026. */
    public static final long T = Instant.parse("2026-10-12T00:00:00Z").toEpochMilli();
    public static final String FENCES = "../flink-jobs/src/test/resources/fences/it-fences.geojson";
    public static final String RULES = "../scoring-rules/rulesets/huli.yaml";

    public static final double[] IN_NO_PARK = {24.5005, 118.1005};
    /** Inside NP-B, which only version it-2 of the test fences has. */
    public static final double[] IN_NO_PARK_B = {24.5005, 118.1045};
    public static final String FENCES_V2 = "../flink-jobs/src/test/resources/fences/it-fences-v2.geojson";
    public static final double[] IN_PARKING = {24.50005, 118.1021};
    public static final double[] IN_STREET = {24.4950, 118.0950};

    /** One record of the script: key and JSON value. */
    public record Msg(String key, String value) {}

    /** Sends the messages to {@code topic} in order, each acknowledged before the next. */
    public static void produce(LocalKafka kafka, String topic, List<Msg> msgs) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProps())) {
            for (Msg m : msgs) {
                producer.send(new ProducerRecord<>(topic, m.key().getBytes(StandardCharsets.UTF_8),
                        m.value().getBytes(StandardCharsets.UTF_8))).get();
            }
        }
    }

    public static Msg report(String operator, String bike, long ts, double[] at, String state) {
        return new Msg(bike, String.format(Locale.ROOT,
                "{\"operator\":\"%s\",\"bikeId\":\"%s\",\"ts\":%d,\"lat\":%.6f,\"lng\":%.6f,\"state\":\"%s\"}",
                operator, bike, ts, at[0], at[1], state));
    }

    /**
     * The scenario, in the order it is produced. Expected outcome (grace 10 min, 0.5 points each):
     * MT-1 violation T+10..T+25 (900 s); MT-2 leaves within grace; MT-3 violation T+14..T+30 (960 s),
     * its T+4 report arriving after later ones; HL-2 violation opening T+50 and staying open; HL-3 parks
     * in the zone too late for its grace period to end before the data does. Meituan scores 99.0, Hello 99.5.
     */
    public static final List<Msg> SCRIPT = List.of(
            report("meituan", "MT-1", T, IN_NO_PARK, "parked"),
            report("hello", "HL-1", T, IN_PARKING, "parked"),
            report("meituan", "MT-2", T + MIN, IN_NO_PARK, "parked"),
            report("hello", "HL-2", T + MIN, IN_STREET, "riding"),
            report("meituan", "MT-3", T + 2 * MIN, IN_PARKING, "parked"),
            report("hello", "HL-2", T + 2 * MIN, IN_STREET, "riding"),
            report("meituan", "MT-3", T + 3 * MIN, IN_STREET, "riding"),
            report("meituan", "MT-1", T + 5 * MIN, IN_NO_PARK, "parked"),
            report("hello", "HL-1", T + 5 * MIN, IN_PARKING, "parked"),
            // Out of order: sent after the T+5 reports.
            report("meituan", "MT-3", T + 4 * MIN, IN_NO_PARK, "parked"),
            report("meituan", "MT-2", T + 8 * MIN, IN_STREET, "riding"),
            report("hello", "HL-1", T + 10 * MIN, IN_PARKING, "parked"),
            report("hello", "HL-1", T + 15 * MIN, IN_PARKING, "parked"),
            report("hello", "HL-1", T + 20 * MIN, IN_PARKING, "parked"),
            report("meituan", "MT-1", T + 25 * MIN, IN_STREET, "riding"),
            report("hello", "HL-1", T + 25 * MIN, IN_PARKING, "parked"),
            report("meituan", "MT-3", T + 30 * MIN, IN_PARKING, "parked"),
            report("hello", "HL-1", T + 30 * MIN, IN_PARKING, "parked"),
            report("hello", "HL-1", T + 35 * MIN, IN_PARKING, "parked"),
            report("hello", "HL-2", T + 40 * MIN, IN_NO_PARK, "parked"),
            report("hello", "HL-1", T + 40 * MIN, IN_PARKING, "parked"),
            report("hello", "HL-1", T + 45 * MIN, IN_PARKING, "parked"),
            report("hello", "HL-1", T + 50 * MIN, IN_PARKING, "parked"),
            report("hello", "HL-2", T + 55 * MIN, IN_NO_PARK, "faulty"),
            report("hello", "HL-1", T + 55 * MIN, IN_PARKING, "parked"),
            report("hello", "HL-3", T + 57 * MIN, IN_NO_PARK, "parked"),
            report("hello", "HL-1", T + 60 * MIN, IN_PARKING, "parked"));

    /** Malformed records with the reason the job must give each. */
    public static final List<Msg> BAD = List.of(
            new Msg("X-1", "this is not json"),
            new Msg("X-2", "{\"operator\":\"meituan\",\"bikeId\":\"X-2\",\"ts\":" + T + ",\"lng\":118.1,\"state\":\"parked\"}"),
            new Msg("X-3", "{\"operator\":\"meituan\",\"bikeId\":\"X-3\",\"ts\":" + T + ",\"lat\":123.0,\"lng\":118.1,\"state\":\"parked\"}"),
            new Msg("X-4", "{\"operator\":\"hello\",\"bikeId\":\"X-4\",\"ts\":" + T + ",\"lat\":24.5,\"lng\":118.1,\"state\":\"docked\"}"),
            new Msg("X-5", "{\"operator\":\"hello\",\"bikeId\":\"X-5\",\"ts\":4102444800000,\"lat\":24.5,\"lng\":118.1,\"state\":\"parked\"}"));

    public static final List<String> BAD_REASONS = List.of(
            "not_json", "missing_field", "out_of_range", "unknown_state", "future_timestamp");

    private ScenarioFixtures() {}

    /**
     * Starts the job as JobMain wires it, unbounded, at parallelism 1, with checkpoints every second, reading
     * {@code positions} from the earliest offset with the scenario's fences and rules, into {@code influxDb}; the
     * {@code topics} options (each {@code key, value}) name its fence and rule-set topics.
     */
    static org.apache.flink.core.execution.JobClient startUnbounded(String bootstrap, String positions, String dlq,
            String groupId, String influxUrl, String influxDb, String jobName, String... topics) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of(
                "--" + org.bikefence.config.JobOptions.KAFKA_BOOTSTRAP.key(), bootstrap,
                "--" + org.bikefence.config.JobOptions.KAFKA_POSITIONS_TOPIC.key(), positions,
                "--" + org.bikefence.config.JobOptions.KAFKA_DLQ_TOPIC.key(), dlq,
                "--" + org.bikefence.config.JobOptions.KAFKA_GROUP_ID.key(), groupId,
                "--" + org.bikefence.config.JobOptions.KAFKA_STARTING_OFFSETS.key(), "earliest",
                "--" + org.bikefence.config.JobOptions.FENCES.key(), FENCES,
                "--" + org.bikefence.config.JobOptions.RULES.key(), RULES,
                "--" + org.bikefence.config.JobOptions.CHECKPOINT_INTERVAL_MS.key(), "1000",
                "--" + org.bikefence.config.JobOptions.PARALLELISM.key(), "1",
                "--influx.url", influxUrl,
                "--influx.db", influxDb,
                "--influx.flush-interval-ms", "200"));
        for (int k = 0; k + 1 < topics.length; k += 2) {
            args.add("--" + topics[k]);
            args.add(topics[k + 1]);
        }
        org.bikefence.config.JobConfig config = org.bikefence.config.JobConfig.fromArgs(
                args.toArray(String[]::new), java.util.Map.of());
        org.apache.flink.streaming.api.environment.StreamExecutionEnvironment env =
                org.bikefence.testing.NoKryo.environment();
        BikefenceJob job = JobMain.create(config);
        job.build(JobMain.configure(env, config));
        return env.executeAsync(jobName);
    }
}
