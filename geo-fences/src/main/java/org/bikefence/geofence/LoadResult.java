package org.bikefence.geofence;

import java.util.List;
import org.bikefence.geofence.crs.Crs;

/**
 * A loaded fence set with what the loader noticed on the way: warnings (skipped features, GBFS
 * precedence cuts, ...) and repairs made because {@link LoadOptions#repair()} was set.
 *
 * @param format "geojson", "city-csv", "gbfs" or "mds"
 * @param crs the coordinate system the file was read in (fences are WGS84 regardless)
 * @param warnings messages naming source and feature, in the order found
 * @param repairs one message per repaired fence, naming its id
 */
public record LoadResult(FenceSet fences, String format, Crs crs, List<String> warnings,
        List<String> repairs) {

    public LoadResult {
        warnings = List.copyOf(warnings);
        repairs = List.copyOf(repairs);
    }
}
