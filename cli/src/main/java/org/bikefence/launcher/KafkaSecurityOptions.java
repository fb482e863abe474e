package org.bikefence.launcher;

import java.util.LinkedHashMap;
import java.util.Map;
import org.bikefence.kafka.KafkaClientSecurity;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The Kafka security options of a command that publishes to Kafka ({@code fences publish}), with the job's and
 * the adapters' keys ({@link KafkaClientSecurity}); a password is never an option value.
 */
public final class KafkaSecurityOptions {

    @Option(names = "--kafka.security-protocol", paramLabel = "P",
            description = "PLAINTEXT, SASL_SSL, SSL or SASL_PLAINTEXT (default: PLAINTEXT)")
    String protocol;

    @Option(names = "--kafka.sasl-mechanism", paramLabel = "M",
            description = "SASL: SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN (default: SCRAM-SHA-512)")
    String mechanism;

    @Option(names = "--kafka.username", paramLabel = "USER", description = "SASL: the user (default: none)")
    String username;

    @Option(names = "--kafka.password-env", paramLabel = "VAR",
            description = "SASL: environment variable holding the password (default: none)")
    String passwordEnv;

    @Option(names = "--kafka.password-file", paramLabel = "FILE",
            description = "SASL: file holding the password (default: none)")
    String passwordFile;

    @Option(names = "--kafka.truststore", paramLabel = "FILE",
            description = "TLS: truststore with the brokers' CA (default: the JVM's CAs)")
    String truststore;

    @Option(names = "--kafka.truststore-type", paramLabel = "T",
            description = "PKCS12, JKS or PEM (default: by the file's extension, else PKCS12)")
    String truststoreType;

    @Option(names = "--kafka.truststore-password-env", paramLabel = "VAR",
            description = "environment variable holding the truststore's password (default: none)")
    String truststorePasswordEnv;

    @Option(names = "--kafka.truststore-password-file", paramLabel = "FILE",
            description = "file holding the truststore's password (default: none)")
    String truststorePasswordFile;

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--kafka.password", paramLabel = "SECRET", hidden = true,
            description = "refused: a secret never goes on the command line (default: none)")
    void password(String ignored) {
        throw new ParameterException(mixee.commandLine(), KafkaClientSecurity.secretRefused("kafka.password"));
    }

    @Option(names = "--kafka.truststore-password", paramLabel = "SECRET", hidden = true,
            description = "refused: a secret never goes on the command line (default: none)")
    void truststorePassword(String ignored) {
        throw new ParameterException(mixee.commandLine(),
                KafkaClientSecurity.secretRefused("kafka.truststore-password"));
    }

    /** The options as {@link KafkaClientSecurity} keys, validated; a problem is a usage error (exit 2). */
    KafkaClientSecurity validated(CommandSpec spec) {
        Map<String, String> o = new LinkedHashMap<>();
        put(o, KafkaClientSecurity.SECURITY_PROTOCOL, protocol);
        put(o, KafkaClientSecurity.SASL_MECHANISM, mechanism);
        put(o, KafkaClientSecurity.USERNAME, username);
        put(o, KafkaClientSecurity.PASSWORD_ENV, passwordEnv);
        put(o, KafkaClientSecurity.PASSWORD_FILE, passwordFile);
        put(o, KafkaClientSecurity.TRUSTSTORE, truststore);
        put(o, KafkaClientSecurity.TRUSTSTORE_TYPE, truststoreType);
        put(o, KafkaClientSecurity.TRUSTSTORE_PASSWORD_ENV, truststorePasswordEnv);
        put(o, KafkaClientSecurity.TRUSTSTORE_PASSWORD_FILE, truststorePasswordFile);
        try {
            return KafkaClientSecurity.fromOptions(o);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private static void put(Map<String, String> o, String key, String value) {
        if (value != null) {
            o.put(key, value);
        }
    }
}
