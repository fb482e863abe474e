package org.bikefence.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** docker/grafana/dashboards-ops/operations.json: its panels and their PromQL queries. */
record OperationsDashboard(JsonNode json) {
    static final Path FILE = DeployFiles.DOCKER.resolve("grafana/dashboards-ops/operations.json");

    /** One query of a panel. */
    record Query(String panel, String refId, String expr, String legend, String datasourceUid) {}

    static OperationsDashboard load() {
        try {
            return new OperationsDashboard(new JsonMapper().readTree(FILE.toFile()));
        } catch (RuntimeException e) {
            throw new UncheckedIOException(new IOException("cannot read " + FILE + ": " + e.getMessage(), e));
        }
    }

    List<JsonNode> panels() {
        List<JsonNode> panels = new ArrayList<>();
        json.path("panels").forEach(panels::add);
        return panels;
    }

    List<Query> queries() {
        List<Query> queries = new ArrayList<>();
        for (JsonNode p : panels()) {
            for (JsonNode t : p.path("targets")) {
                queries.add(new Query(p.path("title").asText(), t.path("refId").asText(), t.path("expr").asText(),
                        t.path("legendFormat").asText(), t.path("datasource").path("uid").asText()));
            }
        }
        return queries;
    }
}
