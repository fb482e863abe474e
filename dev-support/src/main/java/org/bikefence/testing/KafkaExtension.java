package org.bikefence.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bikefence.local.LocalKafka;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension giving tests a real Kafka broker: one per test JVM, started by the first test class that
 * uses it and stopped when the whole run ends. Tests take a {@link LocalKafka} parameter or call {@link #kafka()}.
 *
 * <p>The broker runs in its own JVM on this JVM's classpath (which has {@code kafka_2.13} in test scope); its
 * files, including {@code kafka.log}, stay in {@code target/kafka-<pid>} for diagnosis.
 */
public final class KafkaExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KafkaExtension.class);

    private static volatile LocalKafka current;

    /** The broker of this test JVM; only valid in classes extended with {@code KafkaExtension}. */
    public static LocalKafka kafka() {
        LocalKafka kafka = current;
        if (kafka == null) {
            throw new IllegalStateException("No broker: annotate the test class with @ExtendWith(KafkaExtension.class)");
        }
        return kafka;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        broker(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == LocalKafka.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return broker(extensionContext);
    }

    private static LocalKafka broker(ExtensionContext context) {
        // The root store lives as long as the test run, and closes its CloseableResources at the end of it.
        return context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(SharedBroker.class, key -> new SharedBroker(), SharedBroker.class)
                .kafka;
    }

    private static final class SharedBroker implements ExtensionContext.Store.CloseableResource {
        private final LocalKafka kafka;

        SharedBroker() {
            // Surefire and Failsafe set basedir; IDEs usually run in the module directory.
            Path module = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
            Path workDir = module.resolve("target").resolve("kafka-" + ProcessHandle.current().pid());
            stopBrokersOfDeadTestJvms(module.resolve("target"));
            kafka = LocalKafka.start(workDir, System.getProperty("java.class.path"));
            current = kafka;
        }

        /** Test JVMs killed by a timeout or Ctrl-C leave their broker running; its work dir names the dead JVM. */
        private static void stopBrokersOfDeadTestJvms(Path target) {
            if (!Files.isDirectory(target)) {
                return;
            }
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(target, "kafka-*")) {
                for (Path dir : dirs) {
                    String name = dir.getFileName().toString();
                    String owner = name.substring(name.lastIndexOf('-') + 1);
                    if (Files.exists(dir.resolve("kafka.pid"))
                            && owner.chars().allMatch(Character::isDigit)
                            && ProcessHandle.of(Long.parseLong(owner)).isEmpty()) {
                        LocalKafka.stopLeftoverBroker(dir);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Could not look for leftover brokers in " + target, e);
            }
        }

        @Override
        public void close() {
            current = null;
            kafka.close();
        }
    }
}
