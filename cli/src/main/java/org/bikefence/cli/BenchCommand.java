package org.bikefence.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bikefence.cli.bench.FleetRounds;
import org.bikefence.cli.bench.PipelineBench;
import org.bikefence.cli.bench.ReplayBench;
import org.bikefence.cli.bench.StateBench;
import org.bikefence.cli.bench.Variant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/** {@code bench}: the benchmarks of BENCHMARKS.md. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks (BENCHMARKS.md).",
        subcommands = {BenchCommand.Geofence.class, BenchCommand.Pipeline.class, BenchCommand.ReplayBenchmark.class,
                BenchCommand.State.class})
public final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "a benchmark is needed: geofence, pipeline, replay or state");
    }

    /** JMH geofence benchmarks, then the index heap footprint; optionally on the real DCIC 2021 Xiamen data. */
    @Command(name = "geofence", mixinStandardHelpOptions = true,
            customSynopsis = "bikefence bench geofence [-hV] [--real-data=DIR] [JMH-ARG...]",
            description = {"JMH geofence benchmarks, then the index heap footprint (module geo-fences, profile bench).",
                "Other arguments go to JMH, e.g. -wi 2 -i 3."})
    static final class Geofence implements Callable<Integer> {
        static final String REAL_DIR = "data/xiamen-dcic2021-bike";
        static final String REAL_FENCES = "gxdc_tcd_fences.geojson";
        static final String REAL_POSITIONS = "morning_peak_bike_positions.csv";

        @Option(names = "--real-data", paramLabel = "DIR", defaultValue = "${env:BIKEFENCE_REAL_DATA}",
                description = "the DCIC 2021 Xiamen fences and bike positions, read at run time, never copied; "
                        + "$BIKEFENCE_REAL_DATA when set (default: ../shared/" + REAL_DIR + " or ../../shared/"
                        + REAL_DIR + " when one is there)")
        Path realData;

        @Unmatched
        List<String> jmhArgs = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            Path real = realData != null ? realData : findRealData(Maven.root());
            String datasets = "synthetic";
            if (real != null && Files.isRegularFile(real.resolve(REAL_FENCES))
                    && Files.isRegularFile(real.resolve(REAL_POSITIONS))) {
                datasets = "synthetic,real";
            } else {
                System.out.println("bikefence: no real data found (set BIKEFENCE_REAL_DATA); synthetic city only");
            }
            String realArg = "-Dbench.realData=" + (real == null ? "" : real.toString());
            StringBuilder jmh = new StringBuilder("org.bikefence.geofence.bench -f 1 -wi 3 -w 2s -i 5 -r 2s -p dataset=")
                    .append(datasets);
            jmhArgs.forEach(a -> jmh.append(' ').append(a));
            int status = Maven.run(List.of("-B", "-q", "-pl", "geo-fences", "-Pbench", "test-compile", "exec:exec",
                    realArg, "-Djmh.args=" + jmh));
            if (status != 0) {
                return status;
            }
            return Maven.run(List.of("-B", "-q", "-pl", "geo-fences", "-Pbench", "exec:exec", realArg,
                    "-Dbench.main=org.bikefence.geofence.bench.GeofenceFootprint",
                    "-Dbench.args=" + datasets.replace(',', ' ')));
        }

        /** ../shared or ../../shared beside the project root, as the team's machines have it. */
        static Path findRealData(Path root) {
            for (String up : List.of("../shared", "../../shared")) {
                Path d = root.resolve(up).resolve(REAL_DIR).normalize();
                if (Files.isDirectory(d)) {
                    return d.toAbsolutePath();
                }
            }
            return null;
        }
    }

    /**
     * Full job vs the bare Kafka pass-through: a topic pre-loaded with synthetic positions, then each variant at
     * each parallelism as a fresh job in a JVM of its own (BENCHMARKS.md, "Pipeline: full job vs bare pass-through").
     */
    @Command(name = "pipeline", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Records/s of the full job against the bare Kafka pass-through and decode only.",
                "Starts a local Kafka broker and influxd, pre-loads a topic with synthetic positions, then runs each "
                        + "variant (bare: KafkaSource of byte[] values, map, discard; decode: the job's source and "
                        + "decode-validate, discard; full: the job as JobMain wires it, to influxd; on request, "
                        + "classify: the job's whole first chain, discard; keyed: that chain keyed by bike into a "
                        + "keyed step that reads no state) at each "
                        + "parallelism, each a fresh job in its own JVM, bounded from earliest, checkpoints every "
                        + "10 s. Prints one line per run, and last: full/bare p=1 = 0.xx, p=2 = 0.xx (medians of "
                        + "the runs)."})
    static final class Pipeline implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--records", paramLabel = "N", defaultValue = "1000000",
                description = "position records pre-loaded and read by every run (default: ${DEFAULT-VALUE})")
        long records;

        @Option(names = "--bikes", paramLabel = "B", defaultValue = "4000",
                description = "simulated bikes the records come from, split over the demo's 3 operators "
                        + "(default: ${DEFAULT-VALUE})")
        int bikes;

        @Option(names = "--partitions", paramLabel = "P", defaultValue = "2",
                description = "partitions of the pre-loaded topic, records keyed by bike id (default: ${DEFAULT-VALUE})")
        int partitions;

        @Option(names = "--parallelism", paramLabel = "P", split = ",", defaultValue = "1,2",
                description = "job parallelisms to run each variant at (default: ${DEFAULT-VALUE})")
        List<Integer> parallelisms;

        @Option(names = "--runs-per-variant", paramLabel = "R", defaultValue = "1",
                description = "runs of each variant at each parallelism, interleaved; the ratio takes the "
                        + "medians (default: ${DEFAULT-VALUE})")
        int runs;

        @Option(names = "--warmup-runs", paramLabel = "W", defaultValue = "0",
                description = "untimed runs of each variant before its timed run, in the same JVM, each a fresh "
                        + "job: the timed run then has JIT-compiled code, as a job that has been running a while "
                        + "has (0: every timed run in a cold JVM) (default: ${DEFAULT-VALUE})")
        int warmupRuns;

        @Option(names = "--variants", paramLabel = "VARIANT", split = ",", defaultValue = "bare,decode,full",
                converter = VariantConverter.class,
                description = "variants to run, of bare, decode, classify, keyed, full (classify and keyed: "
                        + "the steps between decode and full, for where the difference goes); a ratio without bare "
                        + "or full is n/a (default: bare,decode,full)")
        List<Variant> variants;

        @Option(names = "--work-dir", paramLabel = "DIR", defaultValue = ".run/bench-pipeline",
                description = "where the broker, influxd and each run's log and result live (default: ${DEFAULT-VALUE})")
        Path workDir;

        @Option(names = "--jfr", paramLabel = "DIR",
                description = "record each run with Java Flight Recorder (settings=profile, Java samples every 1 ms) to DIR/VARIANT-pP-rN.jfr, "
                        + "its hottest methods beside it in .hot.md (default: none)")
        Path jfrDir;

        @Option(names = "--job-option", paramLabel = "KEY=VALUE",
                description = "a job option for the full variant's job, over the benchmark's own (e.g. "
                        + "state.backend=hashmap, for an A/B); repeatable (default: none)")
        Map<String, String> jobOptions = new LinkedHashMap<>();

        @Option(names = "--jvm-option", paramLabel = "OPTION",
                description = "an option for each run's JVM, after -Xms1g -Xmx2g (e.g. -XX:+PrintCompilation); "
                        + "repeatable (default: none)")
        List<String> jvmOptions = new ArrayList<>();

        @Option(names = "--thread-cpu",
                description = "print each timed run's CPU seconds per thread name (Linux /proc, polled every 100 ms: "
                        + "the JIT compilers and native code included, which JFR does not sample) (default: off)")
        boolean threadCpu;

        @Override
        public Integer call() throws Exception {
            if (records <= 0 || bikes <= 0 || partitions <= 0 || runs <= 0) {
                throw new ParameterException(spec.commandLine(),
                        "options '--records', '--bikes', '--partitions' and '--runs-per-variant' must be positive");
            }
            if (warmupRuns < 0) {
                throw new ParameterException(spec.commandLine(),
                        "option '--warmup-runs' must be 0 or more, was " + warmupRuns);
            }
            if (parallelisms.isEmpty() || parallelisms.stream().anyMatch(p -> p <= 0)) {
                throw new ParameterException(spec.commandLine(),
                        "option '--parallelism' must list positive numbers, was " + parallelisms);
            }
            if (variants.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "option '--variants' must name a variant");
            }
            for (String key : jobOptions.keySet()) {
                if (org.bikefence.config.JobOptions.ALL.stream().noneMatch(o -> o.key().equals(key))) {
                    throw new ParameterException(spec.commandLine(), "option '--job-option': no job option '" + key
                            + "' (the job's options: flink-jobs/README.md, \"Job options\")");
                }
            }
            new PipelineBench(settings(), spec.commandLine().getOut()).run();
            return 0;
        }

        PipelineBench.Settings settings() {
            return new PipelineBench.Settings(records, bikes, partitions, List.copyOf(parallelisms), runs, warmupRuns,
                    List.copyOf(new java.util.LinkedHashSet<>(variants)), workDir, jfrDir, Map.copyOf(jobOptions),
                    List.copyOf(jvmOptions), threadCpu, Maven.root());
        }

        static final class VariantConverter implements picocli.CommandLine.ITypeConverter<Variant> {
            @Override
            public Variant convert(String value) {
                return Variant.of(value);
            }
        }
    }

    /**
     * Replay throughput: synthetic positions written to files by bike-hash bucket, replayed once with
     * {@code ./bikefence replay}'s code into a local influxd (BENCHMARKS.md, "Replay").
     */
    @Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Records/s of a replay of key-partitioned files, checked against InfluxDB.",
                "Writes the synthetic positions of bench pipeline into FILES JSON Lines files by bike-hash bucket, "
                        + "starts a local influxd, replays them (--key-partitioned when more than one file) in a "
                        + "JVM of its own with the replay's Flink config, checkpoints every 10 s, and checks that "
                        + "operator_metrics counts every record and every bike and that nothing was a dead letter. "
                        + "Prints records/s of the job's run time."})
    static final class ReplayBenchmark implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--records", paramLabel = "N", defaultValue = "1000000",
                description = "position records written and replayed (default: ${DEFAULT-VALUE})")
        long records;

        @Option(names = "--bikes", paramLabel = "B", defaultValue = "100000",
                description = "simulated bikes the records come from, split over the demo's 3 operators "
                        + "(default: ${DEFAULT-VALUE})")
        int bikes;

        @Option(names = "--files", paramLabel = "F", defaultValue = "2",
                description = "files by bike-hash bucket, one split each (default: ${DEFAULT-VALUE})")
        int files;

        @Option(names = "--parallelism", paramLabel = "P", defaultValue = "2",
                description = "replay parallelism (default: ${DEFAULT-VALUE})")
        int parallelism;

        @Option(names = "--work-dir", paramLabel = "DIR", defaultValue = ".run/bench-replay",
                description = "where the files, influxd and the run's log live (default: ${DEFAULT-VALUE})")
        Path workDir;

        @Override
        public Integer call() throws Exception {
            if (records <= 0 || bikes <= 0 || files <= 0 || parallelism <= 0) {
                throw new ParameterException(spec.commandLine(),
                        "options '--records', '--bikes', '--files' and '--parallelism' must be positive");
            }
            new ReplayBench(settings(), spec.commandLine().getOut()).run();
            return 0;
        }

        ReplayBench.Settings settings() {
            return new ReplayBench.Settings(records, bikes, files, parallelism, workDir, Maven.root());
        }
    }

    /**
     * What a large fleet's keyed state costs on RocksDB: checkpointed bytes per bike, the first full and a later
     * incremental checkpoint, the heap after GC (BENCHMARKS.md, "State: a million bikes").
     */
    @Command(name = "state", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Checkpoint size and time and heap of the full job's state for a large fleet.",
                "Starts a local Kafka broker and influxd, pre-loads every round of reports but the last (each bike "
                        + "reports once a round, a round is 5 simulated minutes), and runs the full job as JobMain "
                        + "wires it, unbounded, in a JVM of its own (-Xmx4g) on a local MiniCluster with 512 MB of "
                        + "managed memory, checkpoints triggered by the bench: the first once every pre-loaded "
                        + "record is tracked, the second after the last round. Prints checkpointed bytes per bike, "
                        + "the first full checkpoint's duration, the incremental one's duration and size, and the "
                        + "heap used after GC, each against its goal (300 B, 30 s, 10 s, 2 GB)."})
    static final class State implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--bikes", paramLabel = "B", defaultValue = "1000000",
                description = "bikes of the fleet (default: ${DEFAULT-VALUE})")
        int bikes;

        @Option(names = "--operators", paramLabel = "N", defaultValue = "5",
                description = "operators the fleet is split over, 1..5: hello, meituan, qingju, songguo, xiangqi; "
                        + "the district's rule set admits them with a quota of their share (default: ${DEFAULT-VALUE})")
        int operators;

        @Option(names = "--reports-per-bike", paramLabel = "R", defaultValue = "3",
                description = "reports of each bike, one a round, at least 2: the last round comes after the first "
                        + "checkpoint (default: ${DEFAULT-VALUE})")
        int reportsPerBike;

        @Option(names = "--parallelism", paramLabel = "P", defaultValue = "2",
                description = "job parallelism (default: ${DEFAULT-VALUE})")
        int parallelism;

        @Option(names = "--state-backend", paramLabel = "BACKEND", defaultValue = "rocksdb",
                description = "rocksdb or hashmap (default: ${DEFAULT-VALUE})")
        String stateBackend;

        @Option(names = "--partitions", paramLabel = "P", defaultValue = "2",
                description = "partitions of the pre-loaded topic, records keyed by bike id (default: ${DEFAULT-VALUE})")
        int partitions;

        @Option(names = "--max-minutes", paramLabel = "M", defaultValue = "60",
                description = "stop the run after M minutes from the job's start, naming the busiest task threads "
                        + "(default: ${DEFAULT-VALUE})")
        long maxMinutes;

        @Option(names = "--work-dir", paramLabel = "DIR", defaultValue = ".run/bench-state",
                description = "where the broker, influxd, the run's checkpoints, RocksDB files and log live "
                        + "(default: ${DEFAULT-VALUE})")
        Path workDir;

        @Override
        public Integer call() throws Exception {
            if (bikes <= 0 || parallelism <= 0 || partitions <= 0 || maxMinutes <= 0) {
                throw new ParameterException(spec.commandLine(),
                        "options '--bikes', '--parallelism', '--partitions' and '--max-minutes' must be positive");
            }
            if (operators < 1 || operators > FleetRounds.OPERATORS.size()) {
                throw new ParameterException(spec.commandLine(), "option '--operators' must be 1.."
                        + FleetRounds.OPERATORS.size() + ", was " + operators);
            }
            if (reportsPerBike < 2) {
                throw new ParameterException(spec.commandLine(),
                        "option '--reports-per-bike' must be at least 2, was " + reportsPerBike);
            }
            if (!org.bikefence.config.JobOptions.STATE_BACKENDS.contains(stateBackend)) {
                throw new ParameterException(spec.commandLine(),
                        "option '--state-backend' must be rocksdb or hashmap, was '" + stateBackend + "'");
            }
            new StateBench(settings(), spec.commandLine().getOut()).run();
            return 0;
        }

        StateBench.Settings settings() {
            return new StateBench.Settings(bikes, operators, reportsPerBike, parallelism, stateBackend, partitions,
                    maxMinutes, workDir, Maven.root());
        }
    }
}
