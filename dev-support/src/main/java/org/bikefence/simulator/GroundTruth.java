package org.bikefence.simulator;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.bikefence.metrics.DistinctBikeSets;
import org.bikefence.metrics.MonthAccumulator;
import org.bikefence.rules.OperatorMonthMetrics;
import org.bikefence.rules.RuleSet;

/**
 * What the simulator did, per operator and month, in the terms the stream reports: distinct bikes per day
 * and month, bikes standing at once, no-park violations and their clearing, ride ends in the area and in
 * parking fences, out-of-area and zombie bikes, faulty bikes and their handling, report gaps, records, late
 * and invalid records, feed gaps, piles.
 *
 * <p>It is kept from the simulator's own knowledge while it generates: every record it sends (valid or
 * garbled on purpose, with the delay it gives the record on its way to Kafka) and, for each valid report,
 * the place it put the bike (which no-park zone, which parking fence, inside the operating area or not: it
 * chose those points). Thresholds are the rule set's (the specification), not the job's; the switched-on
 * behaviours stay well clear of them (see {@link Switches}), so "longer than" against "at least" never
 * decides a count. A condition still running when the simulation ends counts only if the bike's own reports
 * reach its deadline, as a replay would show: {@link FleetSimulator#finish} sends a last report of every
 * bike at the end. Piles are counted as planned (fence over capacity from the pile's first bike above
 * capacity until it is back at capacity).
 *
 * <p>Each month is a {@link MonthAccumulator}, the job's own, and that is deliberate: what ground truth must
 * know independently of the job is what happened (which bike stood where and when, which record was late,
 * when a condition began and ended), and all of that is decided here from the simulator's knowledge, never
 * from the job's signals or rules. What the accumulator adds is only the metric arithmetic on top (a bike
 * counts once per month, "within the deadline" includes the deadline, durations are whole minutes), which is
 * the specification of the metrics rather than a reading of events, tested on its own in bike-core; sharing
 * it means a month's figures are shaped and computed one way, and a difference between the stream and ground
 * truth is a difference in what they saw.
 */
public final class GroundTruth {
    private static final long MINUTE = 60_000L;

    /** Where a standing bike is, as the simulator placed it. */
    record Place(String noParkZone, String parkingFence, boolean inArea) {
        static final Place NOWHERE = new Place(null, null, true);
    }

    /** Violations of one type: opened and, of those, closed (as the stream's {@code violation} points). */
    public static final class Violations {
        public long opened;
        public long closed;

        @Override
        public String toString() {
            return opened + " opened, " + closed + " closed";
        }
    }

    /** Per bike: where its own timeline stands. */
    private static final class BikeLine {
        boolean hasReport;
        long lastTs;
        boolean lastRiding;
        boolean lastFaulty;
        boolean standing;
        long lastChange;
        boolean zombieOpen;
        String zone;
        long zoneSince;
        boolean zoneOpen;
        long outSince = -1;
        boolean outOpen;
        long faultySince = -1;
        boolean faultyOpen;
    }

    private final ZoneId zone;
    private final long graceMs;
    private final long clearDeadlineMs;
    private final long outOfAreaMs;
    private final long zombieMs;
    private final long faultyDeadlineMs;
    private final long lateAfterMs;
    private final long gapMs;
    private final long parkedIntervalMs;
    private final long ridingIntervalMs;
    private final long pileMinMs;
    private final long pileDeadlineMs;

    private final Map<String, Map<YearMonth, MonthAccumulator>> months = new TreeMap<>();
    /** The oracle's own distinct-bike sets per operator and month (the job decides the same keyed by bike). */
    private final Map<String, DistinctBikeSets> bikeSets = new HashMap<>();
    private final Map<String, BikeLine> lines = new HashMap<>();
    private final Map<String, TreeMap<Long, Long>> standingDeltaByMinute = new TreeMap<>();
    private final Map<String, TreeSet<Long>> dataMinutes = new TreeMap<>();
    private final Map<String, Map<String, Violations>> violations = new TreeMap<>();
    private boolean settled;

    GroundTruth(RuleSet rules) {
        this.zone = rules.timeZone();
        this.graceMs = rules.noPark().grace().toMillis();
        this.clearDeadlineMs = rules.noPark().clearDeadline().toMillis();
        this.outOfAreaMs = rules.monitoring().outOfArea().grace().toMillis();
        this.zombieMs = rules.monitoring().zombies().idle().toMillis();
        this.faultyDeadlineMs = rules.monitoring().condition().handleDeadline().toMillis();
        this.lateAfterMs = rules.monitoring().dataFeed().lateAfter().toMillis();
        this.gapMs = rules.monitoring().dataFeed().gap().toMillis();
        this.parkedIntervalMs = rules.monitoring().dataFeed().parkedReportInterval().toMillis();
        this.ridingIntervalMs = rules.monitoring().dataFeed().ridingReportInterval().toMillis();
        this.pileMinMs = rules.monitoring().accumulation().minDuration().toMillis();
        this.pileDeadlineMs = rules.monitoring().accumulation().clearDeadline().toMillis();
    }

