package org.bikefence.local;

import org.bikefence.model.DemoEndpoints;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code influxd} command: serves the InfluxDB data a demo kept, in the foreground until Ctrl-C. */
@Command(name = "influxd", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Serves the demo's kept InfluxDB data (WORK-DIR/influxdb) on 127.0.0.1 until Ctrl-C.")
public final class LocalInfluxdCommand implements Callable<Integer> {

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "" + DemoEndpoints.INFLUX_PORT,
            description = "influxd HTTP port on 127.0.0.1 (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--work-dir", paramLabel = "DIR", defaultValue = ".run",
            description = "the demo's work directory; the data is in its influxdb/ (default: ${DEFAULT-VALUE})")
    Path workDir;

    @Override
    public Integer call() throws Exception {
        LocalInfluxd influxd = LocalInfluxd.start(workDir.resolve("influxdb"), port);
        Runtime.getRuntime().addShutdownHook(new Thread(influxd::close, "influxd-stop"));
        System.out.println("influxd " + influxd.url() + " started in " + influxd.startupTime().toMillis()
                + " ms; data in " + influxd.workDir() + "; Ctrl-C stops it");
        return influxd.waitFor();
    }
}
