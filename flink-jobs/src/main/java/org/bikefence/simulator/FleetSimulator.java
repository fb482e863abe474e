package org.bikefence.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.Random;
import org.bikefence.geofence.Fence;
import org.bikefence.geofence.FenceGeometry;
import org.bikefence.geofence.FenceIndex;
import org.bikefence.geofence.FenceKind;
import org.bikefence.geofence.FenceSet;
import org.bikefence.geofence.crs.ChinaDatums;
import org.locationtech.jts.geom.Geometry;

/**
 * A deterministic simulated fleet: bikes of several operators ride, park in fences, in no-park zones or
 * in the street, get cleared, break, and report positions on the contract's JSON format, with a few
 * deliberately bad records. The same seed and settings give the same records.
 *
 * <p>It is event-driven over simulated time, so it can run faster than real time and be paced by the
 * caller ({@link #advanceTo(long, java.util.function.Consumer)}).
 */
public final class FleetSimulator {
    static final long MIN = 60_000L;
    private static final long RIDING_REPORT_MS = 30_000L;
    private static final long PARKED_REPORT_MS = 5 * MIN;
    private static final double MEAN_IDLE_MINUTES = 90;

    private final FenceIndex index;
    private final List<Fence> parking;
    private final List<Fence> noPark;
    private final Geometry area;
    private final Random rnd;
    private final double badShare;
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
        this.rnd = new Random(seed);
        this.badShare = badPerMille / 1000.0;
        for (int i = 0; i < bikes; i++) {
            OperatorProfile op = operators.get(i % operators.size());
            Bike b = new Bike(op, String.format(Locale.ROOT, "%s-%05d", op.idPrefix, i / operators.size() + 1));
            double[] at = endOfRide(op);
            b.lat = at[0];
            b.lng = at[1];
            b.state = Bike.State.PARKED;
            // Spread first reports over the first parked-report interval so the start is not one burst.
            b.nextAt = startMs + (long) (rnd.nextDouble() * PARKED_REPORT_MS);
            b.nextTripAt = startMs + idleMs();
            queue.add(b);
        }
    }

    public long produced() {
        return produced;
    }

    public long producedBad() {
        return producedBad;
    }

    /** Emits, in event-time order, every record due up to and including {@code simTimeMs}. */
    public void advanceTo(long simTimeMs, java.util.function.Consumer<SimRecord> out) {
        while (!queue.isEmpty() && queue.peek().nextAt <= simTimeMs) {
            Bike b = queue.poll();
            step(b, out);
            queue.add(b);
        }
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

    private void emit(Bike b, long ts, java.util.function.Consumer<SimRecord> out) {
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
        if (badShare > 0 && rnd.nextDouble() < badShare) {
            producedBad++;
            out.accept(new SimRecord(b.id, badRecord(b, ts, lat, lng, state), ts, true));
            return;
        }
        out.accept(new SimRecord(b.id, String.format(Locale.ROOT,
                "{\"operator\":\"%s\",\"bikeId\":\"%s\",\"ts\":%d,\"lat\":%.7f,\"lng\":%.7f,\"state\":\"%s\"%s}",
                b.op.name, b.id, ts, lat, lng, state, crs), ts, false));
    }

    /** The kinds of broken record real feeds send: truncated JSON, a missing field, swapped-out values. */
    private String badRecord(Bike b, long ts, double lat, double lng, String state) {
        switch (rnd.nextInt(4)) {
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

    /** Mutable per-bike simulation state. */
    private static final class Bike {
        enum State { PARKED, RIDING, FAULTY }

        final OperatorProfile op;
        final String id;
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

        Bike(OperatorProfile op, String id) {
            this.op = op;
            this.id = id;
        }
    }

    /** For tests: all records due up to {@code untilMs}, collected. */
    public List<SimRecord> runUntil(long untilMs) {
        List<SimRecord> out = new ArrayList<>();
        advanceTo(untilMs, out::add);
        return out;
    }
}
