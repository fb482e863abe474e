package org.bikefence.job;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.bikefence.config.JobConfig;
import org.bikefence.config.JobOptions;
import org.bikefence.config.LocalRuntime;
import org.bikefence.kafka.DeadLetterSerializer;
import org.bikefence.kafka.FenceUpdateDeserializer;
import org.bikefence.kafka.RuleSetUpdateDeserializer;
import org.bikefence.kafka.RawRecordDeserializer;
import org.bikefence.kafka.RestorableBoundedKafkaSource;
import org.bikefence.kafka.ViolationSerializer;
import org.bikefence.model.DeadLetter;
import org.bikefence.model.FenceUpdate;
import org.bikefence.model.RawRecord;
import org.bikefence.model.RuleSetUpdate;
import org.bikefence.model.ViolationEvent;
import org.bikefence.rules.RuleSet;
import org.bikefence.rules.RuleSetLoader;
import org.bikefence.rules.RuleSetRegistry;
import org.bikefence.influx.InfluxPreflight;
import org.bikefence.influx.InfluxPreflightException;
import org.bikefence.sink.InfluxDbSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Entry point for {@code flink run} and the demo: reads configuration and wires Kafka and InfluxDB. */
public final class JobMain {
    private static final Logger LOG = LoggerFactory.getLogger(JobMain.class);

    private JobMain() {}

    public static void main(String[] args) throws Exception {
        JobConfig config = JobConfig.fromArgs(args, System.getenv());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        configure(env, config);
        // flink run hands the job the cluster's conf/config.yaml (and its -D settings): refuse to submit a job
        // whose checkpoints would live in the JobManager's memory. Checked first: it needs no service.
        LocalRuntime.requireDurableCheckpointStorage(env.getConfiguration(), "the Flink configuration (conf/config.yaml)");
        // The job must outlast an outage of InfluxDB or Kafka; the cluster's restart strategy decides whether it does.
        LocalRuntime.restartLimit(env.getConfiguration())
                .ifPresent(why -> LOG.warn("the Flink configuration (conf/config.yaml): {}", why));
        // At submission, before the graph is built: a missing service is one line now, not restarts later.
        checkInflux(config, false);
        checkKafka(config);
        JobExecutionResult result = create(config).execute(env);
        // Submitted detached (flink run -d, the REST API): there is no result to wait for.
        if (result.isJobExecutionResult()) {
            LOG.info("bikefence job finished after {} ms", result.getNetRuntime());
        } else {
            LOG.info("bikefence job {} submitted", result.getJobID());
        }
    }

    /**
     * Applies the job-level settings to an environment: checkpoint interval, parallelism, max parallelism, and the
     * state backend ({@link JobOptions#STATE_BACKEND}: given, else the runtime's {@code state.backend.type}, else
     * RocksDB) with incremental checkpoints unless the runtime's configuration says otherwise. The checkpoint
     * storage is a runtime setting: the cluster's config.yaml ({@code docker/flink/config.yaml}),
     * {@link LocalRuntime} for the demo and the replay.
     */
    public static StreamExecutionEnvironment configure(StreamExecutionEnvironment env, JobConfig config) {
        env.enableCheckpointing(config.get(JobOptions.CHECKPOINT_INTERVAL_MS));
        env.setParallelism(config.get(JobOptions.PARALLELISM));
        // Fixed, not derived from the parallelism, so a savepoint taken at one parallelism restores at another.
        env.setMaxParallelism(config.get(JobOptions.MAX_PARALLELISM));
        Configuration state = new Configuration();
        if (config.isGiven(JobOptions.STATE_BACKEND)
                || env.getConfiguration().getOptional(StateBackendOptions.STATE_BACKEND).isEmpty()) {
            state.set(StateBackendOptions.STATE_BACKEND, config.get(JobOptions.STATE_BACKEND));
        }
        if (env.getConfiguration().getOptional(CheckpointingOptions.INCREMENTAL_CHECKPOINTS).isEmpty()) {
            state.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        }
        env.configure(state);
        return env;
    }

    /** The job with the real Kafka source, Kafka dead-letter sink and InfluxDB sink. */
    public static BikefenceJob create(JobConfig config) {
        LOG.info("bikefence configuration: {}", config.asMap());
        if (config.get(JobOptions.KAFKA_BOUNDED)) {
            requireTopics(config);
        }
        JobSettings settings = settings(config);
        // Bounded runs must also end after a restore: see RestorableBoundedKafkaSource.
        KafkaSource<FenceUpdate> fences = fenceUpdateSource(config);
        KafkaSource<RuleSetUpdate> ruleSets = ruleSetUpdateSource(config);
        return new BikefenceJob(RestorableBoundedKafkaSource.of(kafkaSource(config)),
                fences == null ? null : RestorableBoundedKafkaSource.of(fences),
                InfluxDbSink.fromConfig(config.configuration()), deadLetterSink(config), violationSink(config),
                settings)
                .ruleSetUpdates(ruleSets == null ? null : RestorableBoundedKafkaSource.of(ruleSets));
    }

