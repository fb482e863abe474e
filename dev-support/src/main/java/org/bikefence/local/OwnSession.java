package org.bikefence.local;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a long-running child (influxd, the broker JVM) in a session and process group of its own with
 * util-linux {@code setsid}, when it is installed. A terminal's Ctrl-C goes to its whole foreground process group:
 * without this, influxd and the broker die at once, before the job that writes to them has stopped, and the job
 * then retries against dead services. In their own session only the JVM that started them gets the signal, and
 * stops them itself ({@code close()}, or the shutdown hook), in its order. {@code setsid} execs the command in
 * place (a child of a JVM is never a process group leader, so it does not fork): the {@link Process} is the
 * service itself. Without {@code setsid} the command runs as it is, in the caller's group.
 */
final class OwnSession {

    private static final Path SETSID = find();

    private OwnSession() {}

    /** The command, prefixed with {@code setsid} when it is available. */
    static List<String> command(List<String> command) {
        if (SETSID == null) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(command.size() + 1);
        wrapped.add(SETSID.toString());
        wrapped.addAll(command);
        return wrapped;
    }

    /** Whether children get a session of their own here. */
    static boolean available() {
        return SETSID != null;
    }

    private static Path find() {
        String path = System.getenv("PATH");
        List<Path> candidates = new ArrayList<>();
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (!dir.isEmpty()) {
                    candidates.add(Paths.get(dir, "setsid"));
                }
            }
        }
        candidates.add(Paths.get("/usr/bin/setsid"));
        candidates.add(Paths.get("/bin/setsid"));
        for (Path c : candidates) {
            if (Files.isRegularFile(c) && Files.isExecutable(c)) {
                return c;
            }
        }
        return null;
    }
}