    /** Operators the simulator sent anything for. */
    public Set<String> operators() {
        return months.keySet();
    }

    /**
     * The operator's month as the simulator made it (piles are fence over-capacity events; the simulator
     * makes no cell piles and no out-of-order records); empty counts when the simulator sent nothing for it.
     */
    public MonthAccumulator month(String operator, YearMonth month) {
        settle();
        return months.getOrDefault(operator, Map.of()).getOrDefault(month, new MonthAccumulator(operator, month));
    }

    /** The bike ids behind the operator's month's distinct-bike counts; empty when the simulator sent nothing for it. */
    public DistinctBikeSets bikes(String operator, YearMonth month) {
        settle();
        DistinctBikeSets sets = bikeSets.get(operator + '|' + month);
        return sets != null ? sets : new DistinctBikeSets(new MonthAccumulator(operator, month));
    }

    /** Violations of the operator by type ({@code no_park}, {@code out_of_area}, {@code zombie}, {@code faulty_overdue}). */
    public Violations violations(String operator, String type) {
        return violations.getOrDefault(operator, Map.of()).getOrDefault(type, new Violations());
    }

    /** The month in the rule set's terms, to score exactly as the stream's counts are scored. */
    public OperatorMonthMetrics metrics(String operator, YearMonth month) {
        return month(operator, month).toMetrics();
    }

    /**
     * One record the simulator sent.
     *
     * @param kafkaTs when it reaches Kafka (event time plus the delay the simulator gave it)
     * @param place where the simulator put the bike (standing reports)
     */
    void record(String operator, String bikeId, long ts, long kafkaTs, boolean valid, boolean riding,
            boolean faulty, Place place) {
        settled = false;
        if (!valid) {
            of(operator, kafkaTs).invalidRecord();
            return;
        }
        bikeSets(operator, ts).record(day(ts), bikeId, faulty, kafkaTs - ts, lateAfterMs);
        dataMinutes.computeIfAbsent(operator, o -> new TreeSet<>()).add(minute(ts));

        BikeLine b = lines.computeIfAbsent(operator + '\u0000' + bikeId, k -> new BikeLine());
        boolean stationary = !riding;
        if (b.hasReport && ts - b.lastTs > (b.lastRiding ? ridingIntervalMs : parkedIntervalMs)) {
            bikeSets(operator, ts).reportGap(bikeId);
        }
        boolean changed = !b.hasReport || riding != b.lastRiding || faulty != b.lastFaulty;

        // Zombie: standing without any change since lastChange.
        if (b.hasReport && b.standing && !b.zombieOpen && reached(ts, b.lastChange + zombieMs, changed)) {
            b.zombieOpen = true;
            opened(operator, "zombie");
            bikeSets(operator, b.lastChange + zombieMs).zombie(bikeId);
        }
        if (changed) {
            if (b.zombieOpen) {
                closed(operator, "zombie");
            }
            b.zombieOpen = false;
            b.lastChange = ts;
        }

        // Standing periods and ride ends.
        if (stationary && !b.standing) {
            b.standing = true;
            standingDelta(operator, ts, +1);
            if (b.hasReport && b.lastRiding) {
                of(operator, ts).rideEnded(place.inArea(), place.parkingFence() != null);
            }
        } else if (!stationary && b.standing) {
            b.standing = false;
            standingDelta(operator, ts, -1);
        }

        noPark(operator, b, ts, stationary ? place.noParkZone() : null);
        outOfArea(operator, bikeId, b, ts, stationary && !place.inArea());
        faulty(operator, bikeId, b, ts, faulty);

        b.hasReport = true;
        b.lastTs = ts;
        b.lastRiding = riding;
        b.lastFaulty = faulty;
    }

    private void noPark(String operator, BikeLine b, long ts, String zoneNow) {
        if (zoneNow != null && zoneNow.equals(b.zone)) {
            if (!b.zoneOpen && reached(ts, b.zoneSince + graceMs, false)) {
                openNoPark(operator, b);
            }
            return;
        }
        if (b.zone != null) {
            if (!b.zoneOpen && reached(ts, b.zoneSince + graceMs, true)) {
                openNoPark(operator, b);
            }
            if (b.zoneOpen) {
                long openedAt = b.zoneSince + graceMs;
                long open = ts - openedAt;
                closed(operator, "no_park");
                MonthAccumulator om = of(operator, openedAt);
                if (monthOf(openedAt).equals(monthOf(ts))) {
                    om.noParkClosed(open, clearDeadlineMs);
                }
            }
        }
        b.zone = zoneNow;
        b.zoneOpen = false;
        b.zoneSince = ts;
    }

