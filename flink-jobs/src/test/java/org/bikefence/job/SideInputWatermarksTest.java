package org.bikefence.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.functions.co.CoMapFunction;
import org.apache.flink.streaming.api.operators.co.CoStreamMap;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.bikefence.model.FenceUpdate;
import org.junit.jupiter.api.Test;

/**
 * The side inputs (fence updates, rule-set versions, invalid-record signals) meet the positions at operators whose
 * watermark is the least of their inputs': driven by what the side input's strategy emits, such an operator must
 * follow the positions' watermark, and must not jump ahead when the positions go idle.
 */
class SideInputWatermarksTest {
    private static final CoMapFunction<String, String, String> PASS = new CoMapFunction<>() {
        @Override
        public String map1(String value) {
            return value;
        }

        @Override
        public String map2(String value) {
            return value;
        }
    };

    /** Input 2 gets whatever the strategy's generator emits at its periodic calls. */
    private static <T> void sidePeriodic(WatermarkStrategy<T> strategy,
            TwoInputStreamOperatorTestHarness<String, String, String> h) {
        WatermarkGenerator<T> g = strategy.createWatermarkGenerator(null);
        g.onPeriodicEmit(new WatermarkOutput() {
            @Override
            public void emitWatermark(org.apache.flink.api.common.eventtime.Watermark w) {
                try {
                    h.processWatermark2(new Watermark(w.getTimestamp()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public void markIdle() {
                try {
                    h.processWatermarkStatus2(WatermarkStatus.IDLE);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public void markActive() {}
        });
    }

    private static List<Long> watermarksWhenThePositionsGoIdle(WatermarkStrategy<?> strategy) throws Exception {
        try (TwoInputStreamOperatorTestHarness<String, String, String> h =
                new TwoInputStreamOperatorTestHarness<>(new CoStreamMap<>(PASS))) {
            h.open();
            sidePeriodic(strategy, h);
            h.processWatermark1(new Watermark(100));
            sidePeriodic(strategy, h);
            // No position for watermark.idleness-ms: the source marks the positions idle.
            h.processWatermarkStatus1(WatermarkStatus.IDLE);
            sidePeriodic(strategy, h);
            h.processWatermarkStatus1(WatermarkStatus.ACTIVE);
            h.processWatermark1(new Watermark(200));
            return h.getOutput().stream().filter(o -> o instanceof Watermark)
                    .map(o -> ((Watermark) o).getTimestamp()).toList();
        }
    }

    @Test
    void theFenceUpdatesFollowThePositionsAndDoNotPushTimeWhenTheyGoIdle() throws Exception {
        assertThat(watermarksWhenThePositionsGoIdle(BikefenceJob.FENCE_UPDATES_NEVER_HOLD_BACK_TIME))
                .as("the positions' watermarks, never +infinity while they are idle").containsExactly(100L, 200L);
    }

    @Test
    void everySideInputStrategyBehavesTheSame() throws Exception {
        WatermarkStrategy<FenceUpdate> any = BikefenceJob.neverHoldBackTime((u, ts) -> 0L);
        assertThat(watermarksWhenThePositionsGoIdle(any)).containsExactly(100L, 200L);
        assertThat(watermarksWhenThePositionsGoIdle(BikefenceJob.RULE_SET_UPDATES_NEVER_HOLD_BACK_TIME))
                .containsExactly(100L, 200L);
    }
}
