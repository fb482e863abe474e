package org.bikefence.replay;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReplayProgressLineTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void showsBarPercentEventsRateAndEtaFromBytes() {
        assertThat(ProgressLine.render(1_234_567, 250, 1000, 10 * SECOND, 20))
                .isEqualTo("[#####---------------]  25%  1,234,567 events  123,457 ev/s  ETA 0:30");
    }

    @Test
    void beforeAnythingIsReadThereIsNoRateOrEta() {
        assertThat(ProgressLine.render(0, 0, 1000, 0, 10))
                .isEqualTo("[----------]   0%  0 events  - ev/s  ETA --:--");
        assertThat(ProgressLine.render(0, 0, 1000, SECOND, 4)).endsWith("0 ev/s  ETA --:--");
    }

    @Test
    void finishesAtAHundredPercentWithNothingLeft() {
        assertThat(ProgressLine.render(500, 1000, 1000, 2 * SECOND, 4))
                .isEqualTo("[####] 100%  500 events  250 ev/s  ETA 0:00");
        // Never more than full, even if more bytes were counted than the files had when listed.
        assertThat(ProgressLine.render(500, 1200, 1000, 2 * SECOND, 4)).startsWith("[####] 100%");
    }

    @Test
    void longEtasGetHours() {
        assertThat(ProgressLine.eta(1, 3601, SECOND)).isEqualTo("1:00:00");
        assertThat(ProgressLine.eta(10, 100, 3 * SECOND)).isEqualTo("0:27");
        assertThat(ProgressLine.duration(59)).isEqualTo("0:59");
    }
}
