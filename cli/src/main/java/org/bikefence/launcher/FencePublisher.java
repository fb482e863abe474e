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
import org.bikefence.geofence.FenceFiles;
import org.bikefence.geofence.FenceSet;
import org.bikefence.geofence.FenceSetGeoJson;
import org.bikefence.geofence.FenceLoaders;
import org.bikefence.geofence.tool.FenceFileOptions;
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
    /** How every file is read (the options of {@code fences check|classify}); a file's own options override them. */
    private final LoadOptions options;

    FencePublisher(Producer<byte[], byte[]> producer, String topic, PrintStream log) {
        this(producer, topic, log, LoadOptions.defaults());
    }

    FencePublisher(Producer<byte[], byte[]> producer, String topic, PrintStream log, LoadOptions options) {
        this.producer = producer;
        this.topic = topic;
        this.log = log;
        this.options = options;
    }

    /** What goes on the topic for a fence set of files: the record's value and the set it holds. */
    record Content(byte[] bytes, FenceSet set) {}

    /**
     * The record value for a fence set made of {@code files}, validated: one file read with the default options
     * goes as its own bytes, as it always did; otherwise the files are read with their options and the set goes as
     * one bikefence GeoJSON file ({@link FenceSetGeoJson}), which the jobs read with the default options into the
     * same fences (they read every update so).
     *
     * @throws org.bikefence.geofence.FenceFileException naming file, feature or line, property and value
     * @throws IllegalArgumentException for an option value that cannot be used
     */
    static Content content(List<FenceFiles.Entry> files, LoadOptions options, String version) throws IOException {
        boolean asGiven = files.size() == 1 && files.get(0).options().isEmpty()
                && options.equals(LoadOptions.defaults()) && version == null;
        if (asGiven) {
            Path file = files.get(0).path();
            byte[] bytes = Files.readAllBytes(file);
            return new Content(bytes, FenceLoaders.load(bytes, file.toString(), LoadOptions.defaults()).fences());
        }
        FenceSet set = FenceFiles.load(files, options, version).fences();
        // Not a .csv name: the jobs pick the format by the source's extension and the content.
        String source = String.join(";", files.stream().map(FenceFiles.Entry::spec).toList()) + " (one set)";
        return new Content(FenceSetGeoJson.writeChecked(set, source), set);
    }

    /** Validates and publishes one file; returns its version, or throws with the validation problem. */
    String publish(Path file, String name) throws IOException, InterruptedException, ExecutionException {
        return publish(List.of(FenceFiles.Entry.of(file.toString())), null, name);
    }

    /**
     * Validates the files as one fence set and publishes it, whole, as one record; returns its version, or throws
     * with the validation problem.
     */
    String publish(List<FenceFiles.Entry> files, String version, String name)
            throws IOException, InterruptedException, ExecutionException {
        Content content = content(files, options, version);
        producer.send(new ProducerRecord<>(topic, name.getBytes(StandardCharsets.UTF_8), content.bytes())).get();
        if (files.size() == 1) {
            published.put(files.get(0).path(), digest(Files.readAllBytes(files.get(0).path())));
        }
        FenceSet set = content.set();
        log.printf("published %s: fence set %s, %d fences, to topic %s%n", String.join(", ",
                files.stream().map(FenceFiles.Entry::spec).toList()), set.version(), set.fences().size(), topic);
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
            description = "Validates the fence files (any format fences check reads, each with its own options as "
                    + "FILE:key=value,...) and publishes them as one whole fence set to the topic; running jobs switch "
                    + "to it. One file without options goes as it is; otherwise the set goes as one bikefence GeoJSON. "
                    + "--watch publishes each *.geojson file in DIR whenever it changes.")
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
                description = "record key of the published set (default: the first file's name without .geojson)")
        String name;

        @Option(names = "--watch", paramLabel = "DIR",
                description = "publish the fence files in DIR whenever they change, until Ctrl-C (default: none)")
        Path watch;

        @Option(names = "--every", paramLabel = "SECONDS", defaultValue = "5",
                description = "how often --watch looks at DIR (default: ${DEFAULT-VALUE})")
        long everySeconds;

        @Parameters(paramLabel = "FILE[:key=value,...]", arity = "0..*",
                description = "fence files making the set to publish, each with its own options (keys as in fences "
                        + "classify --fences) (default: none)")
        List<String> files = new ArrayList<>();

        @picocli.CommandLine.Mixin
        FenceFileOptions fenceOptions;

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
            List<FenceFiles.Entry> entries;
            LoadOptions options;
            try {
                entries = FenceFileOptions.entries(files);
                options = fenceOptions.loadOptions();
                for (FenceFiles.Entry e : entries) {
                    FenceFiles.options(e, options);
                }
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
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
            try (FencePublisher p = new FencePublisher(new KafkaProducer<>(props), topic, System.out, options)) {
                if (!entries.isEmpty()) {
                    try {
                        p.publish(entries, fenceOptions.version(), name != null ? name
                                : nameOf(entries.get(0).path()));
                    } catch (RuntimeException e) {
                        failures++;
                        System.err.println("NOT published " + String.join(", ",
                                entries.stream().map(FenceFiles.Entry::spec).toList()) + ": " + e.getMessage());
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
