package org.bikefence.ingest.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketLimiterTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Test
    void letsABurstThroughThenRefillsAtTheRate() {
        TokenBucketLimiter l = new TokenBucketLimiter(2, 3, now::get);
        assertThat(l.tryAcquire("qingju")).isZero();
        assertThat(l.tryAcquire("qingju")).isZero();
        assertThat(l.tryAcquire("qingju")).isZero();
        long wait = l.tryAcquire("qingju");
        assertThat(wait).as("empty bucket: half a second until the next token at 2/s").isEqualTo(500_000_000L);
        assertThat(TokenBucketLimiter.retryAfterSeconds(wait)).isEqualTo(1);

        now.addAndGet(250_000_000L);
        assertThat(l.tryAcquire("qingju")).as("half a token").isEqualTo(250_000_000L);
        now.addAndGet(250_000_000L);
        assertThat(l.tryAcquire("qingju")).isZero();
        assertThat(l.tryAcquire("qingju")).isPositive();

        now.addAndGet(60_000_000_000L);
        for (int i = 0; i < 3; i++) {
            assertThat(l.tryAcquire("qingju")).as("a quiet minute refills at most the burst").isZero();
        }
        assertThat(l.tryAcquire("qingju")).isPositive();
    }

    @Test
    void eachTokenHasItsOwnBucket() {
        TokenBucketLimiter l = new TokenBucketLimiter(1, 1, now::get);
        assertThat(l.tryAcquire("qingju")).isZero();
        assertThat(l.tryAcquire("qingju")).isEqualTo(1_000_000_000L);
        assertThat(l.tryAcquire("hello")).isZero();
    }

    @Test
    void rateZeroIsNoLimit() {
        TokenBucketLimiter l = new TokenBucketLimiter(0, 1, now::get);
        assertThat(l.isLimited()).isFalse();
        for (int i = 0; i < 1000; i++) {
            assertThat(l.tryAcquire("qingju")).isZero();
        }
        assertThat(TokenBucketLimiter.unlimited().tryAcquire("x")).isZero();
    }

    @Test
    void retryAfterRoundsUp() {
        assertThat(TokenBucketLimiter.retryAfterSeconds(1)).isEqualTo(1);
        assertThat(TokenBucketLimiter.retryAfterSeconds(1_000_000_000L)).isEqualTo(1);
        assertThat(TokenBucketLimiter.retryAfterSeconds(1_000_000_001L)).isEqualTo(2);
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> new TokenBucketLimiter(-1, 1, now::get)).hasMessageContaining("rate");
        assertThatThrownBy(() -> new TokenBucketLimiter(1, 0, now::get)).hasMessageContaining("burst");
    }
}
