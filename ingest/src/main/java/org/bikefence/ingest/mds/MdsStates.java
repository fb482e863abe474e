package org.bikefence.ingest.mds;

import java.util.List;
import java.util.Map;
import org.bikefence.model.BikeState;

/**
 * Maps MDS 2.x {@code vehicle_state} and {@code event_types} to the contract's states.
 *
 * <p>The contract knows parked, riding and faulty. A vehicle that left the street ({@code removed},
 * {@code elsewhere}, a pick-up event) becomes {@code riding}: for the regulator it is no longer standing where it
 * was, which is what closes a no-park violation. A vehicle whose position is unknown ({@code missing},
 * {@code non_contactable}) or that is only reserved keeps its last reported state ({@link #HOLD}).
 */
public final class MdsStates {

    /** Listed, but nothing new to report: the vehicle's last state stands. */
    public static final BikeState HOLD = null;

    private static final Map<String, BikeState> VEHICLE_STATES = Map.of(
            "available", BikeState.PARKED,
            "non_operational", BikeState.FAULTY,
            "on_trip", BikeState.RIDING,
            "stopped", BikeState.RIDING,
            "removed", BikeState.RIDING,
            "elsewhere", BikeState.RIDING);
    private static final List<String> HELD_STATES = List.of("reserved", "missing", "non_contactable");

    private static final Map<String, BikeState> EVENT_TYPES = Map.ofEntries(
            Map.entry("trip_start", BikeState.RIDING),
            Map.entry("trip_resume", BikeState.RIDING),
            Map.entry("trip_enter_jurisdiction", BikeState.RIDING),
            Map.entry("trip_leave_jurisdiction", BikeState.RIDING),
            Map.entry("rebalance_pick_up", BikeState.RIDING),
            Map.entry("maintenance_pick_up", BikeState.RIDING),
            Map.entry("compliance_pick_up", BikeState.RIDING),
            Map.entry("agency_pick_up", BikeState.RIDING),
            Map.entry("decommissioned", BikeState.RIDING),
            Map.entry("trip_end", BikeState.PARKED),
            Map.entry("provider_drop_off", BikeState.PARKED),
            Map.entry("agency_drop_off", BikeState.PARKED),
            Map.entry("service_start", BikeState.PARKED),
            Map.entry("recommission", BikeState.PARKED),
            Map.entry("maintenance_end", BikeState.PARKED),
            Map.entry("maintenance", BikeState.FAULTY),
            Map.entry("battery_low", BikeState.FAULTY));

    private MdsStates() {}

    /** Whether the vehicle state means "listed, keep the last state". */
    public static boolean held(String vehicleState) {
        return HELD_STATES.contains(vehicleState);
    }

    /**
     * The state for a vehicle_state, falling back to the last event type with a meaning when the vehicle_state is
     * missing or not one of MDS 2.x's; null when neither says anything (callers reject: unknown_state).
     */
    public static BikeState map(String vehicleState, List<String> eventTypes) {
        BikeState s = vehicleState == null ? null : VEHICLE_STATES.get(vehicleState);
        if (s != null) {
            return s;
        }
        for (int i = eventTypes.size() - 1; i >= 0; i--) {
            BikeState e = EVENT_TYPES.get(eventTypes.get(i));
            if (e != null) {
                return e;
            }
        }
        return null;
    }
}
