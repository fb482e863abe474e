package org.bikefence.functions;

import java.util.ArrayList;
import java.util.List;

/**
 * Keyed state of one area's (or one operator's, for cells) current spell over its limit: a Flink POJO, its list
 * declared as {@code List<String>} so Flink serializes it itself (an {@code ArrayList} field would take Kryo).
 */
public class AreaEpisode {
    /** Minute end at which the area went over its limit; -1 when it is not over. */
    public long overSince = -1;
    public boolean open;
    public long peak;
    /** Operators held responsible (fences: every operator with bikes there when it opened). */
    public List<String> operators = new ArrayList<>();

    public AreaEpisode() {}
}
