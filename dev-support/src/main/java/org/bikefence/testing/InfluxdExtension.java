package org.bikefence.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

import org.bikefence.local.LocalInfluxd;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that gives tests a real influxd (one per test JVM, started on first use, stopped
 * when the JVM's tests end) and a fresh database per test class.
 *
 * <pre>{@code
 * @RegisterExtension static final InfluxdExtension INFLUX = new InfluxdExtension();
 * ... INFLUX.influxd().rows(INFLUX.database(), "SELECT * FROM violation")
 * }</pre>
 * Test and lifecycle methods may also declare a {@link LocalInfluxd} parameter.
 */
public final class InfluxdExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(InfluxdExtension.class);
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private LocalInfluxd influxd;
    private String database;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        influxd = shared(context);
        database = ("t" + DATABASES.incrementAndGet() + "_" + context.getRequiredTestClass().getSimpleName())
                .toLowerCase(Locale.ROOT);
        influxd.createDatabase(database);
    }

    /** The shared influxd; available from beforeAll on. */
    public LocalInfluxd influxd() {
        if (influxd == null) {
            throw new IllegalStateException("InfluxdExtension must be registered as a static @RegisterExtension field");
        }
        return influxd;
    }

    /** The database created for this test class. */
    public String database() {
        influxd();
        return database;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == LocalInfluxd.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext)
            throws ParameterResolutionException {
        return shared(extensionContext);
    }

    private static LocalInfluxd shared(ExtensionContext context) {
        // The root store lives as long as the test JVM's run and closes its CloseableResources at the end.
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(Server.class, k -> new Server(), Server.class)
                .influxd;
    }

    private static final class Server implements ExtensionContext.Store.CloseableResource {
        final LocalInfluxd influxd;

        Server() {
            Path dir = Paths.get("target", "influxd-" + ProcessHandle.current().pid());
            try {
                influxd = LocalInfluxd.start(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start influxd in " + dir, e);
            }
            System.out.println("influxd for tests at " + influxd.url() + " started in "
                    + influxd.startupTime().toMillis() + " ms (" + dir + ")");
        }

        @Override
        public void close() {
            influxd.close();
        }
    }
}
