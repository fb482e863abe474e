package org.bikefence.sink;

import org.bikefence.influx.WriteRetrier;
import org.bikefence.influx.InfluxWriteClient;
import org.bikefence.influx.InfluxPoint;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Buffers points and writes them in batches: when the buffer holds batchSize points, when the oldest
 * buffered point has waited flushInterval, and on {@link #flush(boolean)} (every checkpoint and end of
 * input). A batch that cannot be written stays buffered and the exception fails the job.
 *
 * <p>Flink calls {@code write}, {@code flush} and processing-time callbacks from the task's mailbox
 * thread, so the buffer needs no locking.
 */
public final class InfluxDbSinkWriter implements SinkWriter<InfluxPoint> {

    private static final Logger LOG = LogManager.getLogger(InfluxDbSinkWriter.class);

    /** Batches the write-latency histogram's quantiles are computed over (one value per batch, not per point). */
    static final int LATENCY_WINDOW_BATCHES = 512;

    /** Opens the client; gets the listener that counts retries in this writer's metrics. */
    @FunctionalInterface
    public interface ClientFactory {
        InfluxWriteClient create(WriteRetrier.RetryListener onRetry) throws IOException;
    }

    private final InfluxWriteClient client;
    private final int batchSize;
    private final long flushIntervalMs;
    private final ProcessingTimeService timeService;
    private final List<InfluxPoint> buffer;

    private final Counter pointsWritten;
    private final Counter batchesWritten;
    private final Counter writeRetries;
    private final Counter writeFailures;
    private final Counter numRecordsSend;
    private final Counter numRecordsSendErrors;
    private final Histogram writeLatencyMs;
    private volatile long lastWriteLatencyMs;

    private boolean timerPending;
    private IOException timerFailure;
    private boolean closed;

    public InfluxDbSinkWriter(
            ClientFactory clientFactory,
            int batchSize,
            Duration flushInterval,
            ProcessingTimeService timeService,
            SinkWriterMetricGroup metrics)
            throws IOException {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be > 0, was " + batchSize);
        }
        this.batchSize = batchSize;
        this.flushIntervalMs = Math.max(1, flushInterval.toMillis());
        this.timeService = timeService;
        this.buffer = new ArrayList<>(Math.min(batchSize, 10_000));
        this.pointsWritten = metrics.counter("pointsWritten", new SimpleCounter());
        this.batchesWritten = metrics.counter("batchesWritten", new SimpleCounter());
        this.writeRetries = metrics.counter("writeRetries", new SimpleCounter());
        this.writeFailures = metrics.counter("writeFailures", new SimpleCounter());
        metrics.gauge("lastWriteLatencyMs", (Gauge<Long>) () -> lastWriteLatencyMs);
        // Quantiles over the last batches for Prometheus (a summary with quantile labels): the gauge alone shows
        // only the batch before each scrape.
        this.writeLatencyMs = metrics.histogram("writeLatencyMs",
                new DescriptiveStatisticsHistogram(LATENCY_WINDOW_BATCHES));
        metrics.setCurrentSendTimeGauge(() -> lastWriteLatencyMs);
        this.numRecordsSend = metrics.getNumRecordsSendCounter();
        this.numRecordsSendErrors = metrics.getNumRecordsSendErrorsCounter();
        this.client = clientFactory.create((attempt, cause, delay) -> writeRetries.inc());
    }

    @Override
    public void write(InfluxPoint point, Context context) throws IOException {
        rethrowTimerFailure();
        buffer.add(point);
        if (buffer.size() >= batchSize) {
            writeBuffer();
        } else if (!timerPending) {
            timerPending = true;
            timeService.registerTimer(timeService.getCurrentProcessingTime() + flushIntervalMs, this::onTimer);
        }
    }

    /** Writes everything buffered: on every checkpoint, so each checkpointed point is in InfluxDB. */
    @Override
    public void flush(boolean endOfInput) throws IOException {
        rethrowTimerFailure();
        writeBuffer();
    }

    /**
     * Runs in the mailbox thread. Throwing here fails the task (StreamTask reports "Caught exception
     * while processing timer"); the failure is also kept so that a later write or flush rethrows it even
     * where a caller swallows timer exceptions.
     */
    private void onTimer(long time) throws IOException {
        timerPending = false;
        if (closed || timerFailure != null) {
            return;
        }
        try {
            writeBuffer();
        } catch (IOException e) {
            timerFailure = e;
            throw e;
        }
    }

    private void writeBuffer() throws IOException {
        if (buffer.isEmpty()) {
            return;
        }
        int n = buffer.size();
        long start = System.nanoTime();
        try {
            client.write(buffer);
        } catch (IOException | RuntimeException e) {
            writeFailures.inc();
            numRecordsSendErrors.inc(n);
            LOG.error("Writing {} points to InfluxDB failed; failing the task so it restarts from the last checkpoint",
                    n, e);
            throw e;
        }
        long latencyMs = (System.nanoTime() - start) / 1_000_000;
        lastWriteLatencyMs = latencyMs;
        writeLatencyMs.update(latencyMs);
        buffer.clear();
        pointsWritten.inc(n);
        numRecordsSend.inc(n);
        batchesWritten.inc();
    }

    private void rethrowTimerFailure() throws IOException {
        if (timerFailure != null) {
            throw new IOException("an earlier timed write to InfluxDB failed: " + timerFailure.getMessage(), timerFailure);
        }
    }

    /** Points buffered and not yet written. */
    int bufferedPoints() {
        return buffer.size();
    }

    /** Closes the client without writing: on a failure or cancel the points are replayed from the checkpoint. */
    @Override
    public void close() throws IOException {
        closed = true;
        if (!buffer.isEmpty()) {
            LOG.info("Closing with {} unwritten points; they are replayed from the last checkpoint", buffer.size());
        }
        client.close();
    }

    @Override
    public String toString() {
        return "InfluxDbSinkWriter{client=" + client + ", batchSize=" + batchSize + ", flushIntervalMs=" + flushIntervalMs
                + ", buffered=" + buffer.size() + "}";
    }
}
