package org.bikefence.ingest;

/** The city's bounding box in WGS84: positions outside it are GPS outliers, not bikes in the city. */
public record CityBounds(double minLat, double maxLat, double minLng, double maxLng) {

    /** Xiamen (the whole municipality, islands and mainland districts), generously rounded. */
    public static final CityBounds XIAMEN = new CityBounds(24.2, 24.95, 117.85, 118.5);

    public CityBounds {
        if (!(minLat < maxLat && minLng < maxLng && minLat >= -90 && maxLat <= 90 && minLng >= -180 && maxLng <= 180)) {
            throw new IllegalArgumentException("city bounds must satisfy -90 <= min-lat < max-lat <= 90 and"
                    + " -180 <= min-lng < max-lng <= 180, got " + this);
        }
    }

    public boolean contains(double lat, double lng) {
        return lat >= minLat && lat <= maxLat && lng >= minLng && lng <= maxLng;
    }

    @Override
    public String toString() {
        return "lat [" + minLat + ", " + maxLat + "], lng [" + minLng + ", " + maxLng + "]";
    }
}
