package org.bikefence.ingest;

import java.util.Collection;
import org.bikefence.model.BikePosition;
import org.bikefence.influx.InfluxPoint;
import org.bikefence.influx.InfluxSchema;

/**
 * One fetch's health of one operator feed, as written to InfluxDB measurement {@code feed_health}.
 *
 * <p>Processing-time data by nature: the point's time is when the adapter fetched (or received) the data, and
 * ages are measured against that time, so a replay cannot reproduce it; unlike the job's measurements it is
 * not idempotent.
 *
 * @param records vehicles (or pushed records) in the fetch, usable or not
 * @param invalid of those, how many were dead-lettered
 * @param usable vehicles with a position to report (not dead-lettered, not reserved)
 * @param stale usable vehicles whose position is older than the feed's freshness promise
 * @param freshestAgeMs age of the newest usable position at fetch time, or null when there was none
 * @param duplicateIds vehicles listed under an id already listed in the same fetch
 * @param lastSuccessMs fetch time of the last fetch that was published, or null before the first
 * @param consecutiveFailures failed fetches since the last success (0 for a successful fetch)
 * @param error reason code of this fetch's failure, null for a success
 */
public record FeedHealth(String operator, String feed, long fetchTimeMs, Long lastSuccessMs, long records,
        long invalid, long usable, long stale, Long freshestAgeMs, long duplicateIds, long consecutiveFailures,
        String error) {

    /** Health of a fetch whose usable positions are {@code usable}. */
    public static FeedHealth success(String operator, String feed, long fetchTimeMs, long records, long invalid,
            long duplicateIds, Collection<BikePosition> usable, long freshnessMs) {
        long stale = 0;
        long freshest = Long.MIN_VALUE;
        for (BikePosition p : usable) {
            if (p.ts < fetchTimeMs - freshnessMs) {
                stale++;
            }
            freshest = Math.max(freshest, p.ts);
        }
        return new FeedHealth(operator, feed, fetchTimeMs, fetchTimeMs, records, invalid, usable.size(), stale,
                usable.isEmpty() ? null : fetchTimeMs - freshest, duplicateIds, 0, null);
    }

    /** Health of a failed fetch: nothing was published. */
    public static FeedHealth failure(String operator, String feed, long fetchTimeMs, Long lastSuccessMs,
            long consecutiveFailures, String error) {
        return new FeedHealth(operator, feed, fetchTimeMs, lastSuccessMs, 0, 0, 0, 0, null, 0, consecutiveFailures,
                error);
    }

    public double invalidShare() {
        return records == 0 ? 0.0 : (double) invalid / records;
    }

    public double staleShare() {
        return usable == 0 ? 0.0 : (double) stale / usable;
    }

    /** This health as its InfluxDB point (see {@link InfluxSchema#feedHealth}). */
    public InfluxPoint toPoint() {
        return InfluxSchema.feedHealth(operator, feed, fetchTimeMs, lastSuccessMs, records, invalidShare(),
                staleShare(), freshestAgeMs, duplicateIds, consecutiveFailures, error);
    }
}
