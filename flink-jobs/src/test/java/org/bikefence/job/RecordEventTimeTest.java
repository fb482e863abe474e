package org.bikefence.job;

import static org.assertj.core.api.Assertions.assertThat;

import org.bikefence.model.RawRecord;
import org.junit.jupiter.api.Test;

class RecordEventTimeTest {
    private static final long NOW = 1_794_240_000_000L;
    private final RecordEventTime time = new RecordEventTime(60_000, NOW);

    private long of(String json) {
        return time.extractTimestamp(RawRecord.of("k", json), 0);
    }

    @Test
    void readsTheTopLevelTsWhereverItStands() {
        assertThat(of("{\"operator\":\"hello\",\"nested\":{\"ts\":1},\"ts\":" + NOW + ",\"lat\":24.5}")).isEqualTo(NOW);
        assertThat(of("{\"ts\":" + (NOW - 5) + "}")).isEqualTo(NOW - 5);
    }

    @Test
    void recordsTheDecoderRejectsMoveNoWatermark() {
        assertThat(of("not json")).isEqualTo(Long.MIN_VALUE);
        assertThat(of("{\"operator\":\"hello\"}")).isEqualTo(Long.MIN_VALUE);
        assertThat(of("{\"ts\":\"yesterday\"}")).isEqualTo(Long.MIN_VALUE);
        assertThat(of("[1,2]")).isEqualTo(Long.MIN_VALUE);
        assertThat(time.extractTimestamp(RawRecord.of("k", null), 0)).isEqualTo(Long.MIN_VALUE);
        assertThat(of("{\"ts\":" + (NOW + 60_001) + "}")).as("beyond max future").isEqualTo(Long.MIN_VALUE);
        assertThat(of("{\"ts\":" + (NOW + 60_000) + "}")).as("at max future").isEqualTo(NOW + 60_000);
    }
}
