package org.bikefence.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.bikefence.bike.TrackerSettings;
import org.bikefence.geofence.Schedule;
import org.bikefence.model.BikePosition;
import org.bikefence.model.BikeState;
import org.bikefence.model.ClassifiedPosition;
import org.bikefence.model.ViolationEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link BikeTracker} batches each bike's reports per watermark; {@link PerReportTimersTracker} is the tracker it
 * replaced, with one timer per report. For the same input, with watermarks at random points, reports out of order
 * within the bound, late reports, bikes that go silent past the expiry horizon and come back, and (for the batching
 * tracker only) checkpoints and restores at random points on RocksDB or the heap, both must give the same records on
 * every output, with the same timestamps.
 */
class BikeTrackerEquivalenceTest {
    private static final long MIN = 60_000L;
    private static final long DAY = 24 * 60 * MIN;
    private static final long START = Instant.parse("2026-10-25T00:00:00Z").toEpochMilli();
    private static final long BOUND = 5 * MIN;
    private static final ZoneId XIAMEN = ZoneId.of("Asia/Shanghai");
    private static final TrackerSettings SETTINGS = TrackerSettings.defaults(Duration.ofMinutes(10));
    private static final String[] ZONES = {null, null, null, "NP-01", "NP-02"};
    private static final String[] PARKING = {null, "P-1", "P-2"};
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A scheduled no-park zone, as it is classified before and after its fence set is replaced. */
    private static final String SCHEDULED_ZONE = "NP-S";
    private static final long SET_REPLACED_AT = START + 3 * DAY + 8 * 60 * MIN + 30 * MIN;
    private static final Schedule[] SCHEDULES = {
        Schedule.of(XIAMEN, List.of(window(8, 10), window(22, 2))),
        Schedule.of(XIAMEN, List.of(window(8, 9), window(21, 3)))};

    /** One input: the records in arrival order, each followed by the watermark then sent (or none). */
    private record Step(ClassifiedPosition report, long watermarkAfter, boolean checkpointAfter) {}

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void batchingGivesWhatOneTimerPerReportGives(long seed) throws Exception {
        List<Step> input = input(new Random(seed), 12 + (int) seed * 3);
        List<String> reference = run(input, () -> new KeyedProcessOperator<>(
                new PerReportTimersTracker(SETTINGS, XIAMEN)), false, false);
        List<String> batching = run(input, () -> new BikeTracker(SETTINGS, XIAMEN), true, seed % 2 == 0);
        assertThat(reference).as("the reference produced output").hasSizeGreaterThan(100);
        List<String> missing = minus(reference, batching);
        List<String> extra = minus(batching, reference);
        assertThat(missing).as("records of the reference the batching tracker did not give (of %d)", reference.size())
                .isEmpty();
        assertThat(extra).as("records the batching tracker gave and the reference did not").isEmpty();
    }

    /** With room for two tracks on the heap, the idle ones are written back at almost every watermark. */
    @ParameterizedTest
    @ValueSource(longs = {31, 32, 33, 34})
    void withAlmostNoTracksHeldToo(long seed) throws Exception {
        List<Step> input = input(new Random(seed), 12 + (int) (seed % 4) * 3);
        List<String> reference = run(input, () -> new KeyedProcessOperator<>(
                new PerReportTimersTracker(SETTINGS, XIAMEN)), false, false);
        List<String> batching = run(input, () -> new BikeTracker(SETTINGS, XIAMEN).maxHeldTracks(2), true,
                seed % 2 == 0);
        assertThat(reference).as("the reference produced output").hasSizeGreaterThan(100);
        assertThat(minus(reference, batching)).as("missing of %d", reference.size()).isEmpty();
        assertThat(minus(batching, reference)).as("extra").isEmpty();
    }

