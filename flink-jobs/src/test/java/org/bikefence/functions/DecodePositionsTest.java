package org.bikefence.functions;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.bikefence.model.BikePosition;
import org.bikefence.model.DeadLetter;
import org.bikefence.model.RawRecord;
import org.junit.jupiter.api.Test;

class DecodePositionsTest {
    private static final long NOW = 1_790_000_000_000L;

    private static String record(String bikeId, String pad) {
        return "{\"operator\":\"hello\",\"bikeId\":\"" + bikeId + "\",\"ts\":" + (NOW - 1_000)
                + ",\"lat\":24.5,\"lng\":118.1,\"state\":\"parked\",\"pad\":\"" + pad + "\"}";
    }

    /** Decodes the records in order; the positions that came out, and the dead letters. */
    private record Run(List<BikePosition> positions, List<DeadLetter> deadLetters) {}

    private static Run run(DecodePositions fn, RawRecord... records) throws Exception {
        try (OneInputStreamOperatorTestHarness<RawRecord, BikePosition> h =
                new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(fn))) {
            h.open();
            for (RawRecord r : records) {
                h.processElement(new StreamRecord<>(r, 0L));
            }
            Queue<StreamRecord<DeadLetter>> side = h.getSideOutput(DecodePositions.DEAD_LETTERS);
            List<DeadLetter> dead = side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
            return new Run(h.extractOutputValues(), dead);
        }
    }

    @Test
    void oversizedRecordsAndIdsAreDeadLettersWithReasonTooLargeAndTheirOriginalBytes() throws Exception {
        String id64 = "B".repeat(64);
        String id65 = "B".repeat(65);
        String big = record("HB-1", "x".repeat(100 * 1024));
        Run r = run(new DecodePositions(600_000, 64, 65_536, NOW),
                RawRecord.of(id64, record(id64, "")),
                RawRecord.of(id65, record(id65, "")),
                RawRecord.of("HB-1", big));

        assertThat(r.positions()).extracting(p -> p.bikeId).containsExactly(id64);
        assertThat(r.deadLetters()).extracting(d -> d.reason).containsExactly("too_large", "too_large");
        DeadLetter longId = r.deadLetters().get(0);
        assertThat(longId.detail).contains("'bikeId'").contains("65 characters");
        assertThat(longId.operator).isEqualTo("hello");
        assertThat(new String(longId.key, StandardCharsets.UTF_8)).isEqualTo(id65);
        DeadLetter bigRecord = r.deadLetters().get(1);
        assertThat(bigRecord.detail).isEqualTo("record is " + big.length() + " bytes; at most 65536 allowed");
        assertThat(bigRecord.value).isEqualTo(big.getBytes(StandardCharsets.UTF_8));
        assertThat(bigRecord.rejectedAt).isEqualTo(NOW);
    }

    @Test
    void theConfiguredLimitsApply() throws Exception {
        Run r = run(new DecodePositions(600_000, 8, 200, NOW),
                RawRecord.of("k", record("12345678", "")),
                RawRecord.of("k", record("123456789", "")),
                RawRecord.of("k", record("1", "x".repeat(200))));

        assertThat(r.positions()).extracting(p -> p.bikeId).containsExactly("12345678");
        assertThat(r.deadLetters()).extracting(d -> d.detail).satisfiesExactly(
                d -> assertThat(d).contains("at most 8"),
                d -> assertThat(d).contains("at most 200"));
    }
}
