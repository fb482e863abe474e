package org.bikefence.rules.mds;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One MDS policy rule translated into bikefence terms. Geometry stays with the geography loader (geo-fences):
 * only geography ids are carried.
 *
 * @param kind what the rule means for bikefence
 * @param geographyIds MDS geography ids the rule covers
 * @param providerIds MDS provider ids the policy names; empty means all providers
 * @param maximumDevices the cap (FLEET_CAP, AREA_CAP), else null
 * @param maximumIdle the longest a vehicle may stand (IDLE_LIMIT), else null
 * @param maximumKph the speed limit in km/h (SPEED_LIMIT; 0 for NO_RIDE), else null
 * @param states MDS vehicle states the rule names (empty: all)
 * @param policyStart policy's start_date
 * @param policyEnd policy's end_date, or null when open-ended
 * @param location where the rule is in the document, e.g. {@code policies[0].rules[2]}, for messages
 */
public record MdsRuleMapping(Kind kind, String policyId, String ruleId, String name, List<String> geographyIds,
        MdsSchedule schedule, List<String> providerIds, Long maximumDevices, Duration maximumIdle,
        Double maximumKph, Set<String> states, Instant policyStart, Instant policyEnd, String location)
        implements Serializable {

    /** What an imported MDS rule becomes. */
    public enum Kind {
        /** count rule with maximum 0: no bike may be parked there (禁停区). Enforced by the stream. */
        NO_PARK("no_park"),
        /** count rule with maximum &gt; 0 in a policy naming providers: each named provider's cap there. */
        FLEET_CAP("fleet_cap"),
        /** count rule with maximum &gt; 0 for all providers: a cap on all operators' bikes there. */
        AREA_CAP("area_cap"),
        /** time rule on parked states: longest a bike may stand idle (zombie / idle limit). */
        IDLE_LIMIT("idle_limit"),
        /** speed rule with maximum 0: riding not allowed. Carried, not enforced by the stream yet. */
        NO_RIDE("no_ride"),
        /** speed rule with maximum &gt; 0: slow zone. Carried, not enforced by the stream yet. */
        SPEED_LIMIT("speed_limit");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    public MdsRuleMapping {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(ruleId, "ruleId");
        geographyIds = List.copyOf(geographyIds);
        providerIds = List.copyOf(providerIds);
        states = Set.copyOf(states);
        Objects.requireNonNull(schedule, "schedule");
    }
}
