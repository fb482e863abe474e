package org.bikefence.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ReplayTimestampsTest {
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    /** 08:00 in Xiamen on 12 October 2026. */
    private static final long EIGHT_AM = Instant.parse("2026-10-12T00:00:00Z").toEpochMilli();

    @Test
    void readsNaiveLocalTimesInTheGivenZone() {
        assertThat(Timestamps.parse("2026-10-12 08:00:00", SHANGHAI)).isEqualTo(EIGHT_AM);
        assertThat(Timestamps.parse("2026-10-12T08:00:00", SHANGHAI)).isEqualTo(EIGHT_AM);
        assertThat(Timestamps.parse(" 2026-10-12 08:00:00.250 ", SHANGHAI)).isEqualTo(EIGHT_AM + 250);
        assertThat(Timestamps.parse("2026-10-12 08:00", SHANGHAI)).isEqualTo(EIGHT_AM);
        assertThat(Timestamps.parse("2026-10-12 08:00:00", ZoneOffset.UTC)).isEqualTo(EIGHT_AM + 8 * 3_600_000L);
    }

    @Test
    void readsOffsetsRegardlessOfTheZone() {
        assertThat(Timestamps.parse("2026-10-12T08:00:00+08:00", ZoneOffset.UTC)).isEqualTo(EIGHT_AM);
        assertThat(Timestamps.parse("2026-10-12T00:00:00Z", SHANGHAI)).isEqualTo(EIGHT_AM);
        assertThat(Timestamps.parse("2026-10-12 08:00:00+0800", ZoneOffset.UTC)).isEqualTo(EIGHT_AM);
        assertThat(Timestamps.parse("2026-10-12T00:00:00.5Z", SHANGHAI)).isEqualTo(EIGHT_AM + 500);
    }

    @Test
    void tellsEpochSecondsFromEpochMilliseconds() {
        assertThat(Timestamps.parse(Long.toString(EIGHT_AM), SHANGHAI)).isEqualTo(EIGHT_AM);
        assertThat(Timestamps.parse(Long.toString(EIGHT_AM / 1000), SHANGHAI)).isEqualTo(EIGHT_AM);
        assertThat(Timestamps.parse((EIGHT_AM / 1000) + ".125", SHANGHAI)).isEqualTo(EIGHT_AM + 125);
    }

    @Test
    void rejectsWhatIsNotATime() {
        for (String bad : new String[] {"2026-10-12 8h02", "2026-10-12", "12/10/2026 08:00", "", "2026-13-01 00:00:00",
            "soon"}) {
            assertThatThrownBy(() -> Timestamps.parse(bad, SHANGHAI)).as(bad)
                    .isInstanceOf(RuntimeException.class);
        }
    }
}
