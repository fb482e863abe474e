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

    /**
     * A {@code ts} named twice makes the record a dead letter (duplicate_field); scan and parser both take the first,
     * which passes the max-future check like any other time, so the answer never depends on which of them decided.
     */
    @Test
    void theScanAndTheParserTakeTheSameTsWhenItIsNamedTwice() {
        for (String r : new String[] {
            "{\"ts\":" + NOW + ",\"ts\":" + (NOW - 9) + "}",
            "{\"ts\":" + (NOW - 9) + ",\"lat\":1,\"ts\":" + NOW + "}",
            "{\"a\":[1],\"ts\":5,\"b\":{\"ts\":6},\"ts\":7}",
        }) {
            byte[] bytes = r.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            assertThat(RecordEventTime.scan(bytes)).as(r).isEqualTo(RecordEventTime.parse(bytes));
        }
        assertThat(of("{\"ts\":" + NOW + ",\"ts\":" + (NOW + 60_001) + "}")).isEqualTo(NOW);
        assertThat(of("{\"ts\":" + (NOW + 60_001) + ",\"ts\":" + NOW + "}")).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void nesting5000DeepNeitherOverflowsTheStackNorFailsTheSource() {
        String arrays = "[".repeat(5000) + "]".repeat(5000);
        // Skipped by the scan, which counts brackets rather than recursing.
        assertThat(of("{\"extra\":" + arrays + ",\"ts\":" + NOW + "}")).isEqualTo(NOW);
        assertThat(of("{\"ts\":" + NOW + ",\"extra\":" + arrays + "}")).isEqualTo(NOW);
        assertThat(of(arrays)).isEqualTo(Long.MIN_VALUE);
        // The parser refuses beyond 1,000 levels (a dead letter, not_json) and gives no time.
        assertThat(RecordEventTime.parse(("{\"extra\":" + arrays + ",\"ts\":1}").getBytes())).isEqualTo(Long.MIN_VALUE);
        assertThat(of("{\"x\":" + "{\"a\":".repeat(5000) + "1" + "}".repeat(5000) + "}")).isEqualTo(Long.MIN_VALUE);
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
