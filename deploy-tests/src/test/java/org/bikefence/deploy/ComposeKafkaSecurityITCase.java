package org.bikefence.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.bikefence.kafka.KafkaClientSecurity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka of docker/compose.yaml without Docker: docker/kafka/make-secrets.sh makes the secrets, the kafka
 * service's own command (format with the SCRAM user admin, start on docker/kafka/server.properties) and the topics
 * service's own command (the SCRAM users with kafka-configs, logged in with docker/kafka/admin.properties) run as
 * written, in bash, with only the container paths, host names and ports mapped to this machine: the image's
 * /opt/kafka/bin scripts become the same classes of the broker's jars (kafka.tools.StorageTool, kafka.Kafka,
 * kafka.admin.ConfigCommand); kafka-topics.sh (kafka-tools, not among the test's jars) only records its arguments.
 * Then the job's, the adapters' and the fence publisher's users log in over SASL_SSL with their secrets, through
 * bike-core's KafkaClientSecurity, as the code does; a PLAINTEXT client and a wrong password are refused.
 */
class ComposeKafkaSecurityITCase {
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    @TempDir
    Path tmp;

    private final List<Process> processes = new ArrayList<>();
    private final ComposeFile compose = new ComposeFile(DeployFiles.COMPOSE);
    private final int internal = freePort();
    private final int external = freePort();
    private final int broker = freePort();
    private final int controller = freePort();

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : processes) {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void theComposeBrokerAcceptsOnlyItsScramUsersOverTls() throws Exception {
        Path secrets = tmp.resolve("secrets");
        DeployFiles.Run made = runScript(List.of("bash", DeployFiles.DOCKER.resolve("kafka/make-secrets.sh").toString(),
                secrets.toString()), Map.of("JAVA_HOME", System.getProperty("java.home")));
        assertThat(made.exitCode()).as("docker/kafka/make-secrets.sh:\n%s", made.output()).isZero();
        for (String name : DeployFiles.map(compose.root, "secrets").keySet()) {
            if (!name.equals("meituan_mds_token")) {   // issued by the operator
                assertThat(secrets.resolve(name)).as("make-secrets.sh makes the compose secret %s", name).isRegularFile();
            }
        }
        assertThat(Files.getPosixFilePermissions(secrets)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        DeployFiles.Run again = runScript(List.of("bash", DeployFiles.DOCKER.resolve("kafka/make-secrets.sh").toString(),
                secrets.toString()), Map.of("JAVA_HOME", System.getProperty("java.home")));
        assertThat(again.output()).as("a second run keeps every secret").doesNotContain("created");

        Path etc = Files.createDirectories(tmp.resolve("etc"));
        Files.writeString(etc.resolve("server.properties"), mapped(DeployFiles.read(DeployFiles.DOCKER.resolve("kafka/server.properties")))
                .replace("log.dirs=/var/lib/kafka/data", "log.dirs=" + tmp.resolve("data")));
        Files.writeString(etc.resolve("admin.properties"), mapped(DeployFiles.read(DeployFiles.DOCKER.resolve("kafka/admin.properties"))));
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        wrapper(bin.resolve("kafka-storage.sh"), "exec \"$JAVA\" -Djava.io.tmpdir=\"$JAVA_TMP\" -cp \"$BROKER_CP\" kafka.tools.StorageTool \"$@\"");
        wrapper(bin.resolve("kafka-server-start.sh"), "exec \"$JAVA\" -Djava.io.tmpdir=\"$JAVA_TMP\" -cp \"$BROKER_CP\" kafka.Kafka \"$@\"");
        wrapper(bin.resolve("kafka-configs.sh"), "exec \"$JAVA\" -Djava.io.tmpdir=\"$JAVA_TMP\" -cp \"$BROKER_CP\" kafka.admin.ConfigCommand \"$@\"");
        wrapper(bin.resolve("kafka-topics.sh"), "echo \"$*\" >> \"" + tmp.resolve("kafka-topics.calls") + "\"");

        // The kafka service, as compose runs it.
        Map<String, Object> kafka = compose.service("kafka");
        Map<String, String> kafkaEnv = new LinkedHashMap<>();
        ComposeFile.environment(kafka).forEach((k, v) -> kafkaEnv.put(k, ComposeFile.defaults(v)));
        kafkaEnv.put("BIKEFENCE_KAFKA_EXTERNAL", "localhost:" + external);
        processes.add(startScript(mapped(ComposeFile.shellCommand(kafka)), kafkaEnv, tmp.resolve("kafka.log")));

        // Healthy: the loopback PLAINTEXT listener of the healthcheck answers.
        awaitCluster(plaintext("127.0.0.1:" + broker), tmp.resolve("kafka.log"));

        // The topics service, as compose runs it.
        Map<String, Object> topics = compose.service("topics");
        Map<String, String> topicsEnv = new LinkedHashMap<>(ComposeFile.environment(topics));
        DeployFiles.Run created = runScript(List.of("bash", "-ec", mapped(ComposeFile.shellCommand(topics))), topicsEnv);
        assertThat(created.exitCode()).as("services.topics.command:\n%s", created.output()).isZero();
        List<String> calls = Files.readAllLines(tmp.resolve("kafka-topics.calls"));
        assertThat(calls).as("kafka-topics.sh calls").hasSize(topicsEnv.get("BIKEFENCE_TOPICS").trim().split("\\s+").length + 1)
                .allSatisfy(c -> assertThat(c).contains("--bootstrap-server localhost:" + internal)
                        .contains("--command-config " + etc.resolve("admin.properties")));
        for (String t : topicsEnv.get("BIKEFENCE_TOPICS").trim().split("\\s+")) {
            String[] spec = t.split(":");
            String create = "--create --if-not-exists --topic " + spec[0] + " --partitions " + spec[1]
                    + " --replication-factor 1";
            assertThat(calls).as("the call creating %s", spec[0]).filteredOn(c -> c.contains(create)).singleElement()
                    .satisfies(c -> {
                        if (spec.length > 2) {
                            assertThat(c).endsWith(create + " --config cleanup.policy=" + spec[2]);
                        } else {
                            assertThat(c).endsWith(create);
                        }
                    });
        }
        assertThat(topicsEnv.get("BIKEFENCE_TOPICS")).as("the topics the job reads from the start, compacted")
                .contains("geofences:1:compact", "rulesets:1:compact");

        // Every user the topics service created logs in with its secret, over TLS trusting only the CA.
        Map<String, String> users = new LinkedHashMap<>();
        for (String u : topicsEnv.get("BIKEFENCE_KAFKA_USERS").trim().split("\\s+")) {
            users.put(u.split(":")[0], u.split(":")[1]);
        }
        assertThat(users).containsKeys("bikefence-job", "bikefence-ingest", "bikefence-fences");
        for (String secret : users.values()) {
            assertThat(created.output()).as("the topics service's output holds no password (%s)", secret)
                    .doesNotContain(Files.readString(secrets.resolve(secret)));
        }
        int i = 0;
        for (Map.Entry<String, String> u : users.entrySet()) {
            Properties client = scram(u.getKey(), secrets.resolve(u.getValue()), secrets, "localhost:" + internal);
            String topic = "login-" + (i++);
            try (Admin admin = Admin.create(client)) {
                admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).as("user %s", u.getKey()).contains(topic);
            }
        }
        // The EXTERNAL listener (fences publish from the host) takes the same users.
        try (Admin admin = Admin.create(scram("bikefence-fences", secrets.resolve("kafka_fences_password"), secrets,
                "localhost:" + external))) {
            assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(1);
        }

        // Refused: a wrong password, and PLAINTEXT on the clients' listener.
        Path wrong = Files.writeString(tmp.resolve("wrong"), "not-the-password");
        try (Admin admin = Admin.create(scram("bikefence-job", wrong, secrets, "localhost:" + internal))) {
            assertThatThrownBy(() -> admin.listTopics().names().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SaslAuthenticationException.class);
        }
        Properties plain = plaintext("localhost:" + internal);
        plain.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        plain.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
        try (Admin admin = Admin.create(plain)) {
            assertThatThrownBy(() -> admin.listTopics().names().get(30, TimeUnit.SECONDS))
                    .as("PLAINTEXT on the SASL_SSL listener").isInstanceOf(ExecutionException.class);
        }
        assertThat(DeployFiles.read(tmp.resolve("kafka.log")))
                .as("the broker's log holds no password")
                .doesNotContain(Files.readString(secrets.resolve("kafka_keystore_password")))
                .doesNotContain(Files.readString(secrets.resolve("kafka_admin_password")));
    }

    /** Container paths, host names and ports of compose as this machine's. */
    private String mapped(String text) {
        return text.replace("/opt/kafka/bin/", tmp.resolve("bin") + "/")
                .replace("/etc/bikefence/kafka/", tmp.resolve("etc") + "/")
                .replace("/run/secrets/", tmp.resolve("secrets") + "/")
                .replace("kafka:9092", "localhost:" + internal)
                .replace("INTERNAL://:9092", "INTERNAL://127.0.0.1:" + internal)
                .replace("EXTERNAL://:19093", "EXTERNAL://127.0.0.1:" + external)
                .replace("localhost:19093", "localhost:" + external)
                .replace("127.0.0.1:9094", "127.0.0.1:" + broker)
                .replace("127.0.0.1:9093", "127.0.0.1:" + controller);
    }

    private Properties scram(String user, Path passwordFile, Path secrets, String bootstrap) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put(KafkaClientSecurity.SECURITY_PROTOCOL, "SASL_SSL");
        options.put(KafkaClientSecurity.SASL_MECHANISM, "SCRAM-SHA-512");
        options.put(KafkaClientSecurity.USERNAME, user);
        options.put(KafkaClientSecurity.PASSWORD_FILE, passwordFile.toString());
        options.put(KafkaClientSecurity.TRUSTSTORE, secrets.resolve("kafka_truststore.p12").toString());
        options.put(KafkaClientSecurity.TRUSTSTORE_PASSWORD_FILE, secrets.resolve("kafka_truststore_password").toString());
        Properties p = new Properties();
        p.putAll(KafkaClientSecurity.fromOptions(options).properties());
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return p;
    }

    private static Properties plaintext(String bootstrap) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return p;
    }

    private static void awaitCluster(Properties client, Path log) throws InterruptedException {
        client.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        client.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try (Admin admin = Admin.create(client)) {
                admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(500);   // polling interval of the deadline loop, not a synchronisation
        }
        throw new AssertionError("the broker did not answer on its healthcheck listener within " + DEADLINE + " (log "
                + log + "): " + last);
    }

    private void wrapper(Path file, String line) throws IOException {
        Files.writeString(file, "#!/bin/sh\n" + line + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, Set.copyOf(PosixFilePermissions.fromString("rwxr-xr-x")));
    }

    private Map<String, String> toolEnv(Map<String, String> env) {
        Map<String, String> all = new LinkedHashMap<>(env);
        all.put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        all.put("BROKER_CP", System.getProperty("java.class.path"));
        all.put("JAVA_TMP", tmp.toString());
        return all;
    }

    private Process startScript(String script, Map<String, String> env, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("bash", "-ec", script).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(toolEnv(env));
        return pb.start();
    }

    private DeployFiles.Run runScript(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        Path log = Files.createTempFile(tmp, "run", ".log");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(toolEnv(env));
        Process p = pb.start();
        if (!p.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + ": no exit within " + DEADLINE + ":\n" + Files.readString(log));
        }
        return new DeployFiles.Run(p.exitValue(), Files.readString(log));
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
