package org.bikefence.model;

import java.util.Locale;

/** A bike's reported state; the wire names are the lower-case constant names. */
public enum BikeState {
    PARKED,
    RIDING,
    FAULTY;

    /** Whether the bike stands still in the street (a faulty bike obstructs as much as a parked one). */
    public boolean isStationary() {
        return this != RIDING;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The state for a wire name, or null when the name is not one of ours. */
    public static BikeState fromWireName(String name) {
        switch (name) {
            case "parked":
                return PARKED;
            case "riding":
                return RIDING;
            case "faulty":
                return FAULTY;
            default:
                return null;
        }
    }
}
