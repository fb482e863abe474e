package org.bikefence.simulator;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
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

    /** One operator's month as the simulator made it. */
    public static final class Month {
        public final TreeMap<LocalDate, Set<String>> bikesByDay = new TreeMap<>();
        public final Set<String> bikes = new HashSet<>();
        public long peakStanding;
        public long noParkOpened;
        public long noParkClosed;
        public long noParkClosedWithinDeadline;
        public long noParkMinutesOpen;
        public long rideEndsInArea;
        public long rideEndsInFence;
        public final Set<String> outOfAreaBikes = new HashSet<>();
        public final Set<String> zombieBikes = new HashSet<>();
        public final Set<String> faultyBikes = new HashSet<>();
        public final Set<String> faultyHandledBikes = new HashSet<>();
        public long faultyHandledWithinDeadline;
        public long faultyMinutesToHandle;
        public final Set<String> reportGapBikes = new HashSet<>();
        public long recordsReceived;
        public long lateRecords;
        public long invalidRecords;
        public long feedGaps;
        public long feedGapMinutes;
        public long pileEvents;
        public long pilesCleared;
        public long pilesClearedWithinDeadline;
        public long pileMinutesToClear;

        public long bikesWithinReportInterval() {
            return bikes.stream().filter(b -> !reportGapBikes.contains(b)).count();
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

    private final Map<String, Map<YearMonth, Month>> months = new TreeMap<>();
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

    /** The operator's month; empty counts when the simulator sent nothing for it. */
    public Month month(String operator, YearMonth month) {
        settle();
        return months.getOrDefault(operator, Map.of()).getOrDefault(month, new Month());
    }

    /** Violations of the operator by type ({@code no_park}, {@code out_of_area}, {@code zombie}, {@code faulty_overdue}). */
    public Violations violations(String operator, String type) {
        return violations.getOrDefault(operator, Map.of()).getOrDefault(type, new Violations());
    }

    /** The month in the rule set's terms, to score exactly as the stream's counts are scored. */
    public OperatorMonthMetrics metrics(String operator, YearMonth month) {
        Month m = month(operator, month);
        TreeMap<LocalDate, Long> byDay = new TreeMap<>();
        m.bikesByDay.forEach((d, s) -> byDay.put(d, (long) s.size()));
        return OperatorMonthMetrics.builder(operator, month)
                .fleet(new OperatorMonthMetrics.Fleet(byDay, m.bikes.size(), m.peakStanding))
                .noPark(new OperatorMonthMetrics.NoPark(m.noParkOpened, m.noParkClosed, m.noParkClosedWithinDeadline,
                        m.noParkMinutesOpen))
                .parking(new OperatorMonthMetrics.Parking(m.rideEndsInArea, m.rideEndsInFence))
                .accumulation(new OperatorMonthMetrics.Accumulation(m.pileEvents, 0, m.pilesCleared,
                        m.pilesClearedWithinDeadline, m.pileMinutesToClear))
                .outOfAreaBikes(m.outOfAreaBikes.size())
                .zombieBikes(m.zombieBikes.size())
                .condition(new OperatorMonthMetrics.Condition(m.faultyBikes.size(), m.faultyHandledBikes.size(),
                        m.faultyHandledWithinDeadline, m.faultyMinutesToHandle))
                .dataFeed(new OperatorMonthMetrics.DataFeed(m.bikesWithinReportInterval(), m.recordsReceived,
                        m.lateRecords, 0, m.invalidRecords, m.feedGaps, m.feedGapMinutes))
                .build();
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
            Month km = of(operator, kafkaTs);
            km.recordsReceived++;
            km.invalidRecords++;
            return;
        }
        Month m = of(operator, ts);
        m.recordsReceived++;
        if (kafkaTs - ts > lateAfterMs) {
            m.lateRecords++;
        }
        m.bikes.add(bikeId);
        m.bikesByDay.computeIfAbsent(day(ts), d -> new HashSet<>()).add(bikeId);
        if (faulty) {
            m.faultyBikes.add(bikeId);
        }
        dataMinutes.computeIfAbsent(operator, o -> new TreeSet<>()).add(minute(ts));

        BikeLine b = lines.computeIfAbsent(operator + '\u0000' + bikeId, k -> new BikeLine());
        boolean stationary = !riding;
        if (b.hasReport && ts - b.lastTs > (b.lastRiding ? ridingIntervalMs : parkedIntervalMs)) {
            m.reportGapBikes.add(bikeId);
        }
        boolean changed = !b.hasReport || riding != b.lastRiding || faulty != b.lastFaulty;

        // Zombie: standing without any change since lastChange.
        if (b.hasReport && b.standing && !b.zombieOpen && reached(ts, b.lastChange + zombieMs, changed)) {
            b.zombieOpen = true;
            opened(operator, "zombie");
            of(operator, b.lastChange + zombieMs).zombieBikes.add(bikeId);
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
                Month rm = of(operator, ts);
                if (place.inArea()) {
                    rm.rideEndsInArea++;
                    if (place.parkingFence() != null) {
                        rm.rideEndsInFence++;
                    }
                }
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
                Month om = of(operator, openedAt);
                if (monthOf(openedAt).equals(monthOf(ts))) {
                    om.noParkClosed++;
                    om.noParkMinutesOpen += open / MINUTE;
                    if (open <= clearDeadlineMs) {
                        om.noParkClosedWithinDeadline++;
                    }
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
        of(operator, b.zoneSince + graceMs).noParkOpened++;
    }

    private void outOfArea(String operator, String bikeId, BikeLine b, long ts, boolean outside) {
        if (b.outSince >= 0 && !b.outOpen && reached(ts, b.outSince + outOfAreaMs, !outside)) {
            b.outOpen = true;
            opened(operator, "out_of_area");
            of(operator, b.outSince + outOfAreaMs).outOfAreaBikes.add(bikeId);
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
            long took = ts - b.faultySince;
            Month m = of(operator, ts);
            m.faultyBikes.add(bikeId);
            if (m.faultyHandledBikes.add(bikeId)) {
                m.faultyMinutesToHandle += took / MINUTE;
                if (took <= faultyDeadlineMs) {
                    m.faultyHandledWithinDeadline++;
                }
            }
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
        Month m = of(operator, from);
        m.pileEvents++;
        if (until >= 0 && monthOf(until).equals(monthOf(from))) {
            m.pilesCleared++;
            m.pileMinutesToClear += duration / MINUTE;
            if (duration <= pileDeadlineMs) {
                m.pilesClearedWithinDeadline++;
            }
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
        for (Map<YearMonth, Month> byMonth : months.values()) {
            for (Month m : byMonth.values()) {
                m.peakStanding = 0;
                m.feedGaps = 0;
                m.feedGapMinutes = 0;
            }
        }
        standingDeltaByMinute.forEach((operator, deltas) -> {
            long standing = 0;
            for (Map.Entry<Long, Long> e : deltas.entrySet()) {
                standing += e.getValue();
                Month m = of(operator, e.getKey());
                m.peakStanding = Math.max(m.peakStanding, standing);
            }
        });
        dataMinutes.forEach((operator, minutes) -> {
            Long last = null;
            for (long minute : minutes) {
                if (last != null) {
                    long silent = minute - last - MINUTE;
                    if (silent >= gapMs) {
                        Month m = of(operator, minute);
                        m.feedGaps++;
                        m.feedGapMinutes += silent / MINUTE;
                    }
                }
                last = minute;
            }
        });
        settled = true;
    }

    private Month of(String operator, long ts) {
        return months.computeIfAbsent(operator, o -> new TreeMap<>()).computeIfAbsent(monthOf(ts), k -> new Month());
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
