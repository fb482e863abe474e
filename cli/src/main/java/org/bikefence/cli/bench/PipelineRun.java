package org.bikefence.cli.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.bikefence.config.JobConfig;
import org.bikefence.config.JobOptions;
import org.bikefence.functions.BikeTracker;
import org.bikefence.functions.DecodePositions;
import org.bikefence.job.JobMain;
import org.bikefence.kafka.RawRecordDeserializer;
import org.bikefence.model.ClassifiedPosition;
import org.bikefence.model.RawRecord;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One run of {@code bench pipeline}, in a JVM of its own: builds one variant on a fresh local Flink environment,
 * runs it over the whole topic (bounded, from earliest) and writes {@code records millis} to the result file. Not
 * part of the command tree: {@link PipelineBench} starts it with {@code java -cp <the same class path>}.
 */
@Command(name = "pipeline-run", description = "One timed run of bench pipeline (started by it).")
public final class PipelineRun implements Callable<Integer> {
    /** The positions source's name in every variant (the job's), by which its records are counted. */
    static final String SOURCE_NAME = "bike-positions";
    static final long CHECKPOINT_INTERVAL_MS = 10_000L;

    @Option(names = "--variant", required = true, converter = VariantConverter.class)
    Variant variant;

    @Option(names = "--parallelism", required = true)
    int parallelism;

    @Option(names = "--bootstrap", required = true)
    String bootstrap;

    @Option(names = "--topic", required = true)
    String topic;

    @Option(names = "--group", required = true)
    String group;

    @Option(names = "--influx-url", required = true)
    String influxUrl;

    @Option(names = "--influx-db", required = true)
    String influxDb;

    @Option(names = "--fences", required = true)
    Path fences;

    @Option(names = "--rules", required = true)
    Path rules;

    @Option(names = "--checkpoints", required = true)
    Path checkpoints;

    @Option(names = "--result", required = true)
    Path result;

    /** Untimed runs of the same variant before the timed one, each a fresh job in this JVM (its JIT warmed up). */
    @Option(names = "--warmup-runs", defaultValue = "0")
    int warmupRuns;

    /** Where to write the timed run's CPU seconds per thread name ({@link ThreadCpu}); none when absent. */
    @Option(names = "--thread-cpu")
    Path threadCpu;

    /** Job options of the full variant over the benchmark's own ({@code bench pipeline --job-option}). */
    @Option(names = "--job-option")
    Map<String, String> jobOptions = new LinkedHashMap<>();

