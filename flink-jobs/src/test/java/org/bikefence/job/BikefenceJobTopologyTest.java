package org.bikefence.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamEdge;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.bikefence.model.FenceUpdate;
import org.bikefence.model.RawRecord;
import org.bikefence.rules.RuleSetLoader;
import org.junit.jupiter.api.Test;

/**
 * The job's operator graph, as a savepoint sees it: every operator's uid, name and parallelism, every edge
 * with its partitioning and side output, and the chained tasks. Any change here is a change of topology and must
 * be deliberate. Last changed on purpose when the per-bike decisions moved into the tracker and the per-operator
 * steps began to take per-subtask minute slices: positions now cross the network once after decoding (HASH into
 * bike-tracker); everything else that is keyed by operator or city receives slices or month figures. Then when the
 * "now" snapshots were added: the new operators chain to the tracker, the accumulation step and the month metrics
 * (every existing operator id unchanged), and {@code now-snapshots} takes violations, accumulation events and
 * occupancy changes keyed by operator (input 1) and the minutes' snapshot boundaries (input 2).
 */
class BikefenceJobTopologyTest {

    private static StreamExecutionEnvironment built(boolean withUpdatesAndViolations) throws IOException {
        StreamExecutionEnvironment env = environment();
        job(withUpdatesAndViolations).build(env);
        return env;
    }

    /** The job on the test fences and rules, from empty sources into discarding sinks. */
    private static BikefenceJob job(boolean withUpdatesAndViolations) throws IOException {
        JobSettings settings = JobSettings.builder()
                .fences(Files.readAllBytes(Path.of(ScenarioFixtures.FENCES)), "it-fences")
                .rules(RuleSetLoader.load(Path.of(ScenarioFixtures.RULES)))
                .build();
        return new BikefenceJob(new EmptySource<>(TypeInformation.of(RawRecord.class)),
                withUpdatesAndViolations ? new EmptySource<>(TypeInformation.of(FenceUpdate.class)) : null,
                new DiscardingSink<>(), new DiscardingSink<>(),
                withUpdatesAndViolations ? new DiscardingSink<>() : null, settings);
    }

