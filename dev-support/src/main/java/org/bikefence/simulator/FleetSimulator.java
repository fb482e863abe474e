package org.bikefence.simulator;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.bikefence.geofence.Fence;
import org.bikefence.geofence.FenceGeometry;
import org.bikefence.geofence.FenceIndex;
import org.bikefence.geofence.FenceKind;
import org.bikefence.geofence.FenceSet;
import org.bikefence.geofence.crs.ChinaDatums;
import org.bikefence.rules.RuleSet;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.Location;
import org.locationtech.jts.algorithm.locate.SimplePointInAreaLocator;

/**
 * A deterministic simulated fleet: bikes of several operators ride, park in fences, in no-park zones or
 * in the street, get cleared, break, and report positions on the contract's JSON format, with a few
 * deliberately bad records. The same seed and settings give the same records.
 *
 * <p>It is event-driven over simulated time, so it can run faster than real time and be paced by the
 * caller ({@link #advanceTo(long, java.util.function.Consumer)}).
 *
 * <p>Each operator's {@link Switches} add scripted bikes (zombies, long-faulty bikes, no-park stays,
 * out-of-area parking, piles, silent bikes) and late or bad records; with every switch off the records are
 * exactly the demo's for the same seed. Scripted bikes and the switches draw from their own random stream,
 * so the ordinary fleet's records do not change when a switch is turned on. With a rule set given
 * ({@link #recordGroundTruth(RuleSet)}) the simulator keeps a {@link GroundTruth} of everything it sends.
 */
public final class FleetSimulator {
    static final long MIN = 60_000L;
    private static final long RIDING_REPORT_MS = 30_000L;
    private static final long PARKED_REPORT_MS = 5 * MIN;
    private static final double MEAN_IDLE_MINUTES = 90;
    /** Scripted behaviours take place within this many hours from the start. */
    static final int SCRIPTS_HOURS = 20;

    private final FenceIndex index;
    private final List<Fence> parking;
    private final List<Fence> noPark;
    private final Geometry area;
    private final SimplePointInAreaLocator areaLocator;
    private final Random rnd;
    /** For scripted bikes and switches only, so that the ordinary fleet's draws stay the same. */
    private final Random srnd;
    private final double badShare;
    private final long startMs;
    private final long historyStartMs;
    private final List<long[]> pilePeriods = new ArrayList<>();
    private final List<String> pileOperators = new ArrayList<>();
    private GroundTruth truth;
    private boolean finished;
    private final PriorityQueue<Bike> queue = new PriorityQueue<>((a, b) -> {
        int c = Long.compare(a.nextAt, b.nextAt);
        return c != 0 ? c : a.id.compareTo(b.id);
    });
    private long produced;
    private long producedBad;

