package org.bikefence.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A real three-node KRaft Kafka cluster for fault tests: each node a {@link LocalKafka} (its own JVM, log
 * directories and loopback ports), all three both broker and controller (a three-voter quorum), with replication 3
 * and {@code min.insync.replicas} 2 for every topic, the internal ones included. One node can be killed with SIGKILL
 * ({@link #kill}) and started again on its data ({@link #restart}); producers with {@code acks=all} carry on with
 * the other two.
 */
public final class LocalKafkaCluster implements AutoCloseable {

    /** Nodes of the cluster, with ids 1 to 3. */
    public static final int NODES = 3;
    public static final int REPLICATION = 3;
    public static final int MIN_INSYNC_REPLICAS = 2;
    /** A small heap per broker JVM: three of them share the machine with the test JVM and others. */
    public static final String DEFAULT_MAX_HEAP = "384m";
    /** Three JVMs start at once on a small machine, and each waits for the quorum. */
    public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(120);

    private static final Logger LOG = LogManager.getLogger(LocalKafkaCluster.class);
    private static final int START_ATTEMPTS = 3;
    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);

    private final Map<Integer, LocalKafka> nodes;
    private boolean closed;

    private LocalKafkaCluster(Map<Integer, LocalKafka> nodes) {
        this.nodes = nodes;
    }

    /** Starts three nodes on free loopback ports, each in {@code workDir/node-<id>}; see {@link #builder}. */
    public static LocalKafkaCluster start(Path workDir, String brokerClasspath) {
        return builder(workDir, brokerClasspath).start();
    }

    /**
     * The work directory for a cluster of this JVM under {@code parent}, {@code kafka-cluster-<pid>}, after stopping
     * the nodes that test JVMs killed before their shutdown hooks ran left in such directories (their pid is in the
     * name): three broker JVMs each would hold their ports and heap until the machine restarts.
     */
    public static Path workDirOfThisJvm(Path parent) {
        if (Files.isDirectory(parent)) {
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(parent, "kafka-cluster-*")) {
                for (Path dir : dirs) {
                    String owner = dir.getFileName().toString().substring("kafka-cluster-".length());
                    if (owner.chars().allMatch(Character::isDigit) && !owner.isEmpty()
                            && ProcessHandle.of(Long.parseLong(owner)).isEmpty()) {
                        for (int id = 1; id <= NODES; id++) {
                            LocalKafka.stopLeftoverBroker(dir.resolve("node-" + id));
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Could not look for leftover Kafka nodes in " + parent, e);
            }
        }
        return parent.resolve("kafka-cluster-" + ProcessHandle.current().pid());
    }

    /**
     * A builder for a cluster whose nodes keep their files in {@code workDir/node-1} to {@code node-3} and run with
     * {@code brokerClasspath}, which must contain {@code kafka_2.13} and its dependencies.
     */
    public static Builder builder(Path workDir, String brokerClasspath) {
        return new Builder(workDir, brokerClasspath);
    }

    /** The {@code host:port} list of all three brokers, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return nodes.values().stream().map(LocalKafka::bootstrapServers).collect(Collectors.joining(","));
    }

    /** The node ids, 1 to 3. */
    public Set<Integer> nodeIds() {
        return nodes.keySet();
    }

    /**
     * Node {@code id}, for its ports, pid and log; a client given its {@link LocalKafka#bootstrapServers} alone finds
     * the whole cluster from it while it runs.
     */
    public LocalKafka node(int id) {
        LocalKafka node = nodes.get(id);
        if (node == null) {
            throw new IllegalArgumentException("No node " + id + "; the nodes are " + nodes.keySet());
        }
        return node;
    }

    /** A node that is running, to bootstrap a client that takes one {@link LocalKafka}. */
    public LocalKafka anyRunningNode() {
        return nodes.values().stream().filter(n -> n.pid() > 0).findFirst()
                .orElseThrow(() -> new IllegalStateException("No node of the cluster is running"));
    }

    /** Kills node {@code id} with SIGKILL, as a crash would, and returns once its JVM has exited. */
    public void kill(int id) {
        LocalKafka node = node(id);
        LOG.info("Killing Kafka node {} (pid {}) on {}", id, node.pid(), node.bootstrapServers());
        node.kill();
    }

    /**
     * Starts node {@code id} again on its log directories and ports (stopping it cleanly first if it runs), returning
     * once it answers; {@link #awaitInSync} waits until it has caught up.
     */
    public void restart(int id) {
        node(id).restart();
    }

    /**
     * Creates the topics with replication 3 (so {@code min.insync.replicas} 2 of the brokers applies), ignoring those
     * that exist, and returns once every partition has a leader and all three replicas in sync.
     */
    public void createTopics(int partitions, String... names) {
        List<String> topics = List.of(names);
        List<NewTopic> newTopics = topics.stream()
                .map(t -> new NewTopic(t, partitions, (short) REPLICATION))
                .toList();
        try (Admin admin = admin()) {
            for (Map.Entry<String, org.apache.kafka.common.KafkaFuture<Void>> created :
                    admin.createTopics(newTopics).values().entrySet()) {
                try {
                    created.getValue().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("Could not create topic " + created.getKey(), e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics " + topics, e);
        }
        awaitReplicated(topics, Duration.ofSeconds(60));
    }

    /** The leader of each partition of {@code topic} (-1 for none), by partition. */
    public Map<Integer, Integer> leaders(String topic) {
        Map<Integer, Integer> leaders = new TreeMap<>();
        for (TopicPartitionInfo p : describe(List.of(topic)).get(topic).partitions()) {
            leaders.put(p.partition(), p.leader() == null ? -1 : p.leader().id());
        }
        return leaders;
    }

    /** The leader of one partition, -1 for none. */
    public int leader(String topic, int partition) {
        return leaders(topic).getOrDefault(partition, -1);
    }

    /** The node that leads the metadata quorum (the active controller). */
    public int activeController() {
        try (Admin admin = admin()) {
            return admin.describeMetadataQuorum().quorumInfo().get(10, TimeUnit.SECONDS).leaderId();
        } catch (Exception e) {
            throw new IllegalStateException("Could not describe the metadata quorum of " + bootstrapServers(), e);
        }
    }

    /** The brokers the cluster's metadata shows as registered and unfenced. */
    public Set<Integer> liveBrokers() {
        try (Admin admin = admin()) {
            Collection<Node> brokers = admin.describeCluster(new DescribeClusterOptions().timeoutMs(5000))
                    .nodes().get(10, TimeUnit.SECONDS);
            return brokers.stream().map(Node::id).collect(Collectors.toCollection(TreeSet::new));
        } catch (Exception e) {
            throw new IllegalStateException("Could not describe the cluster " + bootstrapServers(), e);
        }
    }

    /**
     * Waits until the cluster has taken in that node {@code id} is gone: it leads no partition and is in no
     * partition's in-sync replicas. The controller fences a broker after {@code broker.session.timeout.ms} (9 s)
     * without a heartbeat.
     */
    public void awaitOutOfSync(int id, Duration timeout) {
        awaitPartitions(timeout, "node " + id + " to lead no partition and be out of every ISR",
                p -> (p.leader() == null || p.leader().id() != id)
                        && p.isr().stream().noneMatch(n -> n.id() == id));
    }

    /** Waits until node {@code id} is registered and back in the in-sync replicas of every partition it holds. */
    public void awaitInSync(int id, Duration timeout) {
        awaitPartitions(timeout, "node " + id + " back in the ISR of every partition it replicates",
                p -> p.replicas().stream().noneMatch(n -> n.id() == id) || p.isr().stream().anyMatch(n -> n.id() == id));
    }

    /** Producer settings of {@link LocalKafka#producerProps} ({@code acks=all}, idempotent) for the whole cluster. */
    public Properties producerProps() {
        Properties props = anyRunningNode().producerProps();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return props;
    }

    /** Consumer settings of {@link LocalKafka#consumerProps} for the whole cluster. */
    public Properties consumerProps(String groupId) {
        Properties props = anyRunningNode().consumerProps(groupId);
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return props;
    }

    /** Stops every node cleanly (SIGTERM, then SIGKILL after 30 s), all three at once. Keeps the work directories. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeAll(nodes.values());
    }

    private void awaitReplicated(Collection<String> topics, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String pending;
            try {
                Map<String, TopicDescription> described = describe(topics);
                pending = described.values().stream()
                        .flatMap(d -> d.partitions().stream()
                                .filter(p -> p.leader() == null || p.isr().size() < REPLICATION)
                                .map(p -> d.name() + "-" + p.partition()))
                        .collect(Collectors.joining(", "));
            } catch (IllegalStateException notYet) {
                // A topic just created may not be in the metadata of the node asked yet (CI: "Could not
                // describe topics" right after createTopics on a loaded machine); ask again until the deadline.
                pending = notYet.getMessage() + ": " + notYet.getCause();
            }
            if (pending.isEmpty()) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("Partitions without a leader or with fewer than " + REPLICATION
                        + " in-sync replicas after " + timeout + ": " + pending);
            }
            pause();
        }
    }

    private void awaitPartitions(Duration timeout, String what, java.util.function.Predicate<TopicPartitionInfo> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String pending = "";
        while (System.nanoTime() - deadline < 0) {
            try (Admin admin = admin()) {
                Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names()
                        .get(10, TimeUnit.SECONDS);
                Map<String, TopicDescription> described = admin.describeTopics(topics,
                        new DescribeTopicsOptions().timeoutMs(5000)).allTopicNames().get(10, TimeUnit.SECONDS);
                pending = described.values().stream()
                        .flatMap(d -> d.partitions().stream().filter(done.negate())
                                .map(p -> d.name() + "-" + p.partition() + " (leader "
                                        + (p.leader() == null ? "none" : p.leader().id()) + ", isr "
                                        + p.isr().stream().map(Node::id).toList() + ")"))
                        .collect(Collectors.joining(", "));
                if (pending.isEmpty()) {
                    return;
                }
            } catch (ExecutionException | java.util.concurrent.TimeoutException notYet) {
                pending = notYet.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + what, e);
            }
            pause();
        }
        throw new IllegalStateException("Waited " + timeout + " for " + what + "; still: " + pending);
    }

    private Map<String, TopicDescription> describe(Collection<String> topics) {
        try (Admin admin = admin()) {
            return admin.describeTopics(topics, new DescribeTopicsOptions().timeoutMs(5000)).allTopicNames()
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Could not describe topics " + topics + " on " + bootstrapServers(), e);
        }
    }

    private Admin admin() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 8000);
        props.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, 1000);
        props.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, 2000);
        props.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 100);
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        return Admin.create(props);
    }

    /**
     * What every node's server.properties adds to {@link KafkaServerProperties}: its id, the three voters, and
     * replication 3 with two in sync for the topics and the internal ones (offsets, transactions, share state).
     */
    static Map<String, String> nodeProperties(int id, int[] controllerPorts) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("node.id", Integer.toString(id));
        List<String> voters = new ArrayList<>();
        for (int i = 0; i < controllerPorts.length; i++) {
            voters.add((i + 1) + "@" + KafkaServerProperties.HOST + ":" + controllerPorts[i]);
        }
        p.put("controller.quorum.voters", String.join(",", voters));
        p.put("default.replication.factor", Integer.toString(REPLICATION));
        p.put("min.insync.replicas", Integer.toString(MIN_INSYNC_REPLICAS));
        p.put("offsets.topic.replication.factor", Integer.toString(REPLICATION));
        p.put("transaction.state.log.replication.factor", Integer.toString(REPLICATION));
        p.put("transaction.state.log.min.isr", Integer.toString(MIN_INSYNC_REPLICAS));
        p.put("share.coordinator.state.topic.replication.factor", Integer.toString(REPLICATION));
        p.put("share.coordinator.state.topic.min.isr", Integer.toString(MIN_INSYNC_REPLICAS));
        // A replica that lost its leader must never become leader with records missing.
        p.put("unclean.leader.election.enable", "false");
        return p;
    }

    private static LocalKafkaCluster launch(Builder b) {
        for (int attempt = 1; ; attempt++) {
            try {
                return launchOnce(b);
            } catch (IllegalStateException e) {
                // Another build may take one of the six ports between the probe and the bind.
                if (attempt == START_ATTEMPTS || !String.valueOf(e.getMessage()).contains("already in use")) {
                    throw e;
                }
                LOG.warn("A port of the Kafka cluster was taken; retrying on other ports. {}", e.getMessage());
            }
        }
    }

    private static LocalKafkaCluster launchOnce(Builder b) {
        int[] ports = LocalKafka.freeLoopbackPorts(2 * NODES);
        int[] controllerPorts = new int[NODES];
        for (int i = 0; i < NODES; i++) {
            controllerPorts[i] = ports[2 * i + 1];
        }
        String clusterId = Uuid.randomUuid().toString();
        // No node is ready before a quorum of voters runs: all three start at once.
        ExecutorService starters = Executors.newFixedThreadPool(NODES, r -> {
            Thread t = new Thread(r, "local-kafka-cluster-start");
            t.setDaemon(true);
            return t;
        });
        CompletionService<LocalKafka> done = new ExecutorCompletionService<>(starters);
        List<Future<LocalKafka>> starting = new ArrayList<>();
        Map<Integer, LocalKafka> nodes = new TreeMap<>();
        try {
            for (int i = 0; i < NODES; i++) {
                int id = i + 1;
                LocalKafka.Builder node = LocalKafka.builder(b.workDir.resolve("node-" + id), b.brokerClasspath)
                        .port(ports[2 * i])
                        .controllerPort(controllerPorts[i])
                        .numPartitions(b.numPartitions)
                        .clusterId(clusterId)
                        .maxHeap(b.maxHeap)
                        .readyTimeout(b.readyTimeout);
                nodeProperties(id, controllerPorts).forEach(node::serverProperty);
                b.serverProperties.forEach(node::serverProperty);
                starting.add(done.submit(node::start));
            }
            // In the order they get ready: a node that fails stops the others at once (an interrupted start stops
            // its JVM), rather than leaving them to wait for a quorum that will not form.
            for (int i = 0; i < NODES; i++) {
                Future<LocalKafka> started = done.take();
                try {
                    LocalKafka node = started.get();
                    nodes.put(starting.indexOf(started) + 1, node);
                } catch (ExecutionException e) {
                    starting.forEach(f -> f.cancel(true));
                    closeAll(nodes.values());
                    throw e.getCause() instanceof RuntimeException r ? r
                            : new IllegalStateException("A Kafka node did not start", e.getCause());
                }
            }
            LocalKafkaCluster cluster = new LocalKafkaCluster(nodes);
            cluster.awaitAllBrokers(b.readyTimeout);
            LOG.info("Kafka cluster {} of {} nodes ready on {}", clusterId, NODES, cluster.bootstrapServers());
            return cluster;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            starting.forEach(f -> f.cancel(true));
            closeAll(nodes.values());
            throw new IllegalStateException("Interrupted while starting the Kafka cluster", e);
        } finally {
            starters.shutdown();
        }
    }

    private void awaitAllBrokers(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Set<Integer> live = Set.of();
        while (System.nanoTime() - deadline < 0) {
            try {
                live = liveBrokers();
                if (live.equals(nodes.keySet())) {
                    return;
                }
            } catch (IllegalStateException notYet) {
                LOG.debug("Kafka cluster not ready yet: {}", notYet.toString());
            }
            pause();
        }
        close();
        throw new IllegalStateException("Only brokers " + live + " of " + nodes.keySet() + " registered within "
                + timeout + "; logs in " + nodes.values().stream().map(n -> n.logFile().toString()).toList());
    }

    private static void closeAll(Collection<LocalKafka> nodes) {
        List<Thread> stoppers = new ArrayList<>();
        for (LocalKafka node : nodes) {
            Thread t = new Thread(node::close, "local-kafka-cluster-stop-" + node.port());
            t.start();
            stoppers.add(t);
        }
        for (Thread t : stoppers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(POLL_INTERVAL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the Kafka cluster", e);
        }
    }

    /** Options for a {@link LocalKafkaCluster}; {@link #start()} returns once all three brokers are registered. */
    public static final class Builder {
        private final Path workDir;
        private final String brokerClasspath;
        private int numPartitions = 1;
        private String maxHeap = DEFAULT_MAX_HEAP;
        private Duration readyTimeout = DEFAULT_READY_TIMEOUT;
        private final Map<String, String> serverProperties = new LinkedHashMap<>();

        private Builder(Path workDir, String brokerClasspath) {
            this.workDir = Objects.requireNonNull(workDir, "workDir").toAbsolutePath();
            this.brokerClasspath = Objects.requireNonNull(brokerClasspath, "brokerClasspath");
        }

        /** {@code num.partitions} for auto-created topics; 1 by default. */
        public Builder numPartitions(int numPartitions) {
            this.numPartitions = numPartitions;
            return this;
        }

        /** Each broker JVM's {@code -Xmx}; {@value #DEFAULT_MAX_HEAP} by default. */
        public Builder maxHeap(String maxHeap) {
            this.maxHeap = Objects.requireNonNull(maxHeap, "maxHeap");
            return this;
        }

        /** How long each node's start and the whole cluster's wait; {@link #DEFAULT_READY_TIMEOUT} by default. */
        public Builder readyTimeout(Duration readyTimeout) {
            this.readyTimeout = Objects.requireNonNull(readyTimeout, "readyTimeout");
            return this;
        }

        /** Sets or overrides a line of every node's server.properties. */
        public Builder serverProperty(String key, String value) {
            serverProperties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Formats fresh storage on every node, starts the three JVMs and returns once all three brokers are registered. */
        public LocalKafkaCluster start() {
            return launch(this);
        }
    }
}
