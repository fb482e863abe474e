package org.bikefence.bike;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bikefence.model.AreaDelta;
import org.bikefence.model.OperatorSignal;

/**
 * The accumulation (淤积) rules for one watched area, a parking fence against its capacity or an H3 cell
 * against the rule set's threshold: how a minute's arrivals and departures change the bikes standing there,
 * who is responsible for a pile, and when a spell over the limit becomes an event and when it clears. Plain
 * Java: the Flink function keeps the counts and spells in keyed state and folds minutes as the watermark
 * passes.
 */
public final class AccumulationRules implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long minDurationMs;

    /** @param minDuration how long an area must stay over its limit before it is an accumulation event */
    public AccumulationRules(Duration minDuration) {
        this.minDurationMs = minDuration.toMillis();
    }

    /** Net change of standing bikes per operator over one minute: the order of reports within it never matters. */
    public static Map<String, Long> netChange(List<AreaDelta> deltas) {
        Map<String, Long> net = new TreeMap<>();
        for (AreaDelta d : deltas) {
            net.merge(d.operator, (long) d.delta, Long::sum);
        }
        return net;
    }

    /**
     * An operator's bikes standing in the area after a net change. Standing periods that began before the job
     * started end without a start: never below zero.
     */
    public static long afterChange(long before, long net) {
        return Math.max(0, before + net);
    }

    /**
     * The operators held responsible for a fence over capacity: those with the most bikes in it (all of them
     * on a tie). One bike of another operator that happens to stand there does not make a pile its own.
     */
    public static List<String> responsibleForFence(Map<String, Long> bikesByOperator) {
        long most = bikesByOperator.values().stream().mapToLong(Long::longValue).max().orElse(0);
        List<String> holders = new ArrayList<>();
        new TreeMap<>(bikesByOperator).forEach((op, n) -> {
            if (n == most && n > 0) {
                holders.add(op);
            }
        });
        return holders;
    }

    /**
     * A parking fence at {@code at} (a minute's end): over capacity when all operators' bikes together exceed
     * it, the largest holders responsible.
     */
    public Step fence(Spell spell, Map<String, Long> bikesByOperator, AreaDelta area, long at) {
        long total = 0;
        for (long n : bikesByOperator.values()) {
            total += Math.max(0, n);
        }
        return step(spell, total, area, at, responsibleForFence(bikesByOperator));
    }

    /**
     * One operator in an H3 cell at {@code at}: each operator's own bikes count against the threshold, so a
     * cell is judged per operator, each responsible for its own pile.
     */
    public Step cell(Spell spell, String operator, long bikes, AreaDelta area, long at) {
        return step(spell, bikes, area, at, List.of(operator));
    }

    private Step step(Spell spell, long bikes, AreaDelta area, long at, List<String> responsible) {
        if (bikes > area.limit) {
            long timerAt = -1;
            Spell s = spell;
            if (!s.isOver()) {
                s = new Spell(at, 0, false, List.of());
                // The spell becomes an event once it has lasted the minimum duration, even if nothing moves.
                timerAt = at + minDurationMs - 1;
            }
            s = new Spell(s.overSince(), Math.max(s.peak(), bikes), s.open(), s.operators());
            if (!s.open() && at - s.overSince() >= minDurationMs) {
                s = new Spell(s.overSince(), s.peak(), true, List.copyOf(responsible));
                return new Step(s, timerAt, Transition.OPENED, s, signals(s, area, true, at));
            }
            return new Step(s, timerAt, Transition.NONE, null, List.of());
        }
        if (spell.isOver() && spell.open()) {
            return new Step(Spell.NONE, -1, Transition.CLEARED, spell, signals(spell, area, false, at));
        }
        return new Step(Spell.NONE, -1, Transition.NONE, null, List.of());
    }

    private static List<OperatorSignal> signals(Spell s, AreaDelta area, boolean opened, long at) {
        List<OperatorSignal> out = new ArrayList<>(s.operators().size());
        for (String op : s.operators()) {
            out.add(OperatorSignal.accumulation(op, area.area, area.areaId, opened, s.overSince(), at - 1));
        }
        return out;
    }

    /**
     * An area's (a cell: one operator's) current spell over its limit.
     *
     * @param overSince the minute end at which it went over; -1 when it is not over
     * @param peak the most bikes it held during the spell
     * @param open whether the spell has lasted long enough to be an event
     * @param operators the operators held responsible, fixed when it opened
     */
    public record Spell(long overSince, long peak, boolean open, List<String> operators) {
        /** Not over the limit. */
        public static final Spell NONE = new Spell(-1, 0, false, List.of());

        public Spell {
            operators = List.copyOf(operators);
        }

        public boolean isOver() {
            return overSince >= 0;
        }
    }

    /** What one evaluation changed. */
    public enum Transition { NONE, OPENED, CLEARED }

    /**
     * The result of one evaluation of an area.
     *
     * @param spell the spell to keep ({@link Spell#NONE} when the area is under its limit)
     * @param timerAt when to evaluate again though nothing moves (the spell's minimum duration); -1 for none
     * @param reported the spell that opened or cleared (a cleared one as it was), null for {@link Transition#NONE}
     * @param signals the accumulation signals for the operators responsible, opened or cleared
     */
    public record Step(Spell spell, long timerAt, Transition transition, Spell reported, List<OperatorSignal> signals) {}
}
