package org.bikefence.functions;

import org.bikefence.model.ClassifiedPosition;
import org.bikefence.model.ViolationEvent;

/** One thing an operator's fleet did at an event time, the common input of the per-minute counts. */
public class OperatorActivity {
    /** What happened. */
    public enum Kind { POSITION, VIOLATION_OPENED, VIOLATION_CLOSED }

    public String operator;
    public String bikeId;
    public Kind kind;
    /** For positions: the bike stood inside a no-park fence. */
    public boolean inNoPark;

    public OperatorActivity() {}

    public static OperatorActivity of(ClassifiedPosition p) {
        OperatorActivity a = new OperatorActivity();
        a.operator = p.operator;
        a.bikeId = p.bikeId;
        a.kind = Kind.POSITION;
        a.inNoPark = p.stationaryInNoPark();
        return a;
    }

    /** A violation's activity; only no-park violations count in the minute's violation fields. */
    public static OperatorActivity of(ViolationEvent v) {
        OperatorActivity a = new OperatorActivity();
        a.operator = v.operator;
        a.bikeId = v.bikeId;
        a.kind = v.kind == ViolationEvent.Kind.OPENED ? Kind.VIOLATION_OPENED : Kind.VIOLATION_CLOSED;
        return a;
    }
}