    private void openNoPark(String operator, BikeLine b) {
        b.zoneOpen = true;
        opened(operator, "no_park");
        of(operator, b.zoneSince + graceMs).noParkOpened();
    }

    private void outOfArea(String operator, String bikeId, BikeLine b, long ts, boolean outside) {
        if (b.outSince >= 0 && !b.outOpen && reached(ts, b.outSince + outOfAreaMs, !outside)) {
            b.outOpen = true;
            opened(operator, "out_of_area");
            bikeSets(operator, b.outSince + outOfAreaMs).outOfArea(bikeId);
        }
        if (outside) {
            if (b.outSince < 0) {
                b.outSince = ts;
            }
            return;
        }
        if (b.outOpen) {
            closed(operator, "out_of_area");
        }
        b.outOpen = false;
        b.outSince = -1;
    }

    private void faulty(String operator, String bikeId, BikeLine b, long ts, boolean faulty) {
        if (b.faultySince >= 0 && !b.faultyOpen && reached(ts, b.faultySince + faultyDeadlineMs, !faulty)) {
            b.faultyOpen = true;
            opened(operator, "faulty_overdue");
        }
        if (faulty) {
            if (b.faultySince < 0) {
                b.faultySince = ts;
            }
            return;
        }
        if (b.faultySince >= 0) {
            bikeSets(operator, ts).faultyHandled(bikeId, ts - b.faultySince, faultyDeadlineMs);
            if (b.faultyOpen) {
                closed(operator, "faulty_overdue");
            }
        }
        b.faultyOpen = false;
        b.faultySince = -1;
    }

    /**
     * Whether a report at {@code ts} shows a condition lasting past {@code deadline}: a report after it does;
     * one exactly at it does only when it does not end the condition ("longer than"). The switched-on
     * behaviours never land on a deadline exactly.
     */
    private static boolean reached(long ts, long deadline, boolean ends) {
        return ts > deadline || (ts == deadline && !ends);
    }

    /** A pile the simulator made: a parking fence over its capacity from {@code from} until {@code until} (-1: still). */
    void pile(String operator, long from, long until) {
        settled = false;
        long duration = until - from;
        if (until >= 0 && duration < pileMinMs) {
            return;
        }
        MonthAccumulator m = of(operator, from);
        m.accumulationOpened(true);
        if (until >= 0 && monthOf(until).equals(monthOf(from))) {
            m.accumulationCleared(duration, pileDeadlineMs);
        }
    }

    private void standingDelta(String operator, long ts, long delta) {
        standingDeltaByMinute.computeIfAbsent(operator, o -> new TreeMap<>()).merge(minute(ts), delta, Long::sum);
    }

    private void opened(String operator, String type) {
        violations.computeIfAbsent(operator, o -> new TreeMap<>()).computeIfAbsent(type, t -> new Violations())
                .opened++;
    }

    private void closed(String operator, String type) {
        violations.get(operator).get(type).closed++;
    }

    /** Figures over the whole timeline: bikes standing at the end of each minute, silent minutes between data. */
    private void settle() {
        if (settled) {
            return;
        }
        for (Map<YearMonth, MonthAccumulator> byMonth : months.values()) {
            for (MonthAccumulator m : byMonth.values()) {
                m.peakStanding = 0;
                m.feedGaps = 0;
                m.feedGapMinutes = 0;
            }
        }
        standingDeltaByMinute.forEach((operator, deltas) -> {
            long standing = 0;
            for (Map.Entry<Long, Long> e : deltas.entrySet()) {
                standing += e.getValue();
                of(operator, e.getKey()).standing(standing);
            }
        });
        dataMinutes.forEach((operator, minutes) -> {
            Long last = null;
            for (long minute : minutes) {
                if (last != null) {
                    of(operator, minute).feedGap(last, minute, gapMs);
                }
                last = minute;
            }
        });
        settled = true;
    }

    /** The distinct-bike sets of the operator's month of {@code ts}, counting into that month. */
    private DistinctBikeSets bikeSets(String operator, long ts) {
        return bikeSets.computeIfAbsent(operator + '|' + monthOf(ts), k -> new DistinctBikeSets(of(operator, ts)));
    }

    private MonthAccumulator of(String operator, long ts) {
        return months.computeIfAbsent(operator, o -> new TreeMap<>())
                .computeIfAbsent(monthOf(ts), k -> new MonthAccumulator(operator, k));
    }

    private YearMonth monthOf(long ts) {
        return YearMonth.from(Instant.ofEpochMilli(ts).atZone(zone));
    }

    private LocalDate day(long ts) {
        return Instant.ofEpochMilli(ts).atZone(zone).toLocalDate();
    }

    private static long minute(long ts) {
        return Math.floorDiv(ts, MINUTE) * MINUTE;
    }
}
