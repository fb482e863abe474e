package org.bikefence.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/** {@code bench}: the benchmarks of BENCHMARKS.md. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks (BENCHMARKS.md).",
        subcommands = BenchCommand.Geofence.class)
public final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "a benchmark is needed: geofence");
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
}
