package org.bikefence.functions;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.bikefence.bike.TrackerSettings;
import org.bikefence.model.RuleSetUpdate;
import org.bikefence.rules.RuleSet;
import org.bikefence.rules.RuleSetLoader;
import org.bikefence.rules.RuleSetRegistry;

/**
 * Rule-set versions taken while running: how an accepted {@link RuleSetUpdate} is read back (it was validated by
 * {@link ValidateRuleSets}, with the same loader), and the broadcast state the scoring steps keep them in.
 */
public final class LiveRuleSets {
    /** The accepted versions by name, in the scoring steps (operator broadcast state: a restore keeps them). */
    public static final MapStateDescriptor<String, RuleSetUpdate> STATE = new MapStateDescriptor<>(
            "live-rule-sets", Types.STRING, Types.POJO(RuleSetUpdate.class));

    private LiveRuleSets() {}

    /** The update's rule set, read with the job's loader; its errors name the source, line, key and value. */
    public static RuleSet parse(RuleSetUpdate u) {
        return RuleSetLoader.load(new ByteArrayInputStream(u.yaml.getBytes(StandardCharsets.UTF_8)),
                "rule set from " + (u.source == null ? "the rule-set topic" : u.source));
    }

    static TrackerSettings trackerSettings(RuleSetUpdate u) {
        return TrackerSettings.of(parse(u));
    }

    /** {@code base} with the accepted versions added, oldest {@code effectiveFrom} first. */
    static RuleSetRegistry registry(RuleSetRegistry base, Iterable<Map.Entry<String, RuleSetUpdate>> accepted) {
        List<RuleSet> sets = new ArrayList<>();
        for (Map.Entry<String, RuleSetUpdate> e : accepted) {
            sets.add(parse(e.getValue()));
        }
        sets.sort(Comparator.comparing(RuleSet::effectiveFrom));
        RuleSetRegistry r = base;
        for (RuleSet s : sets) {
            r = r.with(s);
        }
        return r;
    }
}
