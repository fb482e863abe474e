package org.bikefence.operator;

import java.io.ByteArrayInputStream;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.bikefence.geofence.Fence;
import org.bikefence.geofence.FenceIndex;
import org.bikefence.geofence.FenceKind;
import org.bikefence.geofence.FenceSet;
import org.bikefence.geofence.GeoJsonFenceLoader;
import org.bikefence.model.BikePosition;
import org.bikefence.model.ClassifiedPosition;

/** Classifies each position against the city's fences (no-park, parking, operating area). */
public class ClassifyPositions extends RichMapFunction<BikePosition, ClassifiedPosition> {
    private static final long serialVersionUID = 1L;

    /** The fence file's bytes travel with the job; the index is built on each task in open(). */
    private final byte[] fenceGeoJson;
    private final String fenceSource;

    private transient FenceIndex index;

    public ClassifyPositions(byte[] fenceGeoJson, String fenceSource) {
        this.fenceGeoJson = fenceGeoJson;
        this.fenceSource = fenceSource;
    }

    @Override
    public void open(OpenContext openContext) {
        FenceSet fences = GeoJsonFenceLoader.load(new ByteArrayInputStream(fenceGeoJson), fenceSource);
        index = FenceIndex.build(fences);
    }

    @Override
    public ClassifiedPosition map(BikePosition p) {
        String noPark = null;
        String parking = null;
        boolean inArea = false;
        // covering() returns fences ordered by id, so the first match is the smallest id: deterministic.
        for (Fence f : index.covering(p.lat, p.lng)) {
            if (!f.appliesTo(p.operator)) {
                continue;
            }
            FenceKind kind = f.kind();
            if (kind == FenceKind.NO_PARK && noPark == null) {
                noPark = f.id();
            } else if (kind == FenceKind.PARKING && parking == null) {
                parking = f.id();
            } else if (kind == FenceKind.OPERATING_AREA) {
                inArea = true;
            }
        }
        return new ClassifiedPosition(p, noPark, parking, inArea);
    }
}
