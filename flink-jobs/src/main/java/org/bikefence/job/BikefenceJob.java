package org.bikefence.job;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.bikefence.model.BikePosition;
import org.bikefence.model.ClassifiedPosition;
import org.bikefence.model.DeadLetter;
import org.bikefence.model.FenceUpdate;
import org.bikefence.model.OperatorMinute;
import org.bikefence.model.OperatorScore;
import org.bikefence.model.RawRecord;
import org.bikefence.model.RuleSetUpdate;
import org.bikefence.functions.ValidateRuleSets;
import org.bikefence.model.ViolationEvent;
import org.apache.flink.util.Collector;
import org.bikefence.model.AreaDelta;
import org.bikefence.model.BikeFact;
import org.bikefence.model.OperatorSignal;
import org.bikefence.functions.AccumulationMonitor;
import org.bikefence.functions.ClassifiedPositionSerializer;
import org.bikefence.functions.ClassifyPositions;
import org.bikefence.functions.ClassifyStaticFences;
import org.bikefence.functions.MonthlyAssessments;
import org.bikefence.functions.OperatorMetrics;
import org.bikefence.functions.DailyScores;
import org.bikefence.functions.MinuteSlicer;
import org.bikefence.functions.NowChange;
import org.bikefence.functions.NowSnapshots;
import org.bikefence.metrics.MinuteSlice;
import org.bikefence.metrics.MonthSoFar;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.bikefence.functions.DecodePositions;
import org.bikefence.functions.InfluxPointSerializer;
import org.bikefence.functions.MonthSoFarSerializer;
import org.bikefence.functions.AreaDeltaSerializer;
import org.bikefence.functions.BikePositionSerializer;
import org.bikefence.functions.BikeTracker;
import org.bikefence.functions.OperatorSignalSerializer;
import org.bikefence.functions.RawRecordSerializer;
import org.bikefence.influx.InfluxSchema;
import org.bikefence.influx.InfluxPoint;

/**
 * The bikefence streaming job: raw position records and fence updates in; dead letters, no-park
 * violations, per-minute operator counts, daily operator scores and fence-set changes out.
 *
 * <p>Sources and sinks come in through the constructor so tests run the same pipeline over bounded
 * inputs; {@link JobMain} wires the real Kafka source, Kafka dead-letter sink and InfluxDB sink.
 */
public final class BikefenceJob {
    /**
     * Fence updates take effect when they arrive, not at an event time, so their input must never hold
     * back the positions' watermark at the broadcast join (a source without watermarks would hold it at
     * -infinity forever), nor push it ({@link #neverHoldBackTime}).
     */
    static final WatermarkStrategy<FenceUpdate> FENCE_UPDATES_NEVER_HOLD_BACK_TIME =
            neverHoldBackTime((u, kafkaTs) -> u.publishedAt);

    /**
     * Rule-set versions say themselves when they apply (their {@code effectiveFrom}); their input must neither hold
     * back the positions' watermark where it meets them (the tracker, the scoring steps) nor push it
     * ({@link #neverHoldBackTime}).
     */
    static final WatermarkStrategy<RuleSetUpdate> RULE_SET_UPDATES_NEVER_HOLD_BACK_TIME =
            neverHoldBackTime((u, kafkaTs) -> u.publishedAt);

    /** All operators are ranked together under one key. */
    static final String CITY_KEY = "city";

    /**
     * A strategy for side inputs that must neither hold back the positions' watermark where streams meet nor push it:
     * idle for ever, so the operators' event time is the positions' alone (and at the end of a bounded input the
     * side input passes on the final watermark). A side input at +infinity, as this was until 2026-12-01, pushed it:
     * when the positions went idle (no data for {@code watermark.idleness-ms}), an operator where they met took its
     * watermark from the side input alone, +infinity, and the tracker fired every deadline at once and took every
     * later report as late.
     */
    static <T> WatermarkStrategy<T> neverHoldBackTime(
            org.apache.flink.api.common.eventtime.SerializableTimestampAssigner<T> timestamps) {
        return WatermarkStrategy.<T>forGenerator(ctx -> new WatermarkGenerator<T>() {
            @Override
            public void onEvent(T event, long timestamp, WatermarkOutput output) {}

            @Override
            public void onPeriodicEmit(WatermarkOutput output) {
                output.markIdle();
            }
        }).withTimestampAssigner(timestamps);
    }

