package org.bikefence.cli;

import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code jar}: builds the job jar for {@code flink run}. */
@Command(name = "jar", mixinStandardHelpOptions = true,
        description = "Builds the job jar for `flink run` (mvn -B -q package -DskipTests) and prints its path.")
public final class JarCommand implements Callable<Integer> {

    @Override
    public Integer call() throws Exception {
        int status = Maven.run(List.of("-B", "-q", "package", "-DskipTests"));
        if (status != 0) {
            return status;
        }
        Path target = Maven.root().resolve("flink-jobs/target");
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(target, "flink-jobs-*-job.jar")) {
            for (Path jar : jars) {
                System.out.println(Maven.root().relativize(jar));
            }
        }
        return 0;
    }
}
