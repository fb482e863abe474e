package org.bikefence.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.bikefence.config.JobConfig;
import org.bikefence.config.JobOptions;
import org.bikefence.ingest.IngestConfig;
import org.bikefence.ingest.IngestMain;
import org.bikefence.ingest.OperatorFeed;
import org.bikefence.job.JobMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * docker/k8s/: the FlinkDeployment against the Flink Kubernetes Operator's CRD schema (unknown fields refused,
 * as the API server prunes them), every other object against the fabric8 Kubernetes model (unknown fields
 * refused), and what they hand the job and the adapters against the code and the images.
 */
class KubernetesManifestsTest {
    private static final String CRD = "flinkdeployments.flink.apache.org-v1.yml";
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(PASSWORD|TOKEN|SECRET|CREDENTIAL).*");
    private static final JsonMapper JSON = new JsonMapper();

    /** One document of a manifest file. */
    record Manifest(Path file, int index, Map<String, Object> tree) {
        String kind() {
            return String.valueOf(tree.get("kind"));
        }

        String name() {
            return String.valueOf(DeployFiles.map(tree, "metadata").get("name"));
        }

        @Override
        public String toString() {
            return DeployFiles.ROOT.relativize(file) + " #" + index + " (" + kind() + " " + name() + ")";
        }
    }

    private final List<Manifest> manifests = manifests();

    @TempDir
    Path tmp;

