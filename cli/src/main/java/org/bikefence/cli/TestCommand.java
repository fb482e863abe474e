package org.bikefence.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code test}: the whole test suite. {@code ./bikefence test} (what CI runs) does not come here: after installing
 * influxdb and chromium it runs {@code mvn -B verify} itself, without building the CLI first; only
 * {@code ./bikefence test --help} does.
 */
@Command(name = "test", mixinStandardHelpOptions = true, customSynopsis = "bikefence test [-hV] [MAVEN-ARG...]",
        description = {"Runs the whole test suite (mvn -B verify).",
            "The tests start their own Kafka and influxd. Other arguments go to Maven, e.g. -pl report "
                    + "-Dtest='Report*Test'. ./bikefence test installs influxdb and chromium first and runs Maven "
                    + "directly, without building the command line."})
public final class TestCommand implements Callable<Integer> {

    @Unmatched
    List<String> mavenArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        List<String> args = new ArrayList<>(List.of("-B", "verify"));
        args.addAll(mavenArgs);
        return Maven.run(args);
    }
}
