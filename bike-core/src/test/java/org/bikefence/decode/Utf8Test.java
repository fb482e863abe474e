package org.bikefence.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Utf8} against the JDK's decoder, which reports every ill-formed sequence. */
class Utf8Test {
    private final CharsetDecoder jdk = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);

    private boolean jdkAccepts(byte[] b) {
        try {
            jdk.reset().decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private void agrees(byte[] b) {
        assertThat(Utf8.firstInvalid(b) < 0).as("%s", java.util.HexFormat.of().formatHex(b)).isEqualTo(jdkAccepts(b));
    }

    @Test
    void agreesWithTheJdkOnEveryOneTwoAndThreeByteString() {
        for (int a = 0; a < 256; a++) {
            agrees(new byte[] {(byte) a});
            for (int b = 0; b < 256; b++) {
                agrees(new byte[] {(byte) a, (byte) b});
            }
        }
        // Three bytes: only a lead of three or four bytes looks at the third; around the continuation range exhaustively.
        for (int a = 0xe0; a <= 0xf4; a++) {
            for (int b = 0; b < 256; b++) {
                for (int c = 0; c < 256; c += (c < 0x7c || c > 0xc4) ? 7 : 1) {
                    agrees(new byte[] {(byte) a, (byte) b, (byte) c});
                }
            }
        }
    }

    @Test
    void agreesWithTheJdkOnFourByteSequences() {
        for (int a = 0xf0; a <= 0xf4; a++) {
            for (int b = 0x7f; b <= 0xc0; b++) {
                for (int c : new int[] {0x7f, 0x80, 0xbf, 0xc0}) {
                    for (int d : new int[] {0x00, 0x7f, 0x80, 0x9a, 0xbf, 0xc0, 0xff}) {
                        agrees(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
                    }
                }
            }
        }
    }

    @Test
    void agreesWithTheJdkOnRandomStringsAroundAsciiRuns() {
        Random random = new Random(11);
        for (int n = 0; n < 100_000; n++) {
            byte[] b = new byte[1 + random.nextInt(24)];
            for (int i = 0; i < b.length; i++) {
                // Mostly ASCII, so the eight-byte steps meet multi-byte sequences at every alignment.
                b[i] = (byte) (random.nextInt(4) == 0 ? 0x80 + random.nextInt(0x78) : random.nextInt(0x80));
            }
            agrees(b);
        }
    }

    @Test
    void namesTheOffsetOfTheFirstIllFormedSequence() {
        assertThat(Utf8.firstInvalid("{\"bikeId\":\"MT-1\"}".getBytes(StandardCharsets.UTF_8))).isEqualTo(-1);
        assertThat(Utf8.firstInvalid("é中🚲 and ASCII after".getBytes(StandardCharsets.UTF_8))).isEqualTo(-1);
        assertThat(Utf8.firstInvalid(new byte[] {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', (byte) 0xc0, (byte) 0xaf}))
                .isEqualTo(9);
        assertThat(Utf8.firstInvalid(new byte[] {'a', (byte) 0xe2, (byte) 0x82})).as("cut short").isEqualTo(1);
        assertThat(Utf8.firstInvalid(new byte[0])).isEqualTo(-1);
    }
}
