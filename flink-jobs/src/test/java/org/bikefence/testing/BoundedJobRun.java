package org.bikefence.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.bikefence.config.JobConfig;
import org.bikefence.job.JobMain;
import org.bikefence.local.LocalInfluxd;
import org.bikefence.local.LocalKafka;

/**
 * Runs the real job (JobMain's wiring) once, bounded, over what is in a Kafka topic, into an influxd
 * database, with the options integration tests share; each test overrides what it needs.
 */
public final class BoundedJobRun {
    private final Map<String, String> options = new LinkedHashMap<>();

    private BoundedJobRun(LocalKafka kafka, String positionsTopic, LocalInfluxd influx, String db) {
        String run = Long.toString(System.nanoTime());
        options.put(JobConfig.KAFKA_BOOTSTRAP, kafka.bootstrapServers());
        options.put(JobConfig.KAFKA_POSITIONS_TOPIC, positionsTopic);
        options.put(JobConfig.KAFKA_DLQ_TOPIC, "it-dlq-" + run);
        // No live fence updates and no published violations unless a test names existing topics for them.
        options.put(JobConfig.KAFKA_FENCES_TOPIC, "");
        options.put(JobConfig.KAFKA_VIOLATIONS_TOPIC, "");
        options.put(JobConfig.KAFKA_GROUP_ID, "it-" + run);
        options.put(JobConfig.KAFKA_STARTING_OFFSETS, "earliest");
        options.put(JobConfig.KAFKA_BOUNDED, "true");
        options.put(JobConfig.MAX_OUT_OF_ORDER_MS, "120000");
        options.put(JobConfig.CHECKPOINT_INTERVAL_MS, "1000");
        options.put(JobConfig.PARALLELISM, "2");
        options.put("influx.url", influx.url());
        options.put("influx.db", db);
    }

    /** A run reading {@code positionsTopic} from the start to the end it has now. */
    public static BoundedJobRun over(LocalKafka kafka, String positionsTopic, LocalInfluxd influx, String db) {
        return new BoundedJobRun(kafka, positionsTopic, influx, db);
    }

    /** Sets one job option (a {@link JobConfig} key or an {@code influx.*} key). */
    public BoundedJobRun with(String key, String value) {
        options.put(key, value);
        return this;
    }

    /** Runs the job to its end on the test's MiniCluster. */
    public void run() throws Exception {
        List<String> args = new ArrayList<>();
        options.forEach((k, v) -> {
            args.add("--" + k);
            args.add(v);
        });
        JobConfig config = JobConfig.fromArgs(args.toArray(new String[0]), Map.of());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobMain.create(config).execute(JobMain.configure(env, config));
    }
}