    private final Source<RawRecord, ?, ?> positions;
    private final Source<FenceUpdate, ?, ?> fenceUpdates;
    private final Sink<InfluxPoint> influx;
    private final Sink<DeadLetter> deadLetters;
    private final Sink<ViolationEvent> violationsOut;
    private final JobSettings settings;
    private Source<RuleSetUpdate, ?, ?> ruleSetUpdates;
    /** The accepted rule-set versions while the pipeline is built; null without a source of them. */
    private DataStream<RuleSetUpdate> acceptedRuleSets;

    /**
     * @param fenceUpdates new fence sets while running; null when the fences given at submission stay
     */
    public BikefenceJob(Source<RawRecord, ?, ?> positions, Source<FenceUpdate, ?, ?> fenceUpdates,
            Sink<InfluxPoint> influx, Sink<DeadLetter> deadLetters, JobSettings settings) {
        this(positions, fenceUpdates, influx, deadLetters, null, settings);
    }

    /**
     * @param violationsOut where violations are published as they open and close (the
     *     {@code bike-violations} topic); null to not publish them
     */
    public BikefenceJob(Source<RawRecord, ?, ?> positions, Source<FenceUpdate, ?, ?> fenceUpdates,
            Sink<InfluxPoint> influx, Sink<DeadLetter> deadLetters, Sink<ViolationEvent> violationsOut,
            JobSettings settings) {
        this.violationsOut = violationsOut;
        this.positions = positions;
        this.fenceUpdates = fenceUpdates;
        this.influx = influx;
        this.deadLetters = deadLetters;
        this.settings = settings;
    }

    /**
     * New rule-set versions while running (the {@code rulesets} topic); null (the default) when the versions given at
     * submission stay. Each is validated once ({@link ValidateRuleSets}); an accepted one goes broadcast to the
     * tracker and the scoring steps.
     */
    public BikefenceJob ruleSetUpdates(Source<RuleSetUpdate, ?, ?> updates) {
        this.ruleSetUpdates = updates;
        return this;
    }

    /**
     * Adds the pipeline to the environment, for callers that run it asynchronously (the demo). It reads as
     * the data-flow picture in the README: each step is one sub-pipeline below, built in this order (the order
     * fixes the operator chains' names, so keep it).
     */
    public void build(StreamExecutionEnvironment env) {
        Decoded decoded = decodeAndValidate(env);
        SingleOutputStreamOperator<ClassifiedPosition> classified = classifyAgainstFences(env, decoded.positions());
        DataStream<InfluxPoint> ruleSetPoints = validateRuleSets(env);
        SingleOutputStreamOperator<ViolationEvent> violations = trackBikes(classified);
        DataStream<OperatorSignal> invalid = invalidRecordSignals(decoded.rejected());
        SingleOutputStreamOperator<OperatorSignal> accumulation = accumulation(violations);
        SingleOutputStreamOperator<MonthSoFar> months = operatorMetrics(violations, invalid, accumulation);
        DataStream<OperatorMinute> minutes = months.getSideOutput(OperatorMetrics.MINUTES);
        DataStream<OperatorScore> scores = dailyScores(minutes);
        DataStream<InfluxPoint> assessments = monthlyAssessments(months);
        DataStream<InfluxPoint> now = nowSnapshots(violations, accumulation, minutes);
        DataStream<InfluxPoint> points = influxPoints(violations, minutes, scores, classified, assessments,
                accumulation, now);
        (ruleSetPoints == null ? points : points.union(ruleSetPoints))
                .sinkTo(influx).name("influxdb").uid("influxdb-sink");
    }