    private static List<Manifest> manifests() {
        List<Manifest> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(DeployFiles.K8S)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                List<Map<String, Object>> docs = DeployFiles.yamlDocuments(f);
                for (int i = 0; i < docs.size(); i++) {
                    all.add(new Manifest(f, i, docs.get(i)));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return all;
    }

    private Manifest flinkDeployment() {
        List<Manifest> fd = manifests.stream().filter(m -> m.kind().equals("FlinkDeployment")).toList();
        assertThat(fd).as("one FlinkDeployment in docker/k8s").hasSize(1);
        return fd.get(0);
    }

    private Manifest object(String kind, String name) {
        return manifests.stream().filter(m -> m.kind().equals(kind) && m.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("docker/k8s: no " + kind + " " + name));
    }

    // ---- schema and model ----

    @Test
    void flinkDeploymentValidatesAgainstTheOperatorsCrdSchema() {
        Manifest fd = flinkDeployment();
        List<Error> errors = crdSchema(fd).validate(JSON.valueToTree(fd.tree()));
        assertThat(errors).as("%s against %s", fd, CRD).isEmpty();
    }

    @Test
    void crdSchemaRefusesMisspelledFieldsAndWrongValues() {
        Manifest fd = flinkDeployment();
        Schema schema = crdSchema(fd);
        ObjectNode typo = (ObjectNode) JSON.valueToTree(fd.tree());
        ((ObjectNode) typo.get("spec").get("job")).put("upgradMode", "savepoint");
        assertThat(schema.validate(typo)).extracting(Error::toString).anyMatch(e -> e.contains("upgradMode"));
        ObjectNode wrong = (ObjectNode) JSON.valueToTree(fd.tree());
        ((ObjectNode) wrong.get("spec").get("job")).put("upgradeMode", "snapshot");
        assertThat(schema.validate(wrong)).isNotEmpty();
    }

    @Test
    void everyOtherObjectIsAStrictKubernetesObject() {
        List<Manifest> others = manifests.stream().filter(m -> !m.kind().equals("FlinkDeployment")).toList();
        assertThat(others).extracting(Manifest::kind).contains("Namespace", "ConfigMap", "Deployment", "Service");
        for (Manifest m : others) {
            assertThat(unknownFields(m.tree())).as("%s: fields the Kubernetes model does not know", m).isEmpty();
        }
    }

    @Test
    void aMisspelledFieldInADeploymentFails() {
        Map<String, Object> deployment = object("Deployment", "ingest-push").tree();
        @SuppressWarnings("unchecked")
        Map<String, Object> typo = (Map<String, Object>) JSON.convertValue(deployment, Map.class);
        DeployFiles.map(typo, "spec").put("replica", 2);
        assertThat(unknownFields(typo)).containsExactly("spec: unknown field(s) [replica]");
    }

    // ---- what the manifests hand the job and the adapters ----

    @Test
    void configMapsHoldTheRepositorysFencesAndRules() {
        assertThat(data(object("ConfigMap", "bikefence-fences")).get("huli-demo.geojson"))
                .as("docker/k8s/configmap-fences.yaml: regenerate it from geo-fences/fences/huli-demo.geojson (its header)")
                .isEqualTo(DeployFiles.read(DeployFiles.ROOT.resolve("geo-fences/fences/huli-demo.geojson")));
        assertThat(data(object("ConfigMap", "bikefence-rules")).get("huli.yaml"))
                .as("docker/k8s/configmap-rules.yaml: regenerate it from scoring-rules/rulesets/huli.yaml (its header)")
                .isEqualTo(DeployFiles.read(DeployFiles.ROOT.resolve("scoring-rules/rulesets/huli.yaml")));
    }

    @Test
    void secretsAreReferencedNeverInlined() {
        assertThat(manifests).extracting(Manifest::kind).doesNotContain("Secret");
        for (Manifest m : manifests) {
            walk(m.tree(), node -> {
                if (node.get("name") instanceof String name && SECRET_NAME.matcher(name).matches()
                        && node.containsKey("value")) {
                    fail(m + ": environment variable " + name + " has its value inline: use valueFrom.secretKeyRef");
                }
            });
        }
    }

    @Test
    void flinkDeploymentRunsTheJobImagesJarInApplicationModeWithRealJobOptions() throws IOException {
        Manifest fd = flinkDeployment();
        Map<String, Object> spec = DeployFiles.map(fd.tree(), "spec");
        Map<String, Object> job = DeployFiles.map(spec, "job");
        Dockerfile image = Dockerfile.parse(DeployFiles.DOCKER.resolve("job.Dockerfile"));
        String jarUri = String.valueOf(job.get("jarURI"));
        assertThat(jarUri).startsWith("local://");
        assertThat(image.repoFileAt(jarUri.substring("local://".length())))
                .as("%s: jarURI %s is where job.Dockerfile copies the job jar", fd, jarUri)
                .hasValueSatisfying(p -> assertThat(p.toString()).endsWith("usrlib/bikefence-job.jar"));
        assertThat(job).containsEntry("entryClass", JobMain.class.getName()).containsEntry("upgradeMode", "savepoint");

        String[] version = EnvironmentInformation.getVersion().split("\\.");
        assertThat(spec).containsEntry("flinkVersion", "v" + version[0] + "_" + version[1]);
        Map<String, Object> flinkConf = DeployFiles.map(spec, "flinkConfiguration");
        Map<String, String> cluster = DeployFiles.flatten(DeployFiles.yaml(DeployFiles.DOCKER.resolve("flink/cluster.yaml")));
        for (String key : List.of("state.backend.type", "execution.checkpointing.incremental",
                "execution.checkpointing.mode", "execution.checkpointing.externalized-checkpoint-retention",
                "metrics.reporter.prom.factory.class", "metrics.reporter.prom.port", "taskmanager.numberOfTaskSlots",
                "restart-strategy.type", "restart-strategy.exponential-delay.initial-backoff",
                "restart-strategy.exponential-delay.backoff-multiplier", "restart-strategy.exponential-delay.max-backoff",
                "restart-strategy.exponential-delay.reset-backoff-threshold",
                "restart-strategy.exponential-delay.jitter-factor")) {
            assertThat(String.valueOf(flinkConf.get(key))).as("%s flinkConfiguration %s (docker/flink/cluster.yaml)", fd, key)
                    .isEqualTo(cluster.get(key));
        }
        assertThat(flinkConf).containsEntry("high-availability.type", "kubernetes");
        for (String key : List.of("execution.checkpointing.dir", "execution.checkpointing.savepoint-dir",
                "high-availability.storageDir")) {
            assertThat(String.valueOf(flinkConf.get(key))).as("%s %s on S3-compatible storage", fd, key).startsWith("s3://");
        }
        Map<String, Object> container = mainContainer(DeployFiles.map(spec, "podTemplate"));
        assertThat(env(container)).containsEntry("ENABLE_BUILT_IN_PLUGINS",
                "flink-s3-fs-hadoop-" + EnvironmentInformation.getVersion() + ".jar");

        // The job's options, with the files mounted from the ConfigMaps on the JobManager.
        JobConfig config = jobConfig(fd);
        assertThat(config.get(JobOptions.PARALLELISM)).isEqualTo(((Number) job.get("parallelism")).intValue());
    }

    @Test
    void theJobLogsInToKafkaAndInfluxDbWithSecretFilesOnEveryFlinkPod() throws IOException {
        Manifest fd = flinkDeployment();
        Map<String, Object> spec = DeployFiles.map(fd.tree(), "spec");
        JobConfig config = jobConfig(fd);
        assertThat(config.get(JobOptions.KAFKA_SECURITY_PROTOCOL)).isEqualTo("SASL_SSL");
        assertThat(config.get(JobOptions.KAFKA_SASL_MECHANISM)).isEqualTo("SCRAM-SHA-512");
        assertThat(config.get(JobOptions.KAFKA_USERNAME)).isNotBlank();
        assertThat(config.get(JobOptions.INFLUX_USERNAME)).isNotBlank();
        assertThat(config.get(JobOptions.KAFKA_PASSWORD_ENV)).as("passwords from mounted files, not variables").isNull();
        Map<String, Object> jmPod = DeployFiles.map(DeployFiles.map(spec, "jobManager"), "podTemplate");
        Map<String, Object> sharedPod = DeployFiles.map(spec, "podTemplate");
        for (var option : List.of(JobOptions.KAFKA_PASSWORD_FILE, JobOptions.KAFKA_TRUSTSTORE,
                JobOptions.KAFKA_TRUSTSTORE_PASSWORD_FILE, JobOptions.INFLUX_PASSWORD_FILE)) {
            String path = config.get(option);
            assertThat(path).as("%s job option %s", fd, option.key()).isNotBlank();
            // The JobManager checks Kafka and InfluxDB at submission; the TaskManagers run the clients.
            assertThat(mountedSecretKey(fd, jmPod, path)).as("%s: %s %s on the JobManager (jobManager.podTemplate)",
                    fd, option.key(), path).isPresent();
            assertThat(mountedSecretKey(fd, sharedPod, path)).as("%s: %s %s on the TaskManagers (spec.podTemplate)",
                    fd, option.key(), path).isPresent();
        }
        // The operator merges jobManager.podTemplate over spec.podTemplate by position (or by name): the shared
        // template's mounts and volumes come first in the JobManager's, in the same order.
        Map<String, Object> jmContainer = mainContainer(jmPod);
        Map<String, Object> sharedContainer = mainContainer(sharedPod);
        List<Object> sharedMounts = DeployFiles.list(sharedContainer, "volumeMounts");
        assertThat(DeployFiles.list(jmContainer, "volumeMounts").subList(0, sharedMounts.size())).isEqualTo(sharedMounts);
        List<Object> sharedVolumes = DeployFiles.list(DeployFiles.map(sharedPod, "spec"), "volumes");
        assertThat(DeployFiles.list(DeployFiles.map(jmPod, "spec"), "volumes").subList(0, sharedVolumes.size()))
                .isEqualTo(sharedVolumes);
    }

    @Test
    void noPasswordOrTokenIsWrittenInTheManifests() throws IOException {
        try (Stream<Path> files = Files.list(DeployFiles.K8S)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                assertThat(ComposeFileTest.secretLiterals(DeployFiles.read(f)))
                        .as("%s: a password or token written as a value", DeployFiles.ROOT.relativize(f)).isEmpty();
            }
        }
    }

