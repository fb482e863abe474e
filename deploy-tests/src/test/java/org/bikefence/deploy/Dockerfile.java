package org.bikefence.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The instructions of a Dockerfile that the tests check: ARG defaults, FROM, COPY, ENV, ENTRYPOINT. */
record Dockerfile(Path file, Map<String, String> args, String from, List<Copy> copies, Map<String, String> env,
        String entrypoint) {

    /** One COPY: its sources (relative to the build context, the repository root) and destination. */
    record Copy(int line, List<String> sources, String destination, boolean fromStage) {
        /** The container path of {@code source} after this COPY (a directory source copies its contents). */
        String target(String source) {
            String name = source.endsWith("/") ? "" : source.substring(source.lastIndexOf('/') + 1);
            return destination.endsWith("/") ? destination + name : destination;
        }
    }

    private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    static Dockerfile parse(Path file) {
        Map<String, String> args = new LinkedHashMap<>();
        Map<String, String> env = new LinkedHashMap<>();
        List<Copy> copies = new ArrayList<>();
        String from = null;
        String entrypoint = null;
        String[] lines = DeployFiles.read(file).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int start = i + 1;
            StringBuilder instruction = new StringBuilder();
            String line = lines[i];
            while (line.endsWith("\\") && i + 1 < lines.length) {
                instruction.append(line, 0, line.length() - 1).append(' ');
                line = lines[++i];
            }
            instruction.append(line);
            String text = instruction.toString().strip();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            String[] words = text.split("\\s+", 2);
            String rest = words.length > 1 ? words[1] : "";
            switch (words[0].toUpperCase()) {
                case "ARG" -> {
                    String[] kv = rest.split("=", 2);
                    args.put(kv[0], kv.length > 1 ? kv[1] : "");
                }
                case "FROM" -> from = substitute(rest.split("\\s+")[0], args);
                case "ENV" -> {
                    Matcher m = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|\\S+)").matcher(rest);
                    while (m.find()) {
                        env.put(m.group(1), m.group(2).replaceAll("^\"|\"$", ""));
                    }
                }
                case "COPY", "ADD" -> {
                    List<String> parts = new ArrayList<>(List.of(rest.split("\\s+")));
                    boolean fromStage = false;
                    while (!parts.isEmpty() && parts.get(0).startsWith("--")) {
                        fromStage |= parts.get(0).startsWith("--from");
                        parts.remove(0);
                    }
                    String dest = parts.remove(parts.size() - 1);
                    copies.add(new Copy(start, List.copyOf(parts), dest, fromStage));
                }
                case "ENTRYPOINT" -> entrypoint = rest;
                default -> { }
            }
        }
        return new Dockerfile(file, args, from, copies, env, entrypoint);
    }

    private static String substitute(String s, Map<String, String> args) {
        Matcher m = VAR.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(args.getOrDefault(m.group(1), "")));
        }
        return m.appendTail(out).toString();
    }

    /**
     * The repository file that ends up at {@code containerPath} in the image, if a COPY puts it there: the
     * COPY's source, plus the rest of the path when the source is a directory.
     */
    Optional<Path> repoFileAt(String containerPath) {
        for (Copy c : copies) {
            for (String source : c.sources()) {
                String target = c.target(source);
                if (source.endsWith("/") && containerPath.startsWith(target)) {
                    return Optional.of(DeployFiles.ROOT.resolve(source + containerPath.substring(target.length())));
                }
                if (containerPath.equals(target)) {
                    return Optional.of(DeployFiles.ROOT.resolve(source));
                }
            }
        }
        return Optional.empty();
    }
}
