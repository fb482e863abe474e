package org.bikefence.rules;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * The parameters the streaming job needs to compute the monthly metrics (how long before something counts,
 * at what H3 resolution, which report interval); the no-park ones are in {@link NoParkRule}.
 */
public record Monitoring(Accumulation accumulation, OutOfArea outOfArea, Zombies zombies, Condition condition,
        DataFeed dataFeed) implements Serializable {

    public static final Monitoring DEFAULTS = new Monitoring(Accumulation.DEFAULTS, OutOfArea.DEFAULTS,
            Zombies.DEFAULTS, Condition.DEFAULTS, DataFeed.DEFAULTS);

    public Monitoring {
        Objects.requireNonNull(accumulation, "accumulation");
        Objects.requireNonNull(outOfArea, "outOfArea");
        Objects.requireNonNull(zombies, "zombies");
        Objects.requireNonNull(condition, "condition");
        Objects.requireNonNull(dataFeed, "dataFeed");
    }

    /**
     * @param h3Resolution H3 resolution (0–15) of the cells counted for accumulation
     * @param cellThreshold an H3 cell holding more than this many of one operator's parked bikes is accumulated
     * @param minDurationMinutes over capacity/threshold for at least this long before it is an event
     * @param clearDeadlineMinutes an event is cleared in time if it ends within this many minutes
     */
    public record Accumulation(int h3Resolution, int cellThreshold, int minDurationMinutes,
            int clearDeadlineMinutes) implements Serializable {
        public static final Accumulation DEFAULTS = new Accumulation(9, 30, 30, 120);

        public Duration minDuration() {
            return Duration.ofMinutes(minDurationMinutes);
        }

        public Duration clearDeadline() {
            return Duration.ofMinutes(clearDeadlineMinutes);
        }
    }

    /** @param graceMinutes parked outside the operating area at least this long before the bike counts */
    public record OutOfArea(int graceMinutes) implements Serializable {
        public static final OutOfArea DEFAULTS = new OutOfArea(30);

        public Duration grace() {
            return Duration.ofMinutes(graceMinutes);
        }
    }

    /** @param idleDays parked with no movement and no state change for at least this many days: a zombie */
    public record Zombies(int idleDays) implements Serializable {
        public static final Zombies DEFAULTS = new Zombies(7);

        public Duration idle() {
            return Duration.ofDays(idleDays);
        }
    }

    /** @param handleDeadlineHours a faulty bike must be repaired or removed within this many hours */
    public record Condition(int handleDeadlineHours) implements Serializable {
        public static final Condition DEFAULTS = new Condition(24);

        public Duration handleDeadline() {
            return Duration.ofHours(handleDeadlineHours);
        }
    }

    /**
     * @param parkedReportIntervalMinutes a parked bike must report at least this often
     * @param ridingReportIntervalSeconds a bike on a ride must report at least this often
     * @param lateAfterSeconds a record arriving this long after its event time is late
     * @param gapMinutes no record at all from an operator for this long is a feed gap
     */
    public record DataFeed(int parkedReportIntervalMinutes, int ridingReportIntervalSeconds, int lateAfterSeconds,
            int gapMinutes) implements Serializable {
        public static final DataFeed DEFAULTS = new DataFeed(240, 120, 300, 30);

        public Duration parkedReportInterval() {
            return Duration.ofMinutes(parkedReportIntervalMinutes);
        }

        public Duration ridingReportInterval() {
            return Duration.ofSeconds(ridingReportIntervalSeconds);
        }

        public Duration lateAfter() {
            return Duration.ofSeconds(lateAfterSeconds);
        }

        public Duration gap() {
            return Duration.ofMinutes(gapMinutes);
        }
    }
}
