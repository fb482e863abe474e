package org.bikefence.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.LongSupplier;
import org.bikefence.decode.InvalidRecordException;
import org.bikefence.decode.PositionDecoder;
import org.bikefence.geofence.crs.Crs;
import org.bikefence.model.BikePosition;

/**
 * Turns one operator's observations into contract messages: converts the operator's declared coordinate
 * system to WGS84 once, rejects positions outside the city (naming swapped lat/lng), writes the contract JSON
 * without a {@code crs} field and validates it with the job's own {@link PositionDecoder}, so that nothing an
 * adapter publishes can be rejected by the job.
 */
public final class PositionNormalizer {

    private static final JsonFactory JSON = new JsonFactory();

    private final String operator;
    private final Crs crs;
    private final CityBounds bounds;
    private final PositionDecoder decoder;

    public PositionNormalizer(String operator, Crs crs, CityBounds bounds, LongSupplier clock, long maxFutureMs) {
        this.operator = operator;
        this.crs = crs;
        this.bounds = bounds;
        this.decoder = new PositionDecoder(clock, maxFutureMs);
    }

    public String operator() {
        return operator;
    }

    public Crs crs() {
        return crs;
    }

    /** The outcome for one observation: exactly one of position+value or rejection is set. */
    public record Result(BikePosition position, byte[] value, Rejection rejection) {
        public boolean accepted() {
            return rejection == null;
        }
    }

    /** Checks an observation whose coordinates are in this operator's declared system. */
    public Result normalize(Observation o) {
        return normalize(o, crs);
    }

    /** Checks an observation whose coordinates are in {@code system} (a push record may name its own). */
    public Result normalize(Observation o, Crs system) {
        if (!Double.isFinite(o.lat()) || !Double.isFinite(o.lng())
                || Math.abs(o.lat()) > 90 || Math.abs(o.lng()) > 180) {
            boolean swapped = Math.abs(o.lng()) <= 90 && Math.abs(o.lat()) <= 180 && inCity(system, o.lng(), o.lat());
            return reject(o, swapped ? Reasons.SWAPPED_COORDINATES : Reasons.OUT_OF_RANGE, "lat " + o.lat()
                    + ", lng " + o.lng() + " is not a position on Earth"
                    + (swapped ? " but is in the city with lat and lng exchanged" : ""));
        }
        double[] wgs = system.toWgs84(o.lat(), o.lng());
        if (!bounds.contains(wgs[0], wgs[1])) {
            if (Math.abs(o.lng()) <= 90 && inCity(system, o.lng(), o.lat())) {
                return reject(o, Reasons.SWAPPED_COORDINATES, "lat " + o.lat() + ", lng " + o.lng()
                        + " is outside the city (" + bounds + ") but inside it with lat and lng exchanged");
            }
            return reject(o, Reasons.OUTSIDE_CITY, "lat " + o.lat() + ", lng " + o.lng() + " (" + system
                    + ") is outside the city (" + bounds + ")");
        }
        byte[] value = contractJson(operator, o.bikeId(), o.ts(), wgs[0], wgs[1], o.state().wireName());
        try {
            return new Result(decoder.decode(value), value, null);
        } catch (InvalidRecordException e) {
            return reject(o, e.reason(), e.detail());
        }
    }

    /** The contract message of a position this adapter derived itself (e.g. a vanished vehicle), validated. */
    public byte[] encode(BikePosition p) {
        byte[] value = contractJson(p.operator, p.bikeId, p.ts, p.lat, p.lng, p.state.wireName());
        try {
            decoder.decode(value);
        } catch (InvalidRecordException e) {
            throw new IllegalStateException("derived position " + p + " violates the contract: " + e.detail());
        }
        return value;
    }

    private boolean inCity(Crs system, double lat, double lng) {
        double[] wgs = system.toWgs84(lat, lng);
        return bounds.contains(wgs[0], wgs[1]);
    }

    private Result reject(Observation o, String reason, String detail) {
        return new Result(null, null, new Rejection(o.bikeId(), reason, detail, o.original()));
    }

    /** The contract's JSON for a WGS84 position: no {@code crs} field, fields in the README's order. */
    static byte[] contractJson(String operator, String bikeId, long ts, double lat, double lng, String state) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("operator", operator);
            g.writeStringField("bikeId", bikeId);
            g.writeNumberField("ts", ts);
            g.writeNumberField("lat", lat);
            g.writeNumberField("lng", lng);
            g.writeStringField("state", state);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