    /**
     * @param bikes total bikes, split evenly between the operators
     * @param badPerMille how many records in a thousand are made invalid on purpose
     */
    public FleetSimulator(FenceSet fences, List<OperatorProfile> operators, int bikes, long startMs, long seed,
            double badPerMille) {
        this.index = FenceIndex.build(fences);
        this.parking = fences.ofKind(FenceKind.PARKING);
        this.noPark = fences.ofKind(FenceKind.NO_PARK);
        List<Fence> areas = fences.ofKind(FenceKind.OPERATING_AREA);
        if (areas.isEmpty() || parking.isEmpty() || noPark.isEmpty()) {
            throw new IllegalArgumentException("the simulator needs an operating area, parking fences and no-park "
                    + "zones; fence set " + fences.version() + " lacks one of them");
        }
        this.area = areas.get(0).geometry();
        this.areaLocator = new SimplePointInAreaLocator(area);
        this.rnd = new Random(seed);
        this.badShare = badPerMille / 1000.0;
        this.srnd = new Random(seed ^ 0x5DEECE66DL);
        this.startMs = startMs;
        int n = operators.size();
        int[] target = new int[n];
        for (int k = 0; k < n; k++) {
            int own = operators.get(k).switches.fleetSize;
            target[k] = own > 0 ? own : bikes / n + (k < bikes % n ? 1 : 0);
        }
        // Round robin over the operators, as the demo always created its fleet: with no fleet size switched
        // on this is bike i -> operator i % n, number i / n + 1, with the same draws.
        int[] created = new int[n];
        boolean more = true;
        while (more) {
            more = false;
            for (int k = 0; k < n; k++) {
                if (created[k] >= target[k]) {
                    continue;
                }
                OperatorProfile op = operators.get(k);
                Bike b = new Bike(op, String.format(Locale.ROOT, "%s-%05d", op.idPrefix, ++created[k]), rnd);
                double[] at = endOfRide(op);
                b.lat = at[0];
                b.lng = at[1];
                b.state = Bike.State.PARKED;
                b.place = placeOf(b.lat, b.lng);
                // Spread first reports over the first parked-report interval so the start is not one burst.
                b.nextAt = startMs + (long) (rnd.nextDouble() * PARKED_REPORT_MS);
                b.nextTripAt = startMs + idleMs();
                queue.add(b);
                more = more || created[k] < target[k];
            }
        }
        long history = 0;
        for (int k = 0; k < n; k++) {
            history = Math.max(history, operators.get(k).switches.historyMs());
            script(operators.get(k), k);
        }
        this.historyStartMs = startMs - history;
    }

    /**
     * Keeps a {@link GroundTruth} of every record from now on, with the rule set's thresholds. Call it before
     * the first {@link #advanceTo}.
     */
    public FleetSimulator recordGroundTruth(RuleSet rules) {
        if (produced > 0) {
            throw new IllegalStateException("ground truth must be recorded from the first record on");
        }
        this.truth = new GroundTruth(rules);
        for (int i = 0; i < pilePeriods.size(); i++) {
            truth.pile(pileOperators.get(i), pilePeriods.get(i)[0], pilePeriods.get(i)[1]);
        }
        return this;
    }

    /** What the simulator sent so far; null unless {@link #recordGroundTruth(RuleSet)} was called. */
    public GroundTruth groundTruth() {
        return truth;
    }

    /** The first event time the simulator produces: before the start when switches need history (zombies). */
    public long historyStartMs() {
        return historyStartMs;
    }

    /** The earliest end of simulation ({@link #finish}) that lets every scripted behaviour run its course. */
    public long scriptsEndMs() {
        return startMs + SCRIPTS_HOURS * 60 * MIN;
    }

    public long produced() {
        return produced;
    }

    public long producedBad() {
        return producedBad;
    }

    /** Emits, in event-time order, every record due up to and including {@code simTimeMs}. */
    public void advanceTo(long simTimeMs, java.util.function.Consumer<SimRecord> out) {
        if (finished) {
            throw new IllegalStateException("the simulation has finished");
        }
        while (!queue.isEmpty() && queue.peek().nextAt <= simTimeMs) {
            Bike b = queue.poll();
            if (b.plan != null) {
                stepScripted(b, out);
            } else {
                step(b, out);
            }
            queue.add(b);
        }
    }

    /**
     * Ends the simulation as {@link #finish} does and sends every record to {@code topic}: keyed by bike (so a
     * bike stays in one partition) and stamped with its Kafka timestamp. Returns how many were sent, once the
     * producer has acknowledged every one; a failed send fails the call.
     */
    public long finishInto(Producer<byte[], byte[]> producer, String topic, long endMs) {
        AtomicReference<Exception> failed = new AtomicReference<>();
        long[] sent = {0};
        finish(endMs, r -> {
            sent[0]++;
            producer.send(new ProducerRecord<>(topic, null, r.kafkaTs, r.key.getBytes(StandardCharsets.UTF_8),
                    r.value.getBytes(StandardCharsets.UTF_8)), (metadata, e) -> {
                        if (e != null) {
                            failed.compareAndSet(null, e);
                        }
                    });
        });
        producer.flush();
        if (failed.get() != null) {
            throw new IllegalStateException("sending the simulated records to " + topic + " failed: "
                    + failed.get().getMessage(), failed.get());
        }
        return sent[0];
    }

