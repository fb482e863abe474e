package org.bikefence.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.bikefence.replay.ReplayMain;
import org.bikefence.replay.ReplayOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code replay}, until flink-jobs has its picocli command: every argument goes to {@link ReplayMain}, which prints
 * its own --help. The options are checked here first, so that a usage error is one line and exit 2 like every
 * other command's. To be replaced by {@code org.bikefence.replay.ReplayCommand} (see {@link Bikefence}).
 */
@Command(name = "replay", customSynopsis = "bikefence replay --from FILE... [options]", description = "Runs the job over archived positions (--from FILES... [options]; --help lists them).")
public final class ReplayPassthrough implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        String[] a = args.toArray(String[]::new);
        boolean help = a.length == 0 || a[0].equals("--help") || a[0].equals("-h");
        if (!help) {
            try {
                ReplayOptions.parse(a);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        ReplayMain.main(a); // exits the JVM with the replay's status
        return 0;
    }
}
