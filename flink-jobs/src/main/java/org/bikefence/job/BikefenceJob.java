package org.bikefence.job;

import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.Watermark;
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
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.bikefence.model.BikePosition;
import org.bikefence.model.ClassifiedPosition;
import org.bikefence.model.DeadLetter;
import org.bikefence.model.FenceUpdate;
import org.bikefence.model.OperatorMinute;
import org.bikefence.model.OperatorScore;
import org.bikefence.model.RawRecord;
import org.bikefence.model.ViolationEvent;
import org.bikefence.operator.ClassifyPositions;
import org.bikefence.operator.DailyScores;
import org.bikefence.operator.DecodePositions;
import org.bikefence.operator.MinuteCounts;
import org.bikefence.operator.BikeTracker;
import org.bikefence.operator.OperatorActivity;
import org.bikefence.operator.StampMinute;
import org.bikefence.operator.ToInfluxPoints;
import org.bikefence.sink.InfluxPoint;

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
     * -infinity forever).
     */
    static final WatermarkStrategy<FenceUpdate> FENCE_UPDATES_NEVER_HOLD_BACK_TIME =
            WatermarkStrategy.forGenerator(ctx -> new WatermarkGenerator<FenceUpdate>() {
                @Override
                public void onEvent(FenceUpdate update, long timestamp, WatermarkOutput output) {}

                @Override
                public void onPeriodicEmit(WatermarkOutput output) {
                    output.emitWatermark(new Watermark(Long.MAX_VALUE));
                }
            });

    private final Source<RawRecord, ?, ?> positions;
    private final Source<FenceUpdate, ?, ?> fenceUpdates;
    private final Sink<InfluxPoint> influx;
    private final Sink<DeadLetter> deadLetters;
    private final JobSettings settings;

    /**
     * @param fenceUpdates new fence sets while running; null when the fences given at submission stay
     */
    public BikefenceJob(Source<RawRecord, ?, ?> positions, Source<FenceUpdate, ?, ?> fenceUpdates,
            Sink<InfluxPoint> influx, Sink<DeadLetter> deadLetters, JobSettings settings) {
        this.positions = positions;
        this.fenceUpdates = fenceUpdates;
        this.influx = influx;
        this.deadLetters = deadLetters;
        this.settings = settings;
    }

    /** Adds the pipeline to the environment, for callers that run it asynchronously (the demo). */
    public void build(StreamExecutionEnvironment env) {
        DataStream<RawRecord> raw = env
                .fromSource(positions, WatermarkStrategy.noWatermarks(), "bike-positions")
                .uid("bike-positions-source");

        SingleOutputStreamOperator<BikePosition> decoded = raw
                .process(new DecodePositions(settings.maxFuture().toMillis(), settings.fixedNowMs()))
                .name("decode-validate").uid("decode-validate");
        decoded.getSideOutput(DecodePositions.DEAD_LETTERS)
                .sinkTo(deadLetters).name("dead-letters").uid("dead-letters-sink");

        DataStream<FenceUpdate> updates = fenceUpdates == null
                ? env.fromData(List.<FenceUpdate>of(), TypeInformation.of(FenceUpdate.class))
                        .name("no-fence-updates").uid("no-fence-updates")
                : env.fromSource(fenceUpdates, FENCE_UPDATES_NEVER_HOLD_BACK_TIME, "geofences")
                        .uid("geofences-source");
        BroadcastStream<FenceUpdate> fenceSets = updates.broadcast(ClassifyPositions.FENCE_STATE);

        SingleOutputStreamOperator<ClassifiedPosition> classified = decoded
                .assignTimestampsAndWatermarks(WatermarkStrategy
                        .<BikePosition>forBoundedOutOfOrderness(settings.maxOutOfOrderness())
                        .withIdleness(settings.idleness())
                        .withTimestampAssigner((p, kafkaTs) -> p.ts))
                .name("event-time").uid("event-time")
                .connect(fenceSets)
                .process(new ClassifyPositions(settings.fenceGeoJson(), settings.fenceSource()))
                .name("classify-fences").uid("classify-fences");

        SingleOutputStreamOperator<ViolationEvent> violations = classified
                .keyBy(BikeTracker::bikeKey)
                .process(new BikeTracker(settings.tracker()))
                .name("bike-tracker").uid("bike-tracker");
        DataStream<ViolationEvent> noParkViolations = violations
                .filter(v -> v.type == ViolationEvent.Type.NO_PARK)
                .name("no-park-only").uid("no-park-only");

        DataStream<OperatorMinute> minutes = classified
                .map(OperatorActivity::of).returns(OperatorActivity.class)
                .name("position-activity").uid("position-activity")
                .union(noParkViolations.map(OperatorActivity::of).returns(OperatorActivity.class)
                        .name("violation-activity").uid("violation-activity"))
                .keyBy(a -> a.operator)
                .window(TumblingEventTimeWindows.of(Duration.ofMinutes(1)))
                .aggregate(new MinuteCounts(), new StampMinute())
                .name("operator-minute").uid("operator-minute");

        DataStream<OperatorScore> scores = minutes
                .keyBy(m -> m.operator)
                .process(new DailyScores(settings.rules()))
                .name("operator-score").uid("operator-score");

        violations.map(ToInfluxPoints::violation).returns(InfluxPoint.class)
                .name("violation-points").uid("violation-points")
                .union(
                        minutes.map(ToInfluxPoints::minute).returns(InfluxPoint.class)
                                .name("minute-points").uid("minute-points"),
                        scores.map(ToInfluxPoints::score).returns(InfluxPoint.class)
                                .name("score-points").uid("score-points"),
                        classified.getSideOutput(ClassifyPositions.FENCE_SET_EVENTS)
                                .map(ToInfluxPoints::fenceSet).returns(InfluxPoint.class)
                                .name("fence-set-points").uid("fence-set-points"))
                .sinkTo(influx).name("influxdb").uid("influxdb-sink");
    }

    /** Builds the pipeline and runs it to completion (bounded input) or until cancelled. */
    public JobExecutionResult execute(StreamExecutionEnvironment env) throws Exception {
        build(env);
        return env.execute("bikefence");
    }
}