    /**
     * Ends the simulation at {@code endMs}: every record due before it, then one last valid report of every
     * bike at {@code endMs} (where it is, in its state), so that each bike's reports show how long its last
     * condition lasted, as they would in a replay. No record follows.
     */
    public void finish(long endMs, java.util.function.Consumer<SimRecord> out) {
        boolean scripted = queue.stream().anyMatch(b -> b.plan != null);
        if (scripted && endMs < scriptsEndMs()) {
            throw new IllegalArgumentException("switched-on behaviours need the simulation to run until "
                    + java.time.Instant.ofEpochMilli(scriptsEndMs()) + " (start + " + SCRIPTS_HOURS + " h)");
        }
        advanceTo(endMs - 1, out);
        List<Bike> all = new ArrayList<>(queue);
        all.sort(Comparator.comparing(b -> b.id));
        for (Bike b : all) {
            if (b.state == Bike.State.RIDING) {
                double f = Math.min(1.0, (double) (endMs - b.tripStart) / (b.tripEnd - b.tripStart));
                b.lat = b.fromLat + (b.toLat - b.fromLat) * f;
                b.lng = b.fromLng + (b.toLng - b.fromLng) * f;
            }
            emit(b, endMs, out, false);
        }
        finished = true;
    }

    /** For tests: all records up to {@code untilMs}, then the last report of every bike at {@code untilMs}. */
    public List<SimRecord> runAndFinish(long untilMs) {
        List<SimRecord> out = new ArrayList<>();
        finish(untilMs, out::add);
        return out;
    }

    private void step(Bike b, java.util.function.Consumer<SimRecord> out) {
        long now = b.nextAt;
        switch (b.state) {
            case PARKED:
            case FAULTY:
                if (now >= b.nextTripAt && b.state == Bike.State.PARKED) {
                    startTrip(b, now, endOfRide(b.op));
                    emit(b, now, out);
                    b.nextAt = now + RIDING_REPORT_MS;
                } else if (b.state == Bike.State.FAULTY && now >= b.repairAt) {
                    // The crew repairs it on the spot.
                    b.state = Bike.State.PARKED;
                    emit(b, now, out);
                    b.nextAt = now + PARKED_REPORT_MS;
                } else if (b.clearAt > 0 && now >= b.clearAt) {
                    b.clearAt = 0;
                    // Rebalancing: the crew takes it to a parking fence.
                    startTrip(b, now, FenceGeometry.randomPointInside(pick(parking), rnd));
                    emit(b, now, out);
                    b.nextAt = now + RIDING_REPORT_MS;
                } else {
                    emit(b, now, out);
                    b.nextAt = Math.min(now + PARKED_REPORT_MS, nextDecision(b));
                }
                break;
            case RIDING:
                double f = Math.min(1.0, (double) (now - b.tripStart) / (b.tripEnd - b.tripStart));
                b.lat = b.fromLat + (b.toLat - b.fromLat) * f;
                b.lng = b.fromLng + (b.toLng - b.fromLng) * f;
                if (f >= 1.0) {
                    park(b, now);
                    emit(b, now, out);
                    b.nextAt = Math.min(now + PARKED_REPORT_MS, nextDecision(b));
                } else {
                    emit(b, now, out);
                    b.nextAt = Math.min(now + RIDING_REPORT_MS, b.tripEnd);
                }
                break;
            default:
                throw new IllegalStateException(b.state.toString());
        }
    }

