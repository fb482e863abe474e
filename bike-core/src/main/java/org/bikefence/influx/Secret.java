package org.bikefence.influx;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Where a token or password comes from. Environment and file references are resolved when the writer
 * opens on the TaskManager, so only the reference travels in the job graph; {@link #toString()} never
 * shows a secret value.
 */
public abstract class Secret implements Serializable {

    private static final long serialVersionUID = 1L;

    private Secret() {}

    /** A value given directly. It is serialized with the job graph: prefer {@link #fromEnv} or {@link #fromFile}. */
    public static Secret of(String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("secret value must not be null or empty");
        }
        return new Literal(value);
    }

    /** Read from an environment variable of the TaskManager process when the writer opens. */
    public static Secret fromEnv(String variable) {
        if (variable == null || variable.isBlank()) {
            throw new IllegalArgumentException("environment variable name must not be empty");
        }
        return new FromEnv(variable);
    }

    /** Read from a file (trailing whitespace removed) on the TaskManager when the writer opens. */
    public static Secret fromFile(String path) {
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("secret file path must not be empty");
        }
        return new FromFile(path);
    }

    /** The secret value; fails naming the variable or file, never the value. */
    public abstract String resolve() throws IOException;

    private static final class Literal extends Secret {
        private static final long serialVersionUID = 1L;
        private final String value;

        Literal(String value) {
            this.value = value;
        }

        @Override
        public String resolve() {
            return value;
        }

        @Override
        public String toString() {
            return "<redacted>";
        }
    }

    private static final class FromEnv extends Secret {
        private static final long serialVersionUID = 1L;
        private final String variable;

        FromEnv(String variable) {
            this.variable = variable;
        }

        @Override
        public String resolve() throws IOException {
            String v = System.getenv(variable);
            if (v == null || v.isEmpty()) {
                throw new IOException("environment variable " + variable + " holding an InfluxDB secret is not set");
            }
            return v;
        }

        @Override
        public String toString() {
            return "env:" + variable;
        }
    }

    private static final class FromFile extends Secret {
        private static final long serialVersionUID = 1L;
        private final String path;

        FromFile(String path) {
            this.path = path;
        }

        @Override
        public String resolve() throws IOException {
            Path p = Paths.get(path);
            String v;
            try {
                v = Files.readString(p, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new IOException("cannot read InfluxDB secret file " + path + ": " + e.getClass().getSimpleName(), e);
            }
            if (v.isEmpty()) {
                throw new IOException("InfluxDB secret file " + path + " is empty");
            }
            return v;
        }

        @Override
        public String toString() {
            return "file:" + path;
        }
    }
}
