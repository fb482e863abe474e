package org.bikefence.replay;

import java.io.Serializable;
import org.bikefence.job.JobSettings;
import org.bikefence.job.RecordEventTime;
import org.bikefence.model.RawRecord;

/**
 * The event time and watermark of replayed records exactly as the job's watermark strategy makes them
 * ({@link RecordEventTime}, bounded out-of-orderness): the reader uses it to interleave the files it reads side
 * by side in event-time order, and to end with the watermark the live job would reach on the same records.
 */
final class ReplayEventTime implements Serializable {
    private static final long serialVersionUID = 1L;

    private final RecordEventTime assigner;
    private final long maxOutOfOrderMs;

    ReplayEventTime(long maxOutOfOrderMs, long maxFutureMs, Long fixedNowMs) {
        this.assigner = new RecordEventTime(maxFutureMs, fixedNowMs);
        this.maxOutOfOrderMs = maxOutOfOrderMs;
    }

    static ReplayEventTime of(JobSettings settings) {
        return new ReplayEventTime(settings.maxOutOfOrderness().toMillis(), settings.maxFuture().toMillis(),
                settings.fixedNowMs());
    }

    /** The record's event time as the source's timestamp assigner gives it; {@link Long#MIN_VALUE} for none. */
    long of(RawRecord r) {
        return assigner.extractTimestamp(r, Long.MIN_VALUE);
    }

    /**
     * The watermark that bounded out-of-orderness emits once it has seen {@code maxTs} (Flink's
     * {@code BoundedOutOfOrdernessWatermarks}: {@code maxTs - bound - 1}); {@link Long#MIN_VALUE} when no record
     * had an event time.
     */
    long watermarkAfter(long maxTs) {
        return maxTs == Long.MIN_VALUE ? Long.MIN_VALUE : maxTs - maxOutOfOrderMs - 1;
    }
}
