package org.bikefence.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
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
    private static final Pattern RUN_SECRETS = Pattern.compile("/run/secrets/([A-Za-z0-9_.-]*[A-Za-z0-9_-])");
    /** A key ending in password or token, assigned with : or = on the same line, and what follows. */
    static final Pattern SECRET_ASSIGNMENT = Pattern.compile(
            "(?i)(^|[\\s{,\"'\\-\\[])((?:[\\w.]*[._-])?(?:password|passwd|token))[ \\t]*[:=][ \\t]*[\"']?([^\\s\"',;\\]}]*)");

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

    @Test
    void everySecretAServiceReadsIsGivenToItAndEverySecretIsUsed() {
        Set<String> declared = DeployFiles.map(compose.root, "secrets").keySet();
        Set<String> used = new TreeSet<>();
        compose.services().keySet().forEach(service -> {
            Map<String, Object> s = compose.service(service);
            List<String> granted = ComposeFile.secrets(s);
            // What the service's own definition and every repository file it mounts name under /run/secrets/.
            Map<String, String> texts = new LinkedHashMap<>();
            texts.put("services." + service, String.valueOf(s));
            ComposeFile.bindMounts(s).forEach((container, repo) -> {
                if (Files.isRegularFile(repo)) {
                    String text = DeployFiles.read(repo);
                    if (compose.servicesOfImage("bikefence-ingest").contains(service) && text.contains("\noperators:")) {
                        // Each adapter reads only its own operators' tokens: ingestServicesRunRealCommands... checks those.
                        text = text.substring(0, text.indexOf("\noperators:"));
                    }
                    texts.put(DeployFiles.ROOT.relativize(repo) + " (mounted at " + container + ")", text);
                }
            });
            texts.forEach((where, text) -> {
                Matcher m = RUN_SECRETS.matcher(text);
                while (m.find()) {
                    assertThat(granted).as("%s reads /run/secrets/%s: services.%s.secrets must list it", where,
                            m.group(1), service).contains(m.group(1));
                }
            });
            assertThat(declared).as("services.%s.secrets: declared at the top level", service).containsAll(granted);
            used.addAll(granted);
        });
        assertThat(used).as("secrets no service is given").containsAll(declared);
    }

    @Test
    void noPasswordOrTokenIsWrittenInTheFilesComposeReads() {
        List<Path> files = new ArrayList<>(List.of(DeployFiles.COMPOSE, DeployFiles.DOCKER.resolve("env.example")));
        compose.services().keySet().forEach(service -> ComposeFile.bindMounts(compose.service(service)).values().stream()
                .filter(Files::isRegularFile).filter(f -> !files.contains(f)).forEach(files::add));
        assertThat(files).contains(DeployFiles.DOCKER.resolve("kafka/server.properties"),
                DeployFiles.DOCKER.resolve("kafka/admin.properties"),
                DeployFiles.DOCKER.resolve("ingest/operators.compose.yaml"));
        for (Path f : files) {
            assertThat(secretLiterals(DeployFiles.read(f))).as("%s: a password or token written as a value, not a "
                    + "reference (${env:..}, $(cat /run/secrets/..), a -file option)", DeployFiles.ROOT.relativize(f))
                    .isEmpty();
        }
        // The check itself finds what it must.
        assertThat(secretLiterals("ssl.keystore.password=changeit\nINFLUXDB_ADMIN_PASSWORD: hunter2\n"
                + "  sasl.jaas.config=... password=\"s3cret\";\n  token: abc\n")).hasSize(4);
    }

    @Test
    void envExampleNamesExactlyTheVariablesComposeReads() {
        Set<String> read = new TreeSet<>();
        Matcher m = Pattern.compile("(?<!\\$)\\$\\{([A-Za-z0-9_]+)").matcher(DeployFiles.read(DeployFiles.COMPOSE));
        while (m.find()) {
            read.add(m.group(1));
        }
        Set<String> example = new TreeSet<>();
        for (String line : DeployFiles.read(DeployFiles.DOCKER.resolve("env.example")).split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                example.add(line.substring(0, line.indexOf('=')));
            }
        }
        assertThat(example).as("docker/env.example vs the ${VAR} of docker/compose.yaml").isEqualTo(read);
    }

    @Test
    void kafkaSpeaksOnlySaslSslToItsClientsAndTheTopicsServiceCreatesEveryUser() throws Exception {
        Properties broker = properties("kafka/server.properties");
        Map<String, String> protocols = new LinkedHashMap<>();
        for (String entry : broker.getProperty("listener.security.protocol.map").split(",")) {
            protocols.put(entry.split(":")[0], entry.split(":")[1]);
        }
        for (String listener : broker.getProperty("listeners").split(",")) {
            String name = listener.substring(0, listener.indexOf(':'));
            String host = listener.substring(listener.indexOf("://") + 3, listener.lastIndexOf(':'));
            assertThat(protocols.get(name).equals("SASL_SSL") || host.equals("127.0.0.1"))
                    .as("docker/kafka/server.properties listener %s: SASL_SSL, or PLAINTEXT on the container's loopback",
                            listener).isTrue();
        }
        assertThat(broker.getProperty("sasl.enabled.mechanisms")).isEqualTo("SCRAM-SHA-512");
        assertThat(broker.getProperty("ssl.keystore.location")).startsWith("/run/secrets/");
        Map<String, Object> kafka = compose.service("kafka");
        String start = ComposeFile.shellCommand(kafka);
        assertThat(start).as("services.kafka.command").contains("--add-scram \"SCRAM-SHA-512=[name=admin,")
                .contains("kafka-server-start.sh /etc/bikefence/kafka/server.properties")
                .contains("INTERNAL://kafka:9092");

        // The clients: the job (JobManager and TaskManagers) and every adapter, as users the topics service creates.
        Map<String, Object> topics = compose.service("topics");
        Map<String, String> users = new LinkedHashMap<>();
        for (String u : ComposeFile.environment(topics).get("BIKEFENCE_KAFKA_USERS").trim().split("\\s+")) {
            users.put(u.split(":")[0], u.split(":")[1]);
        }
        assertThat(ComposeFile.secrets(topics)).containsAll(users.values());
        assertThat(properties("kafka/admin.properties").getProperty("sasl.jaas.config")).contains("username=\"admin\"");

        JobConfig job = jobConfig(compose.service("jobmanager"));
        assertThat(job.get(JobOptions.KAFKA_SECURITY_PROTOCOL)).isEqualTo("SASL_SSL");
        assertThat(job.get(JobOptions.KAFKA_SASL_MECHANISM)).isEqualTo("SCRAM-SHA-512");
        assertThat(users).as("the job's Kafka user").containsEntry(job.get(JobOptions.KAFKA_USERNAME),
                secretName(job.get(JobOptions.KAFKA_PASSWORD_FILE)));
        for (String service : compose.servicesOfImage("bikefence-job")) {
            assertThat(ComposeFile.secrets(compose.service(service)))
                    .as("services.%s: the job's Kafka clients run on every Flink process", service)
                    .contains(secretName(job.get(JobOptions.KAFKA_PASSWORD_FILE)),
                            secretName(job.get(JobOptions.KAFKA_TRUSTSTORE)),
                            secretName(job.get(JobOptions.KAFKA_TRUSTSTORE_PASSWORD_FILE)));
        }
        for (String service : compose.servicesOfImage("bikefence-ingest")) {
            Path file = ingestConfigFile(compose.service(service));
            assertThat(IngestConfig.load(file).kafkaSecurity().protocol()).as("%s kafka.security-protocol", file)
                    .isEqualTo("SASL_SSL");
            Map<String, Object> k = DeployFiles.map(DeployFiles.yaml(file), "kafka");
            assertThat(users).as("%s: the adapters' Kafka user", file).containsEntry(String.valueOf(k.get("username")),
                    secretName(String.valueOf(k.get("password-file"))));
        }
        assertThat(users).as("a user for `fences publish` (docker/README.md)").containsKey("bikefence-fences");
    }

    @Test
    void influxDbRunsWithAuthenticationAndAUserPerClient() throws Exception {
        Map<String, Object> influx = compose.service("influxdb");
        Map<String, String> env = ComposeFile.environment(influx);
        assertThat(env).containsEntry("INFLUXDB_HTTP_AUTH_ENABLED", "true").containsEntry("INFLUXDB_DB", "bikefence");
        String command = ComposeFile.shellCommand(influx);
        assertThat(command).contains("exec /entrypoint.sh influxd");
        // The image's init reads INFLUXDB_<X>_PASSWORD for the user INFLUXDB_<X>_USER (INFLUXDB_USER_PASSWORD for
        // INFLUXDB_USER): user -> the secret its password is set from.
        Map<String, String> passwords = new LinkedHashMap<>();
        Matcher m = Pattern.compile("export (INFLUXDB_[A-Z_]*)_PASSWORD=\"\\$\\(cat /run/secrets/([A-Za-z0-9_.-]+)\\)\"")
                .matcher(command);
        while (m.find()) {
            String userVariable = m.group(1).endsWith("_USER") ? m.group(1) : m.group(1) + "_USER";
            passwords.put(env.get(userVariable), m.group(2));
        }
        assertThat(passwords).as("services.influxdb: the users its init creates, with their passwords' secrets")
                .hasSize(4).doesNotContainKey(null);

        JobConfig job = jobConfig(compose.service("jobmanager"));
        assertThat(passwords).as("the job's InfluxDB user (INFLUXDB_USER: ALL on the database)")
                .containsEntry(job.get(JobOptions.INFLUX_USERNAME), secretName(job.get(JobOptions.INFLUX_PASSWORD_FILE)));
        assertThat(env.get("INFLUXDB_USER")).isEqualTo(job.get(JobOptions.INFLUX_USERNAME));
        for (String service : compose.servicesOfImage("bikefence-ingest")) {
            IngestConfig c = IngestConfig.load(ingestConfigFile(compose.service(service)));
            assertThat(passwords).as("services.%s: the adapters' InfluxDB user", service)
                    .containsEntry(c.influxUsername(), secretName(c.influxPasswordFile()));
        }
        Map<String, Object> grafana = compose.service("grafana");
        String user = ComposeFile.environment(grafana).get("BIKEFENCE_INFLUX_USER");
        assertThat(user).isEqualTo(env.get("INFLUXDB_READ_USER"));
        assertThat(ComposeFile.shellCommand(grafana))
                .contains("BIKEFENCE_INFLUX_PASSWORD=\"$(cat /run/secrets/" + passwords.get(user) + ")\"");
        Map<String, Object> ds = (Map<String, Object>) DeployFiles.list(DeployFiles.yaml(
                DeployFiles.DOCKER.resolve("grafana/provisioning/datasources/influxdb.yaml")), "datasources").get(0);
        assertThat(ds).containsEntry("user", "${BIKEFENCE_INFLUX_USER}");
        assertThat(DeployFiles.map(ds, "secureJsonData")).containsEntry("password", "${BIKEFENCE_INFLUX_PASSWORD}");
    }

    /** Values of password- or token-named keys that are not references; comment lines are skipped. */
    static List<String> secretLiterals(String text) {
        List<String> found = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.strip().startsWith("#")) {
                continue;
            }
            Matcher m = SECRET_ASSIGNMENT.matcher(line);
            while (m.find()) {
                String value = m.group(3);
                if (!value.isEmpty() && !value.startsWith("$") && !value.startsWith("/") && !value.startsWith("<")) {
                    found.add(m.group(2) + "=" + value);
                }
            }
        }
        return found;
    }

    private static String secretName(String runSecretsPath) {
        assertThat(runSecretsPath).as("a compose secret's path").startsWith("/run/secrets/");
        return runSecretsPath.substring("/run/secrets/".length());
    }

    private static Properties properties(String file) throws IOException {
        Properties p = new Properties();
        try (java.io.Reader r = Files.newBufferedReader(DeployFiles.DOCKER.resolve(file))) {
            p.load(r);
        }
        return p;
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
        // JobConfig ignores BIKEFENCE_* variables that name no option (except influx.*): each must become one option.
        // (All at once: one variable alone may not validate, e.g. kafka.security-protocol SASL_SSL without a user.)
        try {
            Set<String> read = JobConfig.of(Map.of(), env).configuration().keySet();
            assertThat(read).as("services.jobmanager.environment %s: a variable names no job option (BIKEFENCE_<KEY>, "
                    + "flink-jobs/README.md); the options read: %s", env.keySet(), read).hasSize(env.size());
        } catch (IllegalArgumentException e) {
            fail("docker/compose.yaml services.jobmanager.environment: " + e.getMessage());
        }
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