    @Test
    void ingestDeploymentsRunRealCommandsOnACheckedConfiguration() throws IOException {
        List<Manifest> deployments = manifests.stream().filter(m -> m.kind().equals("Deployment")).toList();
        assertThat(deployments).extracting(Manifest::name).contains("ingest-push").hasSizeGreaterThan(1);
        String configVariable = ComposeFileTest.ingestConfigVariable();
        for (Manifest d : deployments) {
            Map<String, Object> pod = DeployFiles.map(DeployFiles.map(d.tree(), "spec"), "template");
            Map<String, Object> container = (Map<String, Object>) DeployFiles.list(DeployFiles.map(pod, "spec"), "containers").get(0);
            assertThat(String.valueOf(container.get("image"))).contains("bikefence-ingest");
            List<String> args = DeployFiles.list(container, "args").stream().map(String::valueOf).toList();
            ParseResult parsed = ComposeFileTest.parseIngest(d.toString(), args);
            String command = parsed.subcommand().commandSpec().name();
            assertThat(env(container).keySet()).as("%s: environment variables the adapter reads", d)
                    .containsOnly(configVariable);
            Path file = mountedConfigMapFile(d, pod,
                    parsed.subcommand().matchedOptionValue("--config", env(container).get(configVariable)));
            IngestConfig config = IngestConfig.load(file);
            StringWriter out = new StringWriter();
            assertThat(new CommandLine(new IngestMain()).setOut(new PrintWriter(out)).setErr(new PrintWriter(out))
                    .execute("check", "--config", file.toString())).as("%s: ingest check:\n%s", d, out).isZero();
            List<OperatorFeed> feeds = command.equals("push")
                    ? config.operators().values().stream().filter(f -> f.kind() == OperatorFeed.Kind.PUSH).toList()
                    : List.of(config.operator(parsed.subcommand().matchedOptionValue("--operator", null)));
            assertThat(feeds).isNotEmpty().allSatisfy(f -> assertThat(f.kind().wireName()).isEqualTo(command));
            assertThat(config.kafkaSecurity().protocol()).as("%s kafka.security-protocol", d).isEqualTo("SASL_SSL");
            Map<String, Object> yaml = DeployFiles.yaml(file);
            for (String key : List.of("kafka.password-file", "kafka.truststore", "kafka.truststore-password-file",
                    "influx.password-file")) {
                String path = String.valueOf(DeployFiles.map(yaml, key.substring(0, key.indexOf('.')))
                        .get(key.substring(key.indexOf('.') + 1)));
                assertThat(mountedSecretKey(d, pod, path)).as("%s: %s %s from a mounted Secret", d, key, path)
                        .isPresent();
            }
            assertThat(config.influxUsername()).as("%s influx.username", d).isNotBlank();
            for (OperatorFeed f : feeds) {
                assertThat(f.tokenEnv()).as("%s: operator %s token from a mounted Secret file", d, f.id()).isNull();
                if (f.tokenFile() != null) {
                    assertThat(mountedSecretKey(d, pod, f.tokenFile())).as("%s: token-file %s", d, f.tokenFile())
                            .isPresent();
                }
            }
            if (command.equals("push")) {
                Manifest service = object("Service", d.name());
                assertThat(DeployFiles.map(DeployFiles.map(service.tree(), "spec"), "selector"))
                        .isEqualTo(DeployFiles.map(DeployFiles.map(DeployFiles.map(d.tree(), "spec"), "selector"), "matchLabels"));
                assertThat(String.valueOf(DeployFiles.list(container, "ports")))
                        .contains("containerPort=" + parsed.subcommand().matchedOptionValue("--port", String.valueOf(config.pushPort())));
            } else {
                assertThat(DeployFiles.map(d.tree(), "spec").get("replicas")).as("%s: one poller per operator", d).isEqualTo(1);
            }
        }
    }

