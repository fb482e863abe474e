package org.bikefence.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigData;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.provider.ConfigProvider;

/**
 * The Kafka {@link ConfigProvider} that puts a secret into a client's configuration when the client is created,
 * in the process that creates it (a TaskManager, an adapter): the properties {@link KafkaClientSecurity} builds
 * hold only a reference such as {@code ${bikefence:env-jaas:KAFKA_PASSWORD}}, so the secret is never in a Flink
 * job graph, a configuration or a log line.
 *
 * <p>Paths: {@code env} and {@code file} give the value (a file's content without trailing whitespace, as
 * {@code docker secret} and Kubernetes secret files often end in a newline); {@code env-jaas} and
 * {@code file-jaas} give it escaped for a quoted JAAS option ({@code \} and {@code "}). A missing variable or
 * an unreadable or empty file fails the client's construction with a message naming the variable or file,
 * never the value.
 */
public final class KafkaSecretProvider implements ConfigProvider {

    @Override
    public void configure(Map<String, ?> configs) {
        // Nothing to configure: every reference carries its variable or file.
    }

    @Override
    public ConfigData get(String path) {
        // Listing every environment variable or file would hand out secrets nobody asked for.
        return new ConfigData(Map.of());
    }

    @Override
    public ConfigData get(String path, Set<String> keys) {
        Map<String, String> values = new HashMap<>();
        for (String key : keys) {
            String value;
            switch (path == null ? "" : path) {
                case "env":
                    value = env(key);
                    break;
                case "env-jaas":
                    value = jaasEscape(env(key));
                    break;
                case "file":
                    value = file(key);
                    break;
                case "file-jaas":
                    value = jaasEscape(file(key));
                    break;
                default:
                    throw new ConfigException("Kafka secret reference '" + path + ":" + key
                            + "': the path must be env, env-jaas, file or file-jaas");
            }
            values.put(key, value);
        }
        return new ConfigData(values);
    }

    private static String env(String variable) {
        String v = System.getenv(variable);
        if (v == null || v.isEmpty()) {
            throw new ConfigException("environment variable " + variable + " holding a Kafka secret is not set");
        }
        return v;
    }

    private static String file(String file) {
        String v;
        try {
            v = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new ConfigException("cannot read Kafka secret file " + file + ": " + e.getClass().getSimpleName());
        }
        if (v.isEmpty()) {
            throw new ConfigException("Kafka secret file " + file + " is empty");
        }
        return v;
    }

    /** A value for a double-quoted JAAS option: the JAAS parser reads {@code \\} and {@code \"} back. */
    static String jaasEscape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    @Override
    public void close() {
        // Holds nothing.
    }
}
