package org.bikefence.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.ConfigOption;
import org.bikefence.config.JobConfig;
import org.bikefence.config.JobOptions;
import org.bikefence.ingest.IngestConfig;
import org.bikefence.ingest.IngestMain;
import org.bikefence.ingest.OperatorFeed;
import org.bikefence.job.JobMain;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;
import tools.jackson.databind.json.JsonMapper;

/**
 * docker/compose.yaml: accepted by docker-compose and the Compose Specification, every service with a
 * healthcheck and conditional dependencies, secrets as files, and every option, environment variable, file and
 * topic it hands the job and the adapters checked against the code's own definitions (JobOptions/JobConfig,
 * IngestMain's picocli model, IngestConfig).
 */
class ComposeFileTest {
    /** Variables of the official Flink image's docker-entrypoint.sh, not of bikefence. */
    private static final Set<String> FLINK_IMAGE_VARIABLES = Set.of("JOB_MANAGER_RPC_ADDRESS", "FLINK_PROPERTIES",
            "ENABLE_BUILT_IN_PLUGINS", "TASK_MANAGER_NUMBER_OF_TASK_SLOTS");
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(PASSWORD|TOKEN|SECRET|CREDENTIAL).*");

    private final ComposeFile compose = new ComposeFile(DeployFiles.COMPOSE);
    private final Dockerfile jobImage = Dockerfile.parse(DeployFiles.DOCKER.resolve("job.Dockerfile"));
    private final Dockerfile ingestImage = Dockerfile.parse(DeployFiles.DOCKER.resolve("ingest.Dockerfile"));

    @Test
    void dockerComposeConfigAcceptsTheFile() {
        String dockerCompose = DeployFiles.tool("docker-compose", "docker-compose");
        DeployFiles.Run run = DeployFiles.run(DeployFiles.ROOT,
                List.of(dockerCompose, "-f", "docker/compose.yaml", "config", "-q"));
        assertThat(run.exitCode()).as("docker-compose -f docker/compose.yaml config -q:\n%s", run.output()).isZero();
    }

