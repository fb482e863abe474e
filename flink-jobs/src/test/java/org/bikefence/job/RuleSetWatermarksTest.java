package org.bikefence.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.bikefence.model.RuleSetUpdate;
import org.junit.jupiter.api.Test;

/** The rule-set input's watermarks: idle for ever, so the positions alone make event time where they meet. */
class RuleSetWatermarksTest {
    @Test
    void theRuleSetInputIsIdleAndNeverEmitsAWatermark() {
        WatermarkGenerator<RuleSetUpdate> g = BikefenceJob.RULE_SET_UPDATES_NEVER_HOLD_BACK_TIME
                .createWatermarkGenerator(null);
        List<String> out = new ArrayList<>();
        WatermarkOutput recording = new WatermarkOutput() {
            @Override
            public void emitWatermark(Watermark watermark) {
                out.add("watermark " + watermark.getTimestamp());
            }

            @Override
            public void markIdle() {
                out.add("idle");
            }

            @Override
            public void markActive() {
                out.add("active");
            }
        };
        g.onEvent(new RuleSetUpdate("v", "yaml", 1_000L, "t-0@0"), 1_000L, recording);
        g.onPeriodicEmit(recording);
        g.onPeriodicEmit(recording);

        assertThat(out).containsOnly("idle").isNotEmpty();
    }
}
