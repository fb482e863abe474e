package org.bikefence.bike;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.bikefence.bike.AccumulationRules.Spell;
import org.bikefence.bike.AccumulationRules.Step;
import org.bikefence.bike.AccumulationRules.Transition;
import org.bikefence.model.AreaDelta;
import org.bikefence.model.OperatorSignal;
import org.junit.jupiter.api.Test;

class AccumulationRulesTest {
    private static final long MIN = 60_000L;
    private static final long T = Instant.parse("2026-10-12T00:00:00Z").toEpochMilli();

    private final AccumulationRules rules = new AccumulationRules(Duration.ofMinutes(30));

    private static AreaDelta area(AreaDelta.Area kind, String id, long limit) {
        AreaDelta a = new AreaDelta();
        a.area = kind;
        a.areaId = id;
        a.limit = limit;
        return a;
    }

    private static final AreaDelta FENCE = area(AreaDelta.Area.FENCE, "P-1", 2);
    private static final AreaDelta CELL = area(AreaDelta.Area.CELL, "89283082803ffff", 1);

    private static AreaDelta delta(String operator, int delta) {
        AreaDelta d = area(AreaDelta.Area.FENCE, "P-1", 2);
        d.operator = operator;
        d.delta = delta;
        return d;
    }

    /** "operator opened|cleared minutes-since-T since minutes-since-T" per signal. */
    private static List<String> signals(Step s) {
        return s.signals().stream().map((OperatorSignal o) -> o.operator + " " + o.accumulationArea + " " + o.areaId
                + (o.accumulationOpened ? " opened " : " cleared ") + (o.ts + 1 - T) / MIN + " since "
                + (o.overSince - T) / MIN).toList();
    }

    @Test
    void aMinutesNetChangePerOperatorDoesNotDependOnOrder() {
        assertThat(AccumulationRules.netChange(List.of(delta("meituan", 1), delta("hello", 1), delta("hello", -1),
                delta("meituan", 1)))).containsExactly(Map.entry("hello", 0L), Map.entry("meituan", 2L));
        assertThat(AccumulationRules.netChange(List.of(delta("hello", -1), delta("meituan", 1), delta("meituan", 1),
                delta("hello", 1)))).containsExactly(Map.entry("hello", 0L), Map.entry("meituan", 2L));
    }

    @Test
    void standingBikesNeverGoBelowZero() {
        assertThat(AccumulationRules.afterChange(3, -1)).isEqualTo(2);
        assertThat(AccumulationRules.afterChange(0, -1)).as("a period that began before the job started").isZero();
        assertThat(AccumulationRules.afterChange(1, -3)).isZero();
    }

    @Test
    void theOperatorsWithTheMostBikesAreResponsibleForAFence() {
        assertThat(AccumulationRules.responsibleForFence(Map.of("hello", 1L, "meituan", 4L, "didi", 2L)))
                .containsExactly("meituan");
        assertThat(AccumulationRules.responsibleForFence(Map.of("hello", 3L, "meituan", 3L, "didi", 1L)))
                .as("a tie: all of them, by name").containsExactly("hello", "meituan");
        assertThat(AccumulationRules.responsibleForFence(Map.of("hello", 0L))).isEmpty();
        assertThat(AccumulationRules.responsibleForFence(Map.of())).isEmpty();
    }

    @Test
    void aFenceAtItsCapacityIsNotOver() {
        Step s = rules.fence(Spell.NONE, Map.of("hello", 1L, "meituan", 1L), FENCE, T);
        assertThat(s.spell()).isEqualTo(Spell.NONE);
        assertThat(s.timerAt()).isEqualTo(-1);
        assertThat(s.transition()).isEqualTo(Transition.NONE);
        assertThat(s.signals()).isEmpty();
    }

