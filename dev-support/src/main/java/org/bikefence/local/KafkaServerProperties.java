package org.bikefence.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** The server.properties of the single-node KRaft broker that {@link LocalKafka} runs. */
record KafkaServerProperties(
        int port, int controllerPort, int numPartitions, Path logDir, Map<String, String> overrides) {

    static final String HOST = "127.0.0.1";

    KafkaServerProperties {
        if (port <= 0 || controllerPort <= 0 || port == controllerPort) {
            throw new IllegalArgumentException(
                    "port and controllerPort must be distinct and positive, got " + port + " and " + controllerPort);
        }
        if (numPartitions < 1) {
            throw new IllegalArgumentException("numPartitions must be at least 1, got " + numPartitions);
        }
        overrides = Collections.unmodifiableMap(new LinkedHashMap<>(overrides));
    }

    KafkaServerProperties(int port, int controllerPort, int numPartitions, Path logDir) {
        this(port, controllerPort, numPartitions, logDir, Map.of());
    }

    String bootstrapServers() {
        return HOST + ":" + port;
    }

    Map<String, String> asMap() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        // A static quorum: the format step needs no --standalone and restarts reuse the same ports.
        p.put("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", logDir.toAbsolutePath().toString());
        p.put("num.partitions", Integer.toString(numPartitions));
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("offsets.topic.replication.factor", "1");
        // One partition instead of 50: the first consumer group joins in well under a second on 2 cores.
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // The default 128 MiB would take a quarter of the 512 MiB broker heap for compacting __consumer_offsets.
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024));
        // Defaults (3 network, 8 I/O threads) are sized for servers; the demo machine has 2 shared cores.
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        // Flink's KafkaSink asks for 1 h transactions by default; the broker's default ceiling is 15 min.
        p.put("transaction.max.timeout.ms", Long.toString(Duration.ofHours(1).toMillis()));
        // Tests, replays and the demo send records stamped with past event times. Under the default 7-day
        // retention the broker's periodic check (every 5 min) deletes such records, sometimes between
        // produce and consume: a dev broker keeps everything until its directory is removed.
        p.put("log.retention.ms", "-1");
        p.putAll(overrides);
        return p;
    }

    String render() {
        return asMap().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue().replace("\\", "\\\\"))
                .collect(Collectors.joining("\n", "", "\n"));
    }

    /** Log4j 2 configuration for the broker JVM, whose console goes to kafka.log. */
    static String log4j2Config() {
        return String.join("\n",
                "status = warn",
                // Kafka logs its own shutdown from a shutdown hook; log4j must not stop before it.
                "shutdownHook = disable",
                "appender.out.type = Console",
                "appender.out.name = out",
                "appender.out.layout.type = PatternLayout",
                "appender.out.layout.pattern = [%d] %p %m (%c)%n",
                "rootLogger.level = info",
                "rootLogger.appenderRef.out.ref = out",
                // Full config dumps add hundreds of lines per start and hide the interesting ones.
                "logger.config.name = org.apache.kafka.common.config.AbstractConfig",
                "logger.config.level = warn",
                "logger.request.name = kafka.request.logger",
                "logger.request.level = warn",
                "");
    }
}
