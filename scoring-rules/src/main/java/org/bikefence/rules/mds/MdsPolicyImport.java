package org.bikefence.rules.mds;

import java.io.Serializable;
import java.util.List;

/** Everything an MDS Policy document mapped to, in document order. */
public record MdsPolicyImport(String source, String mdsVersion, List<MdsRuleMapping> rules) implements Serializable {

    public MdsPolicyImport {
        rules = List.copyOf(rules);
    }

    public List<MdsRuleMapping> ofKind(MdsRuleMapping.Kind kind) {
        return rules.stream().filter(r -> r.kind() == kind).toList();
    }

    /** Geography ids of the no-park zones, in document order, without repeats. */
    public List<String> noParkGeographyIds() {
        return ofKind(MdsRuleMapping.Kind.NO_PARK).stream().flatMap(r -> r.geographyIds().stream()).distinct()
                .toList();
    }
}
