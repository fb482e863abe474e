package org.bikefence.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamEdge;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.bikefence.model.FenceUpdate;
import org.bikefence.model.RawRecord;
import org.bikefence.model.RuleSetUpdate;
import org.bikefence.rules.RuleSetLoader;
import org.junit.jupiter.api.Test;

/**
 * The operators a rule-set source adds (the rest of the graph is {@link BikefenceJobTopologyTest}'s, which pins the
 * job without one): its source and validation with stable uids, and the accepted versions broadcast into the tracker
 * and the two scoring steps, which keep their uids.
 */
class LiveRuleSetsTopologyTest {
    private static StreamGraph built(boolean withRuleSets) throws Exception {
        JobSettings settings = JobSettings.builder()
                .fences(Files.readAllBytes(Path.of(ScenarioFixtures.FENCES)), "it-fences")
                .rules(RuleSetLoader.load(Path.of(ScenarioFixtures.RULES)))
                .build();
        BikefenceJob job = new BikefenceJob(new EmptySource<>(TypeInformation.of(RawRecord.class)),
                new EmptySource<>(TypeInformation.of(FenceUpdate.class)), new DiscardingSink<>(),
                new DiscardingSink<>(), settings);
        if (withRuleSets) {
            job.ruleSetUpdates(new EmptySource<>(Types.POJO(RuleSetUpdate.class)));
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        job.build(env);
        return env.getStreamGraph();
    }

    private static List<String> uids(StreamGraph g) {
        List<String> out = new ArrayList<>();
        for (StreamNode n : g.getStreamNodes()) {
            out.add(n.getTransformationUID() + " | " + n.getOperatorName());
        }
        return out.stream().sorted().toList();
    }

    /** The edges into a node, as "from -> to partitioner". */
    private static List<String> into(StreamGraph g, String name) {
        List<String> out = new ArrayList<>();
        for (StreamNode n : g.getStreamNodes()) {
            if (n.getOperatorName().equals(name)) {
                for (StreamEdge e : n.getInEdges()) {
                    out.add(g.getStreamNode(e.getSourceId()).getOperatorName() + " -> " + e.getPartitioner());
                }
            }
        }
        return out.stream().sorted().toList();
    }

    @Test
    void theRuleSetSourceAddsItsValidationAndBroadcastsIntoTheTrackerAndTheScores() throws Exception {
        StreamGraph without = built(false);
        StreamGraph with = built(true);

        List<String> added = new ArrayList<>(uids(with));
        added.removeAll(uids(without));
        assertThat(added).containsExactly("rule-set-points | rule-set-points", "rulesets-source | Source: rulesets",
                "validate-rule-sets | validate-rule-sets");
        assertThat(uids(with)).containsAll(uids(without));
        for (String step : List.of("bike-tracker", "operator-score", "monthly-assessment")) {
            assertThat(into(with, step)).as(step).contains("validate-rule-sets -> BROADCAST");
            assertThat(into(without, step)).as(step).noneMatch(e -> e.startsWith("validate-rule-sets"));
        }
        assertThat(into(with, "validate-rule-sets")).containsExactly("Source: rulesets -> HASH");
    }
}
