package org.bikefence.decode;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Strict UTF-8 well-formedness (Unicode's table 3-7, RFC 3629), which Jackson's parser does not check: it decodes
 * overlong forms ({@code C0 AF} as '/'), encoded surrogates ({@code ED A0 80}) and sequences beyond U+10FFFF
 * without complaint, so two different byte strings could become the same bike id.
 */
final class Utf8 {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;

    private Utf8() {}

    /** The offset of the first byte that does not begin a well-formed UTF-8 sequence, or -1 when all do. */
    static int firstInvalid(byte[] b) {
        int n = b.length;
        int i = 0;
        while (i < n) {
            // ASCII eight bytes at a time: a contract record usually is ASCII throughout.
            while (i + 8 <= n && ((long) LONGS.get(b, i) & HIGH_BITS) == 0) {
                i += 8;
            }
            if (i >= n) {
                break;
            }
            int c = b[i] & 0xff;
            if (c < 0x80) {
                i++;
                continue;
            }
            int length;
            int low = 0x80;
            int high = 0xbf;
            if (c >= 0xc2 && c <= 0xdf) {
                length = 2;
            } else if (c >= 0xe0 && c <= 0xef) {
                length = 3;
                if (c == 0xe0) {
                    low = 0xa0; // shorter forms are overlong
                } else if (c == 0xed) {
                    high = 0x9f; // ED A0..BF would encode a surrogate
                }
            } else if (c >= 0xf0 && c <= 0xf4) {
                length = 4;
                if (c == 0xf0) {
                    low = 0x90; // overlong
                } else if (c == 0xf4) {
                    high = 0x8f; // beyond U+10FFFF
                }
            } else {
                return i; // a continuation byte, C0/C1 (always overlong), or F5..FF
            }
            if (i + length > n) {
                return i;
            }
            int second = b[i + 1] & 0xff;
            if (second < low || second > high) {
                return i;
            }
            for (int k = 2; k < length; k++) {
                int next = b[i + k] & 0xff;
                if (next < 0x80 || next > 0xbf) {
                    return i;
                }
            }
            i += length;
        }
        return -1;
    }
}