    // ---- helpers ----

    /** The job's configuration from spec.job.args, with the files of the ConfigMaps mounted on the JobManager. */
    private JobConfig jobConfig(Manifest fd) throws IOException {
        Map<String, Object> spec = DeployFiles.map(fd.tree(), "spec");
        Map<String, Object> jmPod = DeployFiles.map(DeployFiles.map(spec, "jobManager"), "podTemplate");
        List<String> args = new ArrayList<>();
        for (Object a : DeployFiles.list(DeployFiles.map(spec, "job"), "args")) {
            String s = String.valueOf(a);
            // A secret's file stays a path (read where each client is created); fences and rules are read here.
            args.add(s.startsWith("/") && mountedSecretKey(fd, jmPod, s).isEmpty()
                    ? mountedConfigMapFile(fd, jmPod, s).toString() : s);
        }
        try {
            return JobConfig.fromArgs(args.toArray(String[]::new), Map.of());
        } catch (IllegalArgumentException e) {
            return fail(fd + " spec.job.args: " + e.getMessage());
        }
    }

    /** The CRD's openAPIV3Schema for the FlinkDeployment's version, closed where Kubernetes would prune. */
    private static Schema crdSchema(Manifest fd) {
        Path crdFile = DeployFiles.sharedSchema(CRD);
        String version = String.valueOf(fd.tree().get("apiVersion")).replaceAll(".*/", "");
        Map<String, Object> crd = DeployFiles.yaml(crdFile);
        Map<String, Object> schema = null;
        for (Object v : DeployFiles.list(DeployFiles.map(crd, "spec"), "versions")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> ver = (Map<String, Object>) v;
            if (version.equals(ver.get("name"))) {
                schema = DeployFiles.map(DeployFiles.map(ver, "schema"), "openAPIV3Schema");
            }
        }
        assertThat(schema).as("%s: version %s", crdFile, version).isNotNull().isNotEmpty();
        ObjectNode root = (ObjectNode) JSON.valueToTree(schema);
        closeObjects(root);
        // Every object has apiVersion, kind and metadata; the CRD leaves metadata to the API server.
        root.put("additionalProperties", true);
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4)
                .getSchema(SchemaLocation.of(crdFile.toUri() + "#openAPIV3Schema"), root);
    }

    /** additionalProperties: false wherever the schema lists properties and does not keep unknown fields. */
    private static void closeObjects(JsonNode node) {
        if (node instanceof ObjectNode o) {
            if (o.has("properties") && !o.has("additionalProperties")
                    && !o.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
                o.put("additionalProperties", false);
            }
            o.properties().forEach(e -> closeObjects(e.getValue()));
        } else if (node != null && node.isArray()) {
            node.forEach(KubernetesManifestsTest::closeObjects);
        }
    }

    /** Fields of the object that its fabric8 model class does not have, with their paths. */
    private static List<String> unknownFields(Map<String, Object> tree) {
        Object parsed;
        try {
            parsed = new KubernetesSerialization().unmarshal(JSON.writeValueAsString(tree));
        } catch (RuntimeException e) {
            return List.of("does not parse: " + e.getMessage());
        }
        List<String> problems = new ArrayList<>();
        if (!(parsed instanceof HasMetadata) || parsed instanceof GenericKubernetesResource) {
            problems.add("kind " + tree.get("kind") + " of " + tree.get("apiVersion") + " is not in the Kubernetes model");
        }
        unknownFields(parsed, "", problems);
        return problems;
    }

    private static void unknownFields(Object o, String path, List<String> problems) {
        if (o instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                unknownFields(l.get(i), path + "[" + i + "]", problems);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> unknownFields(v, path + "." + k, problems));
            return;
        }
        if (o == null || !o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method m : o.getClass().getMethods()) {
            String n = m.getName();
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || !n.startsWith("get")
                    || n.equals("getClass") || m.getDeclaringClass() == Object.class) {
                continue;
            }
            Object value;
            try {
                value = m.invoke(o);
            } catch (IllegalAccessException | InvocationTargetException e) {
                problems.add(path + "." + n + ": " + e);
                continue;
            }
            if (n.equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    problems.add((path.isEmpty() ? "" : path.substring(1)) + ": unknown field(s) " + extra.keySet());
                }
            } else if (!n.equals("getMetadata") || path.isEmpty()) {
                unknownFields(value, path + "." + Character.toLowerCase(n.charAt(3)) + n.substring(4), problems);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void walk(Object node, java.util.function.Consumer<Map<String, Object>> visit) {
        if (node instanceof Map<?, ?> m) {
            visit.accept((Map<String, Object>) m);
            m.values().forEach(v -> walk(v, visit));
        } else if (node instanceof List<?> l) {
            l.forEach(v -> walk(v, visit));
        }
    }

    private static Map<String, Object> data(Manifest configMap) {
        return DeployFiles.map(configMap.tree(), "data");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> mainContainer(Map<String, Object> podTemplate) {
        return DeployFiles.list(DeployFiles.map(podTemplate, "spec"), "containers").stream()
                .map(c -> (Map<String, Object>) c).filter(c -> "flink-main-container".equals(c.get("name")))
                .findFirst().orElseThrow(() -> new AssertionError("no flink-main-container in the pod template"));
    }

    private static Map<String, String> env(Map<String, Object> container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (Object e : DeployFiles.list(container, "env")) {
            Map<?, ?> m = (Map<?, ?>) e;
            env.put(String.valueOf(m.get("name")), m.containsKey("value") ? String.valueOf(m.get("value")) : null);
        }
        return env;
    }

    /** The ConfigMap entry a pod sees at {@code path}, written to a temporary file. */
    private Path mountedConfigMapFile(Manifest where, Map<String, Object> pod, String path) throws IOException {
        Map<String, Object> spec = DeployFiles.map(pod, "spec");
        for (Object c : DeployFiles.list(spec, "containers")) {
            for (Object vm : DeployFiles.list((Map<String, Object>) c, "volumeMounts")) {
                Map<?, ?> mount = (Map<?, ?>) vm;
                String dir = String.valueOf(mount.get("mountPath"));
                if (!path.startsWith(dir + "/")) {
                    continue;
                }
                String key = path.substring(dir.length() + 1);
                for (Object v : DeployFiles.list(spec, "volumes")) {
                    Map<String, Object> volume = (Map<String, Object>) v;
                    if (volume.get("name").equals(mount.get("name")) && volume.containsKey("configMap")) {
                        Manifest cm = object("ConfigMap", String.valueOf(DeployFiles.map(volume, "configMap").get("name")));
                        Object content = data(cm).get(key);
                        assertThat(content).as("%s: %s mounts key %s of %s", where, path, key, cm).isNotNull();
                        Path file = Files.createDirectories(tmp.resolve(cm.name())).resolve(key);
                        Files.writeString(file, String.valueOf(content));
                        return file;
                    }
                }
            }
        }
        return fail(where + ": " + path + " is in no mounted ConfigMap");
    }

    /** The Secret key a pod sees at {@code path}, if a Secret volume mounted there has it. */
    @SuppressWarnings("unchecked")
    private static Optional<String> mountedSecretKey(Manifest where, Map<String, Object> pod, String path) {
        Map<String, Object> spec = DeployFiles.map(pod, "spec");
        for (Object c : DeployFiles.list(spec, "containers")) {
            for (Object vm : DeployFiles.list((Map<String, Object>) c, "volumeMounts")) {
                Map<?, ?> mount = (Map<?, ?>) vm;
                String dir = String.valueOf(mount.get("mountPath"));
                if (!path.startsWith(dir + "/")) {
                    continue;
                }
                String file = path.substring(dir.length() + 1);
                for (Object v : DeployFiles.list(spec, "volumes")) {
                    Map<String, Object> volume = (Map<String, Object>) v;
                    if (volume.get("name").equals(mount.get("name")) && volume.containsKey("secret")) {
                        for (Object item : DeployFiles.list(DeployFiles.map(volume, "secret"), "items")) {
                            if (file.equals(((Map<?, ?>) item).get("path"))) {
                                return Optional.of(String.valueOf(((Map<?, ?>) item).get("key")));
                            }
                        }
                    }
                }
            }
        }
        return Optional.empty();
    }
}
