package org.bikefence.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.bikefence.decode.InvalidRecordException;
import org.bikefence.decode.PositionDecoder;
import org.bikefence.job.RecordEventTime;
import org.bikefence.model.BikePosition;
import org.bikefence.model.RawRecord;
import org.bikefence.testing.HostileRecords.Kind;
import org.bikefence.testing.HostileRecords.Record;
import org.junit.jupiter.api.Test;

/** The hostile feed against the decoder alone: each record gets the verdict its kind names, in milliseconds. */
class HostileRecordsTest {
    private static final long MAX_FUTURE_MS = 600_000;
    private static final List<Record> FEED = HostileRecords.feed(42, 10_000, 10_000, 300);

    @Test
    void everyHostileRecordIsRejectedWithItsKindsReasonAndEveryGoodOneDecodes() {
        PositionDecoder decoder = new PositionDecoder(System::currentTimeMillis, MAX_FUTURE_MS);
        Map<Kind, Integer> seen = new EnumMap<>(Kind.class);
        int good = 0;
        for (Record r : FEED) {
            try {
                BikePosition p = decoder.decode(r.value());
                assertThat(r.good()).as("%s decoded: %s", r.kind(), text(r)).isTrue();
                assertThat(p.ts).isEqualTo(r.feedTime());
                assertThat(p.bikeId.getBytes(java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(r.key());
                good++;
            } catch (InvalidRecordException e) {
                assertThat(r.good()).as("good record rejected (%s): %s", e.detail(), text(r)).isFalse();
                assertThat(e.reason()).as("%s: %s, %s", r.kind(), e.detail(), text(r)).isEqualTo(r.kind().reason);
                seen.merge(r.kind(), 1, Integer::sum);
            }
        }
        assertThat(good).isEqualTo(10_000);
        assertThat(seen).isEqualTo(HostileRecords.quotas(10_000));
        assertThat(seen.keySet()).containsExactly(Kind.values());
    }

    /** Hostile records never carry a time ahead of the feed, so they move no watermark past the good records. */
    @Test
    void noRecordsEventTimeIsAheadOfItsPlaceInTheFeed() {
        RecordEventTime time = new RecordEventTime(MAX_FUTURE_MS, null);
        for (Record r : FEED) {
            long t = time.extractTimestamp(new RawRecord(r.key(), r.value(), "t", 0, 0, 0), 0);
            if (r.good()) {
                assertThat(t).isEqualTo(r.feedTime());
            } else {
                assertThat(t).as("%s: %s", r.kind(), text(r)).isLessThanOrEqualTo(r.feedTime());
            }
        }
    }

    @Test
    void theSameSeedGivesTheSameBytes() {
        List<Record> again = HostileRecords.feed(42, 10_000, 10_000, 300);
        for (int i = 0; i < FEED.size(); i++) {
            assertThat(again.get(i).value()).isEqualTo(FEED.get(i).value());
            assertThat(again.get(i).kind()).isEqualTo(FEED.get(i).kind());
        }
        assertThat(HostileRecords.feed(43, 100, 100, 10).get(0).value()).isNotEqualTo(FEED.get(0).value());
    }

    @Test
    void nestsAsDeepAsTheIssueSays() {
        assertThat(FEED).filteredOn(r -> r.kind() == Kind.NESTED_5000_DEEP)
                .anySatisfy(r -> assertThat(new String(r.value(), java.nio.charset.StandardCharsets.UTF_8))
                        .contains("[".repeat(5000)).doesNotContain("[".repeat(5001)));
    }

    private static String text(Record r) {
        String s = new String(r.value(), java.nio.charset.StandardCharsets.UTF_8);
        return s.length() > 300 ? s.substring(0, 300) + "... (" + r.value().length + " bytes)" : s;
    }
}
