package org.bikefence.local;

import java.nio.file.Path;

/** Command-line options of {@link LocalKafka#main}. */
record KafkaLauncherArgs(Path workDir, int port, int controllerPort, int partitions, Path brokerClasspathFile) {

    static final String USAGE = "usage: LocalKafka --dir <workDir> [--port <p>] [--controller-port <cp>]"
            + " [--partitions <n>] [--broker-classpath-file <file>]";

    static KafkaLauncherArgs parse(String... args) {
        Path workDir = null;
        Path classpathFile = null;
        int port = 0;
        int controllerPort = 0;
        int partitions = 1;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (i + 1 == args.length) {
                throw new IllegalArgumentException("Missing value for " + option + "\n" + USAGE);
            }
            String value = args[++i];
            switch (option) {
                case "--dir" -> workDir = Path.of(value);
                case "--port" -> port = parseInt(option, value);
                case "--controller-port" -> controllerPort = parseInt(option, value);
                case "--partitions" -> partitions = parseInt(option, value);
                case "--broker-classpath-file" -> classpathFile = Path.of(value);
                default -> throw new IllegalArgumentException("Unknown option " + option + "\n" + USAGE);
            }
        }
        if (workDir == null) {
            throw new IllegalArgumentException("--dir is required\n" + USAGE);
        }
        return new KafkaLauncherArgs(workDir, port, controllerPort, partitions, classpathFile);
    }

    private static int parseInt(String option, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a number, got '" + value + "'\n" + USAGE);
        }
    }
}
