package org.bikefence.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OperatorSignalOrderTest {
    static final long T = 1_794_240_000_000L;

    @Test
    void signalsOfOneMinuteSortTheSameWhateverOrderTheyArrivedIn() {
        ViolationEvent opened = ViolationEvent.opened("meituan", "MT-1", "np-1", 24.5, 118.1, T - 600_000, T, "v1");
        ViolationEvent openedElsewhere = ViolationEvent.opened("meituan", "MT-1", "np-2", 24.5, 118.1, T - 600_000,
                T, "v1");
        BikeFact started = new BikeFact();
        started.kind = BikeFact.Kind.STANDING_STARTED;
        started.operator = "meituan";
        started.bikeId = "MT-2";
        started.ts = T;
        BikeFact ended = new BikeFact();
        ended.kind = BikeFact.Kind.STANDING_ENDED;
        ended.operator = "meituan";
        ended.bikeId = "MT-2";
        ended.ts = T;
        List<OperatorSignal> signals = List.of(
                OperatorSignal.violation(opened),
                OperatorSignal.violation(openedElsewhere),
                OperatorSignal.violation(opened.closedAt(T + 1)),
                OperatorSignal.fact(started),
                OperatorSignal.fact(ended),
                OperatorSignal.accumulation("meituan", AreaDelta.Area.FENCE, "p-1", true, T - 60_000, T),
                OperatorSignal.accumulation("meituan", AreaDelta.Area.CELL, "8941a54aad3ffff", true, T - 60_000, T));
        List<OperatorSignal> first = sorted(signals, 1);
        for (int seed = 2; seed < 8; seed++) {
            assertThat(sorted(signals, seed)).as("arrival order " + seed).containsExactlyElementsOf(first);
        }
        assertThat(first.get(first.size() - 1).violation.kind).as("event time first")
                .isEqualTo(ViolationEvent.Kind.CLOSED);
        for (int i = 1; i < first.size(); i++) {
            assertThat(OperatorSignal.FOLD_ORDER.compare(first.get(i - 1), first.get(i)))
                    .as("distinct signals are told apart").isNegative();
        }
    }

    private static List<OperatorSignal> sorted(List<OperatorSignal> signals, int seed) {
        List<OperatorSignal> l = new ArrayList<>(signals);
        Collections.shuffle(l, new Random(seed));
        l.sort(OperatorSignal.FOLD_ORDER);
        return l;
    }
}
