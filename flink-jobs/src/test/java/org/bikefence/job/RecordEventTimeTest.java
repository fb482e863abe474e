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

    @Test
    void theScanAnswersAsTheParserOnWellFormedRecords() {
        String[] records = {
            "{\"operator\":\"hello\",\"bikeId\":\"HL-1\",\"ts\":" + NOW + ",\"lat\":24.5,\"lng\":118.1}",
            "{ \"ts\" : -12 }",
            "{\"a\":\"x\\\"ts\\\":5\",\"ts\":7}",
            "{\"a\":[1,{\"ts\":3},\"]\"],\"b\":{\"c\":{}},\"ts\":8}",
            "{\"a\":true,\"b\":null,\"c\":-1.5e3,\"ts\":9}",
            "{\"a\":\"\u00e9\u4e2d\",\"ts\":10}",
            "{\"ts\":1.5}",
            "{\"ts\":1e3}",
            "{\"ts\":\"1\"}",
            "{\"ts\":null}",
            "{\"ts\":99999999999999999999}",
            "{\"ts\":007}",
            "{\"t\\u0073\":11}",
            "{\"other\":1}",
            "{}",
            "[]",
            "{\"ts\":12",
            "\"ts\"",
            "",
        };
        for (String r : records) {
            byte[] bytes = r.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            assertThat(RecordEventTime.eventTime(bytes)).as(r).isEqualTo(RecordEventTime.parse(bytes));
        }
        assertThat(RecordEventTime.scan("{\"ts\":1.5}".getBytes())).as("left to the parser")
                .isEqualTo(RecordEventTime.UNDECIDED);
        assertThat(RecordEventTime.scan(("{\"a\":[1,2],\"ts\":" + NOW + "}").getBytes())).isEqualTo(NOW);
    }
}
