package org.bikefence.replay;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Entry point of {@code ./bikefence replay}: parses the options, runs the replay on a local Flink (with
 * the runtime settings of {@code docker/flink/config.yaml} when run from the repository) and prints what
 * it did. Exit status 0 on success, 2 for bad options, 1 when the job fails.
 */
public final class ReplayMain {
    private ReplayMain() {}

    public static void main(String[] args) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            System.out.println(ReplayOptions.USAGE);
            System.exit(args.length == 0 ? 2 : 0);
        }
        ReplayOptions options;
        try {
            options = ReplayOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("replay: " + e.getMessage());
            System.err.println(ReplayOptions.USAGE);
            System.exit(2);
            return;
        }
        int status;
        try {
            Path confDir = Path.of("docker", "flink");
            Configuration conf = Files.isRegularFile(confDir.resolve("config.yaml"))
                    ? GlobalConfiguration.loadConfiguration(confDir.toString())
                    : new Configuration();
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
            Replay.Result r = Replay.run(options, System.getenv(), env, System.err, System.console() != null);
            System.out.println(r.summary());
            status = 0;
        } catch (IllegalArgumentException e) {
            System.err.println("replay: " + e.getMessage());
            status = 2;
        } catch (Exception e) {
            System.err.println("replay failed: " + rootMessage(e));
            e.printStackTrace(System.err);
            status = 1;
        }
        // Flink's local cluster leaves non-daemon threads behind.
        System.exit(status);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.toString();
    }
}
