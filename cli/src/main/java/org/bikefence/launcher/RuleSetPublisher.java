package org.bikefence.launcher;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.bikefence.model.DemoEndpoints;
import org.bikefence.model.Topics;
import org.bikefence.rules.RuleSet;
import org.bikefence.rules.RuleSetException;
import org.bikefence.rules.RuleSetLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Publishes a rule-set version to the rule-set topic, where running jobs with {@code kafka.rulesets-topic} take it
 * (flink-jobs README, "Rule-set versions while running"). The file is validated with the job's loader first, so a
 * bad edit never reaches the jobs; the jobs validate it again against the versions they have.
 */
public final class RuleSetPublisher {
    private RuleSetPublisher() {}

    /** {@code rules publish}: validates a rule-set file and publishes its text, key = its version. */
    @Command(name = "publish", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Validates a rule-set file with the loader and publishes its text (key = its version) to "
                    + "the rule-set topic; running jobs with kafka.rulesets-topic take it, from its effectiveFrom day "
                    + "(a rule_set point says whether they accepted it).",
                "A bad file is refused with the loader's one line (file, line, field, value), exit 1, nothing sent."})
    public static final class Publish implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE.yaml", description = "rule-set file to publish (default: none, required)")
        Path file;

        @Option(names = "--bootstrap", paramLabel = "HOST:PORT", defaultValue = DemoEndpoints.KAFKA_BOOTSTRAP,
                description = "Kafka brokers (default: ${DEFAULT-VALUE}, the demo's)")
        String bootstrap;

        @Option(names = "--topic", paramLabel = "T", defaultValue = Topics.RULESETS,
                description = "rule-set topic the jobs read (default: ${DEFAULT-VALUE})")
        String topic;

        @picocli.CommandLine.Mixin
        KafkaSecurityOptions security;

        @Override
        public Integer call() throws Exception {
            if (!Files.isRegularFile(file)) {
                throw new ParameterException(spec.commandLine(), "FILE.yaml '" + file + "': no such file");
            }
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            RuleSet rules;
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
                rules = RuleSetLoader.load(file);
            } catch (RuleSetException | UncheckedIOException e) {
                err.println(spec.qualifiedName() + ": NOT published: "
                        + org.bikefence.geofence.tool.CliSupport.oneLine(e.getMessage()));
                err.flush();
                return 1;
            }
            org.bikefence.kafka.KafkaClientSecurity kafkaSecurity = security.validated(spec);
            // A missing secret or a refused login is one line (exit 1) before anything is sent.
            kafkaSecurity.checkHere(System::getenv);
            String notAnswered = kafkaSecurity.checkLogin(bootstrap, java.time.Duration.ofSeconds(10));
            if (notAnswered != null) {
                err.println("Kafka at " + bootstrap + " did not answer (" + notAnswered + "); trying anyway");
                err.flush();
            }
            Properties props = FencePublisher.producerProperties(bootstrap, kafkaSecurity);
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
                producer.send(new ProducerRecord<>(topic, rules.version().getBytes(StandardCharsets.UTF_8), bytes))
                        .get();
            }
            out.println("published " + file + ": rule set " + rules.version() + ", in force from "
                    + rules.effectiveFrom() + ", to topic " + topic);
            out.flush();
            return 0;
        }
    }
}
