package org.bikefence.sink;

import org.bikefence.influx.WriteRetrier;
import org.bikefence.influx.InfluxWriteException;
import org.bikefence.influx.InfluxWriteClient;
import org.bikefence.influx.InfluxPoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Histogram;
import org.junit.jupiter.api.Test;

class InfluxDbSinkWriterTest {

    private static final SinkWriter.Context NO_CONTEXT = new SinkWriter.Context() {
        @Override
        public long currentWatermark() {
            return Long.MIN_VALUE;
        }

        @Override
        public Long timestamp() {
            return null;
        }
    };

    /** Records the batches it receives; fails while {@code failure} is set. */
    private static final class FakeClient implements InfluxWriteClient {
        final List<List<InfluxPoint>> batches = new ArrayList<>();
        IOException failure;
        WriteRetrier.RetryListener retryListener;
        boolean closed;
        /** How long a write takes: a slow InfluxDB, for the latency metrics. */
        long writeMillis;

        @Override
        public void write(List<InfluxPoint> batch) throws IOException {
            if (failure != null) {
                throw failure;
            }
            if (writeMillis > 0) {
                try {
                    Thread.sleep(writeMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
            batches.add(List.copyOf(batch));
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private final FakeClient client = new FakeClient();
    private final TestWriterInitContext context = new TestWriterInitContext();

    private InfluxDbSinkWriter writer(int batchSize, Duration flushInterval) throws IOException {
        return new InfluxDbSinkWriter(listener -> {
            client.retryListener = listener;
            return client;
        }, batchSize, flushInterval, context.getProcessingTimeService(), context.metricGroup());
    }

    private static InfluxPoint point(int i) {
        return InfluxPoint.measurement("violation").tag("bike", "b" + i).field("n", (long) i).time(1000L + i).build();
    }

    @Test
    void writesABatchWhenTheBufferReachesBatchSize() throws Exception {
        InfluxDbSinkWriter writer = writer(3, Duration.ofSeconds(10));

        for (int i = 0; i < 7; i++) {
            writer.write(point(i), NO_CONTEXT);
        }

        assertThat(client.batches).containsExactly(
                List.of(point(0), point(1), point(2)), List.of(point(3), point(4), point(5)));
        assertThat(writer.bufferedPoints()).isEqualTo(1);
        assertThat(context.counter("pointsWritten")).isEqualTo(6);
        assertThat(context.counter("batchesWritten")).isEqualTo(2);
    }

    @Test
    void writesBufferedPointsWhenTheFlushIntervalHasPassed() throws Exception {
        InfluxDbSinkWriter writer = writer(100, Duration.ofSeconds(1));
        context.timeService.setCurrentTime(10_000);

        writer.write(point(1), NO_CONTEXT);
        writer.write(point(2), NO_CONTEXT);
        context.timeService.advance(999);
        assertThat(client.batches).isEmpty();

        context.timeService.advance(1);
        assertThat(client.batches).containsExactly(List.of(point(1), point(2)));

        writer.write(point(3), NO_CONTEXT);
        context.timeService.advance(1000);
        assertThat(client.batches).hasSize(2);
        assertThat(client.batches.get(1)).containsExactly(point(3));
    }

    @Test
    void registersNoTimerWhileNothingIsBuffered() throws Exception {
        writer(100, Duration.ofSeconds(1));

        assertThat(context.timeService.getNumActiveTimers()).isZero();
    }

    @Test
    void flushWritesEverythingBuffered() throws Exception {
        InfluxDbSinkWriter writer = writer(100, Duration.ofHours(1));
        writer.write(point(1), NO_CONTEXT);
        writer.write(point(2), NO_CONTEXT);

        writer.flush(false);

        assertThat(client.batches).containsExactly(List.of(point(1), point(2)));
        assertThat(writer.bufferedPoints()).isZero();
        writer.flush(true);
        assertThat(client.batches).hasSize(1);
    }

    @Test
    void aFailedFlushThrowsAndKeepsThePoints() throws Exception {
        InfluxDbSinkWriter writer = writer(100, Duration.ofHours(1));
        writer.write(point(1), NO_CONTEXT);
        client.failure = new InfluxWriteException("HTTP 500", 500, false, null, null);

        assertThatThrownBy(() -> writer.flush(false)).isSameAs(client.failure);
        assertThat(writer.bufferedPoints()).isEqualTo(1);
        assertThat(context.counter("writeFailures")).isEqualTo(1);

        client.failure = null;
        writer.flush(false);
        assertThat(client.batches).containsExactly(List.of(point(1)));
    }

    @Test
    void aFailedSizeTriggeredWriteThrowsFromWrite() throws Exception {
        InfluxDbSinkWriter writer = writer(2, Duration.ofHours(1));
        client.failure = new InfluxWriteException("HTTP 404 database not found", 404, false, null, null);
        writer.write(point(1), NO_CONTEXT);

        assertThatThrownBy(() -> writer.write(point(2), NO_CONTEXT)).isSameAs(client.failure);
        assertThat(writer.bufferedPoints()).isEqualTo(2);
    }

    @Test
    void aFailedTimedWriteThrowsFromTheTimerAndFromTheNextWriteAndFlush() throws Exception {
        InfluxDbSinkWriter writer = writer(100, Duration.ofSeconds(1));
        writer.write(point(1), NO_CONTEXT);
        IOException failure = new InfluxWriteException("HTTP 401 unauthorized", 401, false, null, null);
        client.failure = failure;

        // TestProcessingTimeService rethrows a callback's exception; in a task the mailbox fails the task with it.
        assertThatThrownBy(() -> context.timeService.advance(1000)).isSameAs(failure);

        client.failure = null;
        assertThatThrownBy(() -> writer.write(point(2), NO_CONTEXT)).hasCause(failure).hasMessageContaining("HTTP 401");
        assertThatThrownBy(() -> writer.flush(false)).hasCause(failure);
        assertThat(writer.bufferedPoints()).isEqualTo(1);
        assertThat(client.batches).isEmpty();
    }

    @Test
    void countsRetriesAndRecordsTheWriteLatency() throws Exception {
        InfluxDbSinkWriter writer = writer(100, Duration.ofHours(1));
        client.retryListener.onRetry(1, new InfluxWriteException("busy", 503, true, null, null), Duration.ZERO);
        writer.write(point(1), NO_CONTEXT);
        writer.flush(false);

        assertThat(context.counter("writeRetries")).isEqualTo(1);
        assertThat(context.gauge("lastWriteLatencyMs")).isInstanceOf(Long.class);
    }

    @Test
    void recordsEachBatchsWriteDurationOncePerBatchNotPerPoint() throws Exception {
        InfluxDbSinkWriter writer = writer(3, Duration.ofHours(1));
        client.writeMillis = 40;
        for (int i = 0; i < 6; i++) {
            writer.write(point(i), NO_CONTEXT);
        }
        client.writeMillis = 0;
        writer.write(point(6), NO_CONTEXT);
        writer.flush(false);

        assertThat(client.batches).hasSize(3);
        Histogram latency = context.histogram("writeLatencyMs");
        assertThat(latency.getCount()).as("one value per batch").isEqualTo(3);
        assertThat(latency.getStatistics().getMax()).isGreaterThanOrEqualTo(40);
        assertThat(latency.getStatistics().getQuantile(0.5)).as("two of three batches took 40 ms")
                .isGreaterThanOrEqualTo(40);
        assertThat(latency.getStatistics().getMin()).isLessThan(40);
        assertThat((Long) context.gauge("lastWriteLatencyMs")).as("the last batch was quick").isLessThan(40);
    }

    @Test
    void aFailedBatchRecordsNoLatency() throws Exception {
        InfluxDbSinkWriter writer = writer(100, Duration.ofHours(1));
        client.failure = new IOException("down");
        writer.write(point(1), NO_CONTEXT);

        assertThatThrownBy(() -> writer.flush(false)).isInstanceOf(IOException.class);
        assertThat(context.histogram("writeLatencyMs").getCount()).isZero();
        assertThat(context.counter("writeFailures")).isEqualTo(1);
    }

    @Test
    void closeClosesTheClientWithoutWriting() throws Exception {
        InfluxDbSinkWriter writer = writer(100, Duration.ofSeconds(1));
        writer.write(point(1), NO_CONTEXT);

        writer.close();
        context.timeService.advance(5000);

        assertThat(client.closed).isTrue();
        assertThat(client.batches).isEmpty();
    }

    @Test
    void secretsAreAbsentFromToString() throws Exception {
        InfluxDbSink v2 = InfluxDbSink.builder().url("http://influx:8086").apiVersion(InfluxDbSink.ApiVersion.V2)
                .org("o").bucket("b").token("tok-SECRET").build();
        InfluxDbSink v1 = InfluxDbSink.builder().url("http://influx:8086").database("bikes")
                .username("writer").password("pw-SECRET").build();
        InfluxDbSinkWriter writer = new InfluxDbSinkWriter(
                v1::createClient, 10, Duration.ofSeconds(1), context.getProcessingTimeService(), context.metricGroup());

        assertThat(v2.toString()).doesNotContain("tok-SECRET").contains("token=<redacted>");
        assertThat(v1.toString()).doesNotContain("pw-SECRET").contains("username=writer");
        assertThat(writer.toString()).doesNotContain("pw-SECRET").contains("/write?db=bikes");
        writer.close();
    }
}
