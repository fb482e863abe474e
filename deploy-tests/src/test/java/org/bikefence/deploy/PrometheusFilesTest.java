package org.bikefence.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docker/prometheus/: Debian's promtool accepts the configuration and the rules, the rules' unit tests pass, and
 * the scrape targets are the compose services and the reporter port of the job image.
 */
class PrometheusFilesTest {
    private static final Path DIR = DeployFiles.DOCKER.resolve("prometheus");
    private static final Pattern CJK = Pattern.compile("\\p{IsHan}");
    private static final Pattern LATIN = Pattern.compile("[A-Za-z]{3,}");

    @Test
    void promtoolChecksTheConfigurationAndItsRules() {
        String promtool = DeployFiles.tool("promtool", "prometheus");
        DeployFiles.Run config = DeployFiles.run(DIR, List.of(promtool, "check", "config", "prometheus.yml"));
        assertThat(config.exitCode()).as("promtool check config docker/prometheus/prometheus.yml:\n%s", config.output())
                .isZero();
        DeployFiles.Run rules = DeployFiles.run(DIR.resolve("rules"),
                List.of(promtool, "check", "rules", "bikefence-alerts.yml"));
        assertThat(rules.exitCode()).as("promtool check rules:\n%s", rules.output()).isZero();
    }

    @Test
    void alertRulesPassTheirUnitTests() {
        String promtool = DeployFiles.tool("promtool", "prometheus");
        DeployFiles.Run run = DeployFiles.run(DIR.resolve("rules"),
                List.of(promtool, "test", "rules", "bikefence-alerts.test.yml"));
        assertThat(run.exitCode()).as("promtool test rules docker/prometheus/rules/bikefence-alerts.test.yml:\n%s",
                run.output()).isZero();
        // Every alert the issue asks for is there and tested.
        String tests = DeployFiles.read(DIR.resolve("rules/bikefence-alerts.test.yml"));
        for (String alert : alerts()) {
            assertThat(tests).as("an alert_rule_test for %s", alert).contains("alertname: " + alert);
        }
        assertThat(alerts()).contains("BikefenceConsumerLagGrowing", "BikefenceCheckpointsFailing",
                "BikefenceFeedStale", "BikefenceDeadLettersAbove1Percent", "BikefenceJobRestarting");
    }

    @Test
    void everyAlertIsDescribedInChineseAndEnglish() {
        for (Map<String, Object> rule : rules()) {
            if (!rule.containsKey("alert")) {
                continue;
            }
            Map<String, Object> annotations = DeployFiles.map(rule, "annotations");
            for (String key : List.of("summary", "description")) {
                String text = String.valueOf(annotations.get(key));
                assertThat(CJK.matcher(text).find() && LATIN.matcher(text).find())
                        .as("alert %s annotation %s in Chinese and English: %s", rule.get("alert"), key, text).isTrue();
            }
        }
    }

    @Test
    void scrapeTargetsAreTheComposeServicesAndTheReporterPort() {
        ComposeFile compose = new ComposeFile(DeployFiles.COMPOSE);
        String reporterPort = DeployFiles.flatten(DeployFiles.yaml(DeployFiles.DOCKER.resolve("flink/cluster.yaml")))
                .get("metrics.reporter.prom.port");
        Map<String, Object> config = DeployFiles.yaml(DIR.resolve("prometheus.yml"));
        List<String> flinkTargets = new ArrayList<>();
        for (Object job : DeployFiles.list(config, "scrape_configs")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> scrape = (Map<String, Object>) job;
            for (Object sc : DeployFiles.list(scrape, "static_configs")) {
                @SuppressWarnings("unchecked")
                List<Object> targets = DeployFiles.list((Map<String, Object>) sc, "targets");
                for (Object t : targets) {
                    String[] hostPort = String.valueOf(t).split(":");
                    if (hostPort[0].equals("localhost")) {
                        continue;
                    }
                    assertThat(compose.services()).as("prometheus.yml job %s target %s: a compose service",
                            scrape.get("job_name"), t).containsKey(hostPort[0]);
                    if ("flink".equals(scrape.get("job_name"))) {
                        assertThat(hostPort[1]).as("target %s: the reporter port of cluster.yaml", t).isEqualTo(reporterPort);
                        flinkTargets.add(hostPort[0]);
                    }
                }
            }
        }
        assertThat(flinkTargets).as("every Flink process of the compose file is scraped")
                .containsExactlyInAnyOrderElementsOf(compose.servicesOfImage("bikefence-job"));
        assertThat(compose.service("prometheus").get("volumes").toString()).contains("./prometheus:/etc/prometheus");
    }

    private static List<Map<String, Object>> rules() {
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Object g : DeployFiles.list(DeployFiles.yaml(DIR.resolve("rules/bikefence-alerts.yml")), "groups")) {
            @SuppressWarnings("unchecked")
            List<Object> rs = DeployFiles.list((Map<String, Object>) g, "rules");
            for (Object r : rs) {
                @SuppressWarnings("unchecked")
                Map<String, Object> rule = (Map<String, Object>) r;
                rules.add(rule);
            }
        }
        return rules;
    }

    private static List<String> alerts() {
        return rules().stream().filter(r -> r.containsKey("alert")).map(r -> String.valueOf(r.get("alert"))).toList();
    }
}
