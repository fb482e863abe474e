package org.bikefence.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bikefence.bike.AccumulationRules;
import org.junit.jupiter.api.Test;

/**
 * What the city dashboards' panel texts say about the job against what the code does: who is responsible for
 * a parking fence over capacity ({@link AccumulationRules#responsibleForFence}).
 */
class DashboardTextsTest {
    private static final Path DASHBOARDS = Path.of("..", "docker", "grafana", "dashboards");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every panel description of every dashboard, as "file: title: description". */
    private static List<String> descriptions() throws Exception {
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(DASHBOARDS)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                collect(f.getFileName().toString(), JSON.readTree(f.toFile()), out);
            }
        }
        return out;
    }

    private static void collect(String file, JsonNode node, List<String> out) {
        if (node.isObject() && node.has("description") && node.has("type")) {
            out.add(file + ": " + node.path("title").asText() + ": " + node.get("description").asText());
        }
        node.forEach(child -> collect(file, child, out));
    }

    @Test
    void aParkingFenceOverCapacityIsTheLargestHoldersAsTheCodeDecidesAndThePanelsSayInBothLanguages()
            throws Exception {
        // The code: the operator with the most bikes, each of them on a tie; not every operator with bikes there.
        assertThat(AccumulationRules.responsibleForFence(Map.of("hello", 9L, "meituan", 2L, "qingju", 1L)))
                .containsExactly("hello");
        assertThat(AccumulationRules.responsibleForFence(Map.of("hello", 4L, "meituan", 4L, "qingju", 1L)))
                .containsExactly("hello", "meituan");

        List<String> all = descriptions();
        assertThat(all).isNotEmpty();
        assertThat(all).noneMatch(d -> d.contains("every operator with bikes"));
        List<String> responsibility = all.stream()
                .filter(d -> d.startsWith("parking-fences.json") && d.contains("responsible")).toList();
        assertThat(responsibility).hasSize(2).allSatisfy(d -> assertThat(d)
                .contains("the operator with the most bikes there").contains("on a tie")
                .contains("停放车辆最多的企业").contains("并列时各家均"));
    }
}
