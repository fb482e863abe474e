package org.bikefence.functions;

import java.util.ArrayList;

/** Keyed state of one area's (or one operator's, for cells) current spell over its limit. */
public class AreaEpisode {
    /** Minute end at which the area went over its limit; -1 when it is not over. */
    public long overSince = -1;
    public boolean open;
    public long peak;
    /** Operators held responsible (fences: every operator with bikes there when it opened). */
    public ArrayList<String> operators = new ArrayList<>();

    public AreaEpisode() {}
}
