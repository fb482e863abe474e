package org.bikefence.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bikefence.local.LocalKafka;

/**
 * A real KRaft broker with a {@code SASL_SSL} listener on loopback, for the secured-connection tests: a TLS
 * certificate for {@code localhost}/{@code 127.0.0.1} generated here with the JDK's {@code keytool}, a SCRAM-SHA-512
 * user created with the broker's own storage tool at format time ({@code kafka-storage format --add-scram}), and
 * random passwords written to files (the clients read them with {@code kafka.password-file}). The PLAINTEXT
 * listener stays for {@link LocalKafka}'s own readiness check and topic creation.
 */
public final class SaslSslKafka implements AutoCloseable {

    public static final String LISTENER = "SASL_SSL";
    public static final String USER = "bikefence";
    public static final String MECHANISM = "SCRAM-SHA-512";

    private final LocalKafka kafka;
    private final Path dir;
    private final String password;
    private final String truststorePassword;

    private SaslSslKafka(LocalKafka kafka, Path dir, String password, String truststorePassword) {
        this.kafka = kafka;
        this.dir = dir;
        this.password = password;
        this.truststorePassword = truststorePassword;
    }

    /** Generates the certificate and the secrets in {@code dir}, formats and starts the broker. */
    public static SaslSslKafka start(Path dir, String brokerClasspath) {
        try {
            Files.createDirectories(dir);
            Path tls = Files.createDirectories(dir.resolve("tls"));
            String password = random("sasl-");
            String keystorePassword = random("ks-");
            String truststorePassword = random("ts-");
            Path keystore = tls.resolve("broker.p12");
            Path cert = tls.resolve("broker.pem");
            Path truststore = tls.resolve("truststore.p12");
            Files.deleteIfExists(keystore);
            Files.deleteIfExists(truststore);
            keytool("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-dname", "CN=localhost, O=bikefence test", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                    "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", keystorePassword);
            keytool("-exportcert", "-rfc", "-alias", "broker", "-file", cert.toString(), "-storetype", "PKCS12",
                    "-keystore", keystore.toString(), "-storepass", keystorePassword);
            keytool("-importcert", "-noprompt", "-alias", "broker-ca", "-file", cert.toString(), "-storetype",
                    "PKCS12", "-keystore", truststore.toString(), "-storepass", truststorePassword);
            Path secrets = Files.createDirectories(dir.resolve("secrets"));
            Files.writeString(secrets.resolve("kafka_password"), password + "\n");
            Files.writeString(secrets.resolve("kafka_wrong_password"), password + "-wrong\n");
            Files.writeString(secrets.resolve("kafka_truststore_password"), truststorePassword + "\n");
            String listener = "listener.name." + LISTENER.toLowerCase() + ".";
            LocalKafka kafka = LocalKafka.builder(dir.resolve("broker"), brokerClasspath)
                    .listener(LISTENER, "SASL_SSL")
                    .serverProperty("sasl.enabled.mechanisms", MECHANISM)
                    .serverProperty(listener + "sasl.enabled.mechanisms", MECHANISM)
                    .serverProperty(listener + MECHANISM.toLowerCase() + ".sasl.jaas.config",
                            "org.apache.kafka.common.security.scram.ScramLoginModule required;")
                    .serverProperty(listener + "ssl.keystore.type", "PKCS12")
                    .serverProperty(listener + "ssl.keystore.location", keystore.toString())
                    .serverProperty(listener + "ssl.keystore.password", keystorePassword)
                    .serverProperty(listener + "ssl.key.password", keystorePassword)
                    .serverProperty("auto.create.topics.enable", "false")
                    .formatArguments("--add-scram", MECHANISM + "=[name=" + USER + ",password=" + password + "]")
                    .start();
            return new SaslSslKafka(kafka, dir, password, truststorePassword);
        } catch (IOException e) {
            throw new UncheckedIOException("could not prepare the SASL_SSL broker in " + dir, e);
        }
    }

    public LocalKafka kafka() {
        return kafka;
    }

    /** The SASL_SSL listener's {@code host:port}. */
    public String bootstrapServers() {
        return kafka.bootstrapServers(LISTENER);
    }

    /** The user's password, for tests that look for it where it must not be. */
    public String password() {
        return password;
    }

    public String truststorePassword() {
        return truststorePassword;
    }

    public Path passwordFile() {
        return dir.resolve("secrets/kafka_password");
    }

    /** A file holding another password than the user's. */
    public Path wrongPasswordFile() {
        return dir.resolve("secrets/kafka_wrong_password");
    }

    public Path truststore() {
        return dir.resolve("tls/truststore.p12");
    }

    public Path truststorePasswordFile() {
        return dir.resolve("secrets/kafka_truststore_password");
    }

    /** The {@code kafka.*} client options for this broker, with the password read from {@code passwordFile}. */
    public Map<String, String> clientOptions(Path passwordFile) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("kafka.bootstrap-servers", bootstrapServers());
        o.put("kafka.security-protocol", "SASL_SSL");
        o.put("kafka.sasl-mechanism", MECHANISM);
        o.put("kafka.username", USER);
        o.put("kafka.password-file", passwordFile.toString());
        o.put("kafka.truststore", truststore().toString());
        o.put("kafka.truststore-password-file", truststorePasswordFile().toString());
        return o;
    }

    public Map<String, String> clientOptions() {
        return clientOptions(passwordFile());
    }

    /**
     * A PKCS12 truststore (password: the broker's truststore password) holding another self-signed certificate
     * than the broker's: a client trusting only it must fail the TLS handshake.
     */
    public Path untrustedTruststore() {
        Path tls = dir.resolve("tls");
        Path keystore = tls.resolve("other.p12");
        Path cert = tls.resolve("other.pem");
        Path truststore = tls.resolve("untrusted-truststore.p12");
        try {
            if (!Files.exists(truststore)) {
                String pw = random("other-");
                keytool("-genkeypair", "-alias", "other", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                        "-dname", "CN=localhost, O=someone else", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                        "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", pw);
                keytool("-exportcert", "-rfc", "-alias", "other", "-file", cert.toString(), "-storetype", "PKCS12",
                        "-keystore", keystore.toString(), "-storepass", pw);
                keytool("-importcert", "-noprompt", "-alias", "other-ca", "-file", cert.toString(), "-storetype",
                        "PKCS12", "-keystore", truststore.toString(), "-storepass", truststorePassword);
            }
            return truststore;
        } catch (IOException e) {
            throw new UncheckedIOException("could not make a second truststore in " + tls, e);
        }
    }

    @Override
    public void close() {
        kafka.close();
    }

    private static String random(String prefix) {
        byte[] b = new byte[12];
        new SecureRandom().nextBytes(b);
        return prefix + HexFormat.of().formatHex(b);
    }

    private static void keytool(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("keytool " + args[0] + " failed: " + out.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running keytool", e);
        }
    }
}
