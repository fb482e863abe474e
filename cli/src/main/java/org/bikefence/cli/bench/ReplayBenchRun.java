package org.bikefence.cli.bench;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.bikefence.config.JobOptions;
import org.bikefence.replay.Replay;
import org.bikefence.replay.ReplayCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The timed replay of {@code bench replay}, in a JVM of its own: {@code ./bikefence replay}'s code on its own
 * local Flink ({@code docker/flink/config.yaml}), the files read key-partitioned when there are several, with
 * the options {@code bench pipeline} gives the full job (checkpoints every 10 s). Writes
 * {@code records jobMillis deadLetters} to the result file. Started by {@link ReplayBench}.
 */
@Command(name = "replay-run", description = "One timed replay of bench replay (started by it).")
public final class ReplayBenchRun implements Callable<Integer> {
    @Option(names = "--parallelism", required = true)
    int parallelism;

    @Option(names = "--influx-url", required = true)
    String influxUrl;

    @Option(names = "--influx-db", required = true)
    String influxDb;

    @Option(names = "--fences", required = true)
    Path fences;

    @Option(names = "--rules", required = true)
    Path rules;

    @Option(names = "--conf-dir", required = true)
    Path confDir;

    @Option(names = "--checkpoints", required = true)
    Path checkpoints;

    @Option(names = "--dlq", required = true)
    Path dlq;

    @Option(names = "--result", required = true)
    Path result;

    @Parameters(arity = "1..*")
    List<Path> files;

    public static void main(String[] args) {
        // Flink's local cluster leaves non-daemon threads behind: exit explicitly.
        System.exit(new CommandLine(new ReplayBenchRun()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        List<String> args = new ArrayList<>();
        args.add("--from");
        files.forEach(f -> args.add(f.toString()));
        if (files.size() > 1) {
            args.add("--key-partitioned");
        }
        args.addAll(List.of("--dlq", dlq.toString(), "--checkpoint-dir", checkpoints.toString(), "--progress", "on",
                "--" + JobOptions.FENCES.key(), fences.toString(),
                "--" + JobOptions.RULES.key(), rules.toString(),
                "--" + JobOptions.PARALLELISM.key(), Integer.toString(parallelism),
                "--" + JobOptions.CHECKPOINT_INTERVAL_MS.key(), Long.toString(PipelineRun.CHECKPOINT_INTERVAL_MS),
                "--" + JobOptions.INFLUX_URL.key(), influxUrl,
                "--" + JobOptions.INFLUX_DB.key(), influxDb));
        Replay.Result r = Replay.run(ReplayCommand.parse(args.toArray(new String[0])), Map.of(),
                ReplayCommand.environment(confDir), new PrintStream(System.out, true, StandardCharsets.UTF_8), false);
        System.out.println(r.summary());
        Files.writeString(result, r.records() + " " + r.job().getNetRuntime(TimeUnit.MILLISECONDS) + " "
                + r.deadLetters() + "\n", StandardCharsets.UTF_8);
        return 0;
    }
}
