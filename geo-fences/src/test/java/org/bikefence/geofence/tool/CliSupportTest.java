package org.bikefence.geofence.tool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class CliSupportTest {

    @Test
    void durationsTakeTheLaunchersUnitsAndIso() {
        assertThat(CliSupport.duration("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(CliSupport.duration("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(CliSupport.duration("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(CliSupport.duration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(CliSupport.duration("PT30S")).isEqualTo(Duration.ofSeconds(30));
        assertThatThrownBy(() -> CliSupport.duration("soon")).isInstanceOf(TypeConversionException.class)
                .hasMessage("'soon' is not a duration like 500ms, 90s, 10m or 1h");
    }

    @Test
    void debugIsOnForAnyValueButEmptyZeroOrFalse() {
        assertThat(CliSupport.debugRequested("1")).isTrue();
        assertThat(CliSupport.debugRequested("yes")).isTrue();
        assertThat(CliSupport.debugRequested(null)).isFalse();
        assertThat(CliSupport.debugRequested("")).isFalse();
        assertThat(CliSupport.debugRequested("0")).isFalse();
        assertThat(CliSupport.debugRequested("FALSE")).isFalse();
    }

    @Test
    void aFailureIsItsMessageOnOneLineOrTheCausesWhenItHasNone() {
        assertThat(CliSupport.oneLine(new IllegalStateException("port 19092 is in use;\n  stop it")))
                .isEqualTo("port 19092 is in use; stop it");
        assertThat(CliSupport.oneLine(new UncheckedIOException(null, new IOException("disk full"))))
                .isEqualTo("disk full");
        assertThat(CliSupport.oneLine(new NullPointerException())).isEqualTo("NullPointerException");
    }
}
