package org.bikefence.influx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class WriteRetrierTest {

    private final List<Duration> waits = new ArrayList<>();

    @Test
    void doublesTheBackoffUpToTheCap() throws IOException {
        AtomicInteger calls = new AtomicInteger();
        WriteRetrier retrier = new WriteRetrier(8, Duration.ofSeconds(5), WriteRetrier.RetryListener.NONE, waits::add);

        retrier.run(() -> {
            if (calls.incrementAndGet() < 5) {
                throw InfluxWriteException.forStatus("http://x/write", 503, "busy", null, null);
            }
        });

        assertThat(calls).hasValue(5);
        assertThat(waits).containsExactly(
                Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(20), WriteRetrier.MAX_BACKOFF);
    }

    @Test
    void zeroRetriesTriesOnce() {
        AtomicInteger calls = new AtomicInteger();
        WriteRetrier retrier = new WriteRetrier(0, Duration.ofMillis(1), WriteRetrier.RetryListener.NONE, waits::add);

        assertThatThrownBy(() -> retrier.run(() -> {
            calls.incrementAndGet();
            throw InfluxWriteException.forStatus("http://x/write", 429, "slow", null, null);
        })).hasMessageContaining("after 1 attempts");
        assertThat(calls).hasValue(1);
        assertThat(waits).isEmpty();
    }

    @Test
    void readsRetryAfterAsSecondsOrHttpDate() {
        assertThat(WriteRetrier.parseRetryAfter("7")).isEqualTo(Duration.ofSeconds(7));
        assertThat(WriteRetrier.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).isEqualTo(Duration.ZERO);
        assertThat(WriteRetrier.parseRetryAfter("soon")).isNull();
        assertThat(WriteRetrier.parseRetryAfter(null)).isNull();
    }
}
