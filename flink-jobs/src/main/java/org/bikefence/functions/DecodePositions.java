package org.bikefence.functions;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.bikefence.decode.InvalidRecordException;
import org.bikefence.decode.PositionDecoder;
import org.bikefence.model.BikePosition;
import org.bikefence.model.DeadLetter;
import org.bikefence.model.RawRecord;

/** Decodes raw Kafka records into positions; every rejected record goes to the dead-letter side output. */
public class DecodePositions extends ProcessFunction<RawRecord, BikePosition> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    private final long maxFutureMs;
    private final int maxBikeIdLength;
    private final int maxRecordBytes;
    /** A fixed clock for tests; null means the wall clock. */
    private final Long fixedNowMs;

    private transient PositionDecoder decoder;
    private transient Counter invalid;
    private transient Map<String, Counter> invalidByReason;
    private transient MetricGroup metrics;

    /**
     * @param maxBikeIdLength longest bike id, in characters
     * @param maxRecordBytes largest record, in bytes
     * @param fixedNowMs a fixed clock for tests; null means the wall clock
     */
    public DecodePositions(long maxFutureMs, int maxBikeIdLength, int maxRecordBytes, Long fixedNowMs) {
        this.maxFutureMs = maxFutureMs;
        this.maxBikeIdLength = maxBikeIdLength;
        this.maxRecordBytes = maxRecordBytes;
        this.fixedNowMs = fixedNowMs;
    }

    @Override
    public void open(OpenContext openContext) {
        decoder = new PositionDecoder(fixedNowMs == null ? System::currentTimeMillis : () -> fixedNowMs, maxFutureMs,
                maxBikeIdLength, maxRecordBytes);
        metrics = getRuntimeContext().getMetricGroup();
        invalid = metrics.counter("invalidRecords");
        invalidByReason = new HashMap<>();
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<BikePosition> out) {
        try {
            BikePosition p = decoder.decode(raw.value);
            p.receivedAt = raw.kafkaTimestamp;
            out.collect(p);
        } catch (InvalidRecordException e) {
            invalid.inc();
            invalidByReason.computeIfAbsent(e.reason(),
                    r -> metrics.addGroup("reason", r).counter("invalidRecords")).inc();
            long now = fixedNowMs == null ? System.currentTimeMillis() : fixedNowMs;
            ctx.output(DEAD_LETTERS, new DeadLetter(raw, e.operator(), e.reason(), e.detail(), now));
        }
    }
}
