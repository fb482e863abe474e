package org.bikefence.geofence;

import java.util.Locale;

/**
 * A latitude/longitude box (WGS84 degrees) that every fence vertex of a city must lie in; catches
 * fences drawn in the wrong place and files with latitude and longitude swapped.
 */
public record Bounds(double minLat, double maxLat, double minLng, double maxLng) {

    /** Xiamen (厦门市), all districts and islands, with a margin of a few kilometres. */
    public static final Bounds XIAMEN = new Bounds(24.2, 24.95, 117.85, 118.5);

    public Bounds {
        if (!(minLat < maxLat) || !(minLng < maxLng) || minLat < -90 || maxLat > 90
                || minLng < -180 || maxLng > 180) {
            throw new IllegalArgumentException("bounds need -90 <= minLat < maxLat <= 90 and"
                    + " -180 <= minLng < maxLng <= 180, got " + describe(minLat, maxLat, minLng, maxLng));
        }
    }

    public boolean contains(double lat, double lng) {
        return lat >= minLat && lat <= maxLat && lng >= minLng && lng <= maxLng;
    }

    /**
     * Parses "xiamen" or "minLat,maxLat,minLng,maxLng", e.g. "24.2,24.95,117.85,118.5".
     *
     * @throws IllegalArgumentException naming the value
     */
    public static Bounds parse(String text) {
        if (text.trim().equalsIgnoreCase("xiamen")) {
            return XIAMEN;
        }
        String[] parts = text.split(",");
        if (parts.length != 4) {
            throw new IllegalArgumentException("bounds \"" + text
                    + "\": expected \"xiamen\" or minLat,maxLat,minLng,maxLng");
        }
        try {
            return new Bounds(Double.parseDouble(parts[0].trim()), Double.parseDouble(parts[1].trim()),
                    Double.parseDouble(parts[2].trim()), Double.parseDouble(parts[3].trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bounds \"" + text + "\": not a number: "
                    + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return describe(minLat, maxLat, minLng, maxLng);
    }

    private static String describe(double minLat, double maxLat, double minLng, double maxLng) {
        return String.format(Locale.ROOT, "lat %s..%s, lng %s..%s", strip(minLat), strip(maxLat),
                strip(minLng), strip(maxLng));
    }

    private static String strip(double v) {
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}
