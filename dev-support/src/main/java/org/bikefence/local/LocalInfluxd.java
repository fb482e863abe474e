package org.bikefence.local;

import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A real InfluxDB 1.x server ({@code influxd}) on loopback ports with all data under one working
 * directory, for integration tests and the local demo.
 */
public final class LocalInfluxd implements AutoCloseable {

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
    private static final String CONFIG_FILE = "influxd.conf";
    private static final String LOG_FILE = "influxd.log";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SECTION = Pattern.compile("^\\s*\\[\\[?([A-Za-z0-9_-]+)\\]\\]?\\s*$");
    private static final Pattern KEY = Pattern.compile("^(\\s*)([A-Za-z0-9_-]+)\\s*=.*$");

    private final Path binary;
    private final Path workDir;
    private final int port;
    private final String url;
    private final HttpClient http;
    private final Thread shutdownHook;
    /** The running influxd; replaced by {@link #restart()}. */
    private volatile Process process;
    private volatile Duration startupTime;
    /** {@code Basic ..} of the admin user when authentication is on, else null. */
    private volatile String authorization;

    private LocalInfluxd(Process process, Path binary, Path workDir, int port, HttpClient http, Duration startupTime) {
        this.process = process;
        this.binary = binary;
        this.workDir = workDir;
        this.port = port;
        this.url = "http://127.0.0.1:" + port;
        this.http = http;
        this.startupTime = startupTime;
        this.shutdownHook = new Thread(this::stopProcess, "stop-influxd-" + port);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts influxd on a free loopback port with its files under workDir. */
    public static LocalInfluxd start(Path workDir) throws IOException {
        return start(workDir, 0);
    }

    /** Starts influxd with its HTTP API on 127.0.0.1:httpPort (0 picks a free port), files under workDir. */
    public static LocalInfluxd start(Path workDir, int httpPort) throws IOException {
        return start(workDir, httpPort, false);
    }

    /**
     * Starts influxd with authentication on ({@code [http] auth-enabled = true}) and creates the admin user
     * {@code adminUser} (ALL PRIVILEGES), the one request influxd answers without credentials while it has no user;
     * this instance then sends that user's basic auth with every query.
     */
    public static LocalInfluxd startWithAuth(Path workDir, String adminUser, String adminPassword) throws IOException {
        LocalInfluxd influxd = start(workDir, 0, true);
        try {
            influxd.post("q=" + enc("CREATE USER " + quoteIdentifier(adminUser) + " WITH PASSWORD "
                    + quoteString(adminPassword) + " WITH ALL PRIVILEGES"));
        } catch (IOException | RuntimeException e) {
            influxd.close();
            throw e;
        }
        influxd.authorization = "Basic " + java.util.Base64.getEncoder().encodeToString(
                (adminUser + ":" + adminPassword).getBytes(StandardCharsets.UTF_8));
        return influxd;
    }

    private static LocalInfluxd start(Path workDir, int httpPort, boolean auth) throws IOException {
        Path binary = findInfluxd();
        Files.createDirectories(workDir);
        Path abs = workDir.toAbsolutePath();
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(binary, abs, httpPort, auth);
            } catch (PortTakenException e) {
                // A free port found by probing can be taken before influxd binds it: pick new ones.
                if (httpPort != 0 || attempt == 3) {
                    throw e;
                }
            }
        }
    }

    private static LocalInfluxd startOnce(Path binary, Path abs, int httpPort, boolean auth) throws IOException {
        int port = httpPort == 0 ? freePort() : httpPort;
        int rpcPort = freePort(port);
        String rewritten = rewriteConfig(generateConfig(binary, abs), abs, port, rpcPort);
        Files.writeString(abs.resolve(CONFIG_FILE), auth ? enableAuth(rewritten) : rewritten);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        long t0 = System.nanoTime();
        Process process = launch(binary, abs, port, http);
        return new LocalInfluxd(process, binary, abs, port, http, Duration.ofNanos(System.nanoTime() - t0));
    }

    /** Runs influxd with the configuration in {@code abs} and waits until it answers /ping on {@code port}. */
    private static Process launch(Path binary, Path abs, int port, HttpClient http) throws IOException {
        Path log = abs.resolve(LOG_FILE);
        // Its own session (setsid): a terminal's Ctrl-C must not stop it before the job that writes to it.
        ProcessBuilder pb = new ProcessBuilder(OwnSession.command(List.of(binary.toString(), "run", "-config",
                        abs.resolve(CONFIG_FILE).toString())))
                .directory(abs.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        stripInfluxEnv(pb.environment());
        Process process = pb.start();
        try {
            awaitPing(process, http, port, log);
        } catch (IOException | RuntimeException e) {
            destroyTree(process);
            throw e;
        }
        return process;
    }

    /** influxd died because one of its ports was taken. */
    private static final class PortTakenException extends IOException {
        private static final long serialVersionUID = 1L;

        PortTakenException(String message) {
            super(message);
        }
    }

    public String url() {
        return url;
    }

    public int port() {
        return port;
    }

    public Path workDir() {
        return workDir;
    }

    /** The influxd process id (a new one after {@link #restart()}). */
    public long pid() {
        return process.pid();
    }

    /** How long influxd took from process start to its first 204 on /ping, at the last start or restart. */
    public Duration startupTime() {
        return startupTime;
    }

    /** Whether influxd is running (false after {@link #kill()} until {@link #restart()}). */
    public boolean isRunning() {
        return process.isAlive();
    }

    /**
     * Kills influxd with SIGKILL, as a crash or {@code kill -9} would, and waits until it has exited: no shutdown,
     * requests in flight get a reset connection, and what it acknowledged is in its write-ahead log. The data
     * directory and the ports stay for {@link #restart()}.
     */
    public synchronized void kill() {
        Process p = process;
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            if (!p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("influxd (pid " + p.pid() + ") did not exit within " + STOP_TIMEOUT
                        + " of SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for influxd (pid " + p.pid() + ") to die", e);
        }
    }

    /**
     * Starts influxd again on the same data directory, configuration and ports (the URL stays the same), after
     * {@link #kill()} or stopping it first if it still runs, and waits until it answers /ping; it replays its
     * write-ahead log on the way. Fails when a port has been taken meanwhile, with the end of its log.
     */
    public synchronized void restart() throws IOException {
        if (process.isAlive()) {
            destroyTree(process);
        }
        long t0 = System.nanoTime();
        process = launch(binary, workDir, port, http);
        startupTime = Duration.ofNanos(System.nanoTime() - t0);
    }

    public void createDatabase(String database) throws IOException {
        post("q=" + enc("CREATE DATABASE " + quoteIdentifier(database)));
    }

    /**
     * Runs InfluxQL against the database and returns the parsed /query response. Times are epoch
     * milliseconds ({@code epoch=ms}). A statement error is thrown.
     */
    public JsonNode query(String database, String influxQl) throws IOException {
        String q = "/query?db=" + enc(database) + "&epoch=ms&q=" + enc(influxQl);
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url + q)).GET().build());
        return checked(influxQl, r);
    }

    /**
     * The value rows of the first series of the first result (columns as InfluxDB orders them, time
     * first, as epoch ms); empty when the query matched nothing.
     */
    public List<List<Object>> rows(String database, String influxQl) throws IOException {
        JsonNode values = query(database, influxQl).path("results").path(0).path("series").path(0).path("values");
        List<List<Object>> rows = new ArrayList<>();
        for (JsonNode row : values) {
            List<Object> r = new ArrayList<>();
            for (JsonNode v : row) {
                r.add(toJava(v));
            }
            rows.add(Collections.unmodifiableList(r));
        }
        return Collections.unmodifiableList(rows);
    }

    /** Stops influxd and its children and waits for them to exit. */
    @Override
    public void close() {
        stopProcess();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running or has run; nothing to remove.
        }
    }

    @Override
    public String toString() {
        return "LocalInfluxd{" + url + ", workDir=" + workDir + "}";
    }

    private void stopProcess() {
        destroyTree(process);
    }

    private static void destroyTree(Process process) {
        List<ProcessHandle> children = new ArrayList<>();
        process.descendants().forEach(children::add);
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
            for (ProcessHandle child : children) {
                child.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            children.forEach(ProcessHandle::destroyForcibly);
        }
    }

    private void post(String form) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/query"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        checked(form, send(request));
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException {
        String auth = authorization;
        if (auth != null) {
            request = HttpRequest.newBuilder(request, (name, value) -> true).header("Authorization", auth).build();
        }
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted talking to influxd at " + url);
        }
    }

    private static JsonNode checked(String what, HttpResponse<String> r) throws IOException {
        JsonNode json;
        try {
            json = JSON.readTree(r.body());
        } catch (IOException e) {
            throw new IOException("influxd answered HTTP " + r.statusCode() + " to " + what + ": " + r.body(), e);
        }
        if (r.statusCode() / 100 != 2 || json.hasNonNull("error")) {
            throw new IOException("influxd answered HTTP " + r.statusCode() + " to " + what + ": " + r.body());
        }
        for (JsonNode result : json.path("results")) {
            if (result.hasNonNull("error")) {
                throw new IOException("InfluxQL error for " + what + ": " + result.get("error").asText());
            }
        }
        return json;
    }

    private static Object toJava(JsonNode v) {
        if (v.isNull()) {
            return null;
        }
        if (v.isIntegralNumber()) {
            return v.asLong();
        }
        if (v.isNumber()) {
            return v.asDouble();
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        return v.asText();
    }

    static Path findInfluxd() {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (dir.isEmpty()) {
                    continue;
                }
                Path candidate = Paths.get(dir, "influxd");
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        Path fallback = Paths.get("/usr/bin/influxd");
        if (Files.isExecutable(fallback)) {
            return fallback;
        }
        throw new IllegalStateException(
                "influxd (InfluxDB 1.x) was not found on PATH or at /usr/bin/influxd: install it with `apt-get install -y influxdb`");
    }

    private static String generateConfig(Path binary, Path workDir) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(binary.toString(), "config")
                .directory(workDir.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        stripInfluxEnv(pb.environment());
        Process p = pb.start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("`" + binary + " config` failed; output: " + out);
            }
            return out;
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted running influxd config");
        }
    }

    /** Points every directory into workDir, binds only loopback and switches off everything the tests do not use. */
    static String rewriteConfig(String generated, Path workDir, int httpPort, int rpcPort) {
        StringBuilder out = new StringBuilder();
        String section = "";
        boolean sawReporting = false;
        for (String line : generated.split("\n", -1)) {
            Matcher s = SECTION.matcher(line);
            if (s.matches()) {
                if (section.isEmpty() && !sawReporting) {
                    out.append("reporting-disabled = true\n");
                    sawReporting = true;
                }
                section = s.group(1);
                out.append(line).append('\n');
                continue;
            }
            Matcher k = KEY.matcher(line);
            if (!k.matches()) {
                out.append(line).append('\n');
                continue;
            }
            String indent = k.group(1);
            String key = k.group(2);
            String replacement = replacement(section, key, workDir, httpPort, rpcPort);
            if (section.isEmpty() && key.equals("reporting-disabled")) {
                sawReporting = true;
            }
            out.append(replacement == null ? line : indent + key + " = " + replacement).append('\n');
        }
        return out.toString();
    }

    /** The config with {@code [http] auth-enabled = true}. */
    static String enableAuth(String config) {
        StringBuilder out = new StringBuilder();
        String section = "";
        boolean done = false;
        for (String line : config.split("\n", -1)) {
            Matcher s = SECTION.matcher(line);
            if (s.matches()) {
                section = s.group(1);
            } else {
                Matcher k = KEY.matcher(line);
                if (section.equals("http") && k.matches() && k.group(2).equals("auth-enabled")) {
                    out.append(k.group(1)).append("auth-enabled = true\n");
                    done = true;
                    continue;
                }
            }
            out.append(line).append('\n');
        }
        if (!done) {
            throw new IllegalStateException("influxd's generated config has no [http] auth-enabled key");
        }
        return out.substring(0, out.length() - 1);
    }

    private static String replacement(String section, String key, Path workDir, int httpPort, int rpcPort) {
        switch (section + "." + key) {
            case ".bind-address":
                return quote("127.0.0.1:" + rpcPort);
            case ".reporting-disabled":
                return "true";
            case ".reporting-enabled":
                return "false";
            case "meta.dir":
                return quote(workDir.resolve("meta").toString());
            case "meta.logging-enabled":
            case "data.query-log-enabled":
            case "http.log-enabled":
            case "http.pprof-enabled":
            case "http.unix-socket-enabled":
            case "monitor.store-enabled":
            case "ifql.enabled":
                return "false";
            case "data.dir":
                return quote(workDir.resolve("data").toString());
            case "data.wal-dir":
                return quote(workDir.resolve("wal").toString());
            case "http.bind-address":
                return quote("127.0.0.1:" + httpPort);
            case "http.bind-socket":
                return quote(workDir.resolve("influxd.sock").toString());
            case "logging.suppress-logo":
                return "true";
            case "udp.enabled":
            case "graphite.enabled":
            case "collectd.enabled":
            case "opentsdb.enabled":
                return "false";
            default:
                return null;
        }
    }

    private static void awaitPing(Process process, HttpClient http, int port, Path log) throws IOException {
        HttpRequest ping = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ping"))
                .timeout(Duration.ofSeconds(2))
                .GET()
                .build();
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                String tail = tail(log);
                String message = "influxd exited with code " + process.exitValue() + " during startup; log "
                        + log + " ends with:\n" + tail;
                throw tail.contains("address already in use") ? new PortTakenException(message) : new IOException(message);
            }
            try {
                HttpResponse<Void> r = http.send(ping, HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 204) {
                    return;
                }
            } catch (ConnectException | java.net.http.HttpTimeoutException notYet) {
                // Not listening yet: poll again until the deadline.
            } catch (IOException notYet) {
                // Connection reset while starting up: poll again.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted waiting for influxd");
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("influxd did not answer /ping with 204 within " + STARTUP_TIMEOUT.toSeconds()
                        + " s on port " + port + "; log " + log + " ends with:\n" + tail(log));
            }
            try {
                process.waitFor(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted waiting for influxd");
            }
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read log: " + e + ")";
        }
    }

    private static void stripInfluxEnv(Map<String, String> env) {
        env.keySet().removeIf(k -> k.startsWith("INFLUXDB_"));
    }

    private static int freePort(int... avoid) throws IOException {
        for (int i = 0; i < 20; i++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int p = s.getLocalPort();
                boolean clash = false;
                for (int a : avoid) {
                    clash |= a == p;
                }
                if (!clash) {
                    return p;
                }
            }
        }
        throw new IOException("no free loopback port found");
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String quoteString(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static String quoteIdentifier(String name) {
        return "\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Waits until the influxd process ends (for the foreground {@code influxd} command). */
    int waitFor() throws InterruptedException {
        process.waitFor();
        return 0;
    }

    /** Runs influxd in the foreground: {@code influxd [--port P] [--work-dir DIR]} ({@code --help}). */
    public static void main(String[] args) {
        System.exit(org.bikefence.geofence.tool.CliSupport.execute(new LocalInfluxdCommand(), args));
    }
}
