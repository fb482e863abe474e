package org.bikefence.ingest;

import org.bikefence.decode.PositionDecoder;

/**
 * Reason codes of the adapters' dead letters ({@code dlq.reason}): the job's decoder codes plus those only an
 * adapter can see (the feed's own structure and the city's bounds).
 */
public final class Reasons {
    public static final String NOT_JSON = PositionDecoder.NOT_JSON;
    public static final String MISSING_FIELD = PositionDecoder.MISSING_FIELD;
    public static final String BAD_TYPE = PositionDecoder.BAD_TYPE;
    public static final String OUT_OF_RANGE = PositionDecoder.OUT_OF_RANGE;
    public static final String UNKNOWN_STATE = PositionDecoder.UNKNOWN_STATE;
    /** A record over the decoder's size limit, or a bike id over its length limit (the job's defaults). */
    public static final String TOO_LARGE = PositionDecoder.TOO_LARGE;
    /** The document's declared version is unsupported, or its fields belong to another version. */
    public static final String WRONG_VERSION = "wrong_version";
    /** A valid position outside the configured city bounding box (GPS outliers, test vehicles, HQ sentinels). */
    public static final String OUTSIDE_CITY = "outside_city";
    /** Outside the box as given, inside it with lat and lng exchanged. */
    public static final String SWAPPED_COORDINATES = "swapped_coordinates";
    /** A second vehicle with an id already listed in the same snapshot. */
    public static final String DUPLICATE_ID = "duplicate_id";

    private Reasons() {}
}