    /** A scripted bike: stands through its plan's stays, riding from one place to the next between them. */
    private void stepScripted(Bike b, java.util.function.Consumer<SimRecord> out) {
        long now = b.nextAt;
        Stay stay = b.plan.get(b.planAt);
        if (b.state == Bike.State.RIDING) {
            double f = Math.min(1.0, (double) (now - b.tripStart) / (b.tripEnd - b.tripStart));
            b.lat = b.fromLat + (b.toLat - b.fromLat) * f;
            b.lng = b.fromLng + (b.toLng - b.fromLng) * f;
            if (now >= b.tripEnd) {
                arrive(b, b.plan.get(++b.planAt));
                emit(b, now, out);
                stay = b.plan.get(b.planAt);
                b.nextAt = Math.min(now + stay.every, stay.until);
            } else {
                emit(b, now, out);
                b.nextAt = Math.min(now + RIDING_REPORT_MS, b.tripEnd);
            }
            return;
        }
        if (now < stay.until) {
            emit(b, now, out);
            b.nextAt = Math.min(now + stay.every, stay.until);
            return;
        }
        Stay next = b.plan.get(b.planAt + 1);
        if (next.from == stay.until && next.lat == stay.lat && next.lng == stay.lng) {
            // A change of state on the spot (a repair).
            b.planAt++;
            b.state = next.state;
            emit(b, now, out);
            b.nextAt = Math.min(now + next.every, next.until);
            return;
        }
        b.state = Bike.State.RIDING;
        b.fromLat = b.lat;
        b.fromLng = b.lng;
        b.toLat = next.lat;
        b.toLng = next.lng;
        b.tripStart = now;
        b.tripEnd = next.from;
        emit(b, now, out);
        b.nextAt = Math.min(now + RIDING_REPORT_MS, b.tripEnd);
    }

    private void arrive(Bike b, Stay stay) {
        b.lat = stay.lat;
        b.lng = stay.lng;
        b.state = stay.state;
        b.place = placeOf(b.lat, b.lng);
    }

    private long nextDecision(Bike b) {
        long t = Long.MAX_VALUE;
        if (b.state == Bike.State.PARKED) {
            t = b.nextTripAt;
        }
        if (b.state == Bike.State.FAULTY) {
            t = b.repairAt;
        }
        if (b.clearAt > 0) {
            t = Math.min(t, b.clearAt);
        }
        return t;
    }

    private void startTrip(Bike b, long now, double[] to) {
        b.state = Bike.State.RIDING;
        b.fromLat = b.lat;
        b.fromLng = b.lng;
        b.toLat = to[0];
        b.toLng = to[1];
        b.tripStart = now;
        b.tripEnd = now + (4 + rnd.nextInt(12)) * MIN;
    }

    private void park(Bike b, long now) {
        b.lat = b.toLat;
        b.lng = b.toLng;
        boolean inNoPark = !index.covering(b.lat, b.lng, FenceKind.NO_PARK).isEmpty();
        b.clearAt = inNoPark
                ? now + (b.op.clearMinMinutes + rnd.nextInt(b.op.clearMaxMinutes - b.op.clearMinMinutes + 1)) * MIN
                : 0;
        if (rnd.nextDouble() < b.op.faultyShare) {
            b.state = Bike.State.FAULTY;
            b.repairAt = now + (60 + rnd.nextInt(240)) * MIN;
        } else {
            b.state = Bike.State.PARKED;
        }
        b.nextTripAt = now + idleMs();
        b.place = placeOf(b.lat, b.lng);
    }

    private long idleMs() {
        return (long) (-Math.log(1 - rnd.nextDouble()) * MEAN_IDLE_MINUTES * MIN);
    }

    private double[] endOfRide(OperatorProfile op) {
        double u = rnd.nextDouble();
        if (u < op.parkInFence) {
            return FenceGeometry.randomPointInside(pick(parking), rnd);
        }
        if (u < op.parkInFence + op.parkInNoPark) {
            return FenceGeometry.randomPointInside(pick(noPark), rnd);
        }
        return FenceGeometry.randomPointOutside(index, area, FenceKind.NO_PARK, rnd);
    }