    public static void main(String[] args) {
        // Flink's local cluster and the Kafka clients leave non-daemon threads behind: exit explicitly.
        System.exit(new CommandLine(new PipelineRun()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Configuration conf = SourceRecordCounter.configure(new Configuration());
        // Any free port for the local cluster's REST endpoint: a demo or a cluster may hold 8081.
        conf.set(org.apache.flink.configuration.RestOptions.BIND_PORT, "0");
        // As a cluster has it (docker/flink/config.yaml) and the demo: the full job's keyed state outgrows the
        // JobManager's 5 MB in-memory checkpoints within a million records.
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        // A run that fails is reported as failed, not restarted and timed.
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        for (int i = 0; i < warmupRuns; i++) {
            runOnce(conf);
        }
        SourceRecordCounter.reset();
        ThreadCpu cpu = threadCpu == null ? null : ThreadCpu.start();
        JobExecutionResult r = runOnce(conf);
        if (cpu != null) {
            ThreadCpu.write(threadCpu, cpu.stop());
        }
        long records = SourceRecordCounter.recordsOut(SOURCE_NAME);
        String last = lastStep(variant);
        long reached = last == null ? records : SourceRecordCounter.recordsIn(last);
        if (reached != records) {
            throw new IllegalStateException("the " + variant.label() + " variant's step " + last + " received "
                    + reached + " of the source's " + records + " records");
        }
        Files.writeString(result, records + " " + r.getNetRuntime(TimeUnit.MILLISECONDS) + "\n",
                StandardCharsets.UTF_8);
        return 0;
    }

    /** The step every record of the variant must reach (checked after the run), or null. */
    static String lastStep(Variant v) {
        return switch (v) {
            case CLASSIFY -> "classify-fences";
            case KEYED -> KeyedByBike.NAME;
            default -> null;
        };
    }

    /** One fresh job of the variant on a fresh local environment, over the whole topic. */
    private JobExecutionResult runOnce(Configuration conf) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
        return switch (variant) {
            case BARE -> bare(env);
            case DECODE -> decode(env);
            case CLASSIFY -> classify(env);
            case KEYED -> keyed(env);
            case FULL -> full(env);
        };
    }

    private void settings(StreamExecutionEnvironment env) {
        env.setParallelism(parallelism);
        env.enableCheckpointing(CHECKPOINT_INTERVAL_MS);
    }

    private <T> KafkaSource<T> source(KafkaRecordDeserializationSchema<T> deserializer) {
        return KafkaSource.<T>builder()
                .setBootstrapServers(bootstrap)
                .setTopics(topic)
                .setGroupId(group)
                .setDeserializer(deserializer)
                .setProperty("commit.offsets.on.checkpoint", "true")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setBounded(OffsetsInitializer.latest())
                .build();
    }

    /** Kafka to Flink and nothing else: byte[] values, their length, discarded. */
    private JobExecutionResult bare(StreamExecutionEnvironment env) throws Exception {
        settings(env);
        env.fromSource(source(KafkaRecordDeserializationSchema.valueOnly(ByteArrayDeserializer.class)),
                        WatermarkStrategy.noWatermarks(), SOURCE_NAME)
                .map(v -> v.length).returns(Types.INT).name("value-length")
                .sinkTo(new DiscardingSink<>()).name("discard");
        return env.execute("bench bare");
    }

    /** The job's first chain: its source deserializer and decode-validate; positions and dead letters dropped. */
    private JobExecutionResult decode(StreamExecutionEnvironment env) throws Exception {
        settings(env);
        env.fromSource(source(new RawRecordDeserializer()), WatermarkStrategy.<RawRecord>noWatermarks(), SOURCE_NAME)
                .process(new DecodePositions(JobOptions.MAX_FUTURE_MS.defaultValue(),
                        JobOptions.MAX_BIKE_ID_LENGTH.defaultValue(), JobOptions.MAX_RECORD_BYTES.defaultValue(), null)).name("decode-validate")
                .sinkTo(new DiscardingSink<>()).name("discard");
        return env.execute("bench decode");
    }

    /** The job's first chain, as BikefenceJob builds it ({@code buildFirstChain}), then discard. */
    private JobExecutionResult classify(StreamExecutionEnvironment env) throws Exception {
        JobConfig config = JobConfig.of(fullJobOptions(), Map.of());
        JobMain.configure(env, config);
        JobMain.create(config).buildFirstChain(env).sinkTo(new DiscardingSink<>()).name("discard");
        return env.execute("bench classify");
    }

    /**
     * The first chain, then keyed by bike as the tracker is, into a keyed step that does nothing (Flink still sets each
     * record's key in the job's state backend): the exchange and key handling any job with per-bike state has,
     * without any state access, which a job's design decides.
     */
    private JobExecutionResult keyed(StreamExecutionEnvironment env) throws Exception {
        JobConfig config = JobConfig.of(fullJobOptions(), Map.of());
        JobMain.configure(env, config);
        JobMain.create(config).buildFirstChain(env)
                .keyBy(BikeTracker::bikeKey)
                .process(new KeyedByBike()).returns(Types.LONG).name(KeyedByBike.NAME)
                .sinkTo(new DiscardingSink<>()).name("discard");
        return env.execute("bench keyed");
    }

    /** Receives every classified position under its bike's key; reads no state and emits nothing. */
    static final class KeyedByBike extends KeyedProcessFunction<String, ClassifiedPosition, Long> {
        static final String NAME = "keyed-by-bike";

        @Override
        public void processElement(ClassifiedPosition p, Context ctx, Collector<Long> out) {
            // Nothing: what is measured is getting here.
        }
    }

    /** The job as JobMain wires it: bounded, fence updates and violations topics off, to the local influxd. */
    private JobExecutionResult full(StreamExecutionEnvironment env) throws Exception {
        JobConfig config = JobConfig.of(fullJobOptions(), Map.of());
        JobMain.configure(env, config);
        return JobMain.create(config).execute(env);
    }

    /** The job options of the full variant (as {@code --key value} would give them to JobMain). */
    Map<String, String> fullJobOptions() {
        Map<String, String> o = new LinkedHashMap<>();
        o.put(JobOptions.KAFKA_BOOTSTRAP.key(), bootstrap);
        o.put(JobOptions.KAFKA_POSITIONS_TOPIC.key(), topic);
        o.put(JobOptions.KAFKA_GROUP_ID.key(), group);
        o.put(JobOptions.KAFKA_STARTING_OFFSETS.key(), "earliest");
        o.put(JobOptions.KAFKA_BOUNDED.key(), "true");
        o.put(JobOptions.KAFKA_FENCES_TOPIC.key(), "");
        o.put(JobOptions.KAFKA_VIOLATIONS_TOPIC.key(), "");
        o.put(JobOptions.FENCES.key(), fences.toString());
        o.put(JobOptions.RULES.key(), rules.toString());
        o.put(JobOptions.PARALLELISM.key(), Integer.toString(parallelism));
        o.put(JobOptions.CHECKPOINT_INTERVAL_MS.key(), Long.toString(CHECKPOINT_INTERVAL_MS));
        o.put(JobOptions.INFLUX_URL.key(), influxUrl);
        o.put(JobOptions.INFLUX_DB.key(), influxDb);
        o.putAll(jobOptions);
        return o;
    }

    static final class VariantConverter implements CommandLine.ITypeConverter<Variant> {
        @Override
        public Variant convert(String value) {
            return Variant.of(value);
        }
    }
}
