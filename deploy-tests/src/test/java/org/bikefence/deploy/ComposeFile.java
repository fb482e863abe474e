package org.bikefence.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** docker/compose.yaml as docker-compose reads it (merge keys resolved), with what the tests ask of a service. */
final class ComposeFile {
    final Map<String, Object> root;

    ComposeFile(Path file) {
        this.root = DeployFiles.yaml(file);
    }

    Map<String, Object> services() {
        return DeployFiles.map(root, "services");
    }

    Map<String, Object> service(String name) {
        Map<String, Object> s = DeployFiles.map(services(), name);
        if (s.isEmpty()) {
            throw new AssertionError("docker/compose.yaml has no service " + name);
        }
        return s;
    }

    /** The services whose image is {@code image} with the compose default of its variable filled in. */
    List<String> servicesOfImage(String imagePrefix) {
        List<String> names = new ArrayList<>();
        services().forEach((name, s) -> {
            @SuppressWarnings("unchecked")
            String image = defaults(String.valueOf(((Map<String, Object>) s).get("image")));
            if (image.startsWith(imagePrefix)) {
                names.add(name);
            }
        });
        return names;
    }

    /** {@code ${VAR:-default}} -> {@code default}, as docker-compose does with no VAR set. */
    static String defaults(String s) {
        return s.replaceAll("\\$\\{[A-Za-z0-9_]+:?-([^}]*)}", "$1");
    }

    static Map<String, String> environment(Map<String, Object> service) {
        Map<String, String> env = new LinkedHashMap<>();
        Object e = service.get("environment");
        if (e instanceof Map<?, ?> m) {
            m.forEach((k, v) -> env.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
        } else if (e instanceof List<?> l) {
            for (Object kv : l) {
                String[] parts = String.valueOf(kv).split("=", 2);
                env.put(parts[0], parts.length > 1 ? parts[1] : "");
            }
        }
        return env;
    }

    static List<String> command(Map<String, Object> service) {
        Object c = service.get("command");
        if (c instanceof List<?> l) {
            return l.stream().map(String::valueOf).toList();
        }
        return c == null ? List.of() : Arrays.asList(String.valueOf(c).trim().split("\\s+"));
    }

    /** The command as the container's shell gets it: the lines joined, compose's {@code $$} as {@code $}. */
    static String shellCommand(Map<String, Object> service) {
        return String.join("\n", command(service)).replace("$$", "$");
    }

    /** Bind mounts of the service: container path -> repository path (relative sources are relative to docker/). */
    static Map<String, Path> bindMounts(Map<String, Object> service) {
        Map<String, Path> mounts = new LinkedHashMap<>();
        for (Object v : DeployFiles.list(service, "volumes")) {
            String[] parts = String.valueOf(v).split(":");
            if (parts.length >= 2 && parts[0].startsWith(".")) {
                mounts.put(parts[1], DeployFiles.DOCKER.resolve(parts[0]).normalize());
            }
        }
        return mounts;
    }

    /** The repository file a container path of the service is, through a bind mount. */
    static Optional<Path> mountedFile(Map<String, Object> service, String containerPath) {
        for (Map.Entry<String, Path> m : bindMounts(service).entrySet()) {
            if (containerPath.equals(m.getKey())) {
                return Optional.of(m.getValue());
            }
            if (containerPath.startsWith(m.getKey() + "/")) {
                return Optional.of(m.getValue().resolve(containerPath.substring(m.getKey().length() + 1)));
            }
        }
        return Optional.empty();
    }

    static List<String> secrets(Map<String, Object> service) {
        return DeployFiles.list(service, "secrets").stream()
                .map(s -> s instanceof Map<?, ?> m ? String.valueOf(m.get("source")) : String.valueOf(s)).toList();
    }
}
