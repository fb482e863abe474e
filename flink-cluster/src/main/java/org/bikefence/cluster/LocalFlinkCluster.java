package org.bikefence.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.client.program.PackagedProgram;
import org.apache.flink.client.program.PackagedProgramUtils;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.jobmanager.JobManagerProcessSpec;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;

/**
 * A real Flink session cluster on this machine, each member its own JVM, as a Flink distribution's
 * {@code start-cluster.sh} runs it: a JobManager ({@code StandaloneSessionClusterEntrypoint}, with the web UI) and
 * TaskManagers ({@code TaskManagerRunner}), for {@code ./bikefence cluster} and the failure tests.
 *
 * <p>Everything of a run lives in its run directory: {@code conf/} (a copy of the given {@code config.yaml} and the
 * JVMs' logging), {@code log/} (one {@code .log} and one {@code .out} per JVM), {@code tmp/} (each JVM's
 * {@code java.io.tmpdir} and {@code io.tmp.dirs}: Flink unpacks a 21 MB RPC jar there per JVM), {@code checkpoints/},
 * {@code savepoints/} and {@code cluster.properties} (ports and pids), so that another process ({@link #attach})
 * finds the cluster. The settings a run needs on one machine (loopback addresses, free ports, the directories) are
 * passed to every JVM as {@code -D} overrides of the copied file, which stays as it was.
 */
public final class LocalFlinkCluster implements AutoCloseable {

    public static final String HOST = "127.0.0.1";
    public static final String JOBMANAGER_MAIN = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    public static final String TASKMANAGER_MAIN = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(90);
    /** A JobManager's memory when config.yaml sets none (flink-dist's file says 1600m; the machine is small). */
    public static final String DEFAULT_JOBMANAGER_MEMORY = "1024m";

    static final String STATE_FILE = "cluster.properties";
    private static final String CLASSPATH_RESOURCE = "flink-lib.classpath";
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final int LOG_TAIL_LINES = 25;
    /** flink-dist's env.java.default-opts.all for Java 17, the part the runtime needs. */
    private static final List<String> DEFAULT_JVM_OPTS = List.of(
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED",
            "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED",
            "-XX:+IgnoreUnrecognizedVMOptions");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One JVM of the cluster: its name (jobmanager, tm-1, ...), process and files. */
    public record Member(String name, ProcessHandle process, Path log, Path out) {
        public long pid() {
            return process.pid();
        }
    }

    private final Path runDir;
    private final String classpath;
    private final Map<String, String> overrides;
    private final Configuration configuration;
    private final Duration readyTimeout;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Thread shutdownHook;
    private final java.util.Set<Long> killed = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private volatile Member jobManager;
    private final List<Member> taskManagers = new ArrayList<>();
    private int lastTaskManager;

    private LocalFlinkCluster(Path runDir, String classpath, Map<String, String> overrides, Duration readyTimeout,
            boolean stopOnExit) {
        this.runDir = runDir;
        this.classpath = classpath;
        this.overrides = overrides;
        this.readyTimeout = readyTimeout;
        this.configuration = GlobalConfiguration.loadConfiguration(confDir().toString(), Configuration.fromMap(overrides));
        this.shutdownHook = stopOnExit ? new Thread(this::stopAll, "local-flink-cluster-shutdown") : null;
    }

    /** A builder of a cluster whose files live in {@code runDir}. */
    public static Builder builder(Path runDir) {
        return new Builder(runDir);
    }

