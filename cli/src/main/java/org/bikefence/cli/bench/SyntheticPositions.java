package org.bikefence.cli.bench;

import java.util.function.Consumer;
import org.bikefence.geofence.FenceSet;
import org.bikefence.simulator.FleetSimulator;
import org.bikefence.simulator.OperatorProfile;
import org.bikefence.simulator.SimRecord;

/**
 * The benchmark's input: exactly {@code records} position messages on the contract's JSON format from the demo's
 * simulated fleet ({@link FleetSimulator}, the demo's three operators, no deliberately bad records) of
 * {@code bikes} bikes inside the given fences, keyed by bike id, in event-time order.
 */
public final class SyntheticPositions {
    /** The simulator's longest interval between two reports of one bike (a parked bike). */
    static final long LONGEST_REPORT_INTERVAL_MS = 5 * 60_000L;
    private static final long STEP_MS = 60_000L;

    private SyntheticPositions() {}

    /**
     * A simulation start early enough that the last of {@code records} messages is not after {@code nowMs}: every
     * bike reports at least every five minutes (and its first report within the first five), so after
     * {@code (records / bikes + 1)} such intervals there are at least {@code records} messages.
     */
    public static long startFor(long nowMs, long records, int bikes) {
        return (nowMs - intervals(records, bikes) * LONGEST_REPORT_INTERVAL_MS) / 60_000L * 60_000L;
    }

    private static long intervals(long records, int bikes) {
        return (records + bikes - 1) / bikes + 2;
    }

    /** Sends exactly {@code records} messages to {@code out}, the same ones for the same arguments. */
    public static void generate(FenceSet fences, long records, int bikes, long startMs, long seed,
            Consumer<SimRecord> out) {
        if (records <= 0 || bikes <= 0) {
            throw new IllegalArgumentException("records and bikes must be positive, were " + records + ", " + bikes);
        }
        FleetSimulator sim = new FleetSimulator(fences, OperatorProfile.demo(), bikes, startMs, seed, 0);
        long[] sent = {0};
        Consumer<SimRecord> upToN = r -> {
            if (sent[0] < records) {
                sent[0]++;
                out.accept(r);
            }
        };
        // Twice the span startFor allows: a simulator that sends less than that is broken, not slow.
        long limit = startMs + 2 * intervals(records, bikes) * LONGEST_REPORT_INTERVAL_MS;
        for (long t = startMs; sent[0] < records; t += STEP_MS) {
            if (t > limit) {
                throw new IllegalStateException("the simulator sent only " + sent[0] + " of " + records + " records");
            }
            sim.advanceTo(t, upToN);
        }
    }
}
