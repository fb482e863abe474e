package org.bikefence.replay;

import java.util.Map;
import org.apache.flink.api.connector.source.SourceEvent;

/** What the replay's readers and its enumerator tell each other about the end of the input. */
final class ReplayEvents {
    private ReplayEvents() {}

    /** A reader has read all its splits: the latest event time of each, by split index. */
    record SplitsDone(Map<Integer, Long> maxTsBySplit) implements SourceEvent {}

    /** Every split of the replay has been read; the latest event time of all of them. */
    record EndOfInput(long maxTs) implements SourceEvent {}
}