    private Fence pick(List<Fence> fences) {
        return fences.get(rnd.nextInt(fences.size()));
    }

    /** Where a standing bike at this point is: the simulator chose the point, the fences say what it is in. */
    private GroundTruth.Place placeOf(double lat, double lng) {
        List<Fence> zones = index.covering(lat, lng, FenceKind.NO_PARK);
        List<Fence> fences = index.covering(lat, lng, FenceKind.PARKING);
        return new GroundTruth.Place(zones.isEmpty() ? null : zones.get(0).id(),
                fences.isEmpty() ? null : fences.get(0).id(),
                areaLocator.locate(new Coordinate(lng, lat)) != Location.EXTERIOR);
    }

    private void emit(Bike b, long ts, java.util.function.Consumer<SimRecord> out) {
        emit(b, ts, out, true);
    }

    private void emit(Bike b, long ts, java.util.function.Consumer<SimRecord> out, boolean mayGoWrong) {
        produced++;
        double lat = b.lat;
        double lng = b.lng;
        if ("GCJ02".equals(b.op.crs)) {
            double[] g = ChinaDatums.wgs84ToGcj02(lat, lng);
            lat = g[0];
            lng = g[1];
        }
        String state = b.state.name().toLowerCase(Locale.ROOT);
        String crs = "WGS84".equals(b.op.crs) ? "" : ",\"crs\":\"" + b.op.crs + "\"";
        double bad = Double.isNaN(b.op.switches.badPerMille) ? badShare : b.op.switches.badPerMille / 1000.0;
        boolean isBad = mayGoWrong && bad > 0 && b.rnd.nextDouble() < bad;
        String value = isBad ? badRecord(b, ts, lat, lng, state) : String.format(Locale.ROOT,
                "{\"operator\":\"%s\",\"bikeId\":\"%s\",\"ts\":%d,\"lat\":%.7f,\"lng\":%.7f,\"state\":\"%s\"%s}",
                b.op.name, b.id, ts, lat, lng, state, crs);
        long delay = 0;
        double late = b.op.switches.latePerMille / 1000.0;
        if (mayGoWrong && late > 0 && srnd.nextDouble() < late) {
            delay = (Switches.LATE_MIN_MINUTES * 60L
                    + srnd.nextInt((Switches.LATE_MAX_MINUTES - Switches.LATE_MIN_MINUTES) * 60 + 1)) * 1000L;
        }
        if (isBad) {
            producedBad++;
        }
        if (truth != null) {
            truth.record(b.op.name, b.id, ts, ts + delay, !isBad, b.state == Bike.State.RIDING,
                    b.state == Bike.State.FAULTY, b.place == null ? GroundTruth.Place.NOWHERE : b.place);
        }
        out.accept(new SimRecord(b.id, value, ts, ts + delay, isBad));
    }

    /** The kinds of broken record real feeds send: truncated JSON, a missing field, swapped-out values. */
    private String badRecord(Bike b, long ts, double lat, double lng, String state) {
        switch (b.rnd.nextInt(4)) {
            case 0:
                return String.format(Locale.ROOT, "{\"operator\":\"%s\",\"bikeId\":\"%s\",\"ts\":%d,\"lat\":%.7f",
                        b.op.name, b.id, ts, lat);
            case 1:
                return String.format(Locale.ROOT, "{\"operator\":\"%s\",\"bikeId\":\"%s\",\"ts\":%d,\"lng\":%.7f,"
                        + "\"state\":\"%s\"}", b.op.name, b.id, ts, lng, state);
            case 2:
                return String.format(Locale.ROOT, "{\"operator\":\"%s\",\"bikeId\":\"%s\",\"ts\":%d,\"lat\":%.7f,"
                        + "\"lng\":%.7f,\"state\":\"%s\"}", b.op.name, b.id, ts, lng + 100, lat, state);
            default:
                return String.format(Locale.ROOT, "{\"operator\":\"%s\",\"bikeId\":\"%s\",\"ts\":%d,\"lat\":%.7f,"
                        + "\"lng\":%.7f,\"state\":\"docked\"}", b.op.name, b.id, ts, lat, lng);
        }
    }

