package org.bikefence.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.bikefence.model.DemoEndpoints;
import org.bikefence.geofence.FenceSet;
import org.bikefence.geofence.FenceLoaders;
import org.bikefence.geofence.LoadOptions;
import org.bikefence.model.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Publishes whole fence files to the {@code geofences} topic, where running jobs pick them up; with
 * {@code --watch DIR} it publishes every fence file in a directory whenever its content changes.
 * A file is validated before it is published, so a bad edit never reaches the jobs.
 */
public final class FencePublisher implements AutoCloseable {
    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final PrintStream log;
    private final Map<Path, String> published = new HashMap<>();

    FencePublisher(Producer<byte[], byte[]> producer, String topic, PrintStream log) {
        this.producer = producer;
        this.topic = topic;
        this.log = log;
    }

    /** Validates and publishes one file; returns its version, or throws with the validation problem. */
    String publish(Path file, String name) throws IOException, InterruptedException, ExecutionException {
        byte[] content = Files.readAllBytes(file);
        FenceSet set = FenceLoaders.load(content, file.toString(), LoadOptions.defaults()).fences();
        producer.send(new ProducerRecord<>(topic, name.getBytes(StandardCharsets.UTF_8), content)).get();
        published.put(file, digest(content));
        log.printf("published %s: fence set %s, %d fences, to topic %s%n", file, set.version(), set.fences().size(),
                topic);
        return set.version();
    }

    /**
     * One pass over a watched directory: publishes the fence files that are new or changed since the last
     * pass. An invalid file is reported and skipped (the jobs keep their set); it is retried when it changes.
     *
     * @return the files published in this pass
     */
    List<Path> pollOnce(Path dir) throws IOException, InterruptedException, ExecutionException {
        List<Path> done = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".geojson")).sorted().toList();
        }
        for (Path f : files) {
            String d = digest(Files.readAllBytes(f));
            if (d.equals(published.get(f))) {
                continue;
            }
            try {
                publish(f, nameOf(f));
                done.add(f);
            } catch (RuntimeException e) {
                log.printf("NOT published %s: %s%n", f, e.getMessage());
                // Remember the bad content so it is reported once, not on every pass.
                published.put(f, d);
            }
        }
        return done;
    }

    static String nameOf(Path file) {
        String n = file.getFileName().toString();
        return n.endsWith(".geojson") ? n.substring(0, n.length() - ".geojson".length()) : n;
    }

    private static String digest(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }

    /** {@code fences publish} on its own: {@code FencePublisher [options] FILE...} ({@code --help}). */
    public static void main(String[] args) {
        System.exit(org.bikefence.geofence.tool.CliSupport.execute(new Publish(), args));
    }

    /** The publisher's producer settings, connecting with {@code security}; no secret value is in them. */
    static Properties producerProperties(String bootstrap, org.bikefence.kafka.KafkaClientSecurity security) {
        Properties props = security.applyTo(new Properties());
        props.put("bootstrap.servers", bootstrap);
        props.put("acks", "all");
        props.put("max.request.size", String.valueOf(64 * 1024 * 1024));
        props.put("delivery.timeout.ms", "30000");
        props.put("request.timeout.ms", "10000");
        props.put("key.serializer", ByteArraySerializer.class.getName());
        props.put("value.serializer", ByteArraySerializer.class.getName());
        return props;
    }

    /** {@code fences publish}: validates fence files and publishes them, once or whenever they change. */
    @Command(name = "publish", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Validates each fence file (GeoJSON) and publishes it whole to the topic; running jobs "
                    + "switch to it. --watch publishes the *.geojson files in DIR whenever they change.")
    public static final class Publish implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--bootstrap", paramLabel = "HOST:PORT", defaultValue = DemoEndpoints.KAFKA_BOOTSTRAP,
                description = "Kafka brokers (default: ${DEFAULT-VALUE}, the demo's)")
        String bootstrap;

        @Option(names = "--topic", paramLabel = "T", defaultValue = Topics.GEOFENCES,
                description = "fence topic the jobs read (default: ${DEFAULT-VALUE})")
        String topic;

        @Option(names = "--name", paramLabel = "NAME",
                description = "record key of the published set (default: the file name without .geojson)")
        String name;

        @Option(names = "--watch", paramLabel = "DIR",
                description = "publish the fence files in DIR whenever they change, until Ctrl-C (default: none)")
        Path watch;

        @Option(names = "--every", paramLabel = "SECONDS", defaultValue = "5",
                description = "how often --watch looks at DIR (default: ${DEFAULT-VALUE})")
        long everySeconds;

        @Parameters(paramLabel = "FILE", arity = "0..*", description = "fence files to publish (default: none)")
        List<Path> files = new ArrayList<>();

        @picocli.CommandLine.Mixin
        KafkaSecurityOptions security;

        @Override
        public Integer call() throws Exception {
            if (files.isEmpty() == (watch == null)) {
                throw new ParameterException(spec.commandLine(), "give either FILE... or --watch DIR");
            }
            if (everySeconds <= 0) {
                throw new ParameterException(spec.commandLine(), "option '--every' must be positive, was "
                        + everySeconds);
            }
            org.bikefence.kafka.KafkaClientSecurity kafkaSecurity = security.validated(spec);
            // A missing secret or a refused login is one line (exit 1) before anything is read or sent.
            kafkaSecurity.checkHere(System::getenv);
            String notAnswered = kafkaSecurity.checkLogin(bootstrap, java.time.Duration.ofSeconds(10));
            if (notAnswered != null) {
                System.err.println("Kafka at " + bootstrap + " did not answer (" + notAnswered + "); trying anyway");
            }
            Properties props = producerProperties(bootstrap, kafkaSecurity);
            int failures = 0;
            try (FencePublisher p = new FencePublisher(new KafkaProducer<>(props), topic, System.out)) {
                for (Path f : files) {
                    try {
                        p.publish(f, name != null ? name : nameOf(f));
                    } catch (RuntimeException e) {
                        failures++;
                        System.err.println("NOT published " + f + ": " + e.getMessage());
                    }
                }
                if (watch != null) {
                    System.out.println("watching " + watch + " every " + everySeconds + " s; Ctrl-C stops");
                    while (true) {
                        p.pollOnce(watch);
                        Thread.sleep(everySeconds * 1000); // the watch interval
                    }
                }
            }
            return failures == 0 ? 0 : 1;
        }
    }
}
