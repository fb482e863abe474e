package org.bikefence.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The rule set {@code bench state} runs with: the district's rule set ({@code scoring-rules/rulesets/huli.yaml})
 * with its admitted operators replaced by the fleet's ({@link FleetRounds#OPERATORS}), each with a fleet quota of
 * its share of the fleet, so every operator is scored as the city's would be.
 */
final class FleetRules {
    private FleetRules() {}

    /** Writes the rule set for {@code operators} operators sharing {@code bikes} bikes to {@code target}. */
    static Path write(Path districtRules, int bikes, int operators, Path target) {
        YAMLMapper yaml = new YAMLMapper();
        try {
            JsonNode tree = yaml.readTree(districtRules.toFile());
            if (!(tree instanceof ObjectNode root) || !root.has("operators")) {
                throw new IllegalArgumentException(districtRules + ": no 'operators' to replace");
            }
            ObjectNode admitted = yaml.createObjectNode();
            for (int k = 0; k < operators; k++) {
                String[] op = FleetRounds.OPERATORS.get(k);
                ObjectNode o = admitted.putObject(op[0]);
                o.put("nameZh", op[2]);
                o.put("fleetQuota", (bikes + operators - 1) / operators);
            }
            root.set("operators", admitted);
            Files.createDirectories(target.toAbsolutePath().getParent());
            yaml.writeValue(target.toFile(), root);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the bench's rule set " + target + ": " + e.getMessage(), e);
        }
    }
}
