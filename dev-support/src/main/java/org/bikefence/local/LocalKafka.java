package org.bikefence.local;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A real single-node KRaft Kafka broker, run in its own JVM, for integration tests and the local demo.
 *
 * <p>The broker JVM is started with a caller-supplied classpath that contains {@code kafka_2.13}, so this
 * class (and the job jar) only needs {@code kafka-clients}. {@link #start} formats fresh storage under the
 * work directory; {@link #restart} keeps the storage and the ports.
 */
public final class LocalKafka implements AutoCloseable {

    public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(60);

    // log4j-api rather than SLF4J: slf4j-api is only a runtime dependency of this module, log4j-api is provided.
    private static final Logger LOG = LogManager.getLogger(LocalKafka.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration FORMAT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
    private static final int LOG_TAIL_LINES = 30;
    private static final int MAX_ERRORS = 5;
    private static final int BIND_ATTEMPTS = 3;
    private static final String BROKER_MAIN = "kafka.Kafka";
    private static final List<String> BROKER_JVM_OPTIONS = List.of("-Xms256m", "-Xmx512m", "-Djava.awt.headless=true");

    private final Path workDir;
    private final String brokerClasspath;
    private final KafkaServerProperties config;
    private final Duration readyTimeout;
    private final Thread shutdownHook;
    private final String clusterId;
    private final List<String> jvmOptions;
    private final Map<String, Integer> listenerPorts;
    private final List<String> formatArguments;

    // Volatile so that the shutdown hook can stop the broker without waiting for a start to finish.
    private volatile Process broker;
    private Duration startupTime = Duration.ZERO;
    private boolean closed;

    private LocalKafka(Path workDir, String brokerClasspath, KafkaServerProperties config, Duration readyTimeout,
            String clusterId, List<String> jvmOptions, Map<String, Integer> listenerPorts,
            List<String> formatArguments) {
        this.workDir = workDir;
        this.brokerClasspath = brokerClasspath;
        this.config = config;
        this.readyTimeout = readyTimeout;
        this.clusterId = clusterId;
        this.jvmOptions = jvmOptions;
        this.listenerPorts = Map.copyOf(listenerPorts);
        this.formatArguments = List.copyOf(formatArguments);
        this.shutdownHook = new Thread(() -> terminate(broker), "local-kafka-shutdown-" + config.port());
    }

    /** Starts a broker on free loopback ports; see {@link #builder}. */
    public static LocalKafka start(Path workDir, String brokerClasspath) {
        return builder(workDir, brokerClasspath).start();
    }

    /** Starts a broker on the given loopback ports, 0 meaning a free one; see {@link #builder}. */
    public static LocalKafka start(Path workDir, String brokerClasspath, int port, int controllerPort) {
        return builder(workDir, brokerClasspath).port(port).controllerPort(controllerPort).start();
    }

    /**
     * A builder for a broker whose files (server.properties, kafka.log, data/) live in {@code workDir} and
     * whose JVM runs with {@code brokerClasspath}, which must contain {@code kafka_2.13} and its dependencies.
     */
    public static Builder builder(Path workDir, String brokerClasspath) {
        return new Builder(workDir, brokerClasspath);
    }

    /** The {@code host:port} list for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return config.bootstrapServers();
    }

    public int port() {
        return config.port();
    }

    /** The {@code host:port} of an extra listener added with {@link Builder#listener}. */
    public String bootstrapServers(String listener) {
        Integer p = listenerPorts.get(listener);
        if (p == null) {
            throw new IllegalArgumentException("no listener " + listener + "; extra listeners: "
                    + listenerPorts.keySet());
        }
        return KafkaServerProperties.HOST + ":" + p;
    }

    public int controllerPort() {
        return config.controllerPort();
    }

    /** The broker JVM's process id, or -1 while it is stopped. */
    public long pid() {
        Process p = broker;
        return p == null ? -1 : p.pid();
    }

    public Path workDir() {
        return workDir;
    }

    /** The broker's console output, kept across restarts. */
    public Path logFile() {
        return workDir.resolve("kafka.log");
    }

    /** Time from launching the broker JVM until it answered {@code describeCluster}, for the last start or restart. */
    public synchronized Duration startupTime() {
        return startupTime;
    }

    /**
     * Creates the topics with replication factor 1, ignoring those that already exist, and returns once the
     * broker's metadata shows a leader for each of their partitions.
     */
    public void createTopics(int partitions, String... names) {
        List<String> topics = List.of(names);
        List<NewTopic> newTopics = topics.stream().map(t -> new NewTopic(t, partitions, (short) 1)).toList();
        try (Admin admin = Admin.create(adminProperties(Duration.ofSeconds(10)))) {
            for (Map.Entry<String, KafkaFuture<Void>> created : admin.createTopics(newTopics).values().entrySet()) {
                try {
                    created.getValue().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("Could not create topic " + created.getKey(), e.getCause());
                    }
                }
            }
            awaitLeaders(admin, topics);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics " + topics, e);
        }
    }

    /** Producer settings with byte[] serializers and {@code acks=all}: a send that completes is on disk in the log. */
    public Properties producerProps() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return props;
    }

    /** Consumer settings with byte[] deserializers, reading from the earliest offset and committing nothing on its own. */
    public Properties consumerProps(String groupId) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return props;
    }

    /**
     * Stops the broker cleanly (unless {@link #kill killed}) and starts it again on the same ports and log
     * directories, returning once it is ready.
     */
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("LocalKafka on " + bootstrapServers() + " is closed");
        }
        Duration stopped = stopBroker();
        LOG.info("Kafka on {} stopped in {} ms, restarting", bootstrapServers(), stopped.toMillis());
        launchAndAwaitReady();
    }

    /**
     * Kills the broker JVM with SIGKILL, as a crash would, and returns once it has exited: no clean shutdown, its log
     * directories as they were. {@link #restart} starts it again on them.
     */
    public synchronized void kill() {
        Process process = broker;
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("Kafka broker (pid " + process.pid() + ") did not exit on SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while killing Kafka on " + bootstrapServers(), e);
        }
        stopBroker();
    }

    /** Stops the broker JVM and anything it started: SIGTERM, then SIGKILL after 30 s. Keeps the work directory. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook itself is stopping the broker.
        }
        stopBroker();
    }

    private static LocalKafka launch(Builder b) {
        Path workDir = b.workDir.toAbsolutePath();
        createDirectories(workDir.resolve("tmp"));
        killStaleBroker(workDir);
        boolean freePorts = b.port == 0 || b.controllerPort == 0;
        for (int attempt = 1; ; attempt++) {
            int[] ports = freeLoopbackPorts(2 + b.listeners.size());
            int port = b.port == 0 ? ports[0] : b.port;
            int controllerPort = b.controllerPort == 0 ? ports[1] : b.controllerPort;
            Map<String, Integer> listenerPorts = new LinkedHashMap<>();
            Map<String, String> overrides = new LinkedHashMap<>(b.serverProperties);
            if (!b.listeners.isEmpty()) {
                String host = KafkaServerProperties.HOST;
                StringBuilder listeners = new StringBuilder("PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host
                        + ":" + controllerPort);
                StringBuilder advertised = new StringBuilder("PLAINTEXT://" + host + ":" + port);
                StringBuilder protocols = new StringBuilder("PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
                int i = 2;
                for (Map.Entry<String, String> l : b.listeners.entrySet()) {
                    int p = ports[i++];
                    listenerPorts.put(l.getKey(), p);
                    listeners.append(',').append(l.getKey()).append("://").append(host).append(':').append(p);
                    advertised.append(',').append(l.getKey()).append("://").append(host).append(':').append(p);
                    protocols.append(',').append(l.getKey()).append(':').append(l.getValue());
                }
                overrides.put("listeners", listeners.toString());
                overrides.put("advertised.listeners", advertised.toString());
                overrides.put("listener.security.protocol.map", protocols.toString());
            }
            KafkaServerProperties config = new KafkaServerProperties(
                    port,
                    controllerPort,
                    b.numPartitions,
                    workDir.resolve("data"),
                    overrides);
            LocalKafka kafka = new LocalKafka(workDir, b.brokerClasspath, config, b.readyTimeout,
                    b.clusterId == null ? Uuid.randomUuid().toString() : b.clusterId, b.jvmOptions(), listenerPorts,
                    b.formatArguments);
            kafka.writeConfigAndFormat();
            // Registered before launching so that a test JVM dying mid-start does not leave a broker behind.
            Runtime.getRuntime().addShutdownHook(kafka.shutdownHook);
            try {
                synchronized (kafka) {
                    kafka.launchAndAwaitReady();
                }
                return kafka;
            } catch (RuntimeException e) {
                kafka.close();
                if (!(e instanceof PortInUseException)) {
                    throw e;
                }
                // Another build on this machine may take a port between our probe and the broker's bind.
                if (!freePorts || attempt == BIND_ATTEMPTS) {
                    throw e;
                }
                LOG.warn("A Kafka port was taken; retrying on other ports. {}", e.getMessage());
            }
        }
    }

    private void writeConfigAndFormat() {
        deleteRecursively(config.logDir());
        writeString(serverProperties(), config.render());
        writeString(log4jConfig(), KafkaServerProperties.log4j2Config());
        Path formatLog = workDir.resolve("kafka-format.log");
        List<String> args = new ArrayList<>(List.of(
                "format",
                "--cluster-id",
                clusterId,
                "--config",
                serverProperties().toString()));
        args.addAll(formatArguments);
        List<String> command = javaCommand("kafka.tools.StorageTool", args.toArray(String[]::new));
        long startNanos = System.nanoTime();
        try {
            Process format = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(formatLog.toFile())
                    .start();
            if (!format.waitFor(FORMAT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                format.destroyForcibly();
                throw new IllegalStateException("Formatting Kafka storage took more than " + FORMAT_TIMEOUT
                        + ":\n" + tail(formatLog, 0));
            }
            if (format.exitValue() != 0) {
                throw new IllegalStateException("Formatting Kafka storage failed with exit code "
                        + format.exitValue() + ":\n" + tail(formatLog, 0));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while formatting Kafka storage", e);
        }
        LOG.debug("Formatted Kafka storage in {} ms", (System.nanoTime() - startNanos) / 1_000_000);
    }

    private void launchAndAwaitReady() {
        for (int p : new int[] {config.port(), config.controllerPort()}) {
            if (accepts(p)) {
                // Something else answers there; without this check it could pass for our broker.
                String message = "Port " + p + " on " + KafkaServerProperties.HOST + " is already in use";
                throw new PortInUseException(message);
            }
        }
        long logOffset = size(logFile());
        long startNanos = System.nanoTime();
        try {
            // Its own session (setsid): a terminal's Ctrl-C must not stop it before the job that uses it.
            broker = new ProcessBuilder(OwnSession.command(javaCommand(BROKER_MAIN, serverProperties().toString())))
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the Kafka broker JVM", e);
        }
        writeString(pidFile(), Long.toString(broker.pid()));
        try {
            awaitReady(startNanos + readyTimeout.toNanos(), logOffset);
        } catch (RuntimeException e) {
            stopBroker();
            throw e;
        }
        startupTime = Duration.ofNanos(System.nanoTime() - startNanos);
        LOG.info("Kafka ready on {} after {} ms (log: {})", bootstrapServers(), startupTime.toMillis(), logFile());
    }

    private void awaitReady(long deadlineNanos, long logOffset) {
        // No Admin until the port accepts connections: its reconnect warnings would flood the test output.
        while (!accepts(config.port())) {
            checkAlive(deadlineNanos, logOffset);
        }
        Duration requestTimeout = Duration.ofSeconds(2);
        try (Admin admin = Admin.create(adminProperties(requestTimeout))) {
            while (true) {
                checkAlive(deadlineNanos, logOffset);
                try {
                    DescribeClusterResult cluster =
                            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) requestTimeout.toMillis()));
                    long waitMillis = requestTimeout.toMillis() + 500;
                    String answeringCluster = cluster.clusterId().get(waitMillis, TimeUnit.MILLISECONDS);
                    if (!clusterId.equals(answeringCluster)) {
                        throw new IllegalStateException("Another Kafka cluster (" + answeringCluster + ") answers on "
                                + bootstrapServers() + "; ours is " + clusterId);
                    }
                    if (!cluster.nodes().get(waitMillis, TimeUnit.MILLISECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException notYet) {
                    LOG.debug("Kafka on {} not ready yet: {}", bootstrapServers(), notYet.toString());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for Kafka on " + bootstrapServers(), e);
        }
    }

    /** Waits one poll interval, failing if the broker exited or the deadline passed. */
    private void checkAlive(long deadlineNanos, long logOffset) {
        boolean exited;
        try {
            exited = broker.waitFor(POLL_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for Kafka on " + bootstrapServers(), e);
        }
        if (exited) {
            String log = readSince(logFile(), logOffset);
            String message = "Kafka broker on " + bootstrapServers() + " exited with code " + broker.exitValue()
                    + " before it was ready" + diagnosis(log);
            if (log.contains("Address already in use")) {
                throw new PortInUseException(message);
            }
            throw new IllegalStateException(message);
        }
        if (System.nanoTime() - deadlineNanos > 0) {
            throw new IllegalStateException("Kafka broker on " + bootstrapServers() + " was not ready within "
                    + readyTimeout + diagnosis(readSince(logFile(), logOffset)));
        }
    }

    private void awaitLeaders(Admin admin, Collection<String> topics) throws InterruptedException {
        long deadlineNanos = System.nanoTime() + TOPIC_TIMEOUT.toNanos();
        while (true) {
            try {
                Map<String, TopicDescription> described = admin.describeTopics(
                                topics, new DescribeTopicsOptions().timeoutMs(2000))
                        .allTopicNames()
                        .get();
                if (described.values().stream()
                        .flatMap(d -> d.partitions().stream())
                        .map(TopicPartitionInfo::leader)
                        .allMatch(Objects::nonNull)) {
                    // The metadata names a leader before that broker has created the partition: a produce then gets
                    // NOT_LEADER_OR_FOLLOWER, and an idempotent producer whose first batch failed so was once left
                    // refused with OUT_OF_ORDER_SEQUENCE_NUMBER until its delivery timeout (CI). ListOffsets is
                    // answered by the leader only once it has the partition.
                    Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest =
                            new java.util.HashMap<>();
                    described.values().forEach(d -> d.partitions().forEach(p -> latest.put(
                            new org.apache.kafka.common.TopicPartition(d.name(), p.partition()),
                            org.apache.kafka.clients.admin.OffsetSpec.latest())));
                    admin.listOffsets(latest).all().get();
                    return;
                }
            } catch (ExecutionException notYet) {
                LOG.debug("Topics {} not in metadata yet: {}", topics, notYet.getCause().toString());
            }
            if (System.nanoTime() - deadlineNanos > 0) {
                throw new IllegalStateException("Topics " + topics + " had no leaders within " + TOPIC_TIMEOUT);
            }
            TimeUnit.MILLISECONDS.sleep(POLL_INTERVAL.toMillis());
        }
    }

    /** Returns how long stopping took. */
    private synchronized Duration stopBroker() {
        Process process = broker;
        if (process == null) {
            return Duration.ZERO;
        }
        long startNanos = System.nanoTime();
        terminate(process);
        broker = null;
        try {
            Files.deleteIfExists(pidFile());
        } catch (IOException e) {
            LOG.debug("Could not delete {}", pidFile(), e);
        }
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** SIGTERM (the broker shuts down cleanly), SIGKILL after {@link #STOP_TIMEOUT}, then any descendants. */
    private static void terminate(Process process) {
        if (process == null) {
            return;
        }
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        boolean interrupted = false;
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("Kafka broker (pid {}) did not stop within {}; killing it", process.pid(), STOP_TIMEOUT);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            interrupted = true;
            process.destroyForcibly();
        }
        for (ProcessHandle child : descendants) {
            if (child.isAlive()) {
                child.destroyForcibly();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops a broker that a killed JVM left running in {@code workDir} (its pid is in kafka.pid). It would hold
     * its ports, its log directory and half a GiB of memory. {@link Builder#start} does this for its own directory.
     */
    public static void stopLeftoverBroker(Path workDir) {
        killStaleBroker(workDir.toAbsolutePath());
    }

    private static void killStaleBroker(Path workDir) {
        Path pidFile = workDir.resolve("kafka.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        try {
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            String marker = workDir.resolve("server.properties").toString();
            ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .filter(p -> commandLine(p).contains(BROKER_MAIN) && commandLine(p).contains(marker))
                    .ifPresent(p -> {
                        LOG.warn("Stopping stale Kafka broker (pid {}) left in {}", pid, workDir);
                        p.destroy();
                        try {
                            p.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        } catch (ExecutionException | TimeoutException e) {
                            p.destroyForcibly();
                        }
                    });
            Files.deleteIfExists(pidFile);
        } catch (IOException | NumberFormatException e) {
            LOG.warn("Ignoring unreadable {}", pidFile, e);
        }
    }

    /** ProcessHandle.Info is empty for command lines as long as a Maven classpath, so read /proc where there is one. */
    private static String commandLine(ProcessHandle process) {
        Path proc = Path.of("/proc", Long.toString(process.pid()), "cmdline");
        try {
            if (Files.isReadable(proc)) {
                return Files.readString(proc, StandardCharsets.UTF_8).replace('\0', ' ');
            }
        } catch (IOException e) {
            LOG.debug("Could not read {}", proc, e);
        }
        return process.info().commandLine().orElse("");
    }

    private List<String> javaCommand(String mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-Djava.io.tmpdir=" + workDir.resolve("tmp"));
        command.add("-Dlog4j2.configurationFile=" + log4jConfig());
        command.add("-cp");
        command.add(brokerClasspath);
        command.add(mainClass);
        command.addAll(Arrays.asList(args));
        return command;
    }

    private Properties adminProperties(Duration requestTimeout) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) requestTimeout.toMillis());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) requestTimeout.toMillis() * 2);
        props.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, 1000);
        props.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, 2000);
        props.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 100);
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        return props;
    }

    private Path serverProperties() {
        return workDir.resolve("server.properties");
    }

    private Path log4jConfig() {
        return workDir.resolve("kafka-log4j2.properties");
    }

    private Path pidFile() {
        return workDir.resolve("kafka.pid");
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(KafkaServerProperties.HOST, port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Ports that were free a moment ago; the broker binds them later, hence the retry in {@link #launch}. */
    static int[] freeLoopbackPorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0, 1, InetAddress.getByName(KafkaServerProperties.HOST)));
            }
            return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
        } catch (IOException e) {
            throw new UncheckedIOException("No free loopback port", e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // Nothing to do: the port is released either way.
                }
            }
        }
    }

    /**
     * The broker's errors and the last {@value #LOG_TAIL_LINES} lines of its log: a failing broker logs the
     * cause first and then a long, uninformative shutdown.
     */
    private String diagnosis(String log) {
        List<String> lines = log.lines().toList();
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < lines.size() && errors.size() < 2 * MAX_ERRORS; i++) {
            if (lines.get(i).matches("^\\[[^]]*] (ERROR|FATAL) .*")) {
                errors.add(lines.get(i));
                if (i + 1 < lines.size() && !lines.get(i + 1).startsWith("[")) {
                    errors.add("    " + lines.get(i + 1));
                }
            }
        }
        String tail = String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        return (errors.isEmpty() ? "" : "; errors in " + logFile() + ":\n" + String.join("\n", errors) + "\n...")
                + "\nlast lines of " + logFile() + ":\n" + tail;
    }

    /** The last {@value #LOG_TAIL_LINES} lines written to {@code file} after byte {@code fromOffset}. */
    static String tail(Path file, long fromOffset) {
        List<String> lines = readSince(file, fromOffset).lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    }

    /** What was written to {@code file} after byte {@code fromOffset}, at most its last MiB. */
    static String readSince(Path file, long fromOffset) {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(fromOffset, raf.length() - 1024 * 1024);
            byte[] bytes = new byte[(int) (raf.length() - start)];
            raf.seek(start);
            raf.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(could not read " + file + ": " + e + ")";
        }
    }

    private static long size(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeString(Path file, String content) {
        try {
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + file, e);
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

    /**
     * Runs a broker until this JVM is terminated, for the demo launcher:
     * {@code --dir <workDir> [--port <p>] [--controller-port <cp>] [--partitions <n>] [--broker-classpath-file <f>]}.
     * Prints {@code KAFKA_READY bootstrap=<host:port> startup_ms=<n>} once the broker answers.
     */
    public static void main(String[] args) throws Exception {
        KafkaLauncherArgs parsed = KafkaLauncherArgs.parse(args);
        String classpath = parsed.brokerClasspathFile() == null
                ? System.getProperty("java.class.path")
                : Files.readString(parsed.brokerClasspathFile()).trim();
        // start() registers a shutdown hook, so SIGTERM stops the broker cleanly.
        LocalKafka kafka = builder(parsed.workDir(), classpath)
                .port(parsed.port())
                .controllerPort(parsed.controllerPort())
                .numPartitions(parsed.partitions())
                .start();
        System.out.println("KAFKA_READY bootstrap=" + kafka.bootstrapServers()
                + " startup_ms=" + kafka.startupTime().toMillis());
        System.out.flush();
        new CountDownLatch(1).await();
    }

    /** Options for a {@link LocalKafka}; {@link #start()} returns once the broker is ready. */
    public static final class Builder {
        private final Path workDir;
        private final String brokerClasspath;
        private int port;
        private int controllerPort;
        private int numPartitions = 1;
        private Duration readyTimeout = DEFAULT_READY_TIMEOUT;
        private final Map<String, String> serverProperties = new LinkedHashMap<>();
        private String clusterId;
        private String maxHeap;
        private final Map<String, String> listeners = new LinkedHashMap<>();
        private final List<String> formatArguments = new ArrayList<>();

        private Builder(Path workDir, String brokerClasspath) {
            this.workDir = Objects.requireNonNull(workDir, "workDir");
            this.brokerClasspath = Objects.requireNonNull(brokerClasspath, "brokerClasspath");
            if (brokerClasspath.isBlank()) {
                throw new IllegalArgumentException("brokerClasspath is empty; it must contain kafka_2.13");
            }
        }

        /** The PLAINTEXT listener port; 0 (the default) picks a free one. */
        public Builder port(int port) {
            this.port = checkPort(port, "port");
            return this;
        }

        /** The KRaft controller listener port; 0 (the default) picks a free one. */
        public Builder controllerPort(int controllerPort) {
            this.controllerPort = checkPort(controllerPort, "controllerPort");
            return this;
        }

        /** The broker's {@code num.partitions} for auto-created topics; 1 by default. */
        public Builder numPartitions(int numPartitions) {
            if (numPartitions < 1) {
                throw new IllegalArgumentException("numPartitions must be at least 1, got " + numPartitions);
            }
            this.numPartitions = numPartitions;
            return this;
        }

        /** Sets or overrides a line of server.properties, e.g. {@code auto.create.topics.enable=false}. */
        public Builder serverProperty(String key, String value) {
            serverProperties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Adds a listener {@code name} with {@code securityProtocol} (e.g. {@code SASL_SSL}) on a free loopback port,
         * beside PLAINTEXT (used by this class and inter-broker) and CONTROLLER; its settings
         * ({@code listener.name.<name>.*}, {@code ssl.*}) go in {@link #serverProperty}. Address:
         * {@link LocalKafka#bootstrapServers(String)}.
         */
        public Builder listener(String name, String securityProtocol) {
            if (!name.matches("[A-Z][A-Z0-9_]*") || name.equals("PLAINTEXT") || name.equals("CONTROLLER")) {
                throw new IllegalArgumentException("listener name must be upper case and not PLAINTEXT or "
                        + "CONTROLLER, got " + name);
            }
            listeners.put(name, Objects.requireNonNull(securityProtocol, "securityProtocol"));
            return this;
        }

        /**
         * Extra arguments of the storage format ({@code kafka-storage format}), e.g. {@code --add-scram
         * SCRAM-SHA-512=[name=u,password=p]} to create SCRAM users with the broker's own tool.
         */
        public Builder formatArguments(String... arguments) {
            formatArguments.addAll(Arrays.asList(arguments));
            return this;
        }

        /** How long start and restart wait for the broker; {@link #DEFAULT_READY_TIMEOUT} by default. */
        public Builder readyTimeout(Duration readyTimeout) {
            if (readyTimeout.isNegative() || readyTimeout.isZero()) {
                throw new IllegalArgumentException("readyTimeout must be positive, got " + readyTimeout);
            }
            this.readyTimeout = readyTimeout;
            return this;
        }

        /** The KRaft cluster id the storage is formatted with; a random one by default. Nodes of one cluster share it. */
        public Builder clusterId(String clusterId) {
            this.clusterId = Objects.requireNonNull(clusterId, "clusterId");
            return this;
        }

        /** The broker JVM's {@code -Xmx}, e.g. {@code 384m}; 512m by default. */
        public Builder maxHeap(String maxHeap) {
            if (!maxHeap.matches("[1-9][0-9]*[kmg]")) {
                throw new IllegalArgumentException("maxHeap must be a size such as 384m, got '" + maxHeap + "'");
            }
            this.maxHeap = maxHeap;
            return this;
        }

        private List<String> jvmOptions() {
            if (maxHeap == null) {
                return BROKER_JVM_OPTIONS;
            }
            // No -Xms: the default initial heap never exceeds -Xmx, and pages are only resident once used.
            return BROKER_JVM_OPTIONS.stream()
                    .filter(o -> !o.startsWith("-Xms"))
                    .map(o -> o.startsWith("-Xmx") ? "-Xmx" + maxHeap : o)
                    .toList();
        }

        /** Formats fresh storage, starts the broker JVM and returns once it answers {@code describeCluster}. */
        public LocalKafka start() {
            if (port != 0 && port == controllerPort) {
                throw new IllegalArgumentException("port and controllerPort must differ, both are " + port);
            }
            return launch(this);
        }

        private static int checkPort(int port, String name) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException(name + " must be 0 (free) or a TCP port, got " + port);
            }
            return port;
        }
    }

    /** The broker exited because a listener port was taken. */
    private static final class PortInUseException extends IllegalStateException {
        PortInUseException(String message) {
            super(message);
        }
    }
}
