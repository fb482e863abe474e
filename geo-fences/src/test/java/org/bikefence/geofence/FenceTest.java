package org.bikefence.geofence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FenceTest {

    private static final String SQUARE_WKT = "POLYGON ((0 0, 1 0, 1 1, 0 1, 0 0))";

    @Test
    void appliesToEveryOperatorWhenNoneListed() {
        Fence fence = Fixtures.fence("a", FenceKind.NO_PARK, SQUARE_WKT);
        assertThat(fence.appliesTo("anyone")).isTrue();
    }

    @Test
    void appliesOnlyToListedOperators() {
        Fence fence = new Fence("a", FenceKind.PARKING, "停放区", Set.of("op-a"), OptionalInt.of(5),
                Fixtures.wkt(SQUARE_WKT));
        assertThat(fence.appliesTo("op-a")).isTrue();
        assertThat(fence.appliesTo("op-b")).isFalse();
        assertThat(fence.capacity()).hasValue(5);
        assertThat(fence.name()).isEqualTo("停放区");
    }

    @Test
    void equalityIsById() {
        Fence a = Fixtures.fence("same", FenceKind.NO_PARK, SQUARE_WKT);
        Fence b = Fixtures.fence("same", FenceKind.PARKING, "POLYGON ((5 5, 6 5, 6 6, 5 5))");
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    }

    @Test
    void rejectsNonPolygonalGeometry() {
        assertThatThrownBy(() -> Fixtures.fence("l", FenceKind.NO_PARK, "LINESTRING (0 0, 1 1)"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("LineString");
    }

    @Test
    void isNotAffectedByLaterChangesToTheGivenGeometry() {
        var geometry = Fixtures.wkt(SQUARE_WKT);
        Fence fence = new Fence("a", FenceKind.NO_PARK, null, Set.of(), OptionalInt.empty(), geometry);
        geometry.getCoordinates()[0].x = 42;
        assertThat(fence.geometry().getCoordinates()[0].x).isZero();
        assertThat(fence.name()).isEqualTo("a");
    }

    @Test
    void fenceSetRejectsDuplicateIdsAndGroupsByKind() {
        Fence a = Fixtures.fence("a", FenceKind.NO_PARK, SQUARE_WKT);
        Fence b = Fixtures.fence("b", FenceKind.PARKING, SQUARE_WKT);
        FenceSet set = new FenceSet("v1", List.of(a, b));
        assertThat(set.byId("b")).contains(b);
        assertThat(set.byId("c")).isEmpty();
        assertThat(set.ofKind(FenceKind.NO_PARK)).containsExactly(a);
        assertThat(set.ofKind(FenceKind.KEY_CONTROL)).isEmpty();
        assertThatThrownBy(() -> new FenceSet("v1", List.of(a, a)))
                .hasMessageContaining("duplicate fence id \"a\"");
    }
}
