package org.bikefence.model;

import java.util.Objects;

/** One validated position report of one bike, in WGS84, as the job sees it after decoding. */
public class BikePosition {
    public String operator;
    public String bikeId;
    /** Event time, epoch milliseconds. */
    public long ts;
    public double lat;
    public double lng;
    public BikeState state;
    /** When the record reached Kafka (its record timestamp), epoch ms; 0 when unknown (files, tests). */
    public long receivedAt;

    public BikePosition() {}

    public BikePosition(String operator, String bikeId, long ts, double lat, double lng, BikeState state) {
        this.operator = operator;
        this.bikeId = bikeId;
        this.ts = ts;
        this.lat = lat;
        this.lng = lng;
        this.state = state;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof BikePosition)) {
            return false;
        }
        BikePosition p = (BikePosition) o;
        return ts == p.ts && Double.compare(lat, p.lat) == 0 && Double.compare(lng, p.lng) == 0
                && Objects.equals(operator, p.operator) && Objects.equals(bikeId, p.bikeId) && state == p.state;
    }

    @Override
    public int hashCode() {
        return Objects.hash(operator, bikeId, ts, lat, lng, state);
    }

    @Override
    public String toString() {
        return operator + "/" + bikeId + "@" + ts + "(" + lat + "," + lng + "," + state + ")";
    }
}
