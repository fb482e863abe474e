package org.bikefence.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;

/**
 * How a Kafka client of bikefence (the job's sources and sinks, the ingest adapters, the fence publisher)
 * connects: {@code PLAINTEXT} (the demo), or {@code SASL_SSL} with SCRAM-SHA-512 and a TLS truststore (a city's
 * brokers), built from the same option keys everywhere ({@code kafka.security-protocol}, ...), validated once.
 *
 * <p>Secrets (the SASL password, the truststore password) come only from an environment variable or a file, and
 * {@link #properties()} holds only a reference to them, resolved by {@link KafkaSecretProvider} when a client is
 * created: the properties can be logged, serialized into a Flink job graph or put in a configuration.
 */
public final class KafkaClientSecurity {

    public static final String SECURITY_PROTOCOL = "kafka.security-protocol";
    public static final String SASL_MECHANISM = "kafka.sasl-mechanism";
    public static final String USERNAME = "kafka.username";
    public static final String PASSWORD_ENV = "kafka.password-env";
    public static final String PASSWORD_FILE = "kafka.password-file";
    public static final String TRUSTSTORE = "kafka.truststore";
    public static final String TRUSTSTORE_TYPE = "kafka.truststore-type";
    public static final String TRUSTSTORE_PASSWORD_ENV = "kafka.truststore-password-env";
    public static final String TRUSTSTORE_PASSWORD_FILE = "kafka.truststore-password-file";

    /** Every key {@link #fromOptions} reads, in the order of the documentation. */
    public static final List<String> KEYS = List.of(SECURITY_PROTOCOL, SASL_MECHANISM, USERNAME, PASSWORD_ENV,
            PASSWORD_FILE, TRUSTSTORE, TRUSTSTORE_TYPE, TRUSTSTORE_PASSWORD_ENV, TRUSTSTORE_PASSWORD_FILE);

    /** Keys refused on purpose: a secret is never an option value. */
    public static final List<String> FORBIDDEN = List.of("kafka.password", "kafka.truststore-password");

    public static final List<String> PROTOCOLS = List.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
    public static final List<String> MECHANISMS = List.of("SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN");
    public static final List<String> TRUSTSTORE_TYPES = List.of("PKCS12", "JKS", "PEM");
    public static final String DEFAULT_PROTOCOL = "PLAINTEXT";
    public static final String DEFAULT_MECHANISM = "SCRAM-SHA-512";

    /** The alias of {@link KafkaSecretProvider} in the client properties. */
    static final String PROVIDER = "bikefence";

    private static final KafkaClientSecurity PLAINTEXT =
            new KafkaClientSecurity(DEFAULT_PROTOCOL, null, null, null, null, null, null);

    private final String protocol;
    private final String mechanism;
    private final String username;
    private final SecretRef password;
    private final String truststore;
    private final String truststoreType;
    private final SecretRef truststorePassword;

    private KafkaClientSecurity(String protocol, String mechanism, String username, SecretRef password,
            String truststore, String truststoreType, SecretRef truststorePassword) {
        this.protocol = protocol;
        this.mechanism = mechanism;
        this.username = username;
        this.password = password;
        this.truststore = truststore;
        this.truststoreType = truststoreType;
        this.truststorePassword = truststorePassword;
    }

    /** No security: the demo's and the tests' local broker. */
    public static KafkaClientSecurity plaintext() {
        return PLAINTEXT;
    }

