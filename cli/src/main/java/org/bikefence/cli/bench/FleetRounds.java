package org.bikefence.cli.bench;

import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.bikefence.geofence.Fence;
import org.bikefence.geofence.FenceIndex;
import org.bikefence.geofence.FenceKind;
import org.bikefence.geofence.FenceSet;
import org.locationtech.jts.algorithm.locate.IndexedPointInAreaLocator;
import org.locationtech.jts.algorithm.locate.PointOnGeometryLocator;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.Location;

/**
 * The input of {@code bench state}: a large fleet that reports in rounds. Bike {@code i} belongs to operator
 * {@code i % operators}; in every round each bike reports once, at its own offset within the round, so each round
 * is in event-time order and follows the one before (a round is the simulator's parked-report interval, five
 * minutes). A bike stands where it was placed (in a parking fence, in a no-park zone or in the street, all inside
 * the operating area) and reports {@code parked}; one bike in ten reports {@code riding} a few metres off in each
 * round, a different tenth each round. The same arguments give the same records, whichever rounds are asked for.
 */
public final class FleetRounds {
    /** Simulated time between two reports of a bike. */
    public static final long ROUND_MS = 5 * 60_000L;

    /** Operators the fleet can be split over: id, bike-id prefix, Chinese name. */
    public static final List<String[]> OPERATORS = List.of(new String[] {"hello", "HL", "哈啰"},
            new String[] {"meituan", "MT", "美团"}, new String[] {"qingju", "QJ", "青桔"},
            new String[] {"songguo", "SG", "松果"}, new String[] {"xiangqi", "XQ", "享骑"});

    private static final double IN_PARKING = 0.80;
    private static final double IN_NO_PARK = 0.08;
    private static final double RIDE_OFFSET_DEG = 0.0003;

    /** One record: Kafka key (the bike id), JSON value on the contract's format, event time. */
    public record Position(String key, String value, long ts) {}

    private final int bikes;
    private final int operators;
    private final long startMs;
    private final float[] lat;
    private final float[] lng;

    /** Places every bike; {@code startMs} is the beginning of the first round. */
    public FleetRounds(FenceSet fences, int bikes, int operators, long startMs, long seed) {
        if (bikes <= 0) {
            throw new IllegalArgumentException("bikes must be positive, was " + bikes);
        }
        if (operators < 1 || operators > OPERATORS.size()) {
            throw new IllegalArgumentException("operators must be 1.." + OPERATORS.size() + ", was " + operators);
        }
        this.bikes = bikes;
        this.operators = operators;
        this.startMs = startMs;
        FenceIndex index = FenceIndex.build(fences);
        List<Fence> parking = fences.ofKind(FenceKind.PARKING);
        List<Fence> noPark = fences.ofKind(FenceKind.NO_PARK);
        List<Fence> areas = fences.ofKind(FenceKind.OPERATING_AREA);
        if (areas.isEmpty() || parking.isEmpty() || noPark.isEmpty()) {
            throw new IllegalArgumentException("the fleet needs an operating area, parking fences and no-park zones; "
                    + "fence set " + fences.version() + " lacks one of them");
        }
        // One locator per fence, built once: a million bikes are placed by rejection sampling.
        List<Sampler> inParking = parking.stream().map(f -> new Sampler(f.geometry())).toList();
        List<Sampler> inNoPark = noPark.stream().map(f -> new Sampler(f.geometry())).toList();
        Sampler area = new Sampler(areas.get(0).geometry());
        // float: a million bikes' places in 8 MB; 1e-7 degrees is about a centimetre.
        this.lat = new float[bikes];
        this.lng = new float[bikes];
        Random rnd = new Random(seed);
        for (int i = 0; i < bikes; i++) {
            double u = rnd.nextDouble();
            Coordinate p;
            if (u < IN_PARKING) {
                p = inParking.get(rnd.nextInt(inParking.size())).inside(rnd, c -> true);
            } else if (u < IN_PARKING + IN_NO_PARK) {
                p = inNoPark.get(rnd.nextInt(inNoPark.size())).inside(rnd, c -> true);
            } else {
                p = area.inside(rnd, c -> index.covering(c.y, c.x, FenceKind.NO_PARK).isEmpty());
            }
            lat[i] = (float) p.y;
            lng[i] = (float) p.x;
        }
    }

