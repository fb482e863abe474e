package org.bikefence.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LocalInfluxdAuthTest {

    @Test
    void switchesOnAuthenticationInTheHttpSectionOnly() {
        String config = String.join("\n",
                "[meta]",
                "  dir = \"/x/meta\"",
                "[http]",
                "  enabled = true",
                "  auth-enabled = false",
                "  realm = \"InfluxDB\"",
                "[subscriber]",
                "  enabled = true");
        assertThat(LocalInfluxd.enableAuth(config)).isEqualTo(config.replace("auth-enabled = false",
                "auth-enabled = true"));
    }

    @Test
    void refusesAConfigWithoutTheKey() {
        assertThatThrownBy(() -> LocalInfluxd.enableAuth("[http]\n  enabled = true"))
                .hasMessageContaining("auth-enabled");
    }
}
