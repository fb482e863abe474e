package org.bikefence.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.bikefence.config.JobOptions;
import org.bikefence.local.LocalKafka;
import org.bikefence.model.Topics;
import org.bikefence.testing.BoundedJobRun;
import org.bikefence.testing.FlinkTestCluster;
import org.bikefence.testing.HostileRecords;
import org.bikefence.testing.HostileRecords.Kind;
import org.bikefence.testing.HostileRecords.Record;
import org.bikefence.testing.InfluxdExtension;
import org.bikefence.testing.KafkaExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 11, bad input at volume: 100,000 hostile records ({@link HostileRecords}: every kind the issue lists, each
 * with the reason it must get) interleaved with 100,000 good ones, through a real broker and the whole job
 * (JobMain's wiring, bounded, with the Kafka dead-letter sink). Every hostile record must be on the dead-letter
 * topic exactly once, with its reason, its original key and value bytes and its source offset; every good record
 * must be accepted (counted by the job's own month metrics in InfluxDB); and the job must never restart.
 */
@ExtendWith(KafkaExtension.class)
class HostileInputITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkTestCluster.twoSlots();

    @RegisterExtension
    static final InfluxdExtension INFLUX = new InfluxdExtension();

    private static final long SEED = 11;
    private static final int GOOD = 100_000;
    private static final int HOSTILE = 100_000;
    private static final int BIKES = 1_000;
    private static final int PARTITIONS = 2;
    private static final Duration JOB_LIMIT = Duration.ofMinutes(5);

    @Test
    void everyHostileRecordIsADeadLetterWithItsReasonAndBytesAndTheJobNeverRestarts(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        long t0 = System.nanoTime();
        long wallStart = System.currentTimeMillis();
        List<Record> feed = HostileRecords.feed(SEED, GOOD, HOSTILE, BIKES);
        LocalKafka kafka = KafkaExtension.kafka();
        String run = Long.toString(System.nanoTime());
        String positions = "hostile-positions-" + run;
        String dlq = "hostile-dlq-" + run;
        kafka.createTopics(PARTITIONS, positions, dlq);
        Map<String, Record> hostileBySource = produce(kafka, positions, feed);
        assertThat(hostileBySource).hasSize(HOSTILE);
        long t1 = System.nanoTime();

        JobClient job = BoundedJobRun.over(kafka, positions, INFLUX.influxd(), INFLUX.database())
                .with(JobOptions.KAFKA_DLQ_TOPIC, dlq)
                .with(JobOptions.FENCES, ScenarioFixtures.FENCES)
                .with(JobOptions.RULES, ScenarioFixtures.RULES)
                .start();
        awaitEndWithoutRestart(cluster, job);
        long t2 = System.nanoTime();

        // Dead letters: each hostile record once, with its reason and its bytes, named by its source offset.
        Map<String, ConsumerRecord<byte[], byte[]>> deadBySource = new HashMap<>();
        List<String> duplicated = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        Map<String, Integer> reasons = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> d : readAll(kafka, dlq)) {
            String source = header(d, Topics.HEADER_SOURCE);
            if (deadBySource.put(source, d) != null) {
                duplicated.add(source);
            }
            String reason = header(d, Topics.HEADER_REASON);
            reasons.merge(reason, 1, Integer::sum);
            Record original = hostileBySource.get(source);
            if (original == null) {
                wrong.add(source + ": not a hostile record's offset (" + reason + ": " + header(d, Topics.HEADER_DETAIL)
                        + ")");
            } else if (!reason.equals(original.kind().reason)) {
                wrong.add(source + ": " + original.kind() + " got " + reason + " (" + header(d, Topics.HEADER_DETAIL)
                        + ")");
            } else if (!Arrays.equals(d.value(), original.value()) || !Arrays.equals(d.key(), original.key())) {
                wrong.add(source + ": " + original.kind() + " bytes changed");
            } else if (header(d, Topics.HEADER_DETAIL).isEmpty()
                    || Long.parseLong(header(d, Topics.HEADER_REJECTED_AT)) < wallStart) {
                wrong.add(source + ": no detail or rejection time");
            }
        }
        assertThat(duplicated).as("dead letters written twice (the job did not restart)").isEmpty();
        assertThat(wrong).as("dead letters that do not match their record").isEmpty();
        List<String> missing = new ArrayList<>();
        hostileBySource.forEach((source, r) -> {
            if (!deadBySource.containsKey(source)) {
                missing.add(source + " " + r.kind());
            }
        });
        assertThat(missing).as("hostile records with no dead letter").isEmpty();
        Map<String, Integer> expectedReasons = new TreeMap<>();
        HostileRecords.quotas(HOSTILE).forEach((k, n) -> expectedReasons.merge(k.reason, n, Integer::sum));
        assertThat(reasons).isEqualTo(expectedReasons);

        // Good records: the job's month metrics count every record it received per operator, the invalid ones
        // among them; what is left is the positions it accepted.
        long received = 0;
        long invalid = 0;
        long bikesInOctober = 0;
        for (List<Object> row : INFLUX.influxd().rows(INFLUX.database(),
                "SELECT records, invalid_records, bikes FROM operator_metrics")) {
            received += ((Number) row.get(1)).longValue();
            invalid += ((Number) row.get(2)).longValue();
            if (((Number) row.get(0)).longValue() < HostileRecords.START + Duration.ofDays(31).toMillis()) {
                bikesInOctober += ((Number) row.get(3)).longValue();
            }
        }
        long accepted = received - invalid;
        assertThat(accepted).as("good records the job accepted").isEqualTo(GOOD);
        assertThat(bikesInOctober).as("bikes of the good records").isEqualTo(BIKES);
        assertThat(invalid).as("dead letters naming an operator").isPositive().isLessThanOrEqualTo(HOSTILE);
        assertThat(accepted + deadBySource.size()).as("good + dead letters = input").isEqualTo(feed.size());
        long t3 = System.nanoTime();

        Map<Kind, Integer> kinds = HostileRecords.quotas(HOSTILE);
        System.out.printf("hostile input: %d records (%d good, %d hostile) on %d partitions; produce %.1f s, job %.1f s,"
                + " checks %.1f s, total %.1f s; 0 restarts, 0 duplicate dead letters%n  dead letters per reason: %s%n"
                + "  hostile records per kind: %s%n  accepted %d, invalid with an operator %d%n",
                feed.size(), GOOD, HOSTILE, PARTITIONS, s(t1 - t0), s(t2 - t1), s(t3 - t2), s(t3 - t0), reasons, kinds,
                accepted, invalid);
    }

    /** Sends the feed in order (each bike's records keyed by its id) and returns the hostile ones by source offset. */
    private static Map<String, Record> produce(LocalKafka kafka, String topic, List<Record> feed) throws Exception {
        Properties props = kafka.producerProps();
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // As FaultInput sends: after the partitions have leaders, one request at a time without sequence numbers (CI,
        // 18:27 UTC: a first batch that met NOT_LEADER_OR_FOLLOWER on a topic just created left every later batch
        // refused OUT_OF_ORDER_SEQUENCE_NUMBER until the 2-minute delivery timeout).
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        List<Future<RecordMetadata>> sent = new ArrayList<>(feed.size());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            FaultInput.awaitLeaders(producer, topic);
            for (Record r : feed) {
                sent.add(producer.send(new ProducerRecord<>(topic, r.key(), r.value())));
            }
            producer.flush();
        }
        Map<String, Record> hostile = new HashMap<>();
        for (int i = 0; i < feed.size(); i++) {
            RecordMetadata m = sent.get(i).get();
            if (!feed.get(i).good()) {
                hostile.put(m.topic() + "-" + m.partition() + "@" + m.offset(), feed.get(i));
            }
        }
        return hostile;
    }

    /**
     * Waits for the job to finish, failing (and cancelling it) as soon as any task runs a second attempt: a restart
     * would hide a record that fails the job, and write its dead letters twice.
     */
    private static void awaitEndWithoutRestart(MiniCluster cluster, JobClient job) throws Exception {
        long deadline = System.nanoTime() + JOB_LIMIT.toNanos();
        while (true) {
            JobStatus status = job.getJobStatus().get(30, TimeUnit.SECONDS);
            AccessExecutionGraph graph = cluster.getExecutionGraph(job.getJobID()).get(30, TimeUnit.SECONDS);
            List<String> restarted = new ArrayList<>();
            for (AccessExecutionVertex v : graph.getAllExecutionVertices()) {
                if (v.getCurrentExecutionAttempt().getAttemptNumber() > 0) {
                    restarted.add(v.getTaskNameWithSubtaskIndex());
                }
            }
            if (!restarted.isEmpty() || graph.getFailureInfo() != null) {
                job.cancel();
                throw new AssertionError("the job restarted (" + restarted + "): "
                        + (graph.getFailureInfo() == null ? "" : graph.getFailureInfo().getExceptionAsString()));
            }
            if (status.isGloballyTerminalState()) {
                assertThat(status).isEqualTo(JobStatus.FINISHED);
                return;
            }
            if (System.nanoTime() > deadline) {
                job.cancel();
                throw new AssertionError("the job did not finish within " + JOB_LIMIT);
            }
            Thread.sleep(250);
        }
    }

    /** Every record of the topic up to its end now (the job has finished, so nothing more comes). */
    private static List<ConsumerRecord<byte[], byte[]>> readAll(LocalKafka kafka, String topic) {
        Properties props = kafka.consumerProps("hostile-check-" + System.nanoTime());
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.add(new TopicPartition(topic, p));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its end " + end + " within 60 s");
                }
                consumer.poll(Duration.ofMillis(500)).forEach(out::add);
            }
        }
        return out;
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static double s(long nanos) {
        return nanos / 1e9;
    }
}
