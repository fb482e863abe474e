package org.bikefence.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MinuteSliceTest {

    /** A slice restored from state written before the open-violation counts existed has a shorter counts array. */
    @Test
    void aSliceWithFewerCountsMergesAndReadsTheNewCountsAsZero() {
        MinuteSlice old = new MinuteSlice("hello", 0);
        old.counts = Arrays.copyOf(old.counts, MinuteSlice.Count.STANDING_DELTA.ordinal() + 1);
        old.counts[MinuteSlice.Count.RECORDS.ordinal()] = 2;
        assertThat(old.get(MinuteSlice.Count.ZOMBIE_OPEN_DELTA)).isZero();

        MinuteSlice now = new MinuteSlice("hello", 0);
        now.increment(MinuteSlice.Count.RECORDS);
        now.add(MinuteSlice.Count.FAULTY_OVERDUE_OPEN_DELTA, -1);
        old.merge(now);
        assertThat(old.get(MinuteSlice.Count.RECORDS)).isEqualTo(3);
        assertThat(old.get(MinuteSlice.Count.FAULTY_OVERDUE_OPEN_DELTA)).isEqualTo(-1);

        MinuteSlice fresh = new MinuteSlice("hello", 0);
        MinuteSlice shorter = new MinuteSlice("hello", 0);
        shorter.counts = new long[] {5};
        fresh.merge(shorter);
        assertThat(fresh.get(MinuteSlice.Count.values()[0])).isEqualTo(5);
        assertThat(fresh.counts).hasSize(MinuteSlice.Count.values().length);
    }
}