    private static StreamExecutionEnvironment environment() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        return env;
    }

    /** A node by its uid (its name when it has none): "uid | name | parallelism". */
    private static String key(StreamNode n) {
        return (n.getTransformationUID() == null ? "-" : n.getTransformationUID()) + " | " + n.getOperatorName()
                + " | " + n.getParallelism();
    }

    private static List<String> nodes(StreamGraph g) {
        return g.getStreamNodes().stream().map(BikefenceJobTopologyTest::key).sorted().toList();
    }

    private static List<String> edges(StreamGraph g) {
        Map<Integer, StreamNode> byId = new TreeMap<>();
        g.getStreamNodes().forEach(n -> byId.put(n.getId(), n));
        return g.getStreamNodes().stream().flatMap(n -> n.getInEdges().stream()).map((StreamEdge e) ->
                        label(byId.get(e.getSourceId())) + " -> " + label(byId.get(e.getTargetId())) + " ["
                                + e.getPartitioner() + (e.getOutputTag() == null ? "" : ", " + e.getOutputTag().getId())
                                + (e.getTypeNumber() == 0 ? "" : ", input " + e.getTypeNumber()) + "]")
                .sorted().toList();
    }

    private static String label(StreamNode n) {
        return n.getTransformationUID() == null ? n.getOperatorName() : n.getTransformationUID();
    }

    private static List<String> tasks(JobGraph g) {
        return java.util.stream.StreamSupport.stream(g.getVertices().spliterator(), false)
                .map((JobVertex v) -> v.getName() + " | " + v.getParallelism() + " | "
                        + v.getOperatorIDs().stream().map(id -> id.getGeneratedOperatorID().toHexString())
                                .collect(Collectors.joining(",")))
                .sorted().toList();
    }

    @Test
    void everyOperatorKeepsItsUidNameAndParallelism() throws Exception {
        assertThat(nodes(built(true).getStreamGraph())).containsExactlyElementsOf(NODES);
    }

    @Test
    void withoutUpdatesOrViolationsOutTheirSourceAndSinkAreTheOnlyOperatorsMissing() throws Exception {
        assertThat(nodes(built(false).getStreamGraph())).containsExactlyElementsOf(NODES.stream()
                .filter(n -> !n.startsWith("bike-violations-sink") && !n.startsWith("geofences-source")).toList());
    }

    @Test
    void withoutUpdatesClassificationChainsToDecoding() throws Exception {
        assertThat(tasks(built(false).getStreamGraph().getJobGraph())).first().asString()
                .startsWith("Source: bike-positions -> decode-validate -> (dead-letters: Writer, event-time -> "
                        + "classify-fences -> fence-set-points, ");
    }

    @Test
    void theFirstChainAloneIsTheJobsFirstChain() throws Exception {
        StreamExecutionEnvironment env = environment();
        job(false).buildFirstChain(env).sinkTo(new DiscardingSink<>()).name("discard");
        List<String> first = nodes(env.getStreamGraph());
        assertThat(first).containsExactly("- | discard: Writer | 2", "bike-positions-source | Source: bike-positions | 2",
                "classify-fences | classify-fences | 2", "dead-letters-sink | dead-letters: Writer | 2",
                "decode-validate | decode-validate | 2", "event-time | event-time | 2");
        // Each of them as the whole job has it: uid, name and parallelism.
        assertThat(nodes(built(false).getStreamGraph())).containsAll(first.subList(1, first.size()));
    }

    @Test
    void everyEdgeKeepsItsEndsPartitioningAndSideOutput() throws Exception {
        assertThat(edges(built(true).getStreamGraph())).containsExactlyElementsOf(EDGES);
    }

    @Test
    void theChainedTasksAndTheirOperatorIdsStayTheSame() throws Exception {
        assertThat(tasks(built(true).getStreamGraph().getJobGraph())).containsExactlyElementsOf(TASKS);
    }

    static final List<String> NODES = List.of(
            "accumulation | accumulation | 2",
            "accumulation-minute-slices | accumulation-minute-slices | 2",
            "area-deltas | area-deltas | 2",
            "bike-minute-slices | bike-minute-slices | 2",
            "bike-positions-source | Source: bike-positions | 2",
            "bike-tracker | bike-tracker | 2",
            "bike-violations-sink | bike-violations: Writer | 2",
            "classify-fences | classify-fences | 2",
            "dead-letters-sink | dead-letters: Writer | 2",
            "decode-validate | decode-validate | 2",
            "event-time | event-time | 2",
            "fence-set-points | fence-set-points | 2",
            "geofences-source | Source: geofences | 2",
            "influxdb-sink | influxdb: Writer | 2",
            "invalid-minute-slices | invalid-minute-slices | 2",
            "invalid-signal-time | invalid-signal-time | 2",
            "invalid-signals | invalid-signals | 2",
            "invalid-with-operator | invalid-with-operator | 2",
            "minute-points | minute-points | 2",
            "monthly-assessment | monthly-assessment | 2",
            "now-accumulation-changes | now-accumulation-changes | 2",
            "now-accumulation-signals | now-accumulation-signals | 2",
            "now-boundaries | now-boundaries | 2",
            "now-occupancy-changes | now-occupancy-changes | 2",
            "now-snapshots | now-snapshots | 2",
            "now-untracked-changes | now-untracked-changes | 2",
            "now-violation-changes | now-violation-changes | 2",
            "operator-month-metrics | operator-month-metrics | 2",
            "operator-score | operator-score | 2",
            "score-points | score-points | 2",
            "violation-points | violation-points | 2");
    static final List<String> EDGES = List.of(
            "accumulation -> accumulation-minute-slices [FORWARD]",
            "accumulation -> influxdb-sink [FORWARD, accumulation-points]",
            "accumulation -> now-accumulation-signals [FORWARD]",
            "accumulation -> now-occupancy-changes [FORWARD, accumulation-points]",
            "accumulation-minute-slices -> operator-month-metrics [HASH]",
            "area-deltas -> accumulation [HASH]",
            "bike-minute-slices -> operator-month-metrics [HASH]",
            "bike-positions-source -> decode-validate [FORWARD]",
            "bike-tracker -> area-deltas [FORWARD, bike-facts]",
            "bike-tracker -> bike-minute-slices [FORWARD, bike-signals]",
            "bike-tracker -> bike-violations-sink [FORWARD]",
            "bike-tracker -> now-untracked-changes [FORWARD, untracked-violations]",
            "bike-tracker -> now-violation-changes [FORWARD]",
            "bike-tracker -> violation-points [FORWARD]",
            "classify-fences -> bike-tracker [HASH]",
            "classify-fences -> fence-set-points [FORWARD, fence-set-events]",
            "decode-validate -> dead-letters-sink [FORWARD, dead-letters]",
            "decode-validate -> event-time [FORWARD]",
            "decode-validate -> invalid-with-operator [FORWARD, dead-letters]",
            "event-time -> classify-fences [FORWARD, input 1]",
            "fence-set-points -> influxdb-sink [FORWARD]",
            "geofences-source -> classify-fences [BROADCAST, input 2]",
            "invalid-minute-slices -> operator-month-metrics [HASH]",
            "invalid-signal-time -> invalid-minute-slices [FORWARD]",
            "invalid-signals -> invalid-signal-time [FORWARD]",
            "invalid-with-operator -> invalid-signals [FORWARD]",
            "minute-points -> influxdb-sink [FORWARD]",
            "monthly-assessment -> influxdb-sink [FORWARD]",
            "now-accumulation-changes -> now-snapshots [HASH, input 1]",
            "now-accumulation-signals -> now-accumulation-changes [FORWARD]",
            "now-boundaries -> now-snapshots [HASH, input 2]",
            "now-occupancy-changes -> now-snapshots [HASH, input 1]",
            "now-snapshots -> influxdb-sink [FORWARD]",
            "now-untracked-changes -> now-snapshots [HASH, input 1]",
            "now-violation-changes -> now-snapshots [HASH, input 1]",
            "operator-month-metrics -> minute-points [FORWARD, operator-minutes]",
            "operator-month-metrics -> monthly-assessment [HASH]",
            "operator-month-metrics -> now-boundaries [FORWARD, operator-minutes]",
            "operator-month-metrics -> operator-score [FORWARD, operator-minutes]",
            "operator-score -> score-points [FORWARD]",
            "score-points -> influxdb-sink [FORWARD]",
            "violation-points -> influxdb-sink [FORWARD]");
    static final List<String> TASKS = List.of(
            "Source: bike-positions -> decode-validate -> (dead-letters: Writer, event-time, invalid-with-operator -> invalid-signals -> invalid-signal-time -> invalid-minute-slices) | 2 | b7ddf05fc8734f560238d2765b111587,8cab2cfea2c02efa081a087e2e5be5df,c65bea337b544ccde8665466e7762d2f,cfb90f52363cf49fc3fa6af3c6a588f8,e6220f5e836c69b23fffe06bde68fb9f,412c3a6f751031862bbdbaed05216ff8,7257485d5460223ea0996e285e568049,c881b0ed1ddc6b236ab32bcdb0c37a9d",
            "Source: geofences | 2 | d5ac73d4da9c89857f101f585be7baeb",
            "accumulation -> (accumulation-minute-slices, now-accumulation-signals -> now-accumulation-changes, now-occupancy-changes) | 2 | 162c1c580ed3a10e3164fcdf82f60d9f,5a13b6658f4d2079b4e44e2dd7d186cd,c052f3508641679ca698690aebe65c8c,d733242d39deb0dc3489645f54907a2f,9d797e46ff58417ae4654114383f04b2",
            "bike-tracker -> (bike-violations: Writer, area-deltas, bike-minute-slices, now-violation-changes, now-untracked-changes, violation-points) | 2 | fcad102d03aadea920a3f35de922de3a,83e69c50ded860de0f875a9b1a03fe47,f1cb0e926dabd584e795c952287777e0,0b3c7dca3de8fda58918da926564bd5b,1dbf3e46902e7598d89463f7f975da77,7f488b1a78d1f81e51de7b3eefdf48a9,dd74d12165958a458c4ab3fb12564ee9",
            "classify-fences -> fence-set-points | 2 | 524486c14534fc5cfa8f549a89d5cef9,b1b6e94c17f78677fd80a4f448555159",
            "influxdb: Writer | 2 | 0687028cd1c2a19d2dec1efe221d0988",
            "monthly-assessment | 2 | a05c8a273559c3878762c635c2e578cb",
            "now-snapshots | 2 | 3973080d9f81c6d2a285b15970110ab5",
            "operator-month-metrics -> (operator-score -> score-points, now-boundaries, minute-points) | 2 | a4e3dc939624b8c7bd1097d11948f27c,1ba0bd0ff83a7c506a3633a94e145d3b,cc8cab1c6fc23034a5ea952c53cd1363,8efc129ed7dbced437d222a86e1b528e,b18ec819e4db10e935ae849a706fb83a");
}