    /**
     * Only the job's first chain, as {@link #build} adds it: the positions source with its per-partition watermarks,
     * decode-validate with the dead-letter sink, event-time and classify-fences. Returns the classified positions, for
     * a caller that measures the job step by step ({@code bench pipeline}'s classify and keyed variants); the job
     * itself is {@link #build}.
     */
    public DataStream<ClassifiedPosition> buildFirstChain(StreamExecutionEnvironment env) {
        return classifyAgainstFences(env, decodeAndValidate(env).positions());
    }

    /**
     * Rule-set versions published while running, validated once for the whole job: the accepted ones for the tracker
     * and the scoring steps ({@link #acceptedRuleSets}), every outcome as a {@code rule_set} point (returned). Nothing
     * without a source of them.
     */
    private DataStream<InfluxPoint> validateRuleSets(StreamExecutionEnvironment env) {
        if (ruleSetUpdates == null) {
            return null;
        }
        TypeInformation<RuleSetUpdate> type = Types.POJO(RuleSetUpdate.class);
        SingleOutputStreamOperator<RuleSetUpdate> accepted = env
                .fromSource(ruleSetUpdates, RULE_SET_UPDATES_NEVER_HOLD_BACK_TIME, "rulesets", type)
                .uid("rulesets-source")
                .keyBy(u -> CITY_KEY, Types.STRING)
                .process(new ValidateRuleSets(settings.registry(), settings.rules(),
                        BikeTracker.expiryHorizonMs(settings.trackerVersions().values())))
                .returns(type)
                .name("validate-rule-sets").uid("validate-rule-sets");
        acceptedRuleSets = accepted;
        return accepted.getSideOutput(ValidateRuleSets.RULE_SET_EVENTS)
                .map(InfluxSchema::ruleSet).returns(InfluxPointSerializer.TYPE)
                .name("rule-set-points").uid("rule-set-points");
    }

    /** The positions that decoded and passed validation, and the records that did not. */
    private record Decoded(SingleOutputStreamOperator<BikePosition> positions, DataStream<DeadLetter> rejected) {}

    /** Raw records to positions; the rejected ones, with their reason, to the dead-letter sink. */
    private Decoded decodeAndValidate(StreamExecutionEnvironment env) {
        // Watermarks per partition (split), from the records' event time: see RecordEventTime.
        DataStream<RawRecord> raw = env
                .fromSource(positions, WatermarkStrategy
                        .<RawRecord>forBoundedOutOfOrderness(settings.maxOutOfOrderness())
                        .withIdleness(settings.idleness())
                        .withTimestampAssigner(new RecordEventTime(settings.maxFuture().toMillis(),
                                settings.fixedNowMs())), "bike-positions", RawRecordSerializer.TYPE)
                .uid("bike-positions-source");

        SingleOutputStreamOperator<BikePosition> decoded = raw
                .process(new DecodePositions(settings.maxFuture().toMillis(), settings.maxBikeIdLength(),
                        settings.maxRecordBytes(), settings.fixedNowMs()))
                .returns(BikePositionSerializer.TYPE)
                .name("decode-validate").uid("decode-validate");
        DataStream<DeadLetter> rejected = decoded.getSideOutput(DecodePositions.DEAD_LETTERS);
        rejected.sinkTo(deadLetters).name("dead-letters").uid("dead-letters-sink");
        return new Decoded(decoded, rejected);
    }

