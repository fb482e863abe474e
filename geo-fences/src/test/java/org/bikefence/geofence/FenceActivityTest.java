package org.bikefence.geofence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FenceActivityTest {

    private static final String SQUARE = "POLYGON ((0 0, 1 0, 1 1, 0 1, 0 0))";
    private static final Instant MARCH = Instant.parse("2026-02-28T16:00:00Z"); // 2026-03-01 00:00 +08
    private static final Instant JUNE = Instant.parse("2026-05-31T16:00:00Z");

    @Test
    void effectivePeriodIncludesItsStartAndExcludesItsEnd() {
        Fence fence = Fence.builder("kc", FenceKind.KEY_CONTROL, Fixtures.wkt(SQUARE))
                .effectiveFrom(MARCH).effectiveUntil(JUNE).graceMinutes(3).build();
        assertThat(fence.isActiveAt(MARCH.toEpochMilli() - 1)).isFalse();
        assertThat(fence.isActiveAt(MARCH.toEpochMilli())).isTrue();
        assertThat(fence.isActiveAt(JUNE.toEpochMilli() - 1)).isTrue();
        assertThat(fence.isActiveAt(JUNE.toEpochMilli())).isFalse();
        assertThat(fence.graceMinutes()).hasValue(3);
        assertThat(fence.isPermanent()).isFalse();
    }

    @Test
    void scheduleAndPeriodMustBothHold() {
        Fence fence = Fence.builder("np", FenceKind.NO_PARK, Fixtures.wkt(SQUARE))
                .effectiveFrom(MARCH)
                .schedule(Schedule.of(ZoneId.of("Asia/Shanghai"), List.of(Schedule.Window.of(
                        EnumSet.of(DayOfWeek.MONDAY), LocalTime.of(7, 0), LocalTime.of(9, 0)))))
                .build();
        long mondayEightBeforeMarch = Instant.parse("2026-02-23T00:00:00Z").toEpochMilli();
        long mondayEightInMarch = Instant.parse("2026-03-02T00:00:00Z").toEpochMilli();
        assertThat(fence.isActiveAt(mondayEightBeforeMarch)).isFalse();
        assertThat(fence.isActiveAt(mondayEightInMarch)).isTrue();
        assertThat(fence.isActiveAt(mondayEightInMarch + 3_600_000L * 2)).isFalse();
    }

    @Test
    void legacyConstructorGivesAPermanentFence() {
        Fence fence = Fixtures.fence("a", FenceKind.NO_PARK, SQUARE);
        assertThat(fence.isPermanent()).isTrue();
        assertThat(fence.isActiveAt(Long.MIN_VALUE)).isTrue();
        assertThat(fence.names()).isEmpty();
    }

    @Test
    void translatedNamesGiveTheFirstAsDisplayName() {
        Fence fence = Fence.builder("n", FenceKind.NO_PARK, Fixtures.wkt(SQUARE))
                .name("zh", "禁停区").name("en", "No parking").build();
        assertThat(fence.name()).isEqualTo("禁停区");
        assertThat(fence.names()).containsEntry("en", "No parking");
        assertThat(fence.toBuilder().build().names()).isEqualTo(fence.names());
    }

    @Test
    void periodEndingBeforeItStartsIsRejected() {
        assertThatThrownBy(() -> Fence.builder("x", FenceKind.NO_PARK, Fixtures.wkt(SQUARE))
                .effectiveFrom(JUNE).effectiveUntil(MARCH).build())
                .hasMessageContaining("effectiveUntil 2026-02-28T16:00:00Z is not after effectiveFrom");
    }

    @Test
    void fenceSetKeepsItsZoneAndListsActiveFences() {
        Fence always = Fixtures.fence("a", FenceKind.PARKING, SQUARE);
        Fence later = Fence.builder("b", FenceKind.NO_PARK, Fixtures.wkt(SQUARE))
                .effectiveFrom(JUNE).build();
        FenceSet set = new FenceSet("v", ZoneId.of("UTC"), List.of(always, later));
        assertThat(set.zone()).isEqualTo(ZoneId.of("UTC"));
        assertThat(set.activeAt(MARCH.toEpochMilli())).containsExactly(always);
        assertThat(set.activeAt(JUNE.toEpochMilli())).containsExactly(always, later);
        assertThat(new FenceSet("v", List.of()).zone()).isEqualTo(Schedule.DEFAULT_ZONE);
        assertThat(Set.copyOf(set.fences())).hasSize(2);
    }
}
