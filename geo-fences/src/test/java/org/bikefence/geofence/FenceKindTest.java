package org.bikefence.geofence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FenceKindTest {

    @Test
    void wireNamesRoundTrip() {
        for (FenceKind kind : FenceKind.values()) {
            assertThat(FenceKind.fromWireName(kind.wireName())).isSameAs(kind);
        }
        assertThat(FenceKind.NO_PARK.wireName()).isEqualTo("no_park");
        assertThat(FenceKind.OPERATING_AREA.wireName()).isEqualTo("operating_area");
    }

    @Test
    void unknownWireNameIsRejectedNamingValueAndAllowedValues() {
        assertThatThrownBy(() -> FenceKind.fromWireName("NO_PARK"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"NO_PARK\"")
                .hasMessageContaining("no_park, parking, operating_area, key_control");
    }
}