    /**
     * Positions in event time, classified against the fence set in force; new fence sets arrive broadcast,
     * and each accepted or rejected one is reported on {@link ClassifyPositions#FENCE_SET_EVENTS}. Without a
     * source of updates the set given at submission stays, and classification is a one-input step
     * ({@link ClassifyStaticFences}) under the same uid.
     */
    private SingleOutputStreamOperator<ClassifiedPosition> classifyAgainstFences(StreamExecutionEnvironment env,
            DataStream<BikePosition> decoded) {
        // The source made the timestamps (each position's ts) and the per-partition watermarks; this step only
        // keeps its name and uid from when watermarks were made here, per subtask, which made the output depend
        // on how partitions were spread over subtasks.
        DataStream<BikePosition> timed = decoded
                .map(p -> p).returns(BikePositionSerializer.TYPE)
                .name("event-time").uid("event-time");
        int h3 = settings.rules().monitoring().accumulation().h3Resolution();
        if (fenceUpdates == null) {
            // The fences given at submission stay: a one-input step, chained to decoding (ClassifyStaticFences).
            return timed
                    .process(new ClassifyStaticFences(settings.fenceGeoJson(), settings.fenceSource(), h3))
                    .returns(ClassifiedPositionSerializer.TYPE)
                    .name("classify-fences").uid("classify-fences");
        }
        DataStream<FenceUpdate> updates = env.fromSource(fenceUpdates, FENCE_UPDATES_NEVER_HOLD_BACK_TIME,
                        "geofences")
                .uid("geofences-source");
        BroadcastStream<FenceUpdate> fenceSets = updates.broadcast(ClassifyPositions.FENCE_STATE);
        return timed
                .connect(fenceSets)
                .process(new ClassifyPositions(settings.fenceGeoJson(), settings.fenceSource(), h3))
                .returns(ClassifiedPositionSerializer.TYPE)
                .name("classify-fences").uid("classify-fences");
    }

    /**
     * Keyed by bike, each bike's reports in event-time order: violations opened and closed (published when
     * there is a sink for them), with standing periods ({@link BikeTracker#FACTS}), late reports
     * ({@link BikeTracker#OUT_OF_ORDER}) and everything the month counts, its per-bike firsts decided
     * ({@link BikeTracker#SIGNALS}), on side outputs. The only step after decoding that every record crosses the
     * network for.
     */
    private SingleOutputStreamOperator<ViolationEvent> trackBikes(DataStream<ClassifiedPosition> classified) {
        BikeTracker tracker = new BikeTracker(settings.trackerVersions(), settings.rules().timeZone());
        SingleOutputStreamOperator<ViolationEvent> violations = acceptedRuleSets == null
                ? classified.keyBy(BikeTracker::bikeKey)
                        .transform("bike-tracker", BikeTracker.OUTPUT_TYPE, tracker).uid("bike-tracker")
                : classified.keyBy(BikeTracker::bikeKey)
                        .connect(acceptedRuleSets.broadcast())
                        .transform("bike-tracker", BikeTracker.OUTPUT_TYPE, tracker).uid("bike-tracker");
        if (violationsOut != null) {
            violations.sinkTo(violationsOut).name("bike-violations").uid("bike-violations-sink");
        }
        return violations;
    }

    /** Per operator and day: the no-park score (scoring-rules) from its minute counts (already keyed by operator). */
    private DataStream<OperatorScore> dailyScores(DataStream<OperatorMinute> minutes) {
        org.apache.flink.streaming.api.datastream.KeyedStream<OperatorMinute, String> byOperator =
                DataStreamUtils.reinterpretAsKeyedStream(minutes, m -> m.operator, Types.STRING);
        if (acceptedRuleSets == null) {
            return byOperator
                    .process(new DailyScores(settings.registry(), settings.rules()))
                    .name("operator-score").uid("operator-score");
        }
        return byOperator.connect(acceptedRuleSets.broadcast())
                .transform("operator-score", Types.POJO(OperatorScore.class),
                        DailyScores.operator(settings.registry(), settings.rules()))
                .uid("operator-score");
    }

    /** Rejected records that name their operator count against it (invalid data) in the month metrics. */
    private static DataStream<OperatorSignal> invalidRecordSignals(DataStream<DeadLetter> rejected) {
        return rejected
                .filter(d -> d.operator != null).name("invalid-with-operator").uid("invalid-with-operator")
                .map(d -> OperatorSignal.invalid(d, d.receivedAt > 0 ? d.receivedAt : d.rejectedAt))
                .returns(OperatorSignalSerializer.TYPE).name("invalid-signals").uid("invalid-signals")
                // Rejected records have no trustworthy event time: they must not hold back the watermark.
                .assignTimestampsAndWatermarks(neverHoldBackTime((OperatorSignal s, long ignored) -> s.ts))
                .name("invalid-signal-time").uid("invalid-signal-time");
    }