    /** The records of {@code a} that {@code b} does not hold, as multisets; at most 10. */
    private static List<String> minus(List<String> a, List<String> b) {
        java.util.Map<String, Integer> left = new java.util.HashMap<>();
        for (String s : b) {
            left.merge(s, 1, Integer::sum);
        }
        List<String> out = new ArrayList<>();
        for (String s : a) {
            if (left.merge(s, -1, Integer::sum) < 0 && out.size() < 10) {
                out.add(s);
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13})
    void withTheWatermarkOnlyAtTheEndToo(long seed) throws Exception {
        List<Step> input = new ArrayList<>();
        for (Step s : input(new Random(seed), 15)) {
            input.add(new Step(s.report(), Long.MIN_VALUE, false));
        }
        List<String> reference = run(input, () -> new KeyedProcessOperator<>(
                new PerReportTimersTracker(SETTINGS, XIAMEN)), false, false);
        List<String> batching = run(input, () -> new BikeTracker(SETTINGS, XIAMEN), false, false);
        assertThat(minus(reference, batching)).as("missing of %d", reference.size()).isEmpty();
        assertThat(minus(batching, reference)).as("extra").isEmpty();
    }

    @ParameterizedTest
    @ValueSource(longs = {21, 22, 23, 24})
    void withScheduledZonesSwitchingWhileBikesStandToo(long seed) throws Exception {
        List<Step> input = input(new Random(seed), 12 + (int) (seed % 4) * 3, new Random(seed * 7919));
        List<String> reference = run(input, () -> new KeyedProcessOperator<>(
                new PerReportTimersTracker(SETTINGS, XIAMEN)), false, false);
        List<String> batching = run(input, () -> new BikeTracker(SETTINGS, XIAMEN), true, seed % 2 == 0);
        assertThat(reference).as("windows closed violations").anyMatch(r -> r.startsWith("main ")
                && r.contains("\"CLOSED\"") && r.contains(SCHEDULED_ZONE));
        assertThat(reference).as("a window opened a violation of a bike that did not report").anyMatch(
                BikeTrackerEquivalenceTest::openedAtAWindowStart);
        assertThat(minus(reference, batching)).as("missing of %d", reference.size()).isEmpty();
        assertThat(minus(batching, reference)).as("extra").isEmpty();
    }

    /** A violation of the scheduled zone counted from one of its windows' starts. */
    private static boolean openedAtAWindowStart(String record) {
        if (!record.startsWith("main ") || !record.contains(SCHEDULED_ZONE)) {
            return false;
        }
        try {
            var v = JSON.readTree(record.substring(5, record.lastIndexOf('@')));
            LocalTime since = Instant.ofEpochMilli(v.get("parkedSince").asLong()).atZone(XIAMEN).toLocalTime();
            return since.getSecond() == 0 && since.getMinute() == 0 && Set.of(8, 21, 22).contains(since.getHour())
                    && v.get("openedAt").asLong() == v.get("parkedSince").asLong() + 10 * MIN;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theInputCoversWhatTheTrackerDecides() throws Exception {
        List<Step> input = input(new Random(1), 15);
        List<String> out = run(input, () -> new BikeTracker(SETTINGS, XIAMEN), true, true);
        assertThat(out).anyMatch(s -> s.startsWith("main ") && s.contains("\"ZOMBIE\""));
        assertThat(out).anyMatch(s -> s.startsWith("main ") && s.contains("\"NO_PARK\""));
        assertThat(out).anyMatch(s -> s.startsWith("late-positions "));
        assertThat(out).anyMatch(s -> s.startsWith("out-of-order "));
        assertThat(out).anyMatch(s -> s.startsWith("bike-facts ") && s.contains("REPORT_GAP"));
        assertThat(out).as("a zombie of a forgotten track leaves the now view")
                .anyMatch(s -> s.startsWith("untracked-violations ") && s.contains("\"ZOMBIE\""));
    }

    /**
     * Bikes report every 20 s to 40 min, now and then fall silent for 2 to 12 days (past the 8-day horizon), move,
     * park in no-park zones, go faulty; each report arrives up to the bound late, and one in 40 behind the watermark.
     */
    private static List<Step> input(Random r, int bikes) {
        return input(r, bikes, null);
    }

    private static Schedule.Window window(int startHour, int endHour) {
        return Schedule.Window.of(EnumSet.allOf(DayOfWeek.class), LocalTime.of(startHour, 0), LocalTime.of(endHour, 0));
    }

    /**
     * What classification says of a report inside the scheduled zone: the zone when in force, and its period (the
     * schedule changes when the fence set is replaced, at {@link #SET_REPLACED_AT}).
     */
    private static void inScheduledZone(ClassifiedPosition p) {
        Schedule s = SCHEDULES[p.ts < SET_REPLACED_AT ? 0 : 1];
        Schedule.Period period = s.periodAtOrAfter(p.ts);
        p.noParkFenceId = period.contains(p.ts) ? SCHEDULED_ZONE : null;
        p.scheduledFenceId = SCHEDULED_ZONE;
        p.scheduledFrom = period.start();
        p.scheduledUntil = period.end();
        p.fenceSetVersion = p.ts < SET_REPLACED_AT ? "v1" : "v2";
    }

    /**
     * The input of {@link #input(Random, int)}; with {@code scheduled} (a second generator, so the other tests'
     * inputs stay as they were) bikes also stand in a scheduled zone now and then, and fall silent for hours.
     */
    private static List<Step> input(Random r, int bikes, Random scheduled) {
        List<ClassifiedPosition> all = new ArrayList<>();
        for (int b = 0; b < bikes; b++) {
            String operator = "op" + (b % 3);
            long ts = START + r.nextInt(60) * MIN;
            double lat = 24.48;
            double lng = 118.10;
            BikeState state = BikeState.PARKED;
            String zone = null;
            String parking = null;
            boolean inScheduled = false;
            int reports = 40 + r.nextInt(80);
            for (int i = 0; i < reports; i++) {
                int roll = r.nextInt(100);
                if (roll < 3) {
                    ts += (2 + r.nextInt(11)) * DAY;
                } else if (roll < 30) {
                    ts += (1 + r.nextInt(40)) * MIN;
                } else {
                    ts += (20 + r.nextInt(300)) * 1000L;
                }
                if (scheduled != null && scheduled.nextInt(15) == 0) {
                    ts += (1 + scheduled.nextInt(360)) * MIN;
                }
                int change = r.nextInt(10);
                if (change < 3) {
                    state = r.nextInt(10) == 0 ? BikeState.FAULTY
                            : r.nextBoolean() ? BikeState.RIDING : BikeState.PARKED;
                    zone = ZONES[r.nextInt(ZONES.length)];
                    parking = PARKING[r.nextInt(PARKING.length)];
                    inScheduled = scheduled != null && scheduled.nextInt(3) == 0;
                }
                if (state == BikeState.RIDING || change == 9) {
                    lat += (r.nextDouble() - 0.5) * 0.01;
                    lng += (r.nextDouble() - 0.5) * 0.01;
                }
                ClassifiedPosition p = new ClassifiedPosition(
                        new BikePosition(operator, "b" + b, ts, lat, lng, state), zone, parking,
                        r.nextInt(15) != 0, "v1");
                p.h3Cell = 600_000_000_000_000_000L + b;
                p.parkingCapacity = parking == null ? 0 : 5;
                if (inScheduled) {
                    inScheduledZone(p);
                }
                all.add(p);
                if (r.nextInt(25) == 0) {
                    // The same time twice: applied in arrival order.
                    ClassifiedPosition twin = new ClassifiedPosition(
                            new BikePosition(operator, "b" + b, ts, lat, lng, BikeState.PARKED), zone, parking,
                            true, "v1");
                    if (inScheduled) {
                        inScheduledZone(twin);
                    }
                    all.add(twin);
                }
            }
        }
        // Arrival: by time plus a random delay within the bound, so reports overtake each other.
        List<long[]> order = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            order.add(new long[] {all.get(i).ts + (long) (r.nextDouble() * BOUND), i});
        }
        order.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        List<Step> steps = new ArrayList<>();
        long maxArrival = Long.MIN_VALUE;
        long watermark = Long.MIN_VALUE;
        for (long[] o : order) {
            ClassifiedPosition p = all.get((int) o[1]);
            if (r.nextInt(40) == 0 && watermark > START) {
                // Late: behind the watermark.
                ClassifiedPosition late = new ClassifiedPosition(new BikePosition(p.operator, p.bikeId,
                        watermark - r.nextInt(30) * MIN, p.lat, p.lng, p.state), p.noParkFenceId, p.parkingFenceId,
                        p.inOperatingArea, "v1");
                if (p.scheduledFenceId != null) {
                    inScheduledZone(late);
                }
                steps.add(new Step(late, Long.MIN_VALUE, false));
            }
            maxArrival = Math.max(maxArrival, o[0]);
            long wm = Long.MIN_VALUE;
            if (r.nextInt(4) == 0 && maxArrival - BOUND - 1 > watermark) {
                watermark = maxArrival - BOUND - 1;
                wm = watermark;
            }
            steps.add(new Step(p, wm, r.nextInt(250) == 0));
        }
        return steps;
    }

    /** Runs the input through a fresh operator and returns every output record as "tag json@timestamp". */
    private static List<String> run(List<Step> input,
            Supplier<OneInputStreamOperator<ClassifiedPosition, ViolationEvent>> operator, boolean checkpoints,
            boolean rocksDb) throws Exception {
        List<String> out = new ArrayList<>();
        KeyedOneInputStreamOperatorTestHarness<String, ClassifiedPosition, ViolationEvent> h =
                open(operator, rocksDb, null);
        long checkpoint = 0;
        long watermark = Long.MIN_VALUE;
        for (Step s : input) {
            h.processElement(new StreamRecord<>(s.report(), s.report().ts));
            if (s.watermarkAfter() != Long.MIN_VALUE) {
                watermark = s.watermarkAfter();
                h.processWatermark(new Watermark(watermark));
            }
            if (checkpoints && s.checkpointAfter()) {
                checkpoint++;
                h.prepareSnapshotPreBarrier(checkpoint);
                OperatorSubtaskState snapshot = h.snapshot(checkpoint, checkpoint);
                drain(h, out);
                h.close();
                h = open(operator, rocksDb, snapshot);
                // A restored job starts without a watermark; the reference never restores, so the restored
                // operator gets the watermark again before the next record, or it would take late reports in.
                if (watermark != Long.MIN_VALUE) {
                    h.processWatermark(new Watermark(watermark));
                }
            }
        }
        h.processWatermark(Watermark.MAX_WATERMARK);
        drain(h, out);
        h.close();
        return out;
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, ClassifiedPosition, ViolationEvent> open(
            Supplier<OneInputStreamOperator<ClassifiedPosition, ViolationEvent>> operator, boolean rocksDb,
            OperatorSubtaskState restore) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, ClassifiedPosition, ViolationEvent> h =
                new KeyedOneInputStreamOperatorTestHarness<>(operator.get(), BikeTracker::bikeKey, Types.STRING);
        if (rocksDb) {
            h.setStateBackend(new EmbeddedRocksDBStateBackend());
        }
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    private static void drain(KeyedOneInputStreamOperatorTestHarness<String, ClassifiedPosition, ViolationEvent> h,
            List<String> out) throws Exception {
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                out.add("main " + JSON.writeValueAsString(r.getValue()) + "@" + r.getTimestamp());
            }
        }
        List<OutputTag<?>> tags = List.of(BikeTracker.LATE_POSITIONS, BikeTracker.FACTS, BikeTracker.OUT_OF_ORDER,
                BikeTracker.SIGNALS, BikeTracker.UNTRACKED);
        for (OutputTag<?> tag : tags) {
            @SuppressWarnings("unchecked")
            ConcurrentLinkedQueue<StreamRecord<Object>> side =
                    (ConcurrentLinkedQueue<StreamRecord<Object>>) (ConcurrentLinkedQueue<?>) h.getSideOutput(tag);
            if (side != null) {
                for (StreamRecord<Object> r : side) {
                    out.add(tag.getId() + " " + JSON.writeValueAsString(r.getValue()) + "@" + r.getTimestamp());
                }
            }
        }
        Collections.sort(out);
    }
}