    /**
     * The cluster a {@link Builder#start} left running in {@code runDir}, perhaps from another process; empty when
     * there is none or its JobManager is gone.
     */
    public static Optional<LocalFlinkCluster> attach(Path runDir) {
        Path dir = runDir.toAbsolutePath().normalize();
        Path state = dir.resolve(STATE_FILE);
        if (!Files.isRegularFile(state)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(state)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + state, e);
        }
        Map<String, String> overrides = new LinkedHashMap<>();
        p.stringPropertyNames().stream().filter(k -> k.startsWith("conf.")).sorted()
                .forEach(k -> overrides.put(k.substring(5), p.getProperty(k)));
        LocalFlinkCluster cluster = new LocalFlinkCluster(dir, p.getProperty("classpath", ""), overrides,
                DEFAULT_READY_TIMEOUT, false);
        cluster.jobManager = cluster.member("jobmanager", p.getProperty("pid.jobmanager")).orElse(null);
        p.stringPropertyNames().stream().filter(k -> k.startsWith("pid.tm-")).sorted(Comparator.comparingInt(
                k -> Integer.parseInt(k.substring("pid.tm-".length())))).forEach(k -> {
                    String name = k.substring(4);
                    cluster.member(name, p.getProperty(k)).ifPresent(cluster.taskManagers::add);
                    cluster.lastTaskManager = Math.max(cluster.lastTaskManager, Integer.parseInt(name.substring(3)));
                });
        if (cluster.jobManager == null) {
            cluster.stopAll();
            return Optional.empty();
        }
        return Optional.of(cluster);
    }

    /** The classpath of Flink's runtime (this module's dependencies), written at build time. */
    public static String runtimeClasspath() {
        try (InputStream in = LocalFlinkCluster.class.getResourceAsStream(CLASSPATH_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(CLASSPATH_RESOURCE + " is missing beside " + LocalFlinkCluster.class
                        + ": build the flink-cluster module with Maven (it writes the file in generate-resources)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path runDir() {
        return runDir;
    }

    /** What every JVM of the cluster runs with: config.yaml and the run's overrides. */
    public Configuration configuration() {
        return configuration;
    }

    public int restPort() {
        return configuration.get(RestOptions.PORT);
    }

    public String webUrl() {
        return "http://" + HOST + ":" + restPort();
    }

    public Member jobManager() {
        return jobManager;
    }

    /** The TaskManagers this object started or found, alive or not, in start order. */
    public synchronized List<Member> taskManagers() {
        return List.copyOf(taskManagers);
    }

    public Path checkpointsDir() {
        return runDir.resolve("checkpoints");
    }

    public Path savepointsDir() {
        return runDir.resolve("savepoints");
    }

    /** {@code GET} of a REST path such as {@code /overview}, as JSON. */
    public JsonNode rest(String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(webUrl() + path)).timeout(Duration.ofSeconds(10)).GET()
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + webUrl() + path + ": HTTP " + response.statusCode() + " "
                        + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + webUrl() + path + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted: GET " + webUrl() + path, e);
        }
    }

    /** The TaskManagers registered at the JobManager, as REST {@code /overview} counts them. */
    public int registeredTaskManagers() {
        return rest("/overview").path("taskmanagers").asInt();
    }

    /** A job's state (RUNNING, FINISHED, ...), from REST {@code /jobs/:id}. */
    public String jobState(JobID job) {
        return rest("/jobs/" + job).path("state").asText();
    }

    /** A job's completed checkpoints so far, from REST {@code /jobs/:id/checkpoints}; 0 while it initializes. */
    public long completedCheckpoints(JobID job) {
        if (List.of("INITIALIZING", "CREATED").contains(jobState(job))) {
            return 0;
        }
        return rest("/jobs/" + job + "/checkpoints").path("counts").path("completed").asLong();
    }

    /**
     * Submits a job jar as {@code flink run -d} does: its main class (from the manifest) runs here, in a class loader
     * of the jar, to build the job graph, which goes to the JobManager with the jar through the REST API.
     *
     * @param savepoint a savepoint or retained checkpoint to start from; null for none
     */
    public JobID submit(Path jar, List<String> args, String savepoint) throws Exception {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("job jar " + jar + " does not exist: build it with ./bikefence jar");
        }
        // Parent-first here, in the client only: the callers (tests, the cluster command) have the job's classes and
        // its connector on their own classpath, built from the same sources as the jar, and Flink loads
        // org.apache.flink.* parent-first anyway, so a child-first loader would mix the callers' connector with the
        // jar's Kafka clients (a LinkageError). The cluster loads the job child-first from the jar, as configured.
        Configuration clientConf = new Configuration(configuration);
        clientConf.set(CoreOptions.CLASSLOADER_RESOLVE_ORDER, "parent-first");
        PackagedProgram program = PackagedProgram.newBuilder()
                .setJarFile(jar.toFile())
                .setArguments(args.toArray(new String[0]))
                .setConfiguration(clientConf)
                .setSavepointRestoreSettings(savepoint == null ? SavepointRestoreSettings.none()
                        : SavepointRestoreSettings.forPath(savepoint))
                .build();
        try {
            JobGraph graph = PackagedProgramUtils.createJobGraph(program, clientConf,
                    configuration.get(CoreOptions.DEFAULT_PARALLELISM), false);
            try (RestClusterClient<String> client = client()) {
                return client.submitJob(graph).get(2, TimeUnit.MINUTES);
            }
        } finally {
            program.close();
        }
    }

    /** Cancels a job and waits until it is no longer running. */
    public void cancel(JobID job) throws Exception {
        try (RestClusterClient<String> client = client()) {
            client.cancel(job).get(1, TimeUnit.MINUTES);
        }
    }

    private RestClusterClient<String> client() throws Exception {
        Configuration conf = new Configuration(configuration);
        conf.set(RestOptions.ADDRESS, HOST);
        return new RestClusterClient<>(conf, "local-flink-cluster");
    }

    /**
     * {@code kill -9} of a TaskManager (SIGKILL: no shutdown hook, no goodbye to the JobManager), waiting until the
     * process is gone. Returns its pid.
     */
    public long killTaskManager(Member member) {
        ProcessHandle process = member.process();
        // Remembered, so that the readiness checks do not take it for a crash.
        killed.add(process.pid());
        process.destroyForcibly();
        try {
            process.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("TaskManager " + member.name() + " (pid " + process.pid()
                    + ") did not die within " + STOP_TIMEOUT, e);
        }
        writeState();
        return process.pid();
    }

    /** Starts one more TaskManager and returns once the JobManager counts it. */
    public Member startTaskManager() {
        int before = (int) aliveTaskManagers();
        Member tm = launchTaskManager();
        awaitTaskManagers(before + 1, System.nanoTime() + readyTimeout.toNanos());
        writeState();
        return tm;
    }

    private long aliveTaskManagers() {
        return taskManagers().stream().filter(m -> m.process().isAlive()).count();
    }

    /** Stops the TaskManagers, then the JobManager (SIGTERM, SIGKILL after 30 s); removes the state file. */
    @Override
    public void close() {
        stopAll();
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running or has run.
            }
        }
    }

    private synchronized void stopAll() {
        for (Member tm : taskManagers) {
            terminate(tm);
        }
        if (jobManager != null) {
            terminate(jobManager);
        }
        try {
            // The RPC jars and blobs (tens of MB per JVM); logs, checkpoints and savepoints stay.
            if (jobManager == null || !jobManager.process().isAlive()) {
                deleteRecursively(runDir.resolve("tmp"));
            }
        } catch (UncheckedIOException e) {
            // Left for the next start, which empties it.
        }
        try {
            Files.deleteIfExists(runDir.resolve(STATE_FILE));
        } catch (IOException e) {
            // Left behind: attach() finds no living JobManager and removes it.
        }
    }

    private static void terminate(Member member) {
        ProcessHandle p = member.process();
        if (!p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            p.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
        }
    }

    private void startAll(int count) {
        long deadline = System.nanoTime() + readyTimeout.toNanos();
        jobManager = launch("jobmanager", JOBMANAGER_MAIN, jobManagerJvm(), List.of());
        writeState();
        // The JobManager first: TaskManagers that start before its RPC port is open retry noisily.
        while (true) {
            checkAlive(jobManager, deadline, "its REST API answered");
            try {
                rest("/overview");
                break;
            } catch (RuntimeException notYet) {
                sleep(POLL);
            }
        }
        for (int i = 0; i < count; i++) {
            launchTaskManager();
        }
        writeState();
        awaitTaskManagers(count, deadline);
    }

    private Member launchTaskManager() {
        String name;
        synchronized (this) {
            name = "tm-" + (++lastTaskManager);
        }
        Member tm = launch(name, TASKMANAGER_MAIN, taskManagerJvm(), List.of("-D", "taskmanager.resource-id=" + name));
        synchronized (this) {
            taskManagers.add(tm);
        }
        return tm;
    }

    private void awaitTaskManagers(int count, long deadline) {
        while (true) {
            checkAlive(jobManager, deadline, count + " TaskManagers registered");
            try {
                if (registeredTaskManagers() >= count) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // The JobManager is alive (checked above); its REST API may be busy.
            }
            sleep(POLL);
        }
    }

    /** Fails with the member's last log lines when it exited, or when the deadline passed. */
    private void checkAlive(Member member, long deadline, String waitingFor) {
        List<Member> all = new ArrayList<>(taskManagers());
        all.add(0, member);
        for (Member m : all) {
            if (!m.process().isAlive() && !killedOnPurpose(m)) {
                throw new IllegalStateException("Flink " + m.name() + " (pid " + m.pid() + ") exited before "
                        + waitingFor + ": " + cause(m) + "\nlast lines of " + m.log() + ":\n" + tail(m.log())
                        + "\nlast lines of " + m.out() + ":\n" + tail(m.out()));
            }
        }
        if (System.nanoTime() - deadline > 0) {
            throw new IllegalStateException("Flink cluster in " + runDir + ": not " + waitingFor + " within "
                    + readyTimeout + "; last lines of " + member.log() + ":\n" + tail(member.log()));
        }
    }

    private boolean killedOnPurpose(Member m) {
        return killed.contains(m.pid());
    }

    private List<String> jobManagerJvm() {
        JobManagerProcessSpec spec = JobManagerProcessUtils.processSpecFromConfig(configuration);
        List<String> jvm = new ArrayList<>(split(JobManagerProcessUtils.generateJvmParametersStr(spec, configuration)));
        jvm.addAll(javaOpts("env.java.opts.jobmanager"));
        List<String> dynamic = split(JobManagerProcessUtils.generateDynamicConfigsStr(spec));
        jvm.add("\0");
        jvm.addAll(dynamic);
        return jvm;
    }

    private List<String> taskManagerJvm() {
        TaskExecutorProcessSpec spec = TaskExecutorProcessUtils.processSpecFromConfig(configuration);
        List<String> jvm = new ArrayList<>(split(ProcessMemoryUtils.generateJvmParametersStr(spec)));
        jvm.addAll(javaOpts("env.java.opts.taskmanager"));
        jvm.add("\0");
        jvm.addAll(split(TaskExecutorProcessUtils.generateDynamicConfigsStr(spec)));
        return jvm;
    }

    private List<String> javaOpts(String roleKey) {
        List<String> opts = new ArrayList<>(DEFAULT_JVM_OPTS);
        for (String key : List.of("env.java.opts.all", roleKey)) {
            configuration.getOptional(org.apache.flink.configuration.ConfigOptions.key(key).stringType().noDefaultValue())
                    .ifPresent(v -> opts.addAll(split(v)));
        }
        return opts;
    }

    /**
     * Launches a member: {@code jvmAndDynamic} holds the JVM options, a NUL marker, then the memory settings as
     * {@code -D key=value} pairs (what the distribution's scripts compute with BashJavaUtils).
     */
    private Member launch(String name, String mainClass, List<String> jvmAndDynamic, List<String> extraArgs) {
        int marker = jvmAndDynamic.indexOf("\0");
        Path tmp = runDir.resolve("tmp").resolve(name);
        Path log = runDir.resolve("log").resolve(name + ".log");
        Path out = runDir.resolve("log").resolve(name + ".out");
        createDirectories(tmp);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmAndDynamic.subList(0, marker));
        command.add("-Djava.io.tmpdir=" + tmp);
        command.add("-Dlog.file=" + log);
        command.add("-Dlog4j.configurationFile=file:" + confDir().resolve("log4j.properties"));
        command.add("-Dbikefence.cluster.dir=" + runDir);
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.add("--configDir");
        command.add(confDir().toString());
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            command.add("-D");
            command.add(e.getKey() + "=" + e.getValue());
        }
        command.add("-D");
        command.add("io.tmp.dirs=" + tmp);
        command.addAll(jvmAndDynamic.subList(marker + 1, jvmAndDynamic.size()));
        command.addAll(extraArgs);
        try {
            Process process = new ProcessBuilder(command)
                    .directory(runDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            return new Member(name, process.toHandle(), log, out);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the Flink " + name + " JVM", e);
        }
    }

    /** The pid, when it is alive and one of ours (its command line names this run directory). */
    private Optional<Member> member(String name, String pid) {
        if (pid == null) {
            return Optional.empty();
        }
        String marker = "-Dbikefence.cluster.dir=" + runDir;
        return ProcessHandle.of(Long.parseLong(pid.trim()))
                .filter(ProcessHandle::isAlive)
                .filter(p -> commandLine(p).contains(marker))
                .map(p -> new Member(name, p, runDir.resolve("log").resolve(name + ".log"),
                        runDir.resolve("log").resolve(name + ".out")));
    }

    private synchronized void writeState() {
        Properties p = new Properties();
        p.setProperty("web.url", webUrl());
        p.setProperty("classpath", classpath);
        overrides.forEach((k, v) -> p.setProperty("conf." + k, v));
        if (jobManager != null) {
            p.setProperty("pid.jobmanager", Long.toString(jobManager.pid()));
        }
        for (Member tm : taskManagers) {
            if (tm.process().isAlive()) {
                p.setProperty("pid." + tm.name(), Long.toString(tm.pid()));
            }
        }
        Path tmpFile = runDir.resolve(STATE_FILE + ".tmp");
        try (var out = Files.newOutputStream(tmpFile)) {
            p.store(out, "bikefence local Flink cluster: ports and pids (LocalFlinkCluster.attach reads it)");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + tmpFile, e);
        }
        try {
            Files.move(tmpFile, runDir.resolve(STATE_FILE), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + runDir.resolve(STATE_FILE), e);
        }
    }

    private Path confDir() {
        return runDir.resolve("conf");
    }

    /** ProcessHandle.Info is empty for command lines as long as a Maven classpath, so read /proc where there is one. */
    private static String commandLine(ProcessHandle process) {
        Path proc = Path.of("/proc", Long.toString(process.pid()), "cmdline");
        try {
            if (Files.isReadable(proc)) {
                return Files.readString(proc, StandardCharsets.ISO_8859_1).replace('\0', ' ');
            }
        } catch (IOException e) {
            // Fall through to what the JDK knows.
        }
        return process.info().commandLine().orElse("");
    }

    private static List<String> split(String s) {
        return Arrays.stream(s.trim().split("\\s+")).filter(t -> !t.isEmpty()).toList();
    }

    /** The root cause a dead member logged: its last "Caused by" line, else its last ERROR line. */
    private static String cause(Member m) {
        String cause = "no error logged (see " + m.out().getFileName() + ")";
        for (Path file : List.of(m.out(), m.log())) {
            for (String line : readTail(file).lines().toList()) {
                if (line.startsWith("Caused by: ") || line.contains(" ERROR ") || line.startsWith("Error: ")
                        || line.startsWith("Exception in thread")) {
                    cause = line.startsWith("Caused by: ") ? line.substring("Caused by: ".length()) : line;
                }
            }
        }
        return cause;
    }

    /** The last lines of a file without stack frames. */
    static String tail(Path file) {
        if (!Files.exists(file)) {
            return "(no " + file.getFileName() + ")";
        }
        List<String> lines = readTail(file).lines().filter(l -> !l.startsWith("\tat ") && !l.startsWith("\t..."))
                .toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    }

    /** At most the last 64 KiB of a file. */
    private static String readTail(Path file) {
        if (!Files.exists(file)) {
            return "";
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(0, raf.length() - 64 * 1024);
            byte[] bytes = new byte[(int) (raf.length() - start)];
            raf.seek(start);
            raf.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(could not read " + file + ": " + e + ")";
        }
    }

    static int[] freeLoopbackPorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0, 1, InetAddress.getByName(HOST)));
            }
            return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
        } catch (IOException e) {
            throw new UncheckedIOException("No free loopback port", e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // Released either way.
                }
            }
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the Flink cluster", e);
        }
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create " + dir, e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete " + dir, e);
        }
    }

    /** Options of a {@link LocalFlinkCluster}; {@link #start()} returns once every TaskManager has registered. */
    public static final class Builder {
        private final Path runDir;
        private Path configFile;
        private int taskManagers = 2;
        private String classpath;
        private Duration readyTimeout = DEFAULT_READY_TIMEOUT;
        private boolean stopOnExit = true;
        private final Map<String, String> settings = new LinkedHashMap<>();

        private Builder(Path runDir) {
            this.runDir = Objects.requireNonNull(runDir, "runDir").toAbsolutePath().normalize();
        }

        /** The Flink {@code config.yaml} to copy into the run (e.g. {@code docker/flink/config.yaml}); none: Flink's defaults. */
        public Builder configFile(Path configFile) {
            this.configFile = configFile;
            return this;
        }

        public Builder taskManagers(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("taskmanagers must be at least 1, got " + count);
            }
            this.taskManagers = count;
            return this;
        }

        /** Overrides a setting of config.yaml for this run, e.g. {@code state.backend.type=rocksdb}. */
        public Builder set(String key, String value) {
            settings.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** The JVMs' classpath; {@link #runtimeClasspath()} by default. */
        public Builder classpath(String classpath) {
            this.classpath = classpath;
            return this;
        }

        public Builder readyTimeout(Duration readyTimeout) {
            this.readyTimeout = readyTimeout;
            return this;
        }

        /** Whether this JVM's exit stops the cluster (true, for tests); the cluster command leaves it running. */
        public Builder stopOnExit(boolean stopOnExit) {
            this.stopOnExit = stopOnExit;
            return this;
        }

        /** Starts the JobManager, then the TaskManagers, and returns once REST {@code /overview} counts all of them. */
        public LocalFlinkCluster start() {
            Optional<LocalFlinkCluster> running = attach(runDir);
            if (running.isPresent()) {
                throw new IllegalStateException("A Flink cluster already runs in " + runDir + " (web UI "
                        + running.get().webUrl() + ", JobManager pid " + running.get().jobManager().pid()
                        + "): stop it first");
            }
            if (configFile != null && !Files.isRegularFile(configFile)) {
                throw new IllegalArgumentException("Flink configuration " + configFile + " does not exist");
            }
            for (String dir : List.of("conf", "log", "tmp")) {
                deleteRecursively(runDir.resolve(dir));
                createDirectories(runDir.resolve(dir));
            }
            createDirectories(runDir.resolve("checkpoints"));
            createDirectories(runDir.resolve("savepoints"));
            try {
                if (configFile != null) {
                    Files.copy(configFile, runDir.resolve("conf").resolve(GlobalConfiguration.FLINK_CONF_FILENAME));
                } else {
                    Files.writeString(runDir.resolve("conf").resolve(GlobalConfiguration.FLINK_CONF_FILENAME), "");
                }
                try (InputStream log4j = LocalFlinkCluster.class.getResourceAsStream("log4j-cluster.properties")) {
                    Files.copy(Objects.requireNonNull(log4j, "log4j-cluster.properties"),
                            runDir.resolve("conf").resolve("log4j.properties"));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Could not write " + runDir.resolve("conf"), e);
            }
            int[] ports = freeLoopbackPorts(3);
            Map<String, String> overrides = new LinkedHashMap<>();
            overrides.put("jobmanager.rpc.address", HOST);
            overrides.put("jobmanager.rpc.port", Integer.toString(ports[0]));
            overrides.put("jobmanager.bind-host", HOST);
            overrides.put("rest.address", HOST);
            overrides.put("rest.bind-address", HOST);
            overrides.put("rest.port", Integer.toString(ports[1]));
            overrides.put("blob.server.port", Integer.toString(ports[2]));
            overrides.put("taskmanager.host", HOST);
            overrides.put("taskmanager.bind-host", HOST);
            overrides.put("execution.checkpointing.dir", runDir.resolve("checkpoints").toUri().toString());
            overrides.put("execution.checkpointing.savepoint-dir", runDir.resolve("savepoints").toUri().toString());
            // One retry-free attempt per REST call of the client: the cluster is local, the callers poll themselves.
            overrides.put("rest.retry.max-attempts", "0");
            overrides.putAll(settings);
            Configuration file = GlobalConfiguration.loadConfiguration(runDir.resolve("conf").toString(),
                    Configuration.fromMap(overrides));
            if (!file.contains(JobManagerOptions.TOTAL_PROCESS_MEMORY) && !file.contains(JobManagerOptions.TOTAL_FLINK_MEMORY)
                    && !file.contains(JobManagerOptions.JVM_HEAP_MEMORY)) {
                overrides.put(JobManagerOptions.TOTAL_PROCESS_MEMORY.key(), DEFAULT_JOBMANAGER_MEMORY);
            }
            LocalFlinkCluster cluster = new LocalFlinkCluster(runDir,
                    classpath != null ? classpath : runtimeClasspath(), overrides, readyTimeout, stopOnExit);
            if (cluster.shutdownHook != null) {
                Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
            }
            try {
                cluster.startAll(taskManagers);
            } catch (RuntimeException e) {
                cluster.close();
                throw e;
            }
            return cluster;
        }
    }
}
