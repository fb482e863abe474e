package org.bikefence.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The operations dashboard (Prometheus) and its provisioning: labels and descriptions in Chinese and English,
 * the provisioned data source, the folder compose mounts. Its queries run against a real scrape in
 * PrometheusScrapeITCase.
 */
class OperationsDashboardTest {
    private static final Pattern CJK = Pattern.compile("\\p{IsHan}");
    private static final Pattern LATIN = Pattern.compile("[A-Za-z]{3,}");
    private final OperationsDashboard dashboard = OperationsDashboard.load();

    @Test
    void everyTitleDescriptionAndLegendIsInChineseAndEnglish() {
        bilingual("dashboard title", dashboard.json().path("title").asText());
        bilingual("dashboard description", dashboard.json().path("description").asText());
        assertThat(dashboard.panels()).hasSizeGreaterThanOrEqualTo(6);
        for (JsonNode p : dashboard.panels()) {
            bilingual("panel title", p.path("title").asText());
            bilingual("description of panel " + p.path("title").asText(), p.path("description").asText());
        }
        for (OperationsDashboard.Query q : dashboard.queries()) {
            bilingual("legend of " + q.panel() + " " + q.refId(), q.legend().replaceAll("\\{\\{[^}]*}}", ""));
        }
    }

    @Test
    void everyQueryUsesTheProvisionedPrometheus() {
        Map<String, Object> ds = (Map<String, Object>) DeployFiles.list(DeployFiles.yaml(
                DeployFiles.DOCKER.resolve("grafana/provisioning/datasources/prometheus.yaml")), "datasources").get(0);
        assertThat(ds).containsEntry("type", "prometheus").containsEntry("url", "${BIKEFENCE_PROMETHEUS_URL}");
        assertThat(dashboard.queries()).isNotEmpty().allSatisfy(q -> {
            assertThat(q.datasourceUid()).as("%s %s", q.panel(), q.refId()).isEqualTo(ds.get("uid"));
            assertThat(q.expr()).as("%s %s: no template variables (the scrape test runs the query as is)",
                    q.panel(), q.refId()).doesNotContain("$");
        });
        for (JsonNode p : dashboard.panels()) {
            assertThat(p.path("datasource").path("uid").asText()).isEqualTo(ds.get("uid"));
        }
        ComposeFile compose = new ComposeFile(DeployFiles.COMPOSE);
        assertThat(ComposeFile.environment(compose.service("grafana")))
                .containsEntry("BIKEFENCE_PROMETHEUS_URL", "http://prometheus:9090");
    }

    @Test
    void theProvisionedFolderIsWhereComposeMountsTheDashboard() {
        List<Object> providers = DeployFiles.list(DeployFiles.yaml(
                DeployFiles.DOCKER.resolve("grafana/provisioning/dashboards/dashboards.yaml")), "providers");
        String path = providers.stream().map(p -> (Map<String, Object>) p)
                .filter(p -> "bikefence-operations".equals(p.get("name")))
                .map(p -> String.valueOf(DeployFiles.map(p, "options").get("path"))).findFirst()
                .orElseThrow(() -> new AssertionError("no provider bikefence-operations"));
        Map<String, java.nio.file.Path> mounts = ComposeFile.bindMounts(new ComposeFile(DeployFiles.COMPOSE).service("grafana"));
        assertThat(mounts).containsEntry(path, OperationsDashboard.FILE.getParent());
    }

    private static void bilingual(String what, String text) {
        assertThat(CJK.matcher(text).find() && LATIN.matcher(text).find())
                .as("%s in Chinese and English: '%s'", what, text).isTrue();
    }
}