    /**
     * Reads and validates the {@link #KEYS} (absent or blank: not given); other keys are ignored.
     *
     * @throws IllegalArgumentException one line per problem, each naming the option and its value
     */
    public static KafkaClientSecurity fromOptions(Map<String, String> options) {
        for (String key : FORBIDDEN) {
            if (options.containsKey(key)) {
                throw new IllegalArgumentException(secretRefused(key));
            }
        }
        List<String> problems = new ArrayList<>();
        String protocol = given(options, SECURITY_PROTOCOL);
        protocol = protocol == null ? DEFAULT_PROTOCOL : protocol.toUpperCase(Locale.ROOT);
        if (!PROTOCOLS.contains(protocol)) {
            problems.add("option '" + SECURITY_PROTOCOL + "' must be one of " + PROTOCOLS + ", was '"
                    + options.get(SECURITY_PROTOCOL) + "'");
        }
        boolean sasl = protocol.startsWith("SASL_");
        boolean ssl = protocol.endsWith("SSL");
        String mechanism = null;
        String username = given(options, USERNAME);
        SecretRef password = secret(options, PASSWORD_ENV, PASSWORD_FILE, problems);
        if (sasl) {
            mechanism = given(options, SASL_MECHANISM);
            mechanism = mechanism == null ? DEFAULT_MECHANISM : mechanism.toUpperCase(Locale.ROOT);
            if (!MECHANISMS.contains(mechanism)) {
                problems.add("option '" + SASL_MECHANISM + "' must be one of " + MECHANISMS + ", was '"
                        + options.get(SASL_MECHANISM) + "'");
            }
            if (username == null) {
                problems.add("option '" + USERNAME + "' is required with " + SECURITY_PROTOCOL + " " + protocol);
            } else if (username.contains("\"") || username.contains("\\")) {
                problems.add("option '" + USERNAME + "' must not contain \" or \\, was '" + username + "'");
            }
            if (password == null) {
                problems.add("option '" + PASSWORD_ENV + "' or '" + PASSWORD_FILE + "' is required with "
                        + SECURITY_PROTOCOL + " " + protocol);
            }
        } else {
            for (String key : List.of(SASL_MECHANISM, USERNAME, PASSWORD_ENV, PASSWORD_FILE)) {
                if (given(options, key) != null) {
                    problems.add("option '" + key + "' needs " + SECURITY_PROTOCOL + " SASL_SSL or SASL_PLAINTEXT, "
                            + "was " + protocol);
                }
            }
            password = null;
        }
        String truststore = given(options, TRUSTSTORE);
        String type = given(options, TRUSTSTORE_TYPE);
        SecretRef storePassword = secret(options, TRUSTSTORE_PASSWORD_ENV, TRUSTSTORE_PASSWORD_FILE, problems);
        if (ssl) {
            if (type != null) {
                type = type.toUpperCase(Locale.ROOT);
                if (!TRUSTSTORE_TYPES.contains(type)) {
                    problems.add("option '" + TRUSTSTORE_TYPE + "' must be one of " + TRUSTSTORE_TYPES + ", was '"
                            + options.get(TRUSTSTORE_TYPE) + "'");
                }
            }
            if (truststore == null) {
                for (String key : List.of(TRUSTSTORE_TYPE, TRUSTSTORE_PASSWORD_ENV, TRUSTSTORE_PASSWORD_FILE)) {
                    if (given(options, key) != null) {
                        problems.add("option '" + key + "' needs '" + TRUSTSTORE + "'");
                    }
                }
                type = null;
                storePassword = null;
            } else {
                if (type == null) {
                    type = defaultType(truststore);
                }
                if ("PEM".equals(type) && storePassword != null) {
                    problems.add("option '" + (given(options, TRUSTSTORE_PASSWORD_ENV) != null ? TRUSTSTORE_PASSWORD_ENV
                            : TRUSTSTORE_PASSWORD_FILE) + "': a PEM truststore has no password");
                }
            }
        } else {
            for (String key : List.of(TRUSTSTORE, TRUSTSTORE_TYPE, TRUSTSTORE_PASSWORD_ENV, TRUSTSTORE_PASSWORD_FILE)) {
                if (given(options, key) != null) {
                    problems.add("option '" + key + "' needs " + SECURITY_PROTOCOL + " SASL_SSL or SSL, was "
                            + protocol);
                }
            }
            truststore = null;
            type = null;
            storePassword = null;
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        if (protocol.equals(DEFAULT_PROTOCOL)) {
            return PLAINTEXT;
        }
        return new KafkaClientSecurity(protocol, mechanism, username, password, truststore, type, storePassword);
    }

    /** Why a secret given as an option is refused; names the option, never the value. */
    public static String secretRefused(String key) {
        return "option '" + key + "' is not accepted: give the secret through '" + key + "-env' (an environment "
                + "variable) or '" + key + "-file'";
    }

    public String protocol() {
        return protocol;
    }

    public boolean isPlaintext() {
        return this == PLAINTEXT;
    }

    /**
     * The client properties: {@code security.protocol}, the SASL mechanism and JAAS configuration, the truststore,
     * and the secret provider that fills in the references. Empty for PLAINTEXT. No secret value is in them.
     */
    public Map<String, String> properties() {
        Map<String, String> p = new LinkedHashMap<>();
        if (isPlaintext()) {
            return p;
        }
        p.put("security.protocol", protocol);
        boolean providerNeeded = false;
        if (mechanism != null) {
            String module = mechanism.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                    : "org.apache.kafka.common.security.scram.ScramLoginModule";
            p.put("sasl.mechanism", mechanism);
            p.put("sasl.jaas.config", module + " required username=\"" + username + "\" password=\""
                    + password.reference(true) + "\";");
            providerNeeded = true;
        }
        if (truststore != null) {
            p.put("ssl.truststore.location", truststore);
            p.put("ssl.truststore.type", truststoreType);
            if (truststorePassword != null) {
                p.put("ssl.truststore.password", truststorePassword.reference(false));
                providerNeeded = true;
            }
        }
        if (providerNeeded) {
            p.put("config.providers", PROVIDER);
            p.put("config.providers." + PROVIDER + ".class", KafkaSecretProvider.class.getName());
        }
        return p;
    }

    /** Adds {@link #properties()} to a client's properties. */
    public Properties applyTo(Properties props) {
        props.putAll(properties());
        return props;
    }

    /**
     * Checks, in this process, that the secrets can be read and the truststore file exists: for a process that
     * creates its clients itself (an adapter, the fence publisher), so that a missing secret is one line at start.
     *
     * @throws IllegalArgumentException naming the option and the variable or file, never a value
     */
    public void checkHere(Function<String, String> env) {
        List<String> problems = new ArrayList<>();
        if (password != null) {
            password.check(env, problems);
        }
        if (truststorePassword != null) {
            truststorePassword.check(env, problems);
        }
        if (truststore != null && !Files.isReadable(Path.of(truststore))) {
            problems.add("option '" + TRUSTSTORE + "': no readable file '" + truststore + "'");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    /**
     * Asks the brokers for their cluster id with these settings, for a process about to create its clients: a
     * refused login, a failed TLS handshake or an unreadable secret is an error (one line), brokers that do not
     * answer in time are not (the caller warns and goes on: its clients retry).
     *
     * @return null when the brokers answered, else why not (one line)
     * @throws IllegalArgumentException naming {@code bootstrapServers} and the refused login, TLS or secret problem
     */
    public String checkLogin(String bootstrapServers, Duration timeout) {
        Properties props = applyTo(new Properties());
        props.put("bootstrap.servers", bootstrapServers);
        long ms = Math.max(1000, timeout.toMillis());
        props.put("request.timeout.ms", Long.toString(ms / 2));
        props.put("default.api.timeout.ms", Long.toString(ms));
        try (Admin admin = Admin.create(props)) {
            admin.describeCluster().clusterId().get(ms, TimeUnit.MILLISECONDS);
            return null;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AuthenticationException) {
                throw new IllegalArgumentException("Kafka at " + bootstrapServers + ": " + explain(e.getCause()),
                        e.getCause());
            }
            return explain(e.getCause());
        } catch (TimeoutException e) {
            return "no answer within " + ms + " ms";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (KafkaException e) {
            // The client could not be created: a secret that cannot be read, a truststore that cannot be loaded.
            String line = explain(e);
            throw new IllegalArgumentException("Kafka at " + bootstrapServers + ": "
                    + (line.equals(String.valueOf(e)) ? causes(e) : line), e);
        }
    }

    /**
     * One line for a Kafka failure of a client built with these settings: a refused login, a failed TLS handshake
     * or an unreadable secret are named as such; anything else is its class and message. Never contains a secret:
     * the broker's and the client's messages name the mechanism and user at most.
     */
    public String explain(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SaslAuthenticationException) {
                return "Kafka refused the login of user '" + username + "' (" + mechanism + "; check '" + PASSWORD_ENV
                        + "'/'" + PASSWORD_FILE + "' and the user's SCRAM credentials on the broker): "
                        + t.getMessage();
            }
            if (t instanceof SslAuthenticationException) {
                return "TLS handshake with Kafka failed (check '" + TRUSTSTORE + "' holds the broker's CA, and the "
                        + "broker's certificate names the host): " + rootMessage(t);
            }
            if (t instanceof ConfigException && t.getMessage() != null && t.getMessage().contains("Kafka secret")) {
                return t.getMessage();
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return String.valueOf(failure);
    }

    /** Each cause's message, outermost first, on one line ("Failed to create ...: Failed to load SSL keystore ..."). */
    private static String causes(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            String m = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
            if (sb.indexOf(m) < 0) {
                sb.append(sb.length() == 0 ? "" : ": ").append(m.replaceAll("\\s+", " "));
            }
        }
        return sb.toString();
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == t ? String.valueOf(t.getMessage()) : t.getMessage() + " (" + root + ")";
    }

    /** For logs: the protocol, mechanism, user and where the secrets come from, never their values. */
    @Override
    public String toString() {
        if (isPlaintext()) {
            return "PLAINTEXT";
        }
        StringBuilder sb = new StringBuilder(protocol);
        if (mechanism != null) {
            sb.append(' ').append(mechanism).append(" user ").append(username).append(" (password ").append(password)
                    .append(')');
        }
        if (truststore != null) {
            sb.append(", truststore ").append(truststore).append(" (").append(truststoreType);
            if (truststorePassword != null) {
                sb.append(", password ").append(truststorePassword);
            }
            sb.append(')');
        } else if (protocol.endsWith("SSL")) {
            sb.append(", the JVM's default truststore");
        }
        return sb.toString();
    }

    private static String defaultType(String truststore) {
        String n = truststore.toLowerCase(Locale.ROOT);
        if (n.endsWith(".pem") || n.endsWith(".crt")) {
            return "PEM";
        }
        return n.endsWith(".jks") ? "JKS" : "PKCS12";
    }

    private static String given(Map<String, String> options, String key) {
        String v = options.get(key);
        return v == null || v.isBlank() ? null : v.strip();
    }

    private static SecretRef secret(Map<String, String> options, String envKey, String fileKey, List<String> problems) {
        String env = given(options, envKey);
        String file = given(options, fileKey);
        if (env != null && file != null) {
            problems.add("options '" + envKey + "' and '" + fileKey + "' exclude each other");
            return null;
        }
        if (env != null) {
            if (!env.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                problems.add("option '" + envKey + "' must name an environment variable, was '" + env + "'");
                return null;
            }
            return new SecretRef(envKey, true, env);
        }
        if (file != null) {
            if (file.contains(":") || file.contains("}") || file.contains("$")) {
                problems.add("option '" + fileKey + "' must be a path without ':', '}' or '$', was '" + file + "'");
                return null;
            }
            return new SecretRef(fileKey, false, file);
        }
        return null;
    }

    /** An environment variable or a file holding a secret, named by the option that gave it. */
    private record SecretRef(String option, boolean env, String name) {

        /** {@code ${bikefence:env:NAME}} and the like, for {@link KafkaSecretProvider}. */
        String reference(boolean jaas) {
            return "${" + PROVIDER + ":" + (env ? "env" : "file") + (jaas ? "-jaas" : "") + ":" + name + "}";
        }

        void check(Function<String, String> environment, List<String> problems) {
            if (env) {
                String v = environment.apply(name);
                if (v == null || v.isEmpty()) {
                    problems.add("option '" + option + "': environment variable " + name + " is not set");
                }
                return;
            }
            try {
                if (Files.readString(Path.of(name), StandardCharsets.UTF_8).isBlank()) {
                    problems.add("option '" + option + "': file " + name + " is empty");
                }
            } catch (IOException e) {
                problems.add("option '" + option + "': cannot read file " + name + " (" + e.getClass().getSimpleName()
                        + ")");
            }
        }

        @Override
        public String toString() {
            return (env ? "env:" : "file:") + name;
        }
    }
}