    static KafkaSource<RawRecord> kafkaSource(JobConfig config) {
        KafkaSourceBuilder<RawRecord> b = KafkaSource.<RawRecord>builder()
                .setProperties(kafkaSecurityProperties(config))
                .setBootstrapServers(config.get(JobOptions.KAFKA_BOOTSTRAP))
                .setTopics(config.get(JobOptions.KAFKA_POSITIONS_TOPIC))
                .setGroupId(config.get(JobOptions.KAFKA_GROUP_ID))
                .setDeserializer(new RawRecordDeserializer())
                .setProperty("commit.offsets.on.checkpoint", "true");
        switch (config.get(JobOptions.KAFKA_STARTING_OFFSETS)) {
            case "earliest":
                b.setStartingOffsets(OffsetsInitializer.earliest());
                break;
            case "latest":
                b.setStartingOffsets(OffsetsInitializer.latest());
                break;
            default:
                b.setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST));
        }
        if (config.get(JobOptions.KAFKA_BOUNDED)) {
            b.setBounded(OffsetsInitializer.latest());
        }
        return b.build();
    }

    /**
     * The pipeline settings from the configuration: fences (the files of option {@code fences} with the
     * {@code fences.*} options, loaded and validated here: {@link org.bikefence.config.JobFences}), rule sets (a file
     * or a directory), event time.
     *
     * @throws org.bikefence.geofence.FenceFileException when a fence file is invalid (naming file, feature, property)
     */
    public static JobSettings settings(JobConfig config) {
        java.nio.file.Path rulesPath = config.path(JobOptions.RULES);
        RuleSetRegistry registry = null;
        RuleSet current;
        if (java.nio.file.Files.isDirectory(rulesPath)) {
            // Every version in the directory; the one in force today sets the live parameters.
            registry = RuleSetRegistry.load(rulesPath);
            RuleSet any = RuleSetLoader.load(firstYaml(rulesPath));
            current = registry.forDay(any.city(), any.district().orElse(null),
                    java.time.LocalDate.now(any.timeZone()));
        } else {
            current = RuleSetLoader.load(rulesPath);
        }
        // The files with their options, validated now; one self-describing file for the classification step.
        org.bikefence.config.JobFences fences = org.bikefence.config.JobFences.load(config);
        LOG.info("fence set {}: {} fences from {}", fences.fences().version(), fences.fences().size(),
                config.get(JobOptions.FENCES));
        return JobSettings.builder()
                .fences(fences.bytes(), fences.source())
                .rules(current)
                .registry(registry)
                .maxOutOfOrderness(config.getMillis(JobOptions.MAX_OUT_OF_ORDER_MS))
                .idleness(config.getMillis(JobOptions.IDLENESS_MS))
                .maxFuture(config.getMillis(JobOptions.MAX_FUTURE_MS))
                .maxBikeIdLength(config.get(JobOptions.MAX_BIKE_ID_LENGTH))
                .maxRecordBytes(config.get(JobOptions.MAX_RECORD_BYTES))
                .nowSnapshotInterval(java.time.Duration.ofMinutes(config.get(JobOptions.NOW_SNAPSHOT_INTERVAL_MINUTES)))
                .nowCellMinBikes(config.get(JobOptions.NOW_CELL_MIN_BIKES))
                .build();
    }

    /**
     * Checks that the sink's InfluxDB answers and has its database or bucket ({@link InfluxPreflight}), before
     * a job or replay starts. A missing v1 database is created when {@code influx.create-db} is true or it is
     * the default database (the demo's and the replay's); otherwise the one line names it and how to create it.
     *
     * @param secretsHere true when the writers run in this process (replay, demo): a secret that cannot be
     *     resolved is then an error; false at submission to a cluster, where it may be set on the TaskManagers
     *     only, and the database check is then skipped with a warning
     * @throws InfluxPreflightException one line naming the URL, the database or bucket and the fix
     */
    public static InfluxPreflight.Result checkInflux(JobConfig config, boolean secretsHere)
            throws InfluxPreflightException {
        InfluxDbSink sink = InfluxDbSink.fromConfig(config.configuration());
        boolean create = config.get(JobOptions.INFLUX_CREATE_DB)
                || JobOptions.INFLUX_DB.defaultValue().equals(sink.database());
        InfluxPreflight.Result r = sink.preflight()
                .createDatabase(create)
                .createHint("or run with --" + JobOptions.INFLUX_CREATE_DB.key() + " true")
                .secretMayBeElsewhere(!secretsHere)
                .check();
        if (r.outcome() == InfluxPreflight.Outcome.NOT_CHECKED) {
            LOG.warn("{}", r.message());
        } else {
            LOG.info("{}", r.message());
        }
        return r;
    }

    /**
     * Checks at submission that the broker answers: a bounded run also needs its topics ({@link #requireTopics});
     * an unbounded job may start before its topics are created, so a missing one is only a warning.
     */
    static void checkKafka(JobConfig config) {
        if (config.get(JobOptions.KAFKA_BOUNDED)) {
            return; // create() requires the topics
        }
        java.util.Set<String> existing = existingTopics(config);
        for (String[] w : wantedTopics(config)) {
            if (!existing.contains(w[1])) {
                LOG.warn("option '{}': topic '{}' does not exist on {} yet; the job waits for it", w[0], w[1],
                        config.get(JobOptions.KAFKA_BOOTSTRAP));
            }
        }
    }

    /**
     * A bounded run over a topic that does not exist would wait for it for ever: say so at submission
     * instead, naming the option. (An unbounded job may start before its topics are created.)
     */
    static void requireTopics(JobConfig config) {
        java.util.Set<String> existing = existingTopics(config);
        for (String[] w : wantedTopics(config)) {
            if (!existing.contains(w[1])) {
                throw new IllegalArgumentException("option '" + w[0] + "': topic '" + w[1] + "' does not exist on "
                        + config.get(JobOptions.KAFKA_BOOTSTRAP) + "; a bounded run would wait for it for ever");
            }
        }
    }

    /** The topics the job reads, as {option key, topic}. */
    private static java.util.List<String[]> wantedTopics(JobConfig config) {
        java.util.List<String[]> wanted = new java.util.ArrayList<>();
        wanted.add(new String[] {JobOptions.KAFKA_POSITIONS_TOPIC.key(), config.get(JobOptions.KAFKA_POSITIONS_TOPIC)});
        String fences = config.get(JobOptions.KAFKA_FENCES_TOPIC);
        if (fences != null && !fences.isBlank()) {
            wanted.add(new String[] {JobOptions.KAFKA_FENCES_TOPIC.key(), fences});
        }
        String ruleSets = config.get(JobOptions.KAFKA_RULESETS_TOPIC);
        if (ruleSets != null && !ruleSets.isBlank()) {
            wanted.add(new String[] {JobOptions.KAFKA_RULESETS_TOPIC.key(), ruleSets});
        }
        return wanted;
    }

    /** The broker's topics; an unreachable broker is one line naming the option and the address. */
    private static java.util.Set<String> existingTopics(JobConfig config) {
        java.util.Properties props = kafkaSecurityProperties(config);
        props.put("bootstrap.servers", config.get(JobOptions.KAFKA_BOOTSTRAP));
        props.put("request.timeout.ms", "5000");
        props.put("default.api.timeout.ms", "8000");
        java.util.Set<String> existing;
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(props)) {
            existing = admin.listTopics().names().get(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
            // One line: a refused login or TLS handshake is named as such (never with a secret), not left as a trace.
            throw new IllegalArgumentException("option '" + JobOptions.KAFKA_BOOTSTRAP.key() + "': cannot list topics at '"
                    + config.get(JobOptions.KAFKA_BOOTSTRAP) + "' (is the broker running?): "
                    + config.kafkaSecurity().explain(cause), e);
        }
        return existing;
    }

    /**
     * The security properties of every Kafka client of the job ({@link org.bikefence.kafka.KafkaClientSecurity}):
     * empty for PLAINTEXT; otherwise the protocol, SASL and truststore settings with references to the secrets,
     * which each client resolves where it is created. These properties travel in the job graph: no secret is in it.
     */
    static java.util.Properties kafkaSecurityProperties(JobConfig config) {
        return config.kafkaSecurity().applyTo(new java.util.Properties());
    }

    /** The {@code geofences} topic, read from the start so a new job takes the latest published set. */
    static KafkaSource<FenceUpdate> fenceUpdateSource(JobConfig config) {
        String topic = config.get(JobOptions.KAFKA_FENCES_TOPIC);
        if (topic == null || topic.isBlank()) {
            return null;
        }
        KafkaSourceBuilder<FenceUpdate> b = KafkaSource.<FenceUpdate>builder()
                .setProperties(kafkaSecurityProperties(config))
                .setBootstrapServers(config.get(JobOptions.KAFKA_BOOTSTRAP))
                .setTopics(topic)
                .setGroupId(config.get(JobOptions.KAFKA_GROUP_ID) + "-fences")
                .setDeserializer(new FenceUpdateDeserializer())
                .setStartingOffsets(OffsetsInitializer.earliest());
        if (config.get(JobOptions.KAFKA_BOUNDED)) {
            b.setBounded(OffsetsInitializer.latest());
        }
        return b.build();
    }

    /**
     * The rule-set topic ({@code rulesets} when set), read from the start so a new job takes every version
     * published; none when the option is empty (the default).
     */
    static KafkaSource<RuleSetUpdate> ruleSetUpdateSource(JobConfig config) {
        String topic = config.get(JobOptions.KAFKA_RULESETS_TOPIC);
        if (topic == null || topic.isBlank()) {
            return null;
        }
        KafkaSourceBuilder<RuleSetUpdate> b = KafkaSource.<RuleSetUpdate>builder()
                .setProperties(kafkaSecurityProperties(config))
                .setBootstrapServers(config.get(JobOptions.KAFKA_BOOTSTRAP))
                .setTopics(topic)
                .setGroupId(config.get(JobOptions.KAFKA_GROUP_ID) + "-rulesets")
                .setDeserializer(new RuleSetUpdateDeserializer())
                .setStartingOffsets(OffsetsInitializer.earliest());
        if (config.get(JobOptions.KAFKA_BOUNDED)) {
            b.setBounded(OffsetsInitializer.latest());
        }
        return b.build();
    }

    /**
     * Both sinks' producers wait for every in-sync replica ({@code min.insync.replicas} of the topic), so a record
     * acknowledged before a broker dies is on another one too. kafka-clients' default since 3.0, stated here so that
     * no client default can change it (BrokerFailureITCase kills a broker of three).
     */
    static final String PRODUCER_ACKS = "all";

    /**
     * Kafka transactions of the violations sink: open from one checkpoint to the commit after the next, and across
     * a recovery, so longer than checkpoint interval plus restart time; 15 min is what a broker allows by default
     * ({@code transaction.max.timeout.ms}), where the connector's own 1 h is refused.
     */
    static final java.time.Duration VIOLATIONS_TRANSACTION_TIMEOUT = java.time.Duration.ofMinutes(15);

    /**
     * The {@code bike-violations} topic, exactly-once: each checkpoint's violations are one Kafka transaction per
     * subtask, committed when the checkpoint completes, so a consumer reading {@code read_committed} (dispatch) sees
     * each opening and closing once, across restarts. None when the option is empty.
     */
    static KafkaSink<ViolationEvent> violationSink(JobConfig config) {
        String topic = config.get(JobOptions.KAFKA_VIOLATIONS_TOPIC);
        if (topic == null || topic.isBlank()) {
            return null;
        }
        String prefix = config.get(JobOptions.KAFKA_TRANSACTIONAL_ID_PREFIX);
        if (prefix == null || prefix.isBlank()) {
            throw new IllegalArgumentException("option '" + JobOptions.KAFKA_TRANSACTIONAL_ID_PREFIX.key()
                    + "': must not be empty while '" + JobOptions.KAFKA_VIOLATIONS_TOPIC.key() + "' is set");
        }
        return KafkaSink.<ViolationEvent>builder()
                .setKafkaProducerConfig(kafkaSecurityProperties(config))
                .setBootstrapServers(config.get(JobOptions.KAFKA_BOOTSTRAP))
                .setRecordSerializer(new ViolationSerializer(topic))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(prefix)
                .setProperty("transaction.timeout.ms", Long.toString(VIOLATIONS_TRANSACTION_TIMEOUT.toMillis()))
                .setProperty("acks", PRODUCER_ACKS)
                .build();
    }

    /**
     * Dead letters, at-least-once: after a restart from a checkpoint, records rejected since then can be written
     * again; each names its source (topic, partition, offset) in its {@code dlq.source} header, so duplicates
     * are recognisable.
     */
    static KafkaSink<DeadLetter> deadLetterSink(JobConfig config) {
        return KafkaSink.<DeadLetter>builder()
                .setKafkaProducerConfig(kafkaSecurityProperties(config))
                .setBootstrapServers(config.get(JobOptions.KAFKA_BOOTSTRAP))
                .setRecordSerializer(new DeadLetterSerializer(config.get(JobOptions.KAFKA_DLQ_TOPIC)))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .setProperty("acks", PRODUCER_ACKS)
                .build();
    }

    private static java.nio.file.Path firstYaml(java.nio.file.Path dir) {
        try (java.util.stream.Stream<java.nio.file.Path> s = java.nio.file.Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted()
                    .findFirst().orElseThrow(() -> new IllegalArgumentException(
                            "option '" + JobOptions.RULES.key() + "': directory " + dir + " holds no .yaml rule set"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
