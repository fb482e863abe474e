package org.bikefence.job;

import java.util.ArrayList;
import java.util.List;
import org.bikefence.job.ScenarioFixtures.Msg;

/**
 * The scripted scenario of {@link ScenarioFixtures} (package-private) for the replay tests in
 * {@code org.bikefence.replay}: read-only copies, in the order {@link BikefenceJobITCase} produces them.
 */
public final class ReplayScenarioFixtures {
    public static final long T = ScenarioFixtures.T;
    public static final long MIN = ScenarioFixtures.MIN;
    public static final String FENCES = ScenarioFixtures.FENCES;
    public static final String RULES = ScenarioFixtures.RULES;

    /** One record: Kafka key and value. */
    public record Record(String key, String value) {}

    private ReplayScenarioFixtures() {}

    /** The script with the bad records interleaved (one after every fifth, from the fourth), as produced. */
    public static List<Record> produced() {
        List<Msg> all = new ArrayList<>(ScenarioFixtures.SCRIPT);
        for (int i = 0; i < ScenarioFixtures.BAD.size(); i++) {
            all.add(3 + i * 5, ScenarioFixtures.BAD.get(i));
        }
        return all.stream().map(m -> new Record(m.key(), m.value())).toList();
    }

    /** The bad records, each with the reason the job must give it. */
    public static List<Record> bad() {
        return ScenarioFixtures.BAD.stream().map(m -> new Record(m.key(), m.value())).toList();
    }

    public static List<String> badReasons() {
        return ScenarioFixtures.BAD_REASONS;
    }
}
