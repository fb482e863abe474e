package org.bikefence.cli;

import java.util.concurrent.Callable;
import org.bikefence.geofence.tool.CliSupport;
import org.bikefence.geofence.tool.FencesTool;
import org.bikefence.ingest.IngestMain;
import org.bikefence.launcher.Demo;
import org.bikefence.launcher.FencePublisher;
import org.bikefence.local.LocalInfluxdCommand;
import org.bikefence.report.ReportCommand;
import org.bikefence.replay.ReplayCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code bikefence} command line: one command with the modules' own commands mounted as subcommands
 * ({@code ./bikefence} in the repository root builds the classpath and runs this main).
 */
@Command(name = "bikefence", mixinStandardHelpOptions = true, versionProvider = Bikefence.Version.class,
        description = "Real-time regulation of dockless shared bikes: Kafka -> Flink -> InfluxDB.",
        footer = {"", "Run './bikefence COMMAND --help' for a command's options.",
            "Exit status: 0 done, 2 usage error (one line), 1 failure (one line; --verbose or",
            "BIKEFENCE_DEBUG=1 adds the stack trace); report also exits 3 when the month has no data."})
public final class Bikefence implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--verbose", defaultValue = "false", description = "print the stack trace of a failure; BIKEFENCE_DEBUG=1 does the same "
            + "(default: ${DEFAULT-VALUE})")
    void verbose(boolean on) {
        CliSupport.verbose(on);
    }

    public static void main(String[] args) {
        // Flink's local cluster and the Kafka clients leave non-daemon threads behind: exit explicitly.
        System.exit(commandLine().execute(args));
    }

    /** The whole command tree, with the shared error handling on every command. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Bikefence());
        cl.addSubcommand(new Demo());
        cl.addSubcommand(new TestCommand());
        cl.addSubcommand(new JarCommand());
        cl.addSubcommand(new ClusterCommand());
        CommandLine fences = new CommandLine(new FencesTool(System.out, System.err));
        fences.addSubcommand(new FencePublisher.Publish());
        cl.addSubcommand(fences);
        cl.addSubcommand(new RulesCommand());
        cl.addSubcommand(new IngestMain());
        cl.addSubcommand(new ReportCommand());
        cl.addSubcommand(new LocalInfluxdCommand());
        cl.addSubcommand(new BenchCommand());
        cl.addSubcommand(new CommandLine(new ReplayCommand()));
        cl.addSubcommand(new CommandLine.HelpCommand());
        // Last: converters and handlers apply to the subcommands added so far.
        return CliSupport.configure(cl);
    }

    @Override
    public Integer call() {
        // No command: the overview, as `./bikefence` always printed.
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /** The version of the built jar, when run from one. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Bikefence.class.getPackage().getImplementationVersion();
            return new String[] {"bikefence " + (v != null ? v : "(development build)")};
        }
    }
}
