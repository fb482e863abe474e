package org.bikefence.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LocalDaysTest {
    @Test
    void givesTheZonesDayAndMonthWhateverTheOrderOfInstantsAcrossDaylightSaving() {
        for (String zoneId : new String[] {"Asia/Shanghai", "America/Kentucky/Louisville", "Australia/Lord_Howe"}) {
            ZoneId zone = ZoneId.of(zoneId);
            LocalDays days = new LocalDays(zone);
            Random r = new Random(7);
            long t = Instant.parse("2026-03-01T00:00:00Z").toEpochMilli();
            for (int i = 0; i < 200_000; i++) {
                // Mostly forward in small steps, sometimes back or far: the cache must never answer stale.
                t += r.nextInt(10) == 0 ? -r.nextInt(200_000_000) : r.nextInt(600_000);
                var z = Instant.ofEpochMilli(t).atZone(zone);
                assertThat(days.day(t)).as("%s at %d", zoneId, t).isEqualTo(z.toLocalDate());
                assertThat(days.month(t)).isEqualTo(YearMonth.from(z));
            }
        }
    }
}
