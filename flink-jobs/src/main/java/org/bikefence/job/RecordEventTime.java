package org.bikefence.job;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.bikefence.model.RawRecord;

/**
 * The event time of a raw position record, read at the source so that watermarks are made per Kafka partition
 * (a subtask reading several partitions emits them in blocks, one partition's fetch after another's, and a
 * watermark made from that mix would turn the other partitions' records late). It reads only the top-level
 * {@code ts} field; the decoder reads the record properly later.
 *
 * <p>A record without a readable {@code ts} gets {@link Long#MIN_VALUE} (it will be a dead letter and moves no
 * watermark), and a {@code ts} further in the future than the decoder accepts is not believed either, so one
 * bad record cannot push a partition's watermark ahead of its good ones.
 *
 * <p>Public for the replay's source, which orders the files it reads side by side by this event time and ends
 * with the watermark it makes (org.bikefence.replay.ReplayEventTime).
 */
public final class RecordEventTime implements SerializableTimestampAssigner<RawRecord> {
    private static final long serialVersionUID = 1L;
    private static final JsonFactory JSON = new JsonFactory();

    private final long maxFutureMs;
    private final Long fixedNowMs;

    /** @param maxFutureMs and @param fixedNowMs as the decoder has them: later timestamps are rejected there */
    public RecordEventTime(long maxFutureMs, Long fixedNowMs) {
        this.maxFutureMs = maxFutureMs;
        this.fixedNowMs = fixedNowMs;
    }

    @Override
    public long extractTimestamp(RawRecord r, long recordTimestamp) {
        long ts = eventTime(r.value);
        long now = fixedNowMs == null ? System.currentTimeMillis() : fixedNowMs;
        return ts > now + maxFutureMs ? Long.MIN_VALUE : ts;
    }

    /** The top-level integer {@code ts} of a JSON object, or {@link Long#MIN_VALUE}. */
    static long eventTime(byte[] value) {
        if (value == null || value.length == 0) {
            return Long.MIN_VALUE;
        }
        try (JsonParser p = JSON.createParser(value)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return Long.MIN_VALUE;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                if ("ts".equals(field)) {
                    return v == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : Long.MIN_VALUE;
                }
                p.skipChildren();
            }
        } catch (IOException | RuntimeException e) {
            // Not JSON: the decoder rejects it with the reason.
        }
        return Long.MIN_VALUE;
    }
}
