package org.bikefence.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.bikefence.local.LocalInfluxd;
import org.bikefence.local.LocalKafka;

/**
 * What a run of the job wrote, for comparing two runs of the same input: every InfluxDB measurement row by row
 * (tags and fields), and the violations topic read committed, as a multiset (sorted, duplicates kept).
 */
public record JobOutput(Map<String, List<String>> measurements, List<String> violations) {
    /** Rows of a measurement's difference printed on failure. */
    static final int DIFF_ROWS = 15;

    /** What a run wrote into database {@code db} and topic {@code violationsTopic} (of {@code partitions}). */
    public static JobOutput read(LocalInfluxd influx, String db, LocalKafka kafka, String violationsTopic,
            int partitions) throws Exception {
        return new JobOutput(measurements(influx, db), violations(kafka, violationsTopic, partitions));
    }

    public long points() {
        return measurements.values().stream().mapToLong(List::size).sum();
    }

    /** Every measurement of the database: each row as its non-null columns, name=value, rows sorted. */
    public static Map<String, List<String>> measurements(LocalInfluxd influx, String db) throws Exception {
        Map<String, List<String>> out = new TreeMap<>();
        for (List<Object> m : influx.rows(db, "SHOW MEASUREMENTS")) {
            String name = String.valueOf(m.get(0));
            JsonNode series = influx.query(db, "SELECT * FROM \"" + name + "\" ORDER BY time")
                    .path("results").path(0).path("series").path(0);
            List<String> columns = new ArrayList<>();
            series.path("columns").forEach(c -> columns.add(c.asText()));
            List<String> rows = new ArrayList<>();
            for (JsonNode values : series.path("values")) {
                StringBuilder row = new StringBuilder();
                Iterator<JsonNode> it = values.elements();
                for (int i = 0; it.hasNext(); i++) {
                    JsonNode v = it.next();
                    if (!v.isNull()) {
                        row.append(row.isEmpty() ? "" : " ").append(columns.get(i)).append('=').append(v.asText());
                    }
                }
                rows.add(row.toString());
            }
            // Rows start with their time; sorting the whole row orders by time, then tags and fields.
            rows.sort(null);
            out.put(name, rows);
        }
        return out;
    }

    /** Every record of the topic, read committed, as key and value, sorted; a record written twice is there twice. */
    public static List<String> violations(LocalKafka kafka, String topic, int partitions) {
        Properties props = kafka.consumerProps("output-read-" + System.nanoTime());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int i = 0; i < partitions; i++) {
                tps.add(new TopicPartition(topic, i));
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            // With read_committed, the end offsets are the last stable offsets: open transactions are not waited for.
            Map<TopicPartition, Long> end = consumer.endOffsets(tps);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                assertThat(System.nanoTime()).as("read " + topic + " to its end within 30 s").isLessThan(deadline);
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(new String(r.key(), StandardCharsets.UTF_8) + " " + new String(r.value(),
                            StandardCharsets.UTF_8));
                }
            }
        }
        out.sort(null);
        return out;
    }

    /** Records keep their simulated (past) timestamps; time-based retention must not delete them. */
    public static void keepForever(LocalKafka kafka, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic), List.of(
                    new AlterConfigOp(new ConfigEntry("retention.ms", "-1"), AlterConfigOp.OpType.SET)))).all().get();
        }
    }

    /** Points in all measurements. */
    public static long points(Map<String, List<String>> measurements) {
        return measurements.values().stream().mapToLong(List::size).sum();
    }

    /** What differs between two runs' InfluxDB measurements alone (runs without a violations topic). */
    public static String difference(Map<String, List<String>> a, String labelA, Map<String, List<String>> b,
            String labelB) {
        return difference(new JobOutput(a, List.of()), labelA, new JobOutput(b, List.of()), labelB);
    }

    /** What differs between two runs, readable: per measurement the rows only one of them has; empty when none. */
    public static String difference(JobOutput a, String labelA, JobOutput b, String labelB) {
        StringBuilder diff = new StringBuilder();
        TreeSet<String> names = new TreeSet<>(a.measurements().keySet());
        names.addAll(b.measurements().keySet());
        for (String name : names) {
            List<String> ra = a.measurements().getOrDefault(name, List.of());
            List<String> rb = b.measurements().getOrDefault(name, List.of());
            if (!ra.equals(rb)) {
                diff.append(String.format("%s: %d rows %s, %d %s%n", name, ra.size(), labelA, rb.size(), labelB));
                diff.append(onlyIn(ra, rb, labelA)).append(onlyIn(rb, ra, labelB));
            }
        }
        if (!a.violations().equals(b.violations())) {
            diff.append(String.format("violations topic: %d records %s, %d %s%n", a.violations().size(), labelA,
                    b.violations().size(), labelB));
            diff.append(onlyIn(a.violations(), b.violations(), labelA))
                    .append(onlyIn(b.violations(), a.violations(), labelB));
        }
        return diff.toString();
    }

    /** The rows of {@code rows} that {@code other} lacks, as multisets: a row twice in rows and once in other counts once. */
    static List<String> missingFrom(List<String> rows, List<String> other) {
        Map<String, Integer> left = new TreeMap<>();
        other.forEach(r -> left.merge(r, 1, Integer::sum));
        List<String> only = new ArrayList<>();
        for (String r : rows) {
            Integer n = left.get(r);
            if (n == null || n == 0) {
                only.add(r);
            } else {
                left.put(r, n - 1);
            }
        }
        return only;
    }

    /** Rows {@code b} lacks (lost) and rows it has beyond {@code a} (extra or duplicated), over everything. */
    public static long[] lostAndExtra(JobOutput a, JobOutput b) {
        long lost = missingFrom(a.violations(), b.violations()).size();
        long extra = missingFrom(b.violations(), a.violations()).size();
        TreeSet<String> names = new TreeSet<>(a.measurements().keySet());
        names.addAll(b.measurements().keySet());
        for (String name : names) {
            List<String> ra = a.measurements().getOrDefault(name, List.of());
            List<String> rb = b.measurements().getOrDefault(name, List.of());
            lost += missingFrom(ra, rb).size();
            extra += missingFrom(rb, ra).size();
        }
        return new long[] {lost, extra};
    }

    private static String onlyIn(List<String> rows, List<String> other, String label) {
        List<String> only = missingFrom(rows, other);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(DIFF_ROWS, only.size()); i++) {
            s.append("  only ").append(label).append(": ").append(only.get(i)).append('\n');
        }
        if (only.size() > DIFF_ROWS) {
            s.append("  ... and ").append(only.size() - DIFF_ROWS).append(" more only ").append(label).append('\n');
        }
        return s.toString();
    }
}