    /** Uniform points (in degrees) inside one geometry, by rejection from its envelope. */
    private static final class Sampler {
        private static final int MAX_ATTEMPTS = 10_000;
        private final Geometry geometry;
        private final PointOnGeometryLocator locator;
        private final Envelope env;

        Sampler(Geometry g) {
            this.geometry = g;
            this.locator = new IndexedPointInAreaLocator(g);
            this.env = g.getEnvelopeInternal();
        }

        Coordinate inside(Random rnd, Predicate<Coordinate> also) {
            for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
                Coordinate c = new Coordinate(env.getMinX() + rnd.nextDouble() * env.getWidth(),
                        env.getMinY() + rnd.nextDouble() * env.getHeight());
                if (locator.locate(c) != Location.EXTERIOR && also.test(c)) {
                    return c;
                }
            }
            throw new IllegalStateException("no random point found inside " + geometry.getGeometryType() + " "
                    + env);
        }
    }

    /**
     * A start early enough that {@code rounds} rounds, and one more for slack, end before {@code nowMs}: no record
     * is in the future, which the job would reject.
     */
    public static long startFor(long nowMs, int rounds) {
        return (nowMs - (rounds + 1) * ROUND_MS) / 60_000L * 60_000L;
    }

    public int bikes() {
        return bikes;
    }

    /** The operator id of bike {@code i}. */
    public String operator(int i) {
        return OPERATORS.get(i % operators)[0];
    }

    /** The id of bike {@code i}: its operator's prefix and its number within the operator, e.g. {@code SG-0000042}. */
    public String bikeId(int i) {
        String n = Integer.toString(i / operators + 1);
        return OPERATORS.get(i % operators)[1] + "-" + "0000000".substring(Math.min(7, n.length())) + n;
    }

    /** When bike {@code i} reports in round {@code round} (0-based). */
    public long ts(int i, int round) {
        return startMs + round * ROUND_MS + (long) ((double) i * ROUND_MS / bikes);
    }

    /** Sends round {@code round} (0-based): one record per bike, in event-time order. */
    public void round(int round, Consumer<Position> out) {
        StringBuilder json = new StringBuilder(160);
        for (int i = 0; i < bikes; i++) {
            boolean riding = Math.floorMod(i * 7 + round, 10) == 0;
            double la = lat[i] + (riding ? RIDE_OFFSET_DEG : 0);
            double ln = lng[i] + (riding ? RIDE_OFFSET_DEG : 0);
            String id = bikeId(i);
            long ts = ts(i, round);
            json.setLength(0);
            json.append("{\"operator\":\"").append(operator(i)).append("\",\"bikeId\":\"").append(id)
                    .append("\",\"ts\":").append(ts).append(",\"lat\":");
            fixed7(json, la).append(",\"lng\":");
            fixed7(json, ln).append(",\"state\":\"")
                    .append(riding ? "riding" : "parked").append("\"}");
            out.accept(new Position(id, json.toString(), ts));
        }
    }

    /** {@code v} with exactly seven decimals, as {@code %.7f} prints it (String.format is slow for millions). */
    static StringBuilder fixed7(StringBuilder sb, double v) {
        long units = Math.round(Math.abs(v) * 1e7);
        if (v < 0 && units != 0) {
            sb.append('-');
        }
        String frac = Long.toString(units % 10_000_000L);
        return sb.append(units / 10_000_000L).append('.').append("0000000", 0, 7 - frac.length()).append(frac);
    }
}
