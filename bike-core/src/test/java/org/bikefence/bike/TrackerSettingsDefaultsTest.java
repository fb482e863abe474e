package org.bikefence.bike;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.bikefence.rules.Monitoring;
import org.junit.jupiter.api.Test;

/** The tracker's defaults are the rule set's: a bike judged without a rule set is judged as with a default one. */
class TrackerSettingsDefaultsTest {
    private final TrackerSettings defaults = TrackerSettings.defaults(Duration.ofMinutes(10));

    @Test
    void theOutOfAreaGraceIsTheRuleSetsDefaultThirtyMinutes() {
        assertThat(Monitoring.OutOfArea.DEFAULTS.graceMinutes()).isEqualTo(30);
        assertThat(defaults.outOfAreaGraceMs).isEqualTo(Monitoring.OutOfArea.DEFAULTS.grace().toMillis());
    }

    @Test
    void theOtherPeriodsAreTheRuleSetsDefaultsToo() {
        Monitoring m = Monitoring.DEFAULTS;
        assertThat(defaults.zombieMs).isEqualTo(m.zombies().idle().toMillis());
        assertThat(defaults.faultyDeadlineMs).isEqualTo(m.condition().handleDeadline().toMillis());
        assertThat(defaults.parkedMaxGapMs)
                .isEqualTo(Duration.ofMinutes(m.dataFeed().parkedReportIntervalMinutes()).toMillis());
        assertThat(defaults.ridingMaxGapMs)
                .isEqualTo(Duration.ofSeconds(m.dataFeed().ridingReportIntervalSeconds()).toMillis());
    }
}
