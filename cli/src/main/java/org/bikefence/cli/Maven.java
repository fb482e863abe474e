package org.bikefence.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs Maven as a child process in the project root, its output on this terminal. */
final class Maven {
    private Maven() {}

    /** The project root: the launcher runs from it; {@code -Dbikefence.root} names another. */
    static Path root() {
        return Path.of(System.getProperty("bikefence.root", "")).toAbsolutePath();
    }

    /** Runs {@code mvn ARGS...} and returns its exit status. */
    static int run(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(System.getProperty("bikefence.mvn", "mvn"));
        command.addAll(args);
        Process p = new ProcessBuilder(command).directory(root().toFile()).inheritIO().start();
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            p.destroy();
            throw e;
        }
    }
}