    @Test
    void validatesAgainstTheComposeSpecification() throws Exception {
        Path schemaFile = DeployFiles.sharedSchema("compose-spec.json");
        JsonMapper json = new JsonMapper();
        // The schema's $id is relative (compose_spec.json): the file's own URI is its base.
        Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7)
                .getSchema(SchemaLocation.of(schemaFile.toUri().toString()), json.readTree(schemaFile.toFile()));
        List<Error> errors = schema.validate(json.valueToTree(compose.root));
        assertThat(errors).as("docker/compose.yaml against %s", schemaFile).isEmpty();
    }

    @Test
    void everyServiceHasAHealthcheckAndWaitsOnConditions() {
        assertThat(compose.services()).isNotEmpty();
        Set<String> conditions = Set.of("service_healthy", "service_completed_successfully", "service_started");
        compose.services().keySet().forEach(name -> {
            Map<String, Object> s = compose.service(name);
            Map<String, Object> health = DeployFiles.map(s, "healthcheck");
            assertThat(DeployFiles.list(health, "test")).as("docker/compose.yaml: services.%s.healthcheck.test", name)
                    .isNotEmpty().doesNotContain("NONE");
            assertThat(health.get("disable")).as("services.%s.healthcheck.disable", name).isNotEqualTo(true);
            Object dependsOn = s.get("depends_on");
            if (dependsOn == null) {
                return;
            }
            assertThat(dependsOn).as("services.%s.depends_on: a mapping with conditions, not a list", name)
                    .isInstanceOf(Map.class);
            DeployFiles.map(s, "depends_on").forEach((dep, spec) -> {
                assertThat(compose.services()).as("services.%s.depends_on.%s: no such service", name, dep)
                        .containsKey(dep);
                @SuppressWarnings("unchecked")
                Object condition = ((Map<String, Object>) spec).get("condition");
                assertThat(conditions).as("services.%s.depends_on.%s.condition, was '%s'", name, dep, condition)
                        .contains(String.valueOf(condition));
            });
        });
        // The one-shot topic creation gates everything that reads or writes the topics.
        for (String service : List.of("jobmanager", "ingest-push")) {
            assertThat(DeployFiles.map(DeployFiles.map(compose.service(service), "depends_on"), "topics"))
                    .containsEntry("condition", "service_completed_successfully");
        }
    }

    @Test
    void secretsAreFilesWithPlaceholderExamplesNeverValues() {
        Map<String, Object> secrets = DeployFiles.map(compose.root, "secrets");
        assertThat(secrets).isNotEmpty();
        secrets.forEach((name, spec) -> {
            @SuppressWarnings("unchecked")
            String file = String.valueOf(((Map<String, Object>) spec).get("file"));
            assertThat(file).as("secrets.%s.file", name).isEqualTo("./secrets/" + name);
            assertThat(DeployFiles.DOCKER.resolve("secrets/" + name + ".example"))
                    .as("docker/secrets/%s.example (the placeholder to copy)", name).isRegularFile();
            DeployFiles.Run ignored = DeployFiles.run(DeployFiles.ROOT,
                    List.of("git", "check-ignore", "-q", "docker/secrets/" + name));
            assertThat(ignored.exitCode()).as("docker/secrets/%s must be ignored by git", name).isZero();
        });
        compose.services().keySet().forEach(service -> {
            Map<String, Object> s = compose.service(service);
            List<String> granted = ComposeFile.secrets(s);
            assertThat(secrets.keySet()).as("services.%s.secrets", service).containsAll(granted);
            ComposeFile.environment(s).forEach((var, value) -> {
                if (SECRET_NAME.matcher(var).matches()) {
                    assertThat(var).as("services.%s.environment.%s holds a secret: give a file (NAME__FILE)",
                            service, var).endsWith("_FILE");
                }
                if (value.startsWith("/run/secrets/")) {
                    assertThat(granted).as("services.%s.environment.%s=%s: the service must list that secret",
                            service, var, value).contains(value.substring("/run/secrets/".length()));
                }
            });
        });
    }

    @Test
    void jobManagerRunsJobMainInApplicationModeWithRealJobOptions() {
        Map<String, Object> jm = compose.service("jobmanager");
        JobConfig config = jobConfig(jm);
        assertThat(config.get(JobOptions.PARALLELISM)).as("job parallelism: 2 TaskManagers x slots")
                .isLessThanOrEqualTo(2 * Integer.parseInt(DeployFiles.flatten(
                        DeployFiles.yaml(DeployFiles.DOCKER.resolve("flink/cluster.yaml")))
                        .get("taskmanager.numberOfTaskSlots")));
        assertThat(config.get(JobOptions.KAFKA_BOOTSTRAP)).startsWith("kafka:");
        assertThat(config.get(JobOptions.INFLUX_URL)).startsWith("http://influxdb:");
        for (String service : compose.servicesOfImage("bikefence-job")) {
            ComposeFile.environment(compose.service(service)).keySet().stream()
                    .filter(v -> !v.startsWith("BIKEFENCE_"))
                    .forEach(v -> assertThat(FLINK_IMAGE_VARIABLES)
                            .as("services.%s.environment.%s: neither a job option nor the Flink image's", service, v)
                            .contains(v));
        }
        assertThat(compose.servicesOfImage("bikefence-job"))
                .containsExactlyInAnyOrder("jobmanager", "taskmanager-1", "taskmanager-2");
    }

    @Test
    void topicsServiceCreatesEveryTopicTheJobAndTheAdaptersUse() throws Exception {
        JobConfig config = jobConfig(compose.service("jobmanager"));
        Set<String> used = new TreeSet<>();
        for (ConfigOption<?> o : JobOptions.ALL) {
            if (o.key().endsWith("-topic") && !String.valueOf(config.get(o)).isEmpty()) {
                used.add(String.valueOf(config.get(o)));
            }
        }
        for (String service : compose.servicesOfImage("bikefence-ingest")) {
            IngestConfig c = IngestConfig.load(ingestConfigFile(compose.service(service)));
            used.add(c.positionsTopic());
            used.add(c.dlqTopic());
        }
        String spec = ComposeFile.environment(compose.service("topics")).get("BIKEFENCE_TOPICS");
        assertThat(spec).as("services.topics.environment.BIKEFENCE_TOPICS").isNotBlank();
        Map<String, Integer> created = new LinkedHashMap<>();
        for (String t : spec.trim().split("\\s+")) {
            String[] nameAndPartitions = t.split(":");
            created.put(nameAndPartitions[0], Integer.parseInt(nameAndPartitions[1]));
        }
        assertThat(created.keySet()).as("topics created vs. topics the job's options and the adapters name")
                .containsExactlyInAnyOrderElementsOf(used);
        assertThat(created.get(config.get(JobOptions.KAFKA_POSITIONS_TOPIC)))
                .as("partitions of the positions topic: at least the job's parallelism, or source subtasks idle")
                .isGreaterThanOrEqualTo(config.get(JobOptions.PARALLELISM));
        assertThat(DeployFiles.map(compose.service("topics"), "restart")).isEmpty();
        assertThat(String.valueOf(compose.service("topics").get("restart"))).isEqualTo("no");
    }

    @Test
    void ingestServicesRunRealCommandsOnACheckedConfiguration() throws Exception {
        List<String> services = compose.servicesOfImage("bikefence-ingest");
        assertThat(services).contains("ingest-push").hasSizeGreaterThan(1);
        String configVariable = ingestConfigVariable();
        for (String name : services) {
            Map<String, Object> s = compose.service(name);
            List<String> cmd = ComposeFile.command(s);
            ParseResult parsed = parseIngest(name, cmd);
            String command = parsed.subcommand().commandSpec().name();
            Path file = ingestConfigFile(s);
            IngestConfig config = IngestConfig.load(file);
            StringWriter out = new StringWriter();
            int status = new CommandLine(new IngestMain()).setOut(new PrintWriter(out)).setErr(new PrintWriter(out))
                    .execute("check", "--config", file.toString());
            assertThat(status).as("ingest check --config %s:\n%s", file, out).isZero();

            Set<String> variables = new TreeSet<>(Set.of(configVariable));
            if (config.influxPasswordEnv() != null) {
                variables.add(config.influxPasswordEnv());
            }
            List<OperatorFeed> feeds = new ArrayList<>();
            if (command.equals("push")) {
                config.operators().values().stream().filter(f -> f.kind() == OperatorFeed.Kind.PUSH).forEach(feeds::add);
                String port = parsed.subcommand().matchedOptionValue("--port", String.valueOf(config.pushPort()));
                assertThat(String.valueOf(DeployFiles.list(s, "ports"))).as("services.%s.ports", name)
                        .contains(":" + port);
            } else {
                String id = parsed.subcommand().matchedOptionValue("--operator", null);
                OperatorFeed feed = config.operator(id);
                assertThat(feed.kind().wireName()).as("services.%s: operator %s in %s", name, id, file)
                        .isEqualTo(command);
                feeds.add(feed);
            }
            assertThat(feeds).as("services.%s: operators it serves", name).isNotEmpty();
            for (OperatorFeed feed : feeds) {
                if (feed.tokenEnv() != null) {
                    variables.add(feed.tokenEnv());
                }
                if (feed.tokenFile() != null) {
                    assertThat(feed.tokenFile()).as("%s: operator %s token-file", file, feed.id())
                            .startsWith("/run/secrets/");
                    assertThat(ComposeFile.secrets(s)).as("services.%s.secrets (token of %s)", name, feed.id())
                            .contains(feed.tokenFile().substring("/run/secrets/".length()));
                }
            }
            assertThat(variables).as("services.%s.environment: variables the adapter reads", name)
                    .containsAll(ComposeFile.environment(s).keySet());
        }
    }

    // ---- the code's own definitions ----

    /** The job's configuration from the JobManager's command line and environment, as JobMain reads it. */
    private JobConfig jobConfig(Map<String, Object> jm) {
        List<String> cmd = ComposeFile.command(jm);
        assertThat(cmd).as("services.jobmanager.command").isNotEmpty();
        assertThat(cmd.get(0)).as("services.jobmanager.command: application mode").isEqualTo("standalone-job");
        int i = 1;
        String jobClass = null;
        while (i < cmd.size()) {
            String a = cmd.get(i);
            if (a.equals("--job-classname") || a.equals("-j")) {
                jobClass = cmd.get(i + 1);
                i += 2;
            } else if (a.equals("--job-id") || a.equals("--fromSavepoint") || a.equals("-s")) {
                i += 2;
            } else if (a.equals("--allowNonRestoredState") || a.equals("-n") || a.startsWith("-D")) {
                i++;
            } else {
                break;
            }
        }
        assertThat(jobClass).as("services.jobmanager.command --job-classname").isEqualTo(JobMain.class.getName());
        List<String> args = new ArrayList<>();
        for (String a : cmd.subList(i, cmd.size())) {
            args.add(inRepository(jm, a));
        }
        Map<String, String> env = new LinkedHashMap<>();
        ComposeFile.environment(jm).forEach((k, v) -> {
            if (k.startsWith("BIKEFENCE_")) {
                env.put(k, inRepository(jm, v));
            }
        });
        env.forEach((k, v) -> {
            // JobConfig ignores BIKEFENCE_* variables that name no option (except influx.*): say which.
            assertThat(JobConfig.of(Map.of(), Map.of(k, v)).configuration().keySet())
                    .as("services.jobmanager.environment.%s names no job option (BIKEFENCE_<KEY>, flink-jobs/README.md)", k)
                    .hasSize(1);
        });
        try {
            return JobConfig.fromArgs(args.toArray(String[]::new), env);
        } catch (IllegalArgumentException e) {
            return fail("docker/compose.yaml services.jobmanager: " + e.getMessage());
        }
    }

    /** A container path of the job image or a bind mount, as the repository path it comes from. */
    private String inRepository(Map<String, Object> service, String value) {
        if (!value.startsWith("/")) {
            return value;
        }
        return ComposeFile.mountedFile(service, value).or(() -> jobImage.repoFileAt(value))
                .map(Path::toString).orElse(value);
    }

    private Path ingestConfigFile(Map<String, Object> s) {
        String variable = ingestConfigVariable();
        String path = ComposeFile.environment(s).getOrDefault(variable, ingestImage.env().get(variable));
        ParseResult parsed = parseIngest("ingest", ComposeFile.command(s));
        path = parsed.subcommand().matchedOptionValue("--config", path);
        String containerPath = path;
        Path file = ComposeFile.mountedFile(s, containerPath).or(() -> ingestImage.repoFileAt(containerPath))
                .orElseThrow(() -> new AssertionError("ingest configuration " + containerPath
                        + " is neither mounted nor in the ingest image"));
        assertThat(file).isRegularFile();
        return file;
    }

    /** The environment variable IngestMain's --config falls back to, read from its picocli default. */
    static String ingestConfigVariable() {
        String def = new CommandLine(new IngestMain()).setInterpolateVariables(false).getSubcommands().get("check")
                .getCommandSpec().findOption("--config").defaultValue();
        Matcher m = Pattern.compile("\\$\\{env:([A-Za-z0-9_]+)").matcher(def);
        assertThat(m.find()).as("--config default %s names an environment variable", def).isTrue();
        return m.group(1);
    }

    static ParseResult parseIngest(String where, List<String> args) {
        try {
            ParseResult parsed = new CommandLine(new IngestMain()).parseArgs(args.toArray(String[]::new));
            assertThat(parsed.subcommand()).as("%s: an ingest command (%s)", where, args).isNotNull();
            return parsed;
        } catch (CommandLine.ParameterException e) {
            return fail(where + ": ingest " + String.join(" ", args) + ": " + e.getMessage());
        }
    }
}