    @Test
    void aFenceOverCapacityForTheMinimumDurationOpensForTheLargestHolderAndClearsForIt() {
        Step over = rules.fence(Spell.NONE, Map.of("hello", 1L, "meituan", 2L), FENCE, T + MIN);
        assertThat(over.spell()).isEqualTo(new Spell(T + MIN, 3, false, List.of()));
        assertThat(over.timerAt()).as("looked at again once the spell is long enough").isEqualTo(T + 31 * MIN - 1);
        assertThat(over.transition()).isEqualTo(Transition.NONE);

        Step more = rules.fence(over.spell(), Map.of("hello", 2L, "meituan", 2L), FENCE, T + 10 * MIN);
        assertThat(more.spell()).isEqualTo(new Spell(T + MIN, 4, false, List.of()));
        assertThat(more.timerAt()).as("the spell's timer is already set").isEqualTo(-1);

        Step early = rules.fence(more.spell(), Map.of("hello", 1L, "meituan", 2L), FENCE, T + 31 * MIN - 1);
        assertThat(early.transition()).as("a millisecond short").isEqualTo(Transition.NONE);

        Step opened = rules.fence(more.spell(), Map.of("hello", 1L, "meituan", 2L), FENCE, T + 31 * MIN);
        assertThat(opened.transition()).isEqualTo(Transition.OPENED);
        assertThat(opened.spell()).isEqualTo(new Spell(T + MIN, 4, true, List.of("meituan")));
        assertThat(opened.reported()).isEqualTo(opened.spell());
        assertThat(signals(opened)).containsExactly("meituan FENCE P-1 opened 31 since 1");

        Step still = rules.fence(opened.spell(), Map.of("hello", 5L, "meituan", 1L), FENCE, T + 40 * MIN);
        assertThat(still.transition()).isEqualTo(Transition.NONE);
        assertThat(still.signals()).isEmpty();
        assertThat(still.spell()).as("responsibility is fixed when the spell opens; the peak grows")
                .isEqualTo(new Spell(T + MIN, 6, true, List.of("meituan")));

        Step cleared = rules.fence(still.spell(), Map.of("hello", 1L, "meituan", 1L), FENCE, T + 46 * MIN);
        assertThat(cleared.transition()).isEqualTo(Transition.CLEARED);
        assertThat(cleared.spell()).isEqualTo(Spell.NONE);
        assertThat(cleared.reported()).as("as it was, for its duration and peak").isEqualTo(still.spell());
        assertThat(signals(cleared)).containsExactly("meituan FENCE P-1 cleared 46 since 1");
    }

    @Test
    void aShortSpellEndsWithoutAnEvent() {
        Step over = rules.fence(Spell.NONE, Map.of("hello", 3L), FENCE, T);
        Step under = rules.fence(over.spell(), Map.of("hello", 2L), FENCE, T + 29 * MIN);
        assertThat(under.spell()).isEqualTo(Spell.NONE);
        assertThat(under.transition()).isEqualTo(Transition.NONE);
        assertThat(under.signals()).isEmpty();
    }

    @Test
    void aTieOverCapacityMakesEveryLargestHolderResponsible() {
        Step over = rules.fence(Spell.NONE, Map.of("hello", 2L, "meituan", 2L), FENCE, T);
        Step opened = rules.fence(over.spell(), Map.of("hello", 2L, "meituan", 2L), FENCE, T + 30 * MIN);
        assertThat(signals(opened)).containsExactly("hello FENCE P-1 opened 30 since 0",
                "meituan FENCE P-1 opened 30 since 0");
    }

    @Test
    void aCellIsJudgedPerOperatorEachResponsibleForItsOwnBikes() {
        Step hello = rules.cell(Spell.NONE, "hello", 1, CELL, T);
        assertThat(hello.spell()).as("at the threshold").isEqualTo(Spell.NONE);
        Step meituan = rules.cell(Spell.NONE, "meituan", 2, CELL, T);
        assertThat(meituan.spell().isOver()).isTrue();
        Step opened = rules.cell(meituan.spell(), "meituan", 2, CELL, T + 30 * MIN);
        assertThat(signals(opened)).containsExactly("meituan CELL 89283082803ffff opened 30 since 0");
        Step cleared = rules.cell(opened.spell(), "meituan", 0, CELL, T + 35 * MIN);
        assertThat(signals(cleared)).containsExactly("meituan CELL 89283082803ffff cleared 35 since 0");
    }
}