    /**
     * Standing periods to bikes per parking fence and H3 cell, watched against capacity and the rule set's
     * threshold (淤积): accumulation signals per operator, occupancy points on
     * {@link AccumulationMonitor#POINTS}.
     */
    private SingleOutputStreamOperator<OperatorSignal> accumulation(
            SingleOutputStreamOperator<ViolationEvent> violations) {
        org.bikefence.rules.Monitoring.Accumulation acc = settings.rules().monitoring().accumulation();
        return violations.getSideOutput(BikeTracker.FACTS)
                .flatMap((BikeFact f, Collector<AreaDelta> out) -> {
                    for (AreaDelta d : AreaDelta.of(f, acc.cellThreshold())) {
                        out.collect(d);
                    }
                }).returns(AreaDeltaSerializer.TYPE).name("area-deltas").uid("area-deltas")
                .keyBy(AreaDelta::key)
                .transform("accumulation", OperatorSignalSerializer.TYPE,
                        AccumulationMonitor.operator(acc.minDuration()))
                .uid("accumulation");
    }

    /**
     * Everything the month's assessment and the minute counts need, per operator: the bikes' signals (firsts
     * decided per bike by the tracker), invalid records and accumulation events, each pre-aggregated per subtask
     * and minute ({@link MinuteSlicer}, chained to where the signals are made) and only then keyed by operator, so
     * the per-operator step sees slices, not records. It folds them into the month (counts only) and the minute's
     * counts ({@link OperatorMetrics#MINUTES}).
     */
    private SingleOutputStreamOperator<MonthSoFar> operatorMetrics(
            SingleOutputStreamOperator<ViolationEvent> violations, DataStream<OperatorSignal> invalid,
            DataStream<OperatorSignal> accumulation) {
        TypeInformation<MinuteSlice> slice = Types.POJO(MinuteSlice.class);
        DataStream<MinuteSlice> bikeSlices = violations.getSideOutput(BikeTracker.SIGNALS)
                .transform("bike-minute-slices", slice, new MinuteSlicer(settings.rules()))
                .uid("bike-minute-slices");
        DataStream<MinuteSlice> invalidSlices = invalid
                .transform("invalid-minute-slices", slice, new MinuteSlicer(settings.rules()))
                .uid("invalid-minute-slices");
        DataStream<MinuteSlice> accumulationSlices = accumulation
                .transform("accumulation-minute-slices", slice, new MinuteSlicer(settings.rules()))
                .uid("accumulation-minute-slices");
        return bikeSlices.union(invalidSlices, accumulationSlices)
                .keyBy(s -> s.operator)
                .transform("operator-month-metrics", MonthSoFarSerializer.TYPE, OperatorMetrics.operator(settings.rules()))
                .uid("operator-month-metrics");
    }

    /** Each operator's month so far scored, graded and ranked for the whole city (a few records per minute). */
    private DataStream<InfluxPoint> monthlyAssessments(DataStream<MonthSoFar> months) {
        org.apache.flink.streaming.api.datastream.KeyedStream<MonthSoFar, String> city = months.keyBy(c -> CITY_KEY);
        if (acceptedRuleSets == null) {
            return city.transform("monthly-assessment", InfluxPointSerializer.TYPE,
                            MonthlyAssessments.operator(settings.registry(), settings.rules()))
                    .uid("monthly-assessment");
        }
        return city.connect(acceptedRuleSets.broadcast())
                .transform("monthly-assessment", InfluxPointSerializer.TYPE,
                        MonthlyAssessments.operator(settings.registry(), settings.rules()))
                .uid("monthly-assessment");
    }

