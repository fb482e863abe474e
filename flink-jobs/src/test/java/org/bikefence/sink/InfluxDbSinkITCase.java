package org.bikefence.sink;

import org.bikefence.influx.InfluxWriteException;
import org.bikefence.influx.InfluxPoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.bikefence.testing.FlinkTestCluster;
import org.bikefence.testing.InfluxdExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Runs a Flink job on a MiniCluster that writes through {@link InfluxDbSink} into a real influxd 1.x. */
class InfluxDbSinkITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = FlinkTestCluster.twoSlots();

    @RegisterExtension
    static final InfluxdExtension INFLUX = new InfluxdExtension();

    private static final long PARKED_AT = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

    private static InfluxPoint violation(long offsetMs, String operator, String fence, String bike, long durationS,
            double score, boolean resolved) {
        return InfluxPoint.measurement("violation")
                .tag("operator", operator)
                .tag("fence", fence)
                .field("bike_id", bike)
                .field("duration_s", durationS)
                .field("score", score)
                .field("resolved", resolved)
                .time(PARKED_AT + offsetMs)
                .build();
    }

    private static final List<InfluxPoint> POINTS = List.of(
            violation(0, "hello", "zhongshan-rd", "b1", 120, 0.5, false),
            violation(1, "meituan", "gulangyu ferry, north", "b2", 30, 1.25, true),
            violation(2, "hello", "zhongshan-rd", "b3", 600, 2.0, false),
            violation(3, "qingju", "xmu=gate", "b \"4\"", 45, 0.75, true),
            violation(4, "meituan", "zhongshan-rd", "b5", 5, 0.1, false));

    private static InfluxDbSink.Builder sinkInto(String database) {
        return InfluxDbSink.builder()
                .url(INFLUX.influxd().url())
                .database(database)
                .maxRetries(1)
                .initialBackoff(Duration.ofMillis(10));
    }

    private static void runJob(InfluxDbSink sink) throws Exception {
        StreamExecutionEnvironment env = org.bikefence.testing.NoKryo.environment();
        env.setParallelism(2);
        // The test cluster restarts jobs without end, as the live job does; a write the sink gives up on must fail this one.
        org.apache.flink.configuration.Configuration noRestarts = new org.apache.flink.configuration.Configuration();
        noRestarts.set(org.apache.flink.configuration.RestartStrategyOptions.RESTART_STRATEGY, "none");
        env.configure(noRestarts);
        env.fromData(POINTS, org.bikefence.functions.InfluxPointSerializer.TYPE)
                .name("points")
                .sinkTo(sink)
                .name("influxdb")
                .uid("influxdb-sink");
        env.execute("influx-sink-itcase");
    }

    @Test
    void writesEveryPointAndAReplayOverwritesInsteadOfAddingRows() throws Exception {
        // Small batches: most points are written on size.
        runJob(sinkInto(INFLUX.database()).batchSize(2).flushInterval(Duration.ofMillis(200)).build());

        List<List<Object>> expected = List.of(
                List.of(PARKED_AT, "b1", 120L, "zhongshan-rd", "hello", false, 0.5),
                List.of(PARKED_AT + 1, "b2", 30L, "gulangyu ferry, north", "meituan", true, 1.25),
                // InfluxDB's JSON prints the float 2.0 as 2, which reads back as an integer.
                List.of(PARKED_AT + 2, "b3", 600L, "zhongshan-rd", "hello", false, 2L),
                List.of(PARKED_AT + 3, "b \"4\"", 45L, "xmu=gate", "qingju", true, 0.75),
                List.of(PARKED_AT + 4, "b5", 5L, "zhongshan-rd", "meituan", false, 0.1));
        String select = "SELECT bike_id, duration_s, fence, operator, resolved, score FROM violation ORDER BY time";
        assertThat(INFLUX.influxd().rows(INFLUX.database(), select)).isEqualTo(expected);

        // Replay with batches and interval too large to trigger: only the end-of-input flush writes.
        runJob(sinkInto(INFLUX.database()).batchSize(5000).flushInterval(Duration.ofHours(1)).build());

        assertThat(INFLUX.influxd().rows(INFLUX.database(), "SELECT count(bike_id) FROM violation"))
                .containsExactly(List.of(0L, 5L));
        assertThat(INFLUX.influxd().rows(INFLUX.database(), select)).isEqualTo(expected);
    }

    @Test
    void aRejectedWriteFailsTheJobNamingStatusAndServerError() {
        assertThatThrownBy(() -> runJob(sinkInto("no_such_db").build()))
                .satisfies(e -> assertThat(ExceptionUtils.findThrowable(e, InfluxWriteException.class))
                        .hasValueSatisfying(w -> assertThat(w)
                                .hasMessageContaining("/write?db=no_such_db&precision=ms")
                                .hasMessageContaining("HTTP 404")
                                .hasMessageContaining("database not found")));
    }
}