    // ---- scripted bikes -------------------------------------------------------------------------------

    /** Adds the scripted bikes of the operator's switches, at times spread so operators do not coincide. */
    private void script(OperatorProfile op, int opIndex) {
        Switches sw = op.switches;
        long s = startMs;
        long hour = 60 * MIN;
        long opShift = opIndex * 17 * 1000L;
        for (int j = 0; j < sw.zombies; j++) {
            double[] at = street();
            scripted(op, "Z", j, List.of(new Stay(at, Bike.State.PARKED,
                    s - Switches.ZOMBIE_DAYS_BEFORE_START * 24 * hour + j * 7 * MIN + opShift, Long.MAX_VALUE,
                    3 * hour)));
        }
        for (int j = 0; j < sw.longFaulty; j++) {
            double[] at = street();
            long broke = s - 30 * hour + j * 13 * MIN + opShift;
            int repairHours = Switches.REPAIR_HOURS.get(j % Switches.REPAIR_HOURS.size());
            scripted(op, "F", j, repairHours == 0
                    ? List.of(new Stay(at, Bike.State.FAULTY, broke, Long.MAX_VALUE, hour))
                    : List.of(new Stay(at, Bike.State.FAULTY, broke, broke + repairHours * hour, hour),
                            new Stay(at, Bike.State.PARKED, broke + repairHours * hour, Long.MAX_VALUE,
                                    PARKED_REPORT_MS)));
        }
        for (int j = 0; j < sw.noParkStays; j++) {
            long t0 = s + hour + (j % 120) * 7 * MIN + opShift;
            int stay = Switches.NO_PARK_STAY_MINUTES.get(j % Switches.NO_PARK_STAY_MINUTES.size());
            long in = t0 + 25 * MIN;
            long out = in + stay * MIN;
            scripted(op, "N", j, List.of(
                    new Stay(inParking(), Bike.State.PARKED, t0, t0 + 20 * MIN, PARKED_REPORT_MS),
                    new Stay(FenceGeometry.randomPointInside(noPark.get(srnd.nextInt(noPark.size())), srnd),
                            Bike.State.PARKED, in, out, PARKED_REPORT_MS),
                    new Stay(inParking(), Bike.State.PARKED, out + 6 * MIN, Long.MAX_VALUE, PARKED_REPORT_MS)));
        }
        for (int j = 0; j < sw.outOfArea; j++) {
            long t0 = s + 90 * MIN + (j % 120) * 7 * MIN + opShift;
            int stay = Switches.OUT_OF_AREA_MINUTES.get(j % Switches.OUT_OF_AREA_MINUTES.size());
            long outAt = t0 + 30 * MIN;
            long back = outAt + stay * MIN;
            scripted(op, "O", j, List.of(
                    new Stay(inParking(), Bike.State.PARKED, t0, t0 + 20 * MIN, PARKED_REPORT_MS),
                    new Stay(outsideArea(), Bike.State.PARKED, outAt, back, PARKED_REPORT_MS),
                    new Stay(inParking(), Bike.State.PARKED, back + 10 * MIN, Long.MAX_VALUE, PARKED_REPORT_MS)));
        }
        for (int i = 0; i < sw.piles; i++) {
            Fence fence = parking.get(srnd.nextInt(parking.size()));
            int capacity = fence.capacity().orElse(10);
            int bikes = capacity + Switches.PILE_EXTRA_BIKES;
            long arrive = s + 3 * hour + (i % 4) * 4 * hour + opShift;
            long minutes = Switches.PILE_MINUTES.get(i % Switches.PILE_MINUTES.size());
            long step = 15_000L;
            for (int j = 0; j < bikes; j++) {
                long in = arrive + j * step;
                long leave = arrive + minutes * MIN + j * step;
                scripted(op, "P" + (char) ('a' + i % 26), j, List.of(
                        new Stay(street(), Bike.State.PARKED, in - 2 * hour, in - 8 * MIN, 30 * MIN),
                        new Stay(FenceGeometry.randomPointInside(fence, srnd), Bike.State.PARKED, in, leave,
                                10 * MIN),
                        new Stay(street(), Bike.State.PARKED, leave + 6 * MIN, Long.MAX_VALUE, 30 * MIN)));
            }
            // Over capacity from the first bike above it arriving until the pile is back at capacity.
            pileOperators.add(op.name);
            pilePeriods.add(new long[] {arrive + capacity * step,
                    arrive + minutes * MIN + (Switches.PILE_EXTRA_BIKES - 1) * step});
        }
        for (int j = 0; j < sw.silent; j++) {
            scripted(op, "S", j, List.of(new Stay(street(), Bike.State.PARKED, s + j * 3 * MIN + opShift,
                    Long.MAX_VALUE, Switches.SILENT_REPORT_MS)));
        }
    }