    /**
     * Per operator, snapshots of each open violation of a tracked bike, open accumulation event and its bikes per
     * fence and cell
     * ({@link NowSnapshots}), at the 5-minute boundaries the operator's folded minutes pass (every
     * {@code now.snapshot-interval-minutes}); the boundaries come from the minute counts, so the snapshots are
     * the same at any parallelism.
     */
    private DataStream<InfluxPoint> nowSnapshots(SingleOutputStreamOperator<ViolationEvent> violations,
            SingleOutputStreamOperator<OperatorSignal> accumulation, DataStream<OperatorMinute> minutes) {
        TypeInformation<NowChange> change = Types.POJO(NowChange.class);
        DataStream<NowChange> changes = violations
                .map(NowChange::of).returns(change).name("now-violation-changes").uid("now-violation-changes")
                .union(
                        // The open violations of the tracks the tracker forgets leave the view: it holds tracked
                        // bikes only. Mapped apart, so that both maps stay in the tracker's chain.
                        violations.getSideOutput(BikeTracker.UNTRACKED)
                                .map(NowChange::untracked).returns(change)
                                .name("now-untracked-changes").uid("now-untracked-changes"),
                        accumulation.filter(s -> s.kind == OperatorSignal.Kind.ACCUMULATION)
                                .name("now-accumulation-signals").uid("now-accumulation-signals")
                                .map(NowChange::ofAccumulation).returns(change)
                                .name("now-accumulation-changes").uid("now-accumulation-changes"),
                        accumulation.getSideOutput(AccumulationMonitor.POINTS)
                                .flatMap((InfluxPoint p, Collector<NowChange> out) -> {
                                    NowChange c = NowChange.ofOccupancy(p);
                                    if (c != null) {
                                        out.collect(c);
                                    }
                                }).returns(change).name("now-occupancy-changes").uid("now-occupancy-changes"));
        DataStream<OperatorMinute> boundaries = minutes
                .filter(m -> m.nowSnapshots.length > 0).name("now-boundaries").uid("now-boundaries");
        return changes.keyBy(c -> c.operator)
                .connect(boundaries.keyBy(m -> m.operator))
                .transform("now-snapshots", InfluxPointSerializer.TYPE,
                        NowSnapshots.operator(settings.nowSnapshotInterval().toMillis(),
                                settings.nowCellMinBikes()))
                .uid("now-snapshots");
    }

    /** Every InfluxDB point the job writes, as one stream for the one sink. */
    private static DataStream<InfluxPoint> influxPoints(DataStream<ViolationEvent> violations,
            DataStream<OperatorMinute> minutes, DataStream<OperatorScore> scores,
            SingleOutputStreamOperator<ClassifiedPosition> classified, DataStream<InfluxPoint> assessments,
            SingleOutputStreamOperator<OperatorSignal> accumulation, DataStream<InfluxPoint> now) {
        return violations.map(InfluxSchema::violation).returns(InfluxPointSerializer.TYPE)
                .name("violation-points").uid("violation-points")
                .union(
                        minutes.flatMap((OperatorMinute m, Collector<InfluxPoint> out) -> InfluxSchema.minutePoints(m)
                                .forEach(out::collect)).returns(InfluxPointSerializer.TYPE)
                                .name("minute-points").uid("minute-points"),
                        scores.map(InfluxSchema::score).returns(InfluxPointSerializer.TYPE)
                                .name("score-points").uid("score-points"),
                        classified.getSideOutput(ClassifyPositions.FENCE_SET_EVENTS)
                                .map(InfluxSchema::fenceSet).returns(InfluxPointSerializer.TYPE)
                                .name("fence-set-points").uid("fence-set-points"),
                        assessments,
                        accumulation.getSideOutput(AccumulationMonitor.POINTS),
                        now);
    }

    /** Builds the pipeline and runs it to completion (bounded input) or until cancelled. */
    public JobExecutionResult execute(StreamExecutionEnvironment env) throws Exception {
        build(env);
        return env.execute("bikefence");
    }
}
