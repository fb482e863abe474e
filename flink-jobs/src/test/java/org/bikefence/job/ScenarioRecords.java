package org.bikefence.job;

import java.util.ArrayList;
import java.util.List;

/**
 * The scripted scenario of {@link ScenarioFixtures} for tests in other packages (the monthly report's end-to-end
 * test), in the order BikefenceJobITCase produces it: good records with the bad ones interleaved.
 */
public final class ScenarioRecords {
    public static final long T = ScenarioFixtures.T;
    public static final String FENCES = ScenarioFixtures.FENCES;
    public static final String RULES = ScenarioFixtures.RULES;

    private ScenarioRecords() {}

    /** Key and value of each record to produce, in order. */
    public static List<String[]> keysAndValues() {
        List<ScenarioFixtures.Msg> all = new ArrayList<>(ScenarioFixtures.SCRIPT);
        for (int i = 0; i < ScenarioFixtures.BAD.size(); i++) {
            all.add(3 + i * 5, ScenarioFixtures.BAD.get(i));
        }
        List<String[]> out = new ArrayList<>();
        all.forEach(m -> out.add(new String[] {m.key(), m.value()}));
        return out;
    }
}
