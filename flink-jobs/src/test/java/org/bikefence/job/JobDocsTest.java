package org.bikefence.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.streaming.api.operators.AbstractUdfStreamOperator;
import org.apache.flink.streaming.api.operators.SimpleOperatorFactory;
import org.apache.flink.streaming.api.operators.StreamOperator;
import org.bikefence.config.JobOptions;
import org.bikefence.model.FenceUpdate;
import org.bikefence.model.RawRecord;
import org.bikefence.rules.RuleSetLoader;
import org.junit.jupiter.api.Test;

/**
 * What the READMEs say about the job's operators against the job's graph: each metric the README names is
 * registered by the operator it names, and watermarks are made where the docs say (in the Kafka source, per
 * partition), with one description of {@code watermark.idleness-ms} everywhere. The test reads the docs, it never
 * rewrites them.
 */
class JobDocsTest {
    private static final Path README = Path.of("README.md");
    private static final Path SOURCES = Path.of("src", "main", "java");

    private static StreamGraph built() throws Exception {
        JobSettings settings = JobSettings.builder()
                .fences(Files.readAllBytes(Path.of(ScenarioFixtures.FENCES)), "it-fences")
                .rules(RuleSetLoader.load(Path.of(ScenarioFixtures.RULES)))
                .build();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        new BikefenceJob(new EmptySource<>(TypeInformation.of(RawRecord.class)),
                new EmptySource<>(TypeInformation.of(FenceUpdate.class)), new DiscardingSink<>(),
                new DiscardingSink<>(), new DiscardingSink<>(), settings)
                .ruleSetUpdates(new EmptySource<>(org.apache.flink.api.common.typeinfo.Types.POJO(
                        org.bikefence.model.RuleSetUpdate.class)))
                .build(env);
        return env.getStreamGraph();
    }

    /** The class that does the work of a node: a function's class, else the operator's. */
    private static Class<?> workOf(StreamNode n) {
        if (n.getOperatorFactory() instanceof SimpleOperatorFactory<?> simple) {
            StreamOperator<?> op = simple.getOperator();
            return op instanceof AbstractUdfStreamOperator<?, ?> udf ? udf.getUserFunction().getClass() : op.getClass();
        }
        return n.getOperatorFactory().getStreamOperatorClass(JobDocsTest.class.getClassLoader());
    }

    private static String section(String markdown, String heading) {
        int start = markdown.indexOf("\n" + heading + "\n");
        assertThat(start).as("a section '%s'", heading).isNotNegative();
        int end = markdown.indexOf("\n## ", start + 1);
        return markdown.substring(start, end < 0 ? markdown.length() : end);
    }

    @Test
    void everyMetricOfTheMetricsSectionIsRegisteredByTheOperatorItNames() throws Exception {
        String metrics = section(Files.readString(README), "## Metrics");
        Map<String, String> documented = new LinkedHashMap<>();
        Matcher m = Pattern.compile("`([A-Za-z.<>]+)`[^`]*?\\sof\\s+(?:the\\s+)?`([a-z-]+)`").matcher(metrics);
        while (m.find()) {
            documented.put(m.group(1).substring(m.group(1).lastIndexOf('.') + 1), m.group(2));
        }
        assertThat(documented).containsEntry("lateRecords", "bike-tracker")
                .containsEntry("invalidRecords", "decode-validate").hasSizeGreaterThanOrEqualTo(5);

        StreamGraph g = built();
        List<String> wrong = new ArrayList<>();
        documented.forEach((metric, operator) -> {
            List<StreamNode> nodes = g.getStreamNodes().stream().filter(n -> n.getOperatorName().equals(operator))
                    .toList();
            if (nodes.isEmpty()) {
                wrong.add("README: `" + metric + "` of `" + operator + "`, but the job has no operator " + operator);
                return;
            }
            for (StreamNode n : nodes) {
                Class<?> work = workOf(n);
                String top = work.getName().replaceAll("\\$.*", "");
                Path source = SOURCES.resolve(top.replace('.', '/') + ".java");
                try {
                    if (!Files.exists(source) || !Files.readString(source).contains("\"" + metric + "\"")) {
                        wrong.add("README: `" + metric + "` of `" + operator + "`, but " + top
                                + " does not register it");
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        });
        assertThat(wrong).isEmpty();
    }

    @Test
    void positionWatermarksAreMadeInTheSourcePerPartitionAndEveryDocSaysSo() throws Exception {
        // No operator after the positions' source makes their watermarks: the only timestamp/watermark step is the
        // rejected records', which never holds time back. So the source makes them, per split (Kafka partition).
        List<String> watermarkSteps = built().getStreamNodes().stream()
                .filter(n -> workOf(n).getSimpleName().contains("TimestampsAndWatermarks"))
                .map(StreamNode::getOperatorName).toList();
        assertThat(watermarkSteps).containsExactly("invalid-signal-time");

        assertThat(JobOptions.descriptionText(JobOptions.IDLENESS_MS)).contains("A partition without data");
        assertThat(Files.readString(README)).contains("| `watermark.idleness-ms` | `60000` | A partition without data")
                .contains("- **Watermarks per partition.** The source assigns each record its event time");
        List<String> contradicting = new ArrayList<>();
        Pattern perSubtask = Pattern.compile("(?i)(idle[^.|]*\\b(per|each) (decode )?subtask)"
                + "|(watermarks?[^.|]*\\b(per|each) decode subtask)|(decode subtask[^.|]*idle)");
        try (Stream<Path> docs = Stream.of(Path.of("..")).flatMap(JobDocsTest::readmes)) {
            for (Path doc : docs.toList()) {
                String text = Files.readString(doc);
                Matcher m = perSubtask.matcher(text);
                while (m.find()) {
                    contradicting.add(doc + ": " + m.group());
                }
                if (text.contains("watermark.idleness-ms") && !doc.endsWith(Path.of("flink-jobs", "README.md"))) {
                    for (String line : text.split("\n")) {
                        if (line.contains("watermark.idleness-ms") && line.contains("|")
                                && !line.contains("A partition without data")) {
                            contradicting.add(doc + ": " + line);
                        }
                    }
                }
            }
        }
        assertThat(contradicting).isEmpty();
    }

    /** The root README and every module's. */
    private static Stream<Path> readmes(Path root) {
        try (Stream<Path> modules = Files.list(root)) {
            List<Path> all = new ArrayList<>(List.of(root.resolve("README.md")));
            modules.map(m -> m.resolve("README.md")).filter(Files::exists).sorted().forEach(all::add);
            return all.stream();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