    private void scripted(OperatorProfile op, String kind, int j, List<Stay> plan) {
        Bike b = new Bike(op, String.format(Locale.ROOT, "%s-%s%04d", op.idPrefix, kind, j + 1), srnd);
        b.plan = plan;
        arrive(b, plan.get(0));
        b.nextAt = plan.get(0).from;
        queue.add(b);
    }

    private double[] street() {
        return FenceGeometry.randomPointOutside(index, area, FenceKind.NO_PARK, srnd);
    }

    private double[] inParking() {
        return FenceGeometry.randomPointInside(parking.get(srnd.nextInt(parking.size())), srnd);
    }

    /** A point north of the operating area's bounding box: outside the area, a few hundred metres off. */
    private double[] outsideArea() {
        Envelope env = area.getEnvelopeInternal();
        return new double[] {env.getMaxY() + 0.004 + srnd.nextDouble() * 0.002,
                env.getMinX() + (0.25 + srnd.nextDouble() * 0.5) * env.getWidth()};
    }

    /** One standing period of a scripted bike: where, in which state, from when until when, how often it reports. */
    private record Stay(double lat, double lng, Bike.State state, long from, long until, long every) {
        Stay(double[] at, Bike.State state, long from, long until, long every) {
            this(at[0], at[1], state, from, until, every);
        }
    }

    /** Mutable per-bike simulation state. */
    private static final class Bike {
        enum State { PARKED, RIDING, FAULTY }

        final OperatorProfile op;
        final String id;
        /** The ordinary fleet draws from the simulator's random stream, scripted bikes from the switches'. */
        final Random rnd;
        State state;
        double lat;
        double lng;
        long nextAt;
        long nextTripAt;
        long clearAt;
        long repairAt;
        long tripStart;
        long tripEnd;
        double fromLat;
        double fromLng;
        double toLat;
        double toLng;
        /** Where it stands (for the ground truth); null before it first parks or when no truth is kept. */
        GroundTruth.Place place;
        /** Scripted bikes only: the stays they go through, and which one they are in or riding to. */
        List<Stay> plan;
        int planAt;

        Bike(OperatorProfile op, String id, Random rnd) {
            this.op = op;
            this.id = id;
            this.rnd = rnd;
        }
    }

    /** For tests: all records due up to {@code untilMs}, collected. */
    public List<SimRecord> runUntil(long untilMs) {
        List<SimRecord> out = new ArrayList<>();
        advanceTo(untilMs, out::add);
        return out;
    }
}
