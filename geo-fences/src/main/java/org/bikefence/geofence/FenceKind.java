package org.bikefence.geofence;

import java.util.Arrays;
import java.util.stream.Collectors;

/** What a fence regulates, with the lower-case name used for it in fence files. */
public enum FenceKind {
    NO_PARK("no_park"),
    PARKING("parking"),
    OPERATING_AREA("operating_area"),
    KEY_CONTROL("key_control");

    private final String wireName;

    FenceKind(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /**
     * Parses a wire name exactly (case-sensitive, so that files stay canonical).
     *
     * @throws IllegalArgumentException naming the value and the allowed values
     */
    public static FenceKind fromWireName(String wireName) {
        for (FenceKind kind : values()) {
            if (kind.wireName.equals(wireName)) {
                return kind;
            }
        }
        throw new IllegalArgumentException(
                "unknown fence kind \"" + wireName + "\"; allowed: " + allowedWireNames());
    }

    static String allowedWireNames() {
        return Arrays.stream(values()).map(FenceKind::wireName).collect(Collectors.joining(", "));
    }
}
