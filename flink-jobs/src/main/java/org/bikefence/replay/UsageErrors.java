package org.bikefence.replay;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Reports a usage error as one line on stderr, naming the option and the value, with picocli's
 * suggestion for a mistyped option, and no stack trace; the exit status is the command's
 * exit code on invalid input (2).
 */
public final class UsageErrors implements IParameterExceptionHandler {
    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        StringBuilder line = new StringBuilder(cl.getCommandSpec().qualifiedName()).append(": ")
                .append(oneLine(ex.getMessage()));
        if (ex instanceof UnmatchedArgumentException unmatched && !unmatched.getSuggestions().isEmpty()) {
            line.append("; did you mean ").append(String.join(" or ", unmatched.getSuggestions())).append('?');
        }
        line.append(" (see ").append(cl.getCommandSpec().qualifiedName()).append(" --help)");
        PrintWriter err = cl.getErr();
        err.println(line);
        err.flush();
        return cl.getExitCodeExceptionMapper() != null
                ? cl.getExitCodeExceptionMapper().getExitCode(ex)
                : cl.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** A message on one line: the problems of a multi-line message joined with "; ". */
    static String oneLine(String message) {
        if (message == null) {
            return "invalid command line";
        }
        return message.strip().replaceAll(":\\s*\\R\\s*", ": ").replaceAll("\\s*\\R\\s*", "; ");
    }
}
