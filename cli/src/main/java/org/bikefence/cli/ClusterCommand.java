package org.bikefence.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.JobID;
import org.bikefence.cluster.LocalFlinkCluster;
import org.bikefence.config.JobConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code cluster}: a real Flink session cluster on this machine (a JobManager JVM and TaskManager JVMs, each its
 * own process, configured from docker/flink/config.yaml), the job jar submitted to it through the REST API.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "A local multi-process Flink cluster (JobManager + TaskManagers, web UI): up, submit, status, down.",
        subcommands = {ClusterCommand.Up.class, ClusterCommand.Submit.class, ClusterCommand.Status.class,
            ClusterCommand.Down.class})
public final class ClusterCommand implements Callable<Integer> {

    static final String DEFAULT_RUN_DIR = ".run/cluster";
    static final String DEFAULT_JAR = "flink-jobs/target/flink-jobs-0.1.0-SNAPSHOT-job.jar";

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "a subcommand is needed: up, submit, status or down");
    }

    /** Where the cluster's files and state live, shared by the subcommands. */
    static final class RunDir {
        @Option(names = "--run-dir", paramLabel = "DIR", defaultValue = DEFAULT_RUN_DIR,
                description = "the cluster's directory: config, logs, checkpoints, savepoints, pids and ports "
                        + "(default: ${DEFAULT-VALUE})")
        Path dir;

        Path resolved() {
            return dir.isAbsolute() ? dir : Maven.root().resolve(dir);
        }

        LocalFlinkCluster running() {
            return LocalFlinkCluster.attach(resolved()).orElseThrow(() -> new IllegalStateException(
                    "no Flink cluster runs in " + resolved() + ": start one with ./bikefence cluster up"));
        }
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = {"Starts a JobManager and TaskManagers, each in its own JVM, and prints the web UI URL.",
                "They keep running until `cluster down`."})
    static final class Up implements Callable<Integer> {
        @Mixin
        RunDir runDir;

        @Option(names = "--taskmanagers", paramLabel = "N", defaultValue = "2",
                description = "TaskManager JVMs, each with config.yaml's slots (default: ${DEFAULT-VALUE})")
        int taskManagers;

        @Option(names = "--config", paramLabel = "FILE", defaultValue = "docker/flink/config.yaml",
                description = "the Flink config.yaml, copied into the run directory (default: ${DEFAULT-VALUE})")
        Path config;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            if (taskManagers < 1) {
                throw new ParameterException(spec.commandLine(), "--taskmanagers must be at least 1, got " + taskManagers);
            }
            Path file = config.isAbsolute() ? config : Maven.root().resolve(config);
            long t0 = System.nanoTime();
            LocalFlinkCluster cluster;
            try {
                cluster = LocalFlinkCluster.builder(runDir.resolved()).configFile(file).taskManagers(taskManagers)
                        .stopOnExit(false).start();
            } catch (IllegalStateException | IllegalArgumentException e) {
                // The first line says what failed; a JVM that exited adds the last lines of its log.
                spec.commandLine().getErr().println("bikefence cluster up: " + e.getMessage());
                return 1;
            }
            PrintWriter out = spec.commandLine().getOut();
            out.printf("Flink cluster up in %.1f s: JobManager pid %d, TaskManagers %s%n", (System.nanoTime() - t0) / 1e9,
                    cluster.jobManager().pid(), cluster.taskManagers().stream()
                            .map(m -> m.name() + " pid " + m.pid()).toList());
            out.println("web UI: " + cluster.webUrl());
            out.println("files: " + cluster.runDir() + " (log/, checkpoints/, savepoints/)");
            out.println("next: ./bikefence cluster submit [job options]; ./bikefence cluster down");
            return 0;
        }
    }

    @Command(name = "submit", mixinStandardHelpOptions = true,
            customSynopsis = "bikefence cluster submit [-hV] [--run-dir=DIR] [--jar=JAR] [--from-savepoint=PATH] "
                    + "[--KEY VALUE]...",
            description = {"Submits the job jar to the running cluster through its REST API, as `flink run -d` does.",
                "Other arguments are job options (flink-jobs/README.md), e.g. --parallelism 2 --influx.db bikefence."})
    static final class Submit implements Callable<Integer> {
        @Mixin
        RunDir runDir;

        @Option(names = "--jar", paramLabel = "JAR", defaultValue = DEFAULT_JAR,
                description = "the job jar, built by ./bikefence jar (default: ${DEFAULT-VALUE})")
        Path jar;

        @Option(names = "--from-savepoint", paramLabel = "PATH",
                description = "a savepoint or retained checkpoint to start from (default: none)")
        String savepoint;

        @Unmatched
        List<String> jobArgs = new ArrayList<>();

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            // Checked here, so that a wrong option is a usage error, not a failed submission.
            try {
                JobConfig.fromArgs(jobArgs.toArray(new String[0]), System.getenv());
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
            LocalFlinkCluster cluster = runDir.running();
            Path file = jar.isAbsolute() ? jar : Maven.root().resolve(jar);
            JobID job = cluster.submit(file, jobArgs, savepoint);
            spec.commandLine().getOut().println("submitted job " + job + ": " + cluster.webUrl() + "/#/job/running/" + job);
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "The running cluster: web UI, TaskManagers, slots and jobs.")
    static final class Status implements Callable<Integer> {
        @Mixin
        RunDir runDir;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            LocalFlinkCluster cluster = runDir.running();
            JsonNode overview = cluster.rest("/overview");
            out.printf("web UI %s: %d TaskManagers, %d of %d slots free, JobManager pid %d%n", cluster.webUrl(),
                    overview.path("taskmanagers").asInt(), overview.path("slots-available").asInt(),
                    overview.path("slots-total").asInt(), cluster.jobManager().pid());
            for (LocalFlinkCluster.Member tm : cluster.taskManagers()) {
                out.printf("  %s pid %d, log %s%n", tm.name(), tm.pid(), tm.log());
            }
            for (JsonNode job : cluster.rest("/jobs/overview").path("jobs")) {
                out.printf("job %s %s %s%n", job.path("jid").asText(), job.path("name").asText(),
                        job.path("state").asText());
            }
            return 0;
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true,
            description = "Stops the TaskManagers, then the JobManager; checkpoints and savepoints stay.")
    static final class Down implements Callable<Integer> {
        @Mixin
        RunDir runDir;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Optional<LocalFlinkCluster> found = LocalFlinkCluster.attach(runDir.resolved());
            if (found.isEmpty()) {
                spec.commandLine().getOut().println("no Flink cluster runs in " + runDir.resolved());
                return 0;
            }
            found.get().close();
            spec.commandLine().getOut().println("Flink cluster in " + runDir.resolved() + " stopped");
            return 0;
        }
    }
}
