package org.bikefence.report;

import org.bikefence.model.DemoEndpoints;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Where to read InfluxDB: the options of commands that query what the job wrote. Each falls back to the job's
 * environment variable ({@code BIKEFENCE_INFLUX_URL}, {@code _DB}, {@code _USERNAME}, {@code _PASSWORD_ENV});
 * an argument wins. A password is only ever read from the environment variable named by
 * {@code --influx.password-env}, never from the command line.
 */
public final class InfluxOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--influx.url", paramLabel = "URL",
            defaultValue = "${env:BIKEFENCE_INFLUX_URL:-" + DemoEndpoints.INFLUX_URL + "}",
            description = "InfluxDB HTTP URL; $BIKEFENCE_INFLUX_URL when set (default: ${DEFAULT-VALUE})")
    String url;

    @Option(names = "--influx.db", paramLabel = "DB", defaultValue = "${env:BIKEFENCE_INFLUX_DB:-bikefence}",
            description = "InfluxDB database; $BIKEFENCE_INFLUX_DB when set (default: ${DEFAULT-VALUE})")
    String db;

    @Option(names = "--influx.username", paramLabel = "USER", defaultValue = "${env:BIKEFENCE_INFLUX_USERNAME}",
            description = "InfluxDB user; $BIKEFENCE_INFLUX_USERNAME when set "
                    + "(default: ${env:BIKEFENCE_INFLUX_USERNAME:-none})")
    String username;

    @Option(names = "--influx.password-env", paramLabel = "VAR", defaultValue = "${env:BIKEFENCE_INFLUX_PASSWORD_ENV}",
            description = "environment variable holding the InfluxDB password; $BIKEFENCE_INFLUX_PASSWORD_ENV when set "
                    + "(default: ${env:BIKEFENCE_INFLUX_PASSWORD_ENV:-none})")
    String passwordEnv;

    @Option(names = "--influx.password-file", paramLabel = "FILE",
            defaultValue = "${env:BIKEFENCE_INFLUX_PASSWORD_FILE}",
            description = "file holding the InfluxDB password (a mounted secret); $BIKEFENCE_INFLUX_PASSWORD_FILE when "
                    + "set (default: ${env:BIKEFENCE_INFLUX_PASSWORD_FILE:-none})")
    java.nio.file.Path passwordFile;

    @Option(names = "--influx.password", paramLabel = "PASSWORD", hidden = true,
            description = "refused: a password never goes on the command line (default: none)")
    void password(String ignored) {
        throw new ParameterException(mixee.commandLine(), "--influx.password is refused: put the password in an "
                + "environment variable and name it with --influx.password-env");
    }

    public String url() {
        return url;
    }

    public String db() {
        return db;
    }

    public String username() {
        return username;
    }

    public String passwordEnv() {
        return passwordEnv;
    }

    public java.nio.file.Path passwordFile() {
        return passwordFile;
    }
}
